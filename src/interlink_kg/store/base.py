"""The small contract every store backend fulfils.

Data lives in named graphs, one per source (a file, later a submission); queries see the union
of the data graphs. Kept small on purpose so that a remote SPARQL 1.1 server (Graph Store
Protocol + Query/Update) can implement it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from interlink_kg.queries import query
from interlink_kg.rdf.formats import RdfFormat

# Graph names reserved for the store itself; never part of the data.
INTERNAL_PREFIX = "urn:interlink-kg:"
# A graph that never exists: the default graph of a query over an empty list of graphs.
EMPTY_GRAPH = f"{INTERNAL_PREFIX}empty"


def is_data_graph(name: str) -> bool:
    """Whether a named graph holds data (not one of the store's internal graphs)."""
    return not name.startswith(INTERNAL_PREFIX)


Row = dict[str, Node]


@dataclass(frozen=True)
class GraphPayload:
    """Serialised RDF for one named graph, parsed by the backend itself."""

    data: bytes
    format: RdfFormat
    base_iri: str
    source: str = "input"


@dataclass(frozen=True)
class Guard:
    """A write that applies only while the graphs ``present`` all hold triples and, with
    ``alone_under``, no other graph whose name starts with it holds a triple of predicate
    ``marked_by`` (found by that predicate: no walk over the store): a compare-and-set, checked
    by the store inside the write's own transaction."""

    present: tuple[str, ...]
    alone_under: str | None = None
    marked_by: str | None = None

    def __post_init__(self) -> None:
        if (self.alone_under is None) != (self.marked_by is None):
            raise ValueError("alone_under and marked_by go together")


class Store(Protocol):
    """What services may ask of a store."""

    url: str

    def data_graphs(self) -> list[str]:
        """Names of the graphs holding data (internal graphs excluded), sorted."""
        ...

    def replace_graphs(
        self,
        graphs: Mapping[str, GraphPayload],
        drop: Iterable[str] = (),
        guard: Guard | None = None,
    ) -> None:
        """Parse and put each payload in its named graph, replacing what was there, and drop
        the graphs named in ``drop``; with a ``guard``, only if it holds (else nothing).

        All or nothing: if any payload fails to parse, no graph changes.
        """
        ...

    def drop_graphs(self, names: Iterable[str]) -> None:
        """Remove the named graphs, all in one step."""
        ...

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT over the union of ``graphs``; by default over every graph, the internal
        ones too (their few triples have ``urn:interlink-kg:`` subjects, which no catalogue
        query asks about; a query over everything, such as a count, names the data graphs)."""
        ...

    def select_recent(self, query: str, graphs: Sequence[str]) -> list[Row]:
        """Run a SELECT like :meth:`select`. A store in another process may answer from its
        answer to the same query read less than ``RECENT_SECONDS`` (remote.py) ago, while
        nothing was written through this object since: for the generation stamps, asked
        before every use of an index, so what another process wrote is seen within that time
        and what this one wrote at once. The embedded store, which only this process and this
        object write, answers from the same query's answer until this object writes; a read
        through the server that holds it (held.py) always asks."""
        ...

    def select_values(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[tuple[str | None, ...]]:
        """Run a SELECT like :meth:`select`, each row as the plain text of its terms in the
        order of the query's variables (an IRI's text, a literal's lexical form, a blank node's
        label; None where unbound): for indexes that read many rows, skipping the cost of
        rdflib terms. The query must say which kind of term it returns. Each distinct text is
        one string, shared by the rows that hold it (:func:`value_rows`)."""
        ...

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool: ...

    def construct(
        self, query: str, graphs: Sequence[str] | None = None, *, into: Graph | None = None
    ) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE, added to ``into`` (a new graph of triples if
        None), which is returned: a caller that reads them beside others it holds (a page over
        the shared vocabularies) adds them once instead of copying them."""
        ...

    def describe_resources(
        self, items: Sequence[URIRef], *, published: bool = False, into: Graph | None = None
    ) -> Graph:
        """What ``queries/resource-description.rq`` gives for ``items``: every triple about
        each, and about each of its distributions, without the ranking's derived statistics;
        with ``published``, what ``queries/catalogue-page-description.rq`` gives for a
        catalogue page: that, less what no profile publishes (``ilk:target``,
        ``ilk:purpose``, ``ilk:difficulty``). Added to ``into`` (a new graph if None), which
        is returned. An embedded store read in memory (``memory:``, and ``oxigraph-mirror:``,
        which ``serve`` opens) walks its indexes, without planning a query (a page of 100
        INTERLINKERs: about half the time); read from RocksDB, where the engine batches its
        reads better, and on a SPARQL server (one round trip), the query runs."""
        ...

    def graph(self, *names: str) -> Graph:
        """Every triple of the named graphs, as one rdflib graph (empty for unknown names)."""
        ...

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        """Serialise the union of ``graphs`` (default: every data graph) as triples."""
        ...

    def dump_quads(self, graphs: Sequence[str] | None = None) -> bytes:
        """Serialise ``graphs`` (default: every data graph) as N-Quads, graph names kept."""
        ...

    def write_quads(self, path: Path, graphs: Sequence[str] | None = None) -> None:
        """Write what :meth:`dump_quads` gives to the file ``path``, streamed: the memory it
        takes does not grow with the data (the public SPARQL endpoint's snapshot of 1M
        INTERLINKERs is 13 million quads)."""
        ...

    def insert_quads(self, quads: Iterable[ox.Quad]) -> int:
        """Add parsed quads (each in a named graph) as fast as the backend can: the engine's
        bulk loader on the embedded store, large ``INSERT DATA`` batches on a SPARQL server.
        Not atomic: a caller that may fail half-way inserts into graphs it drops on failure
        (see :mod:`interlink_kg.curation.bulk`). Returns the number of quads read."""
        ...

    def move_graphs(
        self, pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None
    ) -> None:
        """Move each graph onto its target (``source -> target``), replacing the target's
        content, and put the payloads ``then`` in their graphs: all in one step, which fails
        as a whole if a source graph does not exist."""
        ...

    # Whether copy_graph_in_bulk replaces a large graph faster than move_graphs: the embedded
    # store, where a move copies triple by triple inside one transaction (~300 µs a triple at
    # 100k INTERLINKERs) and a bulk load holds the store alone. A SPARQL server moves in one
    # update, which its other readers never see half done.
    copies_in_bulk: bool

    def copy_graph_in_bulk(self, source: str, target: str) -> None:
        """Empty ``target`` and copy the triples of ``source`` into it through the engine's bulk
        loader. No transaction: a crash may leave ``target`` half written, so the caller notes
        the copy first and does it again after a crash (:mod:`interlink_kg.curation.bulk`).
        Only where :attr:`copies_in_bulk`."""
        ...

    def derive(
        self,
        graph: str,
        construct: str,
        subjects: Iterable[str] | None = None,
        then: Mapping[str, GraphPayload] | None = None,
        drop: Iterable[str] = (),
        guard: Guard | None = None,
        *,
        patient: bool = False,
    ) -> None:
        """In ``graph``, replace the triples of ``subjects`` (IRIs; None: all of them) by those
        the CONSTRUCT query ``construct`` gives, computed by the store itself (nothing is read
        back, so the derived graph may be as large as the data), then drop ``drop`` and put the
        payloads ``then`` in their graphs: all in one step (for derived data such as the
        statistics); with a ``guard``, only if it holds (else nothing). The query runs as a
        SPARQL Update's ``WHERE``: over the store's own default graph, so its patterns name
        their graphs (``GRAPH ?g``); its form: :func:`~interlink_kg.store.updates.construct_parts`.
        A whole graph derived may take minutes on a large store: ``patient`` lets the remote
        store wait its long timeout (after a load, at start-up; never on a request thread)."""
        ...

    def get_meta(self, key: str) -> str | None:
        """A store-level setting recorded at load time (such as the base IRI)."""
        ...

    def set_meta(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class Rebuilding(Protocol):
    """A store that can replace graphs by building a new store beside itself and taking its
    place (:mod:`interlink_kg.store.rebuild`): faster than deleting when the graphs replaced
    are a large part of it. Where :attr:`rebuilds`."""

    rebuilds: bool

    def rebuilt_beside(self) -> Store:
        """A new, empty store beside this one."""
        ...

    def copy_into(self, fresh: Store) -> None:
        """Copy into ``fresh`` every graph of this store it does not hold, as it is."""
        ...

    def adopt(self, fresh: Store) -> None:
        """Put ``fresh`` (from :meth:`rebuilt_beside`) in this store's place."""
        ...

    def discard(self, fresh: Store) -> None:
        """Throw ``fresh`` away; this store stays as it was."""
        ...


Term = ox.NamedNode | ox.BlankNode | ox.Literal


def row_keeper() -> Callable[[Iterable[Term | None]], tuple[str | None, ...]]:
    """A function giving a row of :meth:`Store.select_values` from its terms, in order: each
    distinct text kept once across every row it makes. The indexes read millions of rows in
    which an identifier or a facet's value recurs: at 1M INTERLINKERs a string of its own per
    term took gigabytes."""
    kept: dict[str, str] = {}
    keep = kept.setdefault

    def row(terms: Iterable[Term | None]) -> tuple[str | None, ...]:
        return tuple(None if term is None else keep(text := term.value, text) for term in terms)

    return row


def value_rows(solutions: Iterable[Iterable[Term | None]]) -> list[tuple[str | None, ...]]:
    """The rows of :meth:`Store.select_values` from ``solutions``, each iterating its terms in
    the order of the query's variables (:func:`row_keeper`)."""
    row = row_keeper()
    return [row(solution) for solution in solutions]


def description_query(items: Sequence[URIRef], *, published: bool) -> str:
    """The query :meth:`Store.describe_resources` answers for ``items``, for the backends
    that run it."""
    name = "catalogue-page-description" if published else "resource-description"
    return query(name, {"item": list(items)})
