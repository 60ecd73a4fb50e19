"""Bulk loading: large RDF files streamed into the store with the engine's bulk loader, all or
nothing, validated resource by resource.

``interlink-kg load --bulk FILE...`` takes N-Triples, N-Quads and Turtle, gzip-compressed or
not (``.nt.gz``...). Each file is parsed as a stream by pyoxigraph and handed to the store's bulk
insert (``Store.insert_quads``) while a progress callback hears the triples and bytes read.
Triples go to the file's graph (as with ``load``); N-Quads in a named graph keep their graph.

All or nothing, crash included. The bulk loader has no transaction, so:
- when every graph of the load is new, it is written directly; when one is replaced (or may
  be: N-Quads name their graphs), every graph is written to a staging graph
  (``urn:interlink-kg:staging:...``) and all are moved onto their targets in one update at the
  end (one transaction). On the embedded store, which a bulk load holds alone, a move would
  copy triple by triple inside that transaction (~300 µs a triple at 100k INTERLINKERs): the
  commit update then only notes the load as done, and the staging graphs are copied onto their
  targets by the bulk loader after it, each copy noted so that a crash part-way is completed
  (never undone) by :func:`recover`;
- the graphs written are noted in the store settings (``bulk_pending``) before anything is
  written and forgotten only after the load is complete, so that a load that failed, or a
  process that died, is undone: on failure at once, after a crash by :func:`recover` (every
  load and every server start runs it).

Validation (unless ``validate=False``) runs after the data is in and before it counts as
loaded, on every INTERLINKER of the new graphs, in batches of :data:`VALIDATION_BATCH`: each
with the types of the resources it refers to as context. Any violation undoes the load.

Unlike ``load``, a bulk load writes no catalogue records: a file describing many INTERLINKERs
gets none with ``load`` either.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from interlink_kg import resources
from interlink_kg.curation.bulk_files import (
    CountedBytes,
    NamedReader,
    check_file,
    format_of,
    open_file,
)
from interlink_kg.curation.bulk_rebuild import rebuilding
from interlink_kg.curation.bulk_validation import (
    Progress,
    ProgressCallback,
    validate_new,
)
from interlink_kg.curation.loading import BASE_IRI_KEY, check_base, graph_name, load_files
from interlink_kg.errors import BadRequestError, ConflictError, ParseError, StoreError
from interlink_kg.finding.statistics import change_markers, refresh_statistics
from interlink_kg.model.report import ValidationReport
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store
from interlink_kg.store.changes import stamped_entry, subjects_of
from interlink_kg.store.generation import new_stamp
from interlink_kg.store.serving_record import process_alive

_LOG = logging.getLogger(__name__)
STAGING_PREFIX = INTERNAL_PREFIX + "staging:"
PENDING_KEY = "bulk_pending"
# The last bulk load that committed (written in its commit, in one transaction with the data).
COMMITS_GRAPH = INTERNAL_PREFIX + "state/bulk-commit"
_COMMITTED = INTERNAL_PREFIX + "committedLoad"
PROGRESS_EVERY = 50_000  # triples between two progress reports


@dataclass(frozen=True)
class BulkSummary:
    graphs: tuple[str, ...]  # the graphs that received triples
    triples: int  # triples read (a triple read twice counts twice; it is stored once)
    seconds: float  # the whole load: streaming, validation, commit, statistics
    validated: int  # resources checked (0 without validation)
    report: ValidationReport | None
    loading_seconds: float = 0.0  # streaming the files into the store

    @property
    def rate(self) -> float:
        """Triples read per second of streaming."""
        return self.triples / self.loading_seconds if self.loading_seconds > 0 else 0.0


class BulkInProgressError(ConflictError):
    """Another bulk load is running on this store (or one on another machine left its note)."""

    code = "bulk_load_in_progress"


@dataclass(frozen=True)
class _Note:
    """The pending note of a bulk load (in the store settings, ``bulk_pending``)."""

    token: str
    owner: str  # host:pid of the loading process
    graphs: tuple[str, ...]
    # After the commit, on a store that copies in bulk: the staging graphs still to be copied
    # onto their targets (staging, target), and those already copied (only to be dropped).
    copies: tuple[tuple[str, str], ...] = ()
    copied: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> _Note | None:
        """The note in the settings' text; None when there is none or it cannot be read."""
        try:
            loaded = json.loads(text or "{}")
            graphs = tuple(str(g) for g in loaded["graphs"])
            copies = tuple((str(a), str(b)) for a, b in loaded.get("copies", []))
            copied = tuple(str(g) for g in loaded.get("copied", []))
            return cls(str(loaded["token"]), str(loaded["owner"]), graphs, copies, copied)
        except (ValueError, KeyError, TypeError):
            return None

    def write(self, store: Store) -> None:
        value = {
            "token": self.token,
            "owner": self.owner,
            "graphs": list(self.graphs),
            "copies": [list(pair) for pair in self.copies],
            "copied": list(self.copied),
        }
        store.set_meta(PENDING_KEY, json.dumps(value))

    def alive(self) -> bool:
        """Whether the process that wrote the note may still be loading: a live process of
        this machine, or any process of another (which cannot be checked from here)."""
        host, _, pid = self.owner.rpartition(":")
        if host != socket.gethostname():
            return True
        try:
            number = int(pid)
        except ValueError:
            return False
        return number != os.getpid() and process_alive(number)


def _committed(store: Store, token: str) -> bool:
    return store.ask(query("bulk-committed", {"token": [Literal(token)]}))


@dataclass(frozen=True)
class Recovered:
    """What :func:`recover` did: the graphs of an unfinished load it dropped, or the targets of
    a committed one whose copies it completed (and those it could not: staging graph gone)."""

    dropped: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def _copy_staged(store: Store, note: _Note) -> tuple[list[str], list[str]]:
    """Copy each staging graph the note lists onto its target, then drop it; the targets
    copied, and those whose staging graph is gone. Each copy is noted as done before its
    staging graph goes, so that a crash at any point leaves a note from which doing this again
    gives the same store: a copy cut short is made again from its staging graph, which is still
    there; a copy done is only followed by its drop. A staging graph gone before its copy means
    the copy never began (they are dropped only after every copy is noted, or by an undo that
    raced the commit): its target keeps what it held, and it is reported, not waited for."""
    copied, missing = [], []
    for staging, target in note.copies:
        if staging in note.copied:
            copied.append(target)
            continue
        if not store.ask(query("graph-holds-triples", {"g": [URIRef(staging)]})):
            _LOG.warning(
                "bulk load %s: %s was not replaced (its staging graph is gone)", note.token, target
            )
            missing.append(target)
            continue
        store.copy_graph_in_bulk(staging, target)
        note = replace(note, copied=(*note.copied, staging))
        note.write(store)
        copied.append(target)
    store.drop_graphs([staging for staging, _ in note.copies])
    return copied, missing


def recover(store: Store, *, force: bool = False) -> Recovered:
    """Finish what a bulk load that died left behind. An unfinished load is undone: the graphs
    its note lists are dropped. A committed one counts: its note is cleared, after its copies
    are completed where the store copies in bulk. A note of a process that may still be loading
    is left alone (:class:`BulkInProgressError`) unless ``force``; on a store that copies in bulk
    a committed load's note is never waited for, since that store is held by one process at a
    time (whoever opened it, the loader is gone)."""
    text = store.get_meta(PENDING_KEY)
    note = _Note.parse(text)
    if note is None:
        if text not in (None, "", "{}"):
            store.set_meta(PENDING_KEY, "{}")  # an unreadable note: nothing can be undone
        return Recovered()
    committed = _committed(store, note.token)
    if committed and not note.copies:
        store.set_meta(PENDING_KEY, "{}")
        return Recovered()
    held_alone = committed and store.copies_in_bulk
    if note.alive() and not force and not held_alone:
        raise BulkInProgressError(
            f"a bulk load by {note.owner} has not finished on this store; wait for it, or, if "
            "that process is gone, "
            + ("complete" if committed else "undo")
            + " it with `interlink-kg load --recover`",
            details={"owner": note.owner},
        )
    if committed:  # it counts: its copies are completed, never undone
        copied, missing = _copy_staged(store, note)
        store.set_meta(PENDING_KEY, "{}")
        return Recovered(completed=tuple(copied), missing=tuple(missing))
    _drop_stamped(store, note.graphs)
    store.set_meta(PENDING_KEY, "{}")
    return Recovered(dropped=note.graphs)


def _drop_stamped(store: Store, graphs: Sequence[str]) -> None:
    """Drop the graphs of a load undone, then write a new content stamp and its change-log
    entry: on a SPARQL server other readers may have seen the graphs while they streamed in,
    and kept what they saw under the stamp before (conditional GET's tags, indexes built
    meanwhile). The drop comes first and alone, as the simplest write left to a store that
    just failed; a stamp that cannot be written is logged (what was kept then waits for the
    next change)."""
    base_iri = store.get_meta(BASE_IRI_KEY) or INTERNAL_PREFIX  # payloads of absolute IRIs
    try:
        subjects: set[str] | None = subjects_of(store, graphs)
    except Exception:  # then the entry says everything changed
        subjects = None
    store.drop_graphs(graphs)
    stamp = new_stamp()
    try:
        store.replace_graphs(stamped_entry(stamp, subjects, base_iri))
    except Exception:
        _LOG.exception("the undone load's graphs are dropped, but no new stamp could be written")


def check_target(target: str, base_iri: str) -> None:
    """BadRequestError unless a bulk load may write the graph ``target``."""
    if target.startswith(INTERNAL_PREFIX):
        raise BadRequestError(f"a bulk load cannot write the internal graph {target}")
    if target.startswith(base_iri + "graphs/"):
        raise BadRequestError(
            f"a bulk load cannot write {target}: the ontology, the bundled catalogue "
            "files and derived data are loaded with a plain `load`"
        )


class _Load:
    """One bulk load: where each graph is written first, and what was written."""

    def __init__(self, store: Store, base_iri: str, staged: bool) -> None:
        self.store = store
        self.base_iri = base_iri
        self.staged = staged  # everything through staging graphs, or everything direct
        self.note = _Note(secrets.token_hex(8), f"{socket.gethostname()}:{os.getpid()}", ())
        self.first: dict[str, str] = {}  # target graph -> graph written first
        self.filled: set[str] = set()  # targets that received at least one triple
        self.triples = 0

    def claim(self, graph: str) -> None:
        """Note ``graph`` as written by this load, before anything is written to it."""
        if graph not in self.note.graphs:
            self.note = _Note(self.note.token, self.note.owner, (*self.note.graphs, graph))
            self.note.write(self.store)

    def where(self, target: str) -> str:
        """The graph a target's triples go to first (noting it before anything is written)."""
        found = self.first.get(target)
        if found is None:
            check_target(target, self.base_iri)
            staging = f"{STAGING_PREFIX}{self.note.token}:{len(self.first)}"
            found = staging if self.staged else target
            self.claim(found)
            self.first[target] = found
        return found

    def quads(
        self, stream: Iterable[ox.Quad], file_graph: str, report: Callable[[int], None]
    ) -> Iterator[ox.Quad]:
        named: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, ox.NamedNode] = {}
        count = 0
        report(0)
        for quad in stream:
            graph = quad.graph_name
            target = named.get(graph)
            if target is None:
                if isinstance(graph, ox.DefaultGraph):
                    name = file_graph
                elif isinstance(graph, ox.NamedNode):
                    name = graph.value
                else:
                    raise BadRequestError("a bulk load takes named graphs by IRI only")
                target = ox.NamedNode(self.where(name))
                named[graph] = target
                self.filled.add(name)
            count += 1
            if count % PROGRESS_EVERY == 0:
                report(count)
            yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
        report(count)

    def commit(self) -> None:
        """One update, one transaction: the change markers and this load's commit, and the
        staging graphs onto their targets (``MOVE``, which fails if a staging graph went
        missing). A store that copies in bulk (the embedded one, which the load holds alone)
        gets the copies noted instead, and makes them after the commit (:meth:`complete`)."""
        moves = {
            first: target
            for target, first in self.first.items()
            if first != target and target in self.filled
        }
        commit = f"<{COMMITS_GRAPH}> <{_COMMITTED}> {json.dumps(self.note.token)} .\n".encode()
        payloads = {
            **change_markers(self.base_iri, None),
            COMMITS_GRAPH: GraphPayload(commit, NTRIPLES, self.base_iri, "bulk load commit"),
        }
        if moves and self.store.copies_in_bulk:
            self.note = replace(self.note, copies=tuple(moves.items()))
            self.note.write(self.store)
            self.store.replace_graphs(payloads)
        else:
            self.store.move_graphs(moves, then=payloads)

    def complete(self) -> None:
        """After the commit: the noted copies (a crash here is completed by :func:`recover`;
        a failure too, by the next load, the next server start or ``load --recover``)."""
        if not self.note.copies:
            return
        try:
            _copy_staged(self.store, self.note)
        except Exception as exc:
            raise StoreError(
                "the bulk load counts, but putting its graphs in place stopped "
                f"({type(exc).__name__}); `interlink-kg load --recover` completes it"
            ) from exc

    def undo(self) -> None:
        _drop_stamped(self.store, self.note.graphs)
        self.store.set_meta(PENDING_KEY, "{}")


def _stream_file(load: _Load, path: Path, base_iri: str, progress: ProgressCallback | None) -> int:
    fmt, compressed = format_of(path)
    with open_file(path) as raw:
        total = os.fstat(raw.fileno()).st_size
        counted = CountedBytes(raw)
        source: object = counted
        if compressed:
            source = gzip.GzipFile(fileobj=counted, mode="rb")  # type: ignore[call-overload]

        def report(done: int) -> None:
            if progress is not None:
                progress(Progress("loading", str(path), done, counted.count, total))

        try:
            # Each blank node gets a fresh label, unique in the store: "_:b0" of one file is
            # neither "_:b0" of another nor one already stored (both keep labels as given).
            stream = ox.parse(
                NamedReader(path, source),  # type: ignore[arg-type]
                format=fmt,
                base_iri=base_iri,
                rename_blank_nodes=True,
            )
            return load.store.insert_quads(load.quads(stream, graph_name(path, base_iri), report))
        except SyntaxError as exc:
            raise ParseError(f"{path} is not valid {fmt.name}: {exc}") from exc


def bulk_load(
    store: Store,
    paths: Sequence[Path],
    base_iri: str,
    *,
    validate: bool = True,
    progress: ProgressCallback | None = None,
) -> BulkSummary:
    """Stream ``paths`` into ``store``; all or nothing (see the module)."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    for path in paths:
        check_file(path)  # before the store is touched
    check_base(store, base_iri)
    recover(store)
    existing = set(store.data_graphs())
    targets = {graph_name(p, base_iri) for p in paths}
    for target in targets:
        check_target(target, base_iri)  # before a rebuild copies the store
    quads = any(format_of(p)[0] == ox.RdfFormat.N_QUADS for p in paths)
    # A store rebuilt beside this one without the graphs replaced, then put in its place, when
    # they are a large part of it (N-Quads name their graphs as they come: never); else all
    # through staging graphs (moved in one update at the end) when a graph is replaced or may
    # be; else all direct.
    rebuilt = None if quads else rebuilding(store, targets & existing)
    fresh = rebuilt.rebuilt_beside() if rebuilt is not None else None
    load = _Load(
        fresh or store, base_iri, staged=fresh is None and (quads or bool(targets & existing))
    )
    checked, report, loading = 0, None, 0.0
    try:
        ontology = graph_name(resources.ontology_file(), base_iri)
        if ontology not in existing:  # services need the classes; undone with the rest
            load.claim(ontology)
            load_files(load.store, [resources.ontology_file()], base_iri, validate=False)
        streamed = time.perf_counter()
        for path in paths:
            load.triples += _stream_file(load, path, base_iri, progress)
        if rebuilt is not None and fresh is not None:  # what the load keeps, in one pass
            rebuilt.copy_into(fresh)  # (a file with no triples replaces nothing: kept too)
        loading = time.perf_counter() - streamed
        if validate:
            replaced = {t for t, first in load.first.items() if first != t}
            context = sorted((existing - replaced) | set(load.first.values()) | {ontology})
            checked, report = validate_new(
                load.store, sorted(set(load.first.values())), context, base_iri, progress
            )
        load.commit()
    except BaseException:
        if rebuilt is not None and fresh is not None:
            rebuilt.discard(fresh)
        else:
            load.undo()
        raise
    # Committed: from here on nothing is undone (recover() sees the commit and completes the
    # copies, or only forgets the note; a rebuilt store's note completes its swap).
    if rebuilt is not None and fresh is not None:
        rebuilt.adopt(fresh)
    else:
        load.complete()
    store.set_meta(PENDING_KEY, "{}")
    store.set_meta(BASE_IRI_KEY, base_iri)
    refresh_statistics(store, base_iri, patient=True)
    return BulkSummary(
        tuple(sorted(load.filled)),
        load.triples,
        time.perf_counter() - started,
        checked,
        report,
        loading,
    )
