"""Load RDF files into the store: one named graph per file, validated, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from interlink_kg import resources
from interlink_kg.curation.records import record_payloads
from interlink_kg.errors import BadRequestError, ConfigurationError
from interlink_kg.finding.statistics import change, problems_of, refresh_statistics
from interlink_kg.model import iris
from interlink_kg.model.report import ValidationReport
from interlink_kg.rdf import bundle
from interlink_kg.rdf.formats import by_path
from interlink_kg.rdf.parse import parse_bytes
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.changes import MAX_LISTED_GRAPHS, subjects_of
from interlink_kg.validation.engine import validator

BASE_IRI_KEY = "base_iri"


class InvalidDataError(BadRequestError):
    """The data parsed but breaks the shapes; nothing was loaded."""

    code = "invalid_data"
    status = 422

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(
            f"the data does not conform to the {report.shapes_name} shapes: "
            f"{len(report.violations)} violation(s); nothing was loaded",
            details={"report": report.to_dict()},
        )
        self.report = report


@dataclass(frozen=True)
class LoadSummary:
    graphs: tuple[str, ...]
    triples: int
    report: ValidationReport | None
    records: tuple[str, ...] = ()  # record graphs written (new or changed INTERLINKERs)


def graph_name(path: Path, base_iri: str) -> str:
    """The named graph of a file: bundled files by their bundled path, others by file URI."""
    resolved = path.resolve()
    root = resources.bundled_root().resolve()
    for folder in (resources.ontology_dir(), resources.catalogue_dir()):
        if resolved.is_relative_to(folder.resolve()):
            return base_iri + iris.bundled_file_graph(resolved.relative_to(root).as_posix())
    return resolved.as_uri()


def bundled_paths() -> list[Path]:
    """The ontology and every file of the bundled catalogue."""
    return [resources.ontology_file(), *bundle.catalogue_files()]


def load_bundled_if_empty(store: Store, base_iri: str) -> LoadSummary | None:
    """Load the bundled catalogue into a store that holds no data yet (a first start)."""
    if store.data_graphs():
        return None
    return load_bundled(store, base_iri)


def check_base(store: Store, base_iri: str) -> None:
    """Refuse to mix data minted under two different base IRIs in one store."""
    recorded = store.get_meta(BASE_IRI_KEY)
    if recorded is not None and recorded != base_iri and store.data_graphs():
        raise ConfigurationError(
            f"the store holds data under the base IRI {recorded}, not {base_iri}; "
            "use `interlink-kg load --reset` or another store",
            details={"store_base_iri": recorded, "base_iri": base_iri},
        )


def load_files(
    store: Store,
    paths: Sequence[Path],
    base_iri: str,
    *,
    validate: bool = True,
    reset: bool = False,
    now: datetime | None = None,
) -> LoadSummary:
    """Parse, validate and load files; reloading a file replaces its graph.

    Nothing is written unless every file parses and (with ``validate``) the files together
    have no SHACL violation. ``reset`` drops every other data graph. The ontology is loaded
    too when the store does not hold it yet. Each INTERLINKER loaded gets a catalogue record
    dated ``now`` when it is new or its content changed (see :mod:`.records`).
    """
    if not reset:
        check_base(store, base_iri)
    paths = list(paths)
    ontology = resources.ontology_file()
    missing = graph_name(ontology, base_iri) not in store.data_graphs() or reset
    if missing and ontology.resolve() not in {p.resolve() for p in paths}:
        # Services rely on the class hierarchy, so the ontology always comes along.
        paths.append(ontology)
    payloads: dict[str, GraphPayload] = {}
    union = Graph()
    for path in paths:
        fmt = by_path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise BadRequestError(f"no such file: {path}") from exc
        except IsADirectoryError as exc:
            raise BadRequestError(f"{path} is a folder, not a file") from exc
        if validate:
            union += parse_bytes(data, fmt, base_iri, source=str(path))
        payloads[graph_name(path, base_iri)] = GraphPayload(data, fmt, base_iri, str(path))
    report = None
    if validate:
        report = validator(base_iri).validate(union)
        if not report.conforms:
            raise InvalidDataError(report)
    records, record_graphs = record_payloads(store, base_iri, payloads, now)
    kept = set(payloads) | record_graphs
    dropped = [g for g in store.data_graphs() if g not in kept] if reset else []
    # One transaction: the data, the records, the graphs a reset drops and the change markers
    # (a crash before the refresh below is made good at the next start).
    # The log names what the load touched when the files were read (validated), else all.
    written = [*payloads, *dropped]
    touched = (
        subjects_of(store, written) | {str(s) for s in union.subjects() if isinstance(s, URIRef)}
        if validate and len(written) <= MAX_LISTED_GRAPHS
        else None
    )
    problems_before = problems_of(store, touched) if touched is not None else set()
    changed = change(base_iri, touched)
    store.replace_graphs({**payloads, **records, **changed.payloads}, drop=dropped)
    store.set_meta(BASE_IRI_KEY, base_iri)
    refresh_statistics(store, base_iri, changed, problems_before, patient=True)
    triples = len(union) if validate else _count_triples(store, list(payloads))
    return LoadSummary(tuple(sorted(payloads)), triples, report, tuple(sorted(records)))


def _count_triples(store: Store, graphs: list[str]) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graphs=graphs)
    value = rows[0].get("n") if rows else None
    return int(value.toPython()) if isinstance(value, Literal) else 0


def load_bundled(
    store: Store,
    base_iri: str,
    *,
    validate: bool = True,
    reset: bool = False,
    now: datetime | None = None,
) -> LoadSummary:
    """Load the ontology and the whole bundled catalogue."""
    return load_files(store, bundled_paths(), base_iri, validate=validate, reset=reset, now=now)
