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
  end (one transaction);
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
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef

from interlink_kg import resources
from interlink_kg.curation.loading import (
    BASE_IRI_KEY,
    InvalidDataError,
    check_base,
    graph_name,
    load_files,
)
from interlink_kg.errors import BadRequestError, ParseError
from interlink_kg.finding.statistics import change_markers, refresh_statistics
from interlink_kg.model.report import ValidationReport, ValidationResult
from interlink_kg.queries import query
from interlink_kg.store.base import INTERNAL_PREFIX, Store
from interlink_kg.validation.engine import validator

STAGING_PREFIX = INTERNAL_PREFIX + "staging:"
PENDING_KEY = "bulk_pending"
VALIDATION_BATCH = 250  # INTERLINKERs validated together
MAX_REPORTED = 200  # results kept in the report of a failed bulk validation
_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
}
PROGRESS_EVERY = 50_000  # triples between two progress reports


@dataclass(frozen=True)
class Progress:
    """Where a bulk load is: ``stage`` is "loading" or "validating"."""

    stage: str
    source: str
    done: int  # triples read (loading) or INTERLINKERs checked (validating)
    bytes_read: int = 0
    total_bytes: int = 0
    total: int = 0  # INTERLINKERs to check (validating)


ProgressCallback = Callable[[Progress], None]


class BulkInvalidError(InvalidDataError):
    """Some INTERLINKERs of a bulk load break the shapes; nothing was loaded."""

    def __init__(self, report: ValidationReport, checked: int, total: int, cut: bool) -> None:
        super().__init__(report)
        bad = len({r.focus_node for r in report.violations})
        self.message = (
            f"{'at least ' if cut else ''}{len(report.violations)} violation(s) of the "
            f"{report.shapes_name} shapes in {bad} of the {checked} INTERLINKERs checked"
            f"{f' (of {total}; checking stops after {MAX_REPORTED} violations)' if cut else ''}"
            "; nothing was loaded"
        )


@dataclass(frozen=True)
class BulkSummary:
    graphs: tuple[str, ...]
    triples: int
    seconds: float
    validated: int  # INTERLINKERs checked (0 without validation)
    report: ValidationReport | None

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else 0.0


class _CountingReader:
    """A binary file that counts the compressed bytes read from the disk."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self.count += len(chunk)
        return chunk

    def readable(self) -> bool:
        return True


def format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of a bulk file and whether it is gzip-compressed (by its suffixes)."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes = suffixes[:-1]
    fmt = _FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise BadRequestError(
            f"{path}: a bulk load takes N-Triples (.nt), N-Quads (.nq) or Turtle (.ttl), "
            "optionally gzip-compressed (.gz)",
            details={"file": str(path)},
        )
    return fmt, compressed


def recover(store: Store) -> list[str]:
    """Undo a bulk load that did not finish (the process died): drop the graphs it noted and
    every staging graph. Returns the graphs dropped."""
    noted = store.get_meta(PENDING_KEY)
    pending: list[str] = []
    if noted:
        try:
            loaded = json.loads(noted)
            pending = [str(g) for g in loaded] if isinstance(loaded, list) else []
        except ValueError:
            pending = []
    staging = [
        str(r["g"])
        for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        if str(r["g"]).startswith(STAGING_PREFIX)
    ]
    dropped = sorted(set(pending) | set(staging))
    if dropped:
        store.drop_graphs(dropped)
    if noted:
        store.set_meta(PENDING_KEY, "[]")
    return dropped


class _Load:
    """One bulk load: where each graph is written first, and what was written."""

    def __init__(self, store: Store, staged: bool) -> None:
        self.store = store
        self.staged = staged  # everything through staging graphs, or everything direct
        self.token = secrets.token_hex(6)
        self.first: dict[str, str] = {}  # target graph -> graph written first
        self.triples = 0

    def where(self, target: str) -> str:
        """The graph a target's triples go to first (noting it before anything is written)."""
        found = self.first.get(target)
        if found is None:
            if target.startswith(INTERNAL_PREFIX):
                raise BadRequestError(f"a bulk load cannot write the internal graph {target}")
            found = f"{STAGING_PREFIX}{self.token}:{len(self.first)}" if self.staged else target
            self.first[target] = found
            self.store.set_meta(PENDING_KEY, json.dumps(sorted(self.first.values())))
        return found

    def quads(
        self, stream: Iterable[ox.Quad], file_graph: str, report: Callable[[int], None]
    ) -> Iterator[ox.Quad]:
        default = ox.NamedNode(self.where(file_graph))
        named: dict[ox.NamedNode | ox.BlankNode, ox.NamedNode] = {}
        count = 0
        report(0)
        for quad in stream:
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                target = default
            else:
                known = named.get(graph)
                if known is None:
                    if not isinstance(graph, ox.NamedNode):
                        raise BadRequestError("a bulk load takes named graphs by IRI only")
                    known = ox.NamedNode(self.where(graph.value))
                    named[graph] = known
                target = known
            count += 1
            if count % PROGRESS_EVERY == 0:
                report(count)
            yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
        report(count)

    def undo(self) -> None:
        self.store.drop_graphs(self.first.values())
        self.store.set_meta(PENDING_KEY, "[]")


def _stream_file(load: _Load, path: Path, base_iri: str, progress: ProgressCallback | None) -> int:
    fmt, compressed = format_of(path)
    try:
        raw = path.open("rb")
    except FileNotFoundError as exc:
        raise BadRequestError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise BadRequestError(f"{path} is a folder, not a file") from exc
    total = path.stat().st_size
    with raw:
        counter = _CountingReader(raw)
        source: object = gzip.GzipFile(fileobj=counter, mode="rb") if compressed else counter  # type: ignore[call-overload]

        def report(done: int) -> None:
            if progress is not None:
                progress(Progress("loading", str(path), done, counter.count, total))

        try:
            stream = ox.parse(source, format=fmt, base_iri=base_iri)  # type: ignore[arg-type]
            return load.store.insert_quads(load.quads(stream, graph_name(path, base_iri), report))
        except SyntaxError as exc:
            raise ParseError(f"{path} is not valid {fmt.name}: {exc}") from exc
        except (OSError, EOFError) as exc:  # a broken gzip stream
            raise ParseError(f"{path} cannot be read: {exc}") from exc


def _validate(
    store: Store, graphs: list[str], base_iri: str, progress: ProgressCallback | None
) -> tuple[int, ValidationReport]:
    """Validate every INTERLINKER of ``graphs``, a batch at a time; BulkInvalidError on the
    first :data:`MAX_REPORTED` violations (or all, if fewer)."""
    engine = validator(base_iri)
    items = sorted(str(r["item"]) for r in store.select(query("interlinker-keys"), graphs=graphs))
    results: list[ValidationResult] = []
    violations = 0
    shapes_name = shapes_version = ""
    for start in range(0, len(items), VALIDATION_BATCH):
        batch = [URIRef(i) for i in items[start : start + VALIDATION_BATCH]]
        data = store.construct(query("bulk-descriptions", {"item": batch}), graphs=graphs)
        referenced = sorted({o for o in data.objects() if isinstance(o, URIRef)})
        context = Graph()
        if referenced:
            context = store.construct(query("bulk-context", {"ref": referenced}))
        report = engine.validate(data, context=context)
        shapes_name, shapes_version = report.shapes_name, report.shapes_version
        violations += len(report.violations)
        room = MAX_REPORTED - len(results)
        if room > 0:
            results.extend(report.violations[:room])
        if progress is not None:
            done = min(start + VALIDATION_BATCH, len(items))
            progress(Progress("validating", "", done, total=len(items)))
        checked = min(start + VALIDATION_BATCH, len(items))
        if len(results) >= MAX_REPORTED:
            break
    else:
        checked = len(items)
    report = ValidationReport(shapes_name, shapes_version, tuple(results))
    if results:
        raise BulkInvalidError(report, checked, len(items), cut=checked < len(items))
    return checked, report


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
    check_base(store, base_iri)
    recover(store)
    existing = set(store.data_graphs())
    ontology = resources.ontology_file()
    if graph_name(ontology, base_iri) not in existing:
        load_files(store, [ontology], base_iri, validate=False)  # services need the classes
        existing = set(store.data_graphs())
    # All through staging graphs (moved in one update at the end) when a graph is replaced or
    # may be (N-Quads name their own graphs); else all direct. Never a mix: a crash between
    # the move and forgetting the pending graphs would then undo half a load.
    targets = {graph_name(Path(p), base_iri) for p in paths}
    quads = any(format_of(Path(p))[0] == ox.RdfFormat.N_QUADS for p in paths)
    load = _Load(store, staged=quads or bool(targets & existing))
    checked, report = 0, None
    try:
        for path in paths:
            load.triples += _stream_file(load, Path(path), base_iri, progress)
        if validate:
            checked, report = _validate(store, list(load.first.values()), base_iri, progress)
        moves = {first: target for target, first in load.first.items() if first != target}
        store.move_graphs(moves)
        store.replace_graphs(change_markers(base_iri))
    except BaseException:
        load.undo()
        raise
    store.set_meta(PENDING_KEY, "[]")
    store.set_meta(BASE_IRI_KEY, base_iri)
    refresh_statistics(store, base_iri)
    return BulkSummary(
        tuple(sorted(load.first)),
        load.triples,
        time.perf_counter() - started,
        checked,
        report,
    )
