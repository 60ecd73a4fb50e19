"""Validation of a bulk load, resource by resource (see :mod:`interlink_kg.curation.bulk`).

Every resource the new graphs type (or give an INTERLINKER kind or an identifier), except
distributions, which go with their resource, is validated in batches of
:data:`VALIDATION_BATCH`: each batch's descriptions (with their distributions and blank nodes)
read from the new graphs, and the types of what they refer to read from the store as it will
be (the graphs being replaced left out) as context. Checking stops after :data:`MAX_REPORTED`
violations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, URIRef

from interlink_kg.curation.loading import InvalidDataError
from interlink_kg.model.report import ValidationReport, ValidationResult
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.validation.engine import validator

VALIDATION_BATCH = 250  # resources validated together
MAX_REPORTED = 200  # violations after which checking stops


@dataclass(frozen=True)
class Progress:
    """Where a bulk load is: ``stage`` is "loading" or "validating"."""

    stage: str
    source: str
    done: int  # triples read (loading) or resources checked (validating)
    bytes_read: int = 0
    total_bytes: int = 0
    total: int = 0  # resources to check (validating)


ProgressCallback = Callable[[Progress], None]


class BulkInvalidError(InvalidDataError):
    """Some resources of a bulk load break the shapes; nothing was loaded."""

    def __init__(self, report: ValidationReport, checked: int, total: int, cut: bool) -> None:
        super().__init__(report)
        bad = len({r.focus_node for r in report.violations})
        self.message = (
            f"{'at least ' if cut else ''}{len(report.violations)} violation(s) of the "
            f"{report.shapes_name} shapes in {bad} of the {checked} resources checked"
            f"{f' (of {total}; checking stops after {MAX_REPORTED} violations)' if cut else ''}"
            "; nothing was loaded"
        )


def validate_new(
    store: Store,
    graphs: list[str],
    context_graphs: list[str],
    base_iri: str,
    progress: ProgressCallback | None = None,
) -> tuple[int, ValidationReport]:
    """Validate the resources of ``graphs``; BulkInvalidError on any violation."""
    engine = validator(base_iri)
    items = sorted(
        str(r["item"])
        for r in store.select(query("bulk-resources", {"g": [URIRef(g) for g in graphs]}))
    )
    results: list[ValidationResult] = []
    found = 0
    checked = 0
    shapes_name = shapes_version = ""
    for start in range(0, len(items), VALIDATION_BATCH):
        batch = [URIRef(i) for i in items[start : start + VALIDATION_BATCH]]
        data = store.construct(query("bulk-descriptions", {"item": batch}), graphs=graphs)
        referenced = sorted({o for o in data.objects() if isinstance(o, URIRef)})
        context = Graph()
        if referenced:
            context = store.construct(
                query("bulk-context", {"ref": referenced}), graphs=context_graphs
            )
        report = engine.validate(data, context=context)
        shapes_name, shapes_version = report.shapes_name, report.shapes_version
        found += len(report.violations)
        results.extend(report.violations[: max(0, MAX_REPORTED - len(results))])
        checked = min(start + VALIDATION_BATCH, len(items))
        if progress is not None:
            progress(Progress("validating", "", checked, total=len(items)))
        if found >= MAX_REPORTED:
            break
    report = ValidationReport(shapes_name, shapes_version, tuple(results))
    if results:
        cut = checked < len(items) or found > len(results)
        raise BulkInvalidError(report, checked, len(items), cut=cut)
    return checked, report
