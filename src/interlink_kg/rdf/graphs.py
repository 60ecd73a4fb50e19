"""The rdflib graph the library builds for reading and publishing: triples only, indexed for
lookups.

rdflib's default in-memory store keeps, for every triple, the set of contexts it belongs to, and
each lookup passes through three generator layers (``Graph.objects``, ``Graph.triples``, the
store's ``triples`` with a generator of contexts per answer); ``Graph.add`` checks every term's
class through ``abc``. The graphs read from a store and the published views never use contexts.
:class:`IndexedGraph` is an rdflib ``Graph`` whose store (:class:`IndexedStore`, an rdflib store
plugin like ``SimpleMemory``, which it extends) keeps two nested-dictionary indexes; the graph
answers lookups from them directly and adds without the class checks (so a stray ``None``
would be stored: the library's callers are typed to pass terms). rdflib's serialisers, SPARQL,
graph arithmetic and isomorphism go through the store interface and see the same triples. As
with ``SimpleMemory``, the parsers that wrap their target in a dataset (JSON-LD, TriG, N-Quads)
refuse it, and pySHACL is handed a context-aware copy (``validation/results.py``). A lookup or
an add costs about a fifth of ``SimpleMemory``'s through ``Graph`` (2.4 -> 0.5 µs, measured
with 1,700 triples); a DCAT-AP page of 100 INTERLINKERs makes about 11,000 of them
(``bench/catalogue_bench.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from rdflib import Graph
from rdflib.paths import Path
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from interlink_kg.vocab import RDF

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]
_Index = dict[Node, dict[Node, dict[Node, None]]]


class IndexedStore(SimpleMemory):
    """Triples in two indexes, ``spo[s][p][o]`` and ``pos[p][o][s]`` (insertion-ordered), and
    a count. Namespace bindings are ``SimpleMemory``'s. Contexts are not kept (as there).

    Over a ``base`` store, the triples are the base's and this store's own: adding a triple of
    the base changes nothing, removing one is refused, and the base is only ever read (it may
    be shared by several stores at once)."""

    def __init__(self, *, base: IndexedStore | None = None) -> None:
        super().__init__()
        self.spo: _Index = {}
        self.pos: _Index = {}
        self.own = 0
        self.base = base

    @property
    def size(self) -> int:
        return self.own + (self.base.size if self.base is not None else 0)

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        if self.base is not None and self.base.holds(s, p, o):
            return
        objects = self.spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self.pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self.own += 1

    def holds(self, s: Node, p: Node, o: Node) -> bool:
        """Whether the triple is in this store (or its base)."""
        objects = self.spo.get(s, {}).get(p)
        if objects is not None and o in objects:
            return True
        return self.base is not None and self.base.holds(s, p, o)

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> None:  # noqa: N802
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def remove(self, triple_pattern: Pattern, context: Any = None) -> None:
        if self.base is not None and next(self.base.match(triple_pattern), None) is not None:
            raise ValueError("the triples of a graph's shared base cannot be removed through it")
        for s, p, o in list(self._match_own(triple_pattern)):
            by_predicate = self.spo[s]
            del by_predicate[p][o]
            if not by_predicate[p]:
                del by_predicate[p]
                if not by_predicate:
                    del self.spo[s]
            by_object = self.pos[p]
            del by_object[o][s]
            if not by_object[o]:
                del by_object[o]
                if not by_object:
                    del self.pos[p]
            self.own -= 1

    def triples(
        self, triple_pattern: Pattern, context: Any = None
    ) -> Iterator[tuple[Triple, Iterator[Any]]]:
        for triple in self.match(triple_pattern):
            yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return self.size

    def match(self, pattern: Pattern) -> Iterator[Triple]:
        """The triples matching ``pattern`` (None: any term): the base's, then this store's.
        (Not a generator itself: every layer of generators costs each lookup.)"""
        if self.base is None:
            return self._match_own(pattern)
        return chain(self.base.match(pattern), self._match_own(pattern))

    def objects_of(self, s: Node, p: Node) -> Iterator[Node]:
        """The objects of the triples with subject ``s`` and predicate ``p``."""
        own = self.spo.get(s, {}).get(p, ())
        if self.base is None:
            return iter(own)
        return chain(self.base.objects_of(s, p), own)

    def subjects_of(self, p: Node, o: Node) -> Iterator[Node]:
        """The subjects of the triples with predicate ``p`` and object ``o``."""
        own = self.pos.get(p, {}).get(o, ())
        if self.base is None:
            return iter(own)
        return chain(self.base.subjects_of(p, o), own)

    def _match_own(self, pattern: Pattern) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None:
            by_predicate = self.spo.get(s)
            if by_predicate is None:
                return
            if p is not None:
                objects = by_predicate.get(p)
                if objects is None:
                    return
                if o is not None:
                    if o in objects:
                        yield s, p, o
                    return
                for value in objects:
                    yield s, p, value
                return
            for predicate, objects in by_predicate.items():
                if o is None:
                    for value in objects:
                        yield s, predicate, value
                elif o in objects:
                    yield s, predicate, o
            return
        if p is not None:
            by_object = self.pos.get(p)
            if by_object is None:
                return
            if o is not None:
                for subject in by_object.get(o, ()):
                    yield subject, p, o
                return
            for value, subjects in by_object.items():
                for subject in subjects:
                    yield subject, p, value
            return
        # Only the object given (or nothing): each predicate in turn, from a list of them, so that
        # adding a triple with a new predicate while reading is as safe as for the other patterns.
        for predicate in list(self.pos):
            yield from self._match_own((None, predicate, o))


class IndexedGraph(Graph):
    """An rdflib graph of triples over an :class:`IndexedStore`, answering lookups from its
    indexes. Adding trusts its caller to pass rdflib terms (the library's code is typed so).

    ``over``: a graph whose triples (not its prefixes) this one starts with, read in place,
    never copied or changed (see :class:`IndexedStore`); it must not change while this graph
    is used."""

    _index: IndexedStore

    def __init__(self, over: IndexedGraph | None = None) -> None:
        self._index = IndexedStore(base=over._index if over is not None else None)
        super().__init__(store=self._index)

    def add(self, triple: Triple) -> IndexedGraph:
        self._index.add(triple)
        return self

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> IndexedGraph:  # noqa: N802
        add = self._index.add
        for s, p, o, context in quads:
            if isinstance(context, Graph) and context.identifier is self.identifier:
                add((s, p, o))
        return self

    def triples(self, triple: Any) -> Iterator[Any]:  # type: ignore[override]
        s, p, o = triple
        if isinstance(p, Path):
            return ((subject, p, value) for subject, value in p.eval(self, s, o))
        return self._index.match((s, p, o))

    def objects(  # type: ignore[override]
        self, subject: Any = None, predicate: Any = None, unique: bool = False
    ) -> Iterator[Any]:
        if subject is None or predicate is None or unique or not _plain(subject, predicate):
            return super().objects(subject, predicate, unique)
        return self._index.objects_of(subject, predicate)

    def subjects(  # type: ignore[override]
        self, predicate: Any = None, object: Any = None, unique: bool = False
    ) -> Iterator[Any]:
        if predicate is None or object is None or unique or not _plain(object, predicate):
            return super().subjects(predicate, object, unique)
        return self._index.subjects_of(predicate, object)

    def value(
        self,
        subject: Any = None,
        predicate: Any = RDF.value,
        object: Any = None,
        default: Any = None,
        any: bool = True,
    ) -> Any:
        if object is not None or subject is None or predicate is None or not any:
            return super().value(subject, predicate, object, default, any)
        return next(self.objects(subject, predicate), default)

    def __contains__(self, triple: Any) -> bool:
        for _ in self.triples(triple):
            return True
        return False

    def __len__(self) -> int:
        return self._index.size


def _plain(term: Any, predicate: Any) -> bool:
    """Whether a lookup's terms are single terms (not a list of them, not a property path),
    which the indexes answer directly."""
    return not isinstance(term, list) and not isinstance(predicate, Path)


def over(graph: Graph) -> Graph:
    """A new graph that starts with the triples of ``graph`` (which stays as it is and must
    not change while the new one is used): read in place if it is an :class:`IndexedGraph`,
    else copied."""
    if isinstance(graph, IndexedGraph):
        return IndexedGraph(over=graph)
    copied = IndexedGraph()
    copied += graph
    return copied


def triples_graph() -> Graph:
    """An empty graph of triples (never quads), indexed for lookups."""
    return IndexedGraph()
