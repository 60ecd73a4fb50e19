"""The embedded Oxigraph backend (pyoxigraph), on disk or in memory.

Atomic replacement: every payload is parsed first (a syntax error stops everything before the
store is touched); then one SPARQL Update drops each target graph and inserts its new triples.
One update is one transaction, so readers see either the old graphs or the new ones. The
triples in the update are written by pyoxigraph's own term serialiser from parsed terms.

Queries run over the union of the named graphs (Oxigraph's ``use_default_graph_as_union``,
much faster than listing graphs); nothing else is kept in the store, and store settings live
in a small JSON file beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from interlink_kg.errors import BadRequestError, StoreError
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.parse import graph_of, solution_row
from interlink_kg.store import rebuild, updates
from interlink_kg.store.base import (
    EMPTY_GRAPH,
    GraphPayload,
    Guard,
    Row,
    Store,
    description_query,
    is_data_graph,
    value_rows,
)
from interlink_kg.store.folder_lock import FolderLock, in_use
from interlink_kg.store.recent import RecentAnswers
from interlink_kg.store.settings_file import read_settings, settings_path, write_settings
from interlink_kg.vocab import DCAT, ILK

_iri = updates.graph_node
# What queries/resource-description.rq follows and leaves out, for the same description read
# from the indexes (tests/test_store.py holds the two to the same answers).
_DISTRIBUTION = ox.NamedNode(str(DCAT.distribution))
_DERIVED = frozenset({ox.NamedNode(str(ILK.problemCount)), ox.NamedNode(str(ILK.interlinkerCount))})
# ... and what queries/catalogue-page-description.rq also leaves out (what no profile publishes).
_NOT_ON_PAGES = _DERIVED | {ox.NamedNode(str(p)) for p in (ILK.target, ILK.purpose, ILK.difficulty)}


def _dataset(default: Sequence[str], named: Sequence[str]) -> dict[str, object]:
    """A query's dataset as pyoxigraph takes it; no default graph given: an empty one."""
    return {
        "default_graph": [_iri(g) for g in default] or [ox.NamedNode(EMPTY_GRAPH)],
        "named_graphs": [_iri(g) for g in named],
    }


class OxigraphStore:
    """A :class:`~interlink_kg.store.base.Store` over a ``pyoxigraph.Store``."""

    def __init__(self, path: Path | None, *, locked: bool = True) -> None:
        """Open the store at ``path`` (in memory: None), first taking its lock
        (:mod:`interlink_kg.store.folder_lock`) unless ``locked`` is False (a rebuild's new
        store, covered by the lock of the store it is built beside)."""
        self.path = path
        self.url = f"oxigraph:{path}" if path is not None else "memory:"
        self._lock = FolderLock(path, self.url) if path is not None and locked else None
        try:
            self._meta_path = settings_path(path) if path is not None else None
            self._meta: dict[str, str] = (
                read_settings(self._meta_path) if self._meta_path is not None else {}
            )
            self._store = self._open()
            phase = self._meta.get(rebuild.NOTE_KEY)
            if path is not None and phase:  # a rebuild a dead process left; this one holds it
                self._settle_left_rebuild(phase)
            elif path is not None and locked:  # one that died removing the old folder
                rebuild.remove_retired(path)
        except BaseException:
            self.__dict__.pop("_store", None)
            self._release()
            raise
        self._recent = RecentAnswers()  # for select_recent: until this object writes
        # Reads in memory walk the indexes for a page's descriptions; reads from RocksDB let
        # the engine batch them (its query: 82 ms a page at 100k, the walk 92 ms).
        self._reads_in_memory = path is None

    def _settle_left_rebuild(self, phase: str) -> None:
        try:
            self._settle_rebuild(phase)
        except OSError as exc:
            assert self.path is not None
            raise StoreError(
                f"cannot open store: a bulk load's rebuild left by a process that ended could "
                f"not be {'completed' if phase == rebuild.SWAPPING else 'undone'} ({exc}). "
                + (
                    f"Put {rebuild.fresh_folder(self.path)} in place of {self.path} by hand"
                    if phase == rebuild.SWAPPING
                    else f"Remove {rebuild.fresh_folder(self.path)} by hand"
                )
                + f', then set "{rebuild.NOTE_KEY}" to "" in {self._meta_path}',
                details={"store": self.url},
            ) from exc

    def _settle_rebuild(self, phase: str) -> None:
        """Undo (``building``) or complete (``swapping``) a rebuild, reopen, clear its note,
        then remove the old folder. The store's lock is held throughout; the engine's is
        dropped for the renames (it knows its lock by path)."""
        assert self.path is not None
        del self._store
        try:
            rebuild.settle(self.path, phase)
        finally:
            if self.path.is_dir():  # the old store or the new, whichever is in place
                self._store = self._open()
        self.set_meta(rebuild.NOTE_KEY, "")
        rebuild.remove_retired(self.path)

    def _open(self) -> ox.Store:
        path = self.path
        try:
            return ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise in_use(path, self.url) from exc
            raise StoreError(f"cannot open store: {exc}", details={"store": self.url}) from exc

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    # -- graphs -----------------------------------------------------------------------------

    def _named(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def data_graphs(self) -> list[str]:
        return sorted(filter(is_data_graph, self._named()))

    def replace_graphs(
        self,
        graphs: Mapping[str, GraphPayload],
        drop: Iterable[str] = (),
        guard: Guard | None = None,
    ) -> None:
        update = updates.replacing(graphs, drop, guard)
        if update:
            self._apply(update)

    def _apply(self, update: str) -> None:
        try:
            self._write(update)
        finally:
            self._recent.wrote()

    def _write(self, update: str) -> None:
        """Apply one SPARQL Update (one transaction)."""
        self._store.update(update)

    def drop_graphs(self, names: Iterable[str]) -> None:
        update = updates.dropping(names)
        if update:
            self._apply(update)

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
        self._apply(updates.deriving(graph, construct, subjects, then, drop, guard))

    def move_graphs(
        self, pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None
    ) -> None:
        update = updates.moving(pairs, then)
        if update:
            self._apply(update)

    copies_in_bulk = True

    def copy_graph_in_bulk(self, source: str, target: str) -> None:
        """``clear_graph``, then ``bulk_extend`` with the source's quads renamed (read from
        the disk, whose iterator is a snapshot of the store as it was)."""
        name = _iri(target)
        try:
            self._clear_graph(name)
            found = self._reader().quads_for_pattern(None, None, None, _iri(source))
            self._bulk_extend(ox.Quad(q.subject, q.predicate, q.object, name) for q in found)
        finally:
            self._recent.wrote()

    @property
    def rebuilds(self) -> bool:
        """Whether :meth:`rebuilt_beside` can replace graphs here: a store on disk, held by
        the process that loads (not the server's mirrored one), in a folder that renaming
        moves (not a link, not a mount point, on its parent's file system)."""
        return self.path is not None and rebuild.renamable(self.path)

    def rebuilt_beside(self) -> OxigraphStore:
        """A new, empty store beside this one: written to by a bulk load, given every graph
        of this one that the load did not write (:meth:`copy_into`), then put in this one's
        place (:meth:`adopt`) or thrown away (:meth:`discard`). Its settings are a copy of
        this one's, kept in memory."""
        assert self.path is not None
        assert self.rebuilds
        self.set_meta(rebuild.NOTE_KEY, rebuild.BUILDING)
        try:
            rebuild.discard(self.path)
            fresh = OxigraphStore(rebuild.fresh_folder(self.path), locked=False)
        except BaseException:
            rebuild.discard(self.path)
            self.set_meta(rebuild.NOTE_KEY, "")
            raise
        fresh._meta_path, fresh._meta = None, dict(self._meta)
        fresh._meta.pop(rebuild.NOTE_KEY, None)
        return fresh

    def copy_into(self, fresh: Store) -> None:
        """Copy into ``fresh`` every graph of this store that it does not hold, as it is, in
        one pass (one bulk load: a blank node two graphs share stays one node)."""
        assert self.path is not None
        assert isinstance(fresh, OxigraphStore)
        written = set(fresh._named())
        try:
            kept = [g for g in self._named() if g not in written]
            rebuild.copy_graphs(self._store, fresh._store, kept, beside=self.path)
        finally:
            fresh._recent.wrote()

    def adopt(self, fresh: Store) -> None:
        """Put ``fresh`` (from :meth:`rebuilt_beside`) in this store's place: from the moment
        the note says so, a crash is completed, never undone (by the next to open the store,
        as a failure here is)."""
        assert self.path is not None
        assert isinstance(fresh, OxigraphStore)
        fresh.close()
        self._recent.wrote()
        noted = False
        try:
            self.set_meta(rebuild.NOTE_KEY, rebuild.SWAPPING)
            noted = True
            self._settle_rebuild(rebuild.SWAPPING)
        except BaseException as exc:
            # The old store may be open under a note that may replace it: no writes from here.
            self.__dict__.pop("_store", None)
            if not isinstance(exc, (OSError, StoreError)):
                raise
            outcome = (
                "the bulk load counts, but the rebuilt store could not take its place"
                if noted
                else "the bulk load could not note its rebuilt store as complete"
            )
            raise StoreError(
                f"{outcome} ({exc}); "
                + ("it does" if noted else "whether it counts is settled")
                + " when the store is next opened",
                details={"store": self.url},
            ) from exc

    def discard(self, fresh: Store) -> None:
        """Throw ``fresh`` away; this store stays as it was."""
        assert self.path is not None
        assert isinstance(fresh, OxigraphStore)
        try:
            fresh.close()
        finally:
            rebuild.discard(self.path)
            self.set_meta(rebuild.NOTE_KEY, "")

    def _reader(self) -> ox.Store:
        return self._store

    def _clear_graph(self, name: ox.NamedNode) -> None:
        self._store.clear_graph(name)

    def insert_quads(self, quads: Iterable[ox.Quad]) -> int:
        """pyoxigraph's bulk loader (``bulk_extend``): no transaction, no undo log."""
        counted = _Counted(quads)
        try:
            self._bulk_extend(counted)
        finally:
            self._recent.wrote()
        return counted.count

    def _bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        self._store.bulk_extend(quads)

    # -- queries ----------------------------------------------------------------------------

    def _query(self, query: str, graphs: Sequence[str] | None) -> object:
        union: dict[str, object] = {"use_default_graph_as_union": True}
        options = union if graphs is None else _dataset(graphs, graphs)
        try:
            return self._store.query(query, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise StoreError(f"invalid SPARQL query: {exc}") from exc

    def answer(
        self, query: str, *, union: bool, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[bytes, str]:
        """A query as the SPARQL 1.1 Protocol answers it, serialised by the engine: SPARQL JSON
        results, or N-Triples for CONSTRUCT/DESCRIBE; with its media type. The dataset is the
        union of the named graphs (``union``), the graphs given, or the engine's own default.
        For the server's local store access (:mod:`interlink_kg.store.held`)."""
        options: dict[str, object] = {}
        if union:
            options["use_default_graph_as_union"] = True
        elif default_graphs or named_graphs:
            options = _dataset(default_graphs, named_graphs)
        try:
            result = self._store.query(query, **options)  # type: ignore[arg-type]
            if isinstance(result, ox.QueryTriples):
                triples = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
                return triples, "application/n-triples"
            return (
                result.serialize(format=ox.QueryResultsFormat.JSON) or b"",
                "application/sparql-results+json",
            )
        except SyntaxError as exc:
            raise BadRequestError(f"invalid SPARQL query: {exc}") from exc
        except (OSError, RuntimeError) as exc:  # the evaluation failed half-way
            raise StoreError(f"the query failed: {exc}") from exc

    def select(self, query: str, graphs: Sequence[str] | None = None) -> list[Row]:
        solutions = self._query(query, graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in solutions.variables]
        return [solution_row(solution, names) for solution in solutions]

    def select_recent(self, query: str, graphs: Sequence[str]) -> list[Row]:
        """Only this process writes to this store (one process opens it; the CLI's writes are
        refused while the server holds it), and only through this object: an answer stays
        true until this object writes."""
        return self._recent.answer((query, tuple(graphs)), lambda: self.select(query, graphs))

    def select_values(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[tuple[str | None, ...]]:
        solutions = self._query(query, graphs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        # A solution iterates its terms in the order of the query's variables (faster than by
        # name: these reads are the bulk of an index build).
        return value_rows(solutions)

    def ask(self, query: str, graphs: Sequence[str] | None = None) -> bool:
        answer = self._query(query, graphs)
        if not isinstance(answer, ox.QueryBoolean):
            raise StoreError("expected an ASK query")
        return bool(answer)

    def graph(self, *names: str) -> Graph:
        return graph_of(
            quad
            for name in names
            for quad in self._store.quads_for_pattern(None, None, None, _iri(name))
        )

    def construct(
        self, query: str, graphs: Sequence[str] | None = None, *, into: Graph | None = None
    ) -> Graph:
        triples = self._query(query, graphs)
        if not isinstance(triples, ox.QueryTriples):
            raise StoreError("expected a CONSTRUCT or DESCRIBE query")
        return graph_of(triples, into=into)

    def describe_resources(
        self, items: Sequence[URIRef], *, published: bool = False, into: Graph | None = None
    ) -> Graph:
        if self._reads_in_memory or not items:
            return graph_of(self._description_quads(items, published), into=into)
        return self.construct(description_query(items, published=published), into=into)

    def _description_quads(self, items: Sequence[URIRef], published: bool) -> Iterator[ox.Quad]:
        """The quads about each of ``items`` and its distributions, in every graph (the union
        the queries read), the derived statistics left out (and, if ``published``, what no
        profile publishes: a catalogue page's read); a triple held in two graphs comes twice
        (the graph it is added to keeps it once). Each lookup reads the store as it is then: a
        write landing meanwhile may show in part, as it may between a page's other reads."""
        about = self._store.quads_for_pattern
        left_out = _NOT_ON_PAGES if published else _DERIVED
        for item in items:
            for quad in about(ox.NamedNode(item), None, None, None):
                predicate = quad.predicate
                if predicate in left_out:
                    continue
                yield quad
                distribution = quad.object
                if predicate == _DISTRIBUTION and not isinstance(distribution, ox.Literal):
                    for described in about(distribution, None, None, None):
                        if described.predicate not in left_out:
                            yield described

    def dump(self, fmt: RdfFormat, graphs: Sequence[str] | None = None) -> bytes:
        names = self.data_graphs() if graphs is None else list(graphs)
        seen: set[ox.Triple] = set()
        for name in names:
            for quad in self._store.quads_for_pattern(None, None, None, _iri(name)):
                seen.add(quad.triple)
        out = ox.serialize(sorted(seen, key=str), format=fmt.oxigraph)
        return out if isinstance(out, bytes) else b""

    def dump_quads(self, graphs: Sequence[str] | None = None) -> bytes:
        out = ox.serialize(self._quads_of(graphs), format=ox.RdfFormat.N_QUADS)
        return out if isinstance(out, bytes) else b""

    def write_quads(self, path: Path, graphs: Sequence[str] | None = None) -> None:
        ox.serialize(self._quads_of(graphs), output=str(path), format=ox.RdfFormat.N_QUADS)

    def _quads_of(self, graphs: Sequence[str] | None) -> Iterator[ox.Quad]:
        """The quads of ``graphs`` (default: every data graph), one at a time."""
        names = self.data_graphs() if graphs is None else list(graphs)
        for name in names:
            yield from self._store.quads_for_pattern(None, None, None, _iri(name))

    # -- settings ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        """Written to a new file, synced to disk, renamed over the settings file: a crash or
        a power loss leaves the old settings or the new ones (a bulk load's pending note
        relies on it)."""
        self._meta[key] = value
        if self._meta_path is not None:
            write_settings(self._meta_path, self._meta)

    def optimize(self) -> None:
        """Compact the on-disk store after a bulk change (see the engine notes)."""
        if self.path is not None:
            self._store.optimize()

    def close(self) -> None:
        """Flush and drop the engine's handle, then the store's lock (closing twice, or after
        a swap that failed half-way, does nothing more)."""
        store = self.__dict__.pop("_store", None)
        try:
            if store is not None:
                store.flush()
        finally:
            del store  # the engine's handle before the lock: no one taking it finds the engine's
            self._release()


class _Counted:
    """An iterable of quads that counts what was taken from it (and checks the graphs)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._quads = quads
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        for quad in self._quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError("a bulk insert names the graph of every triple")
            self.count += 1
            yield quad


def open_oxigraph(rest: str) -> OxigraphStore:
    if not rest.strip():
        raise StoreError("oxigraph: store URL needs a folder, e.g. oxigraph:/var/lib/interlink-kg")
    path = Path(rest).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return OxigraphStore(path)


def open_memory(rest: str) -> OxigraphStore:
    return OxigraphStore(None)
