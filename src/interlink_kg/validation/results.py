"""Running pySHACL and reading its report into typed results (IRIs in full, shapes named)."""

from __future__ import annotations

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from interlink_kg.errors import ConfigurationError
from interlink_kg.model.report import Severity, ValidationResult
from interlink_kg.validation.shapes import ShapeSet
from interlink_kg.vocab import RDF

_SEVERITIES = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}


def apply_shapes(
    shape_set: ShapeSet, data: Graph, subjects: set[Node], shapes: Graph | None = None
) -> list[ValidationResult]:
    """Run pySHACL (no inference) with ``shapes`` (default: the whole set) and read the
    top-level results about ``subjects``."""
    if not data.store.context_aware:  # pySHACL wraps the data in a dataset over the same store
        copied = Graph()
        copied += data
        data = copied
    _conforms, results_graph, text = pyshacl.validate(
        data,
        shacl_graph=shape_set.graph if shapes is None else shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    if not isinstance(results_graph, Graph):
        raise ConfigurationError(
            f"the {shape_set.name} shapes could not be applied: {text.strip()}"
        )
    return _results(results_graph, shape_set.graph, subjects)


def _results(results: Graph, shapes: Graph, subjects: set[Node]) -> list[ValidationResult]:
    out = []
    # Top-level results only: nested sh:detail results explain a parent result.
    for node in results.objects(None, SH.result):
        if results.value(node, SH.focusNode) not in subjects:
            continue
        level = results.value(node, SH.resultSeverity)
        severity = (
            _SEVERITIES.get(level, Severity.VIOLATION)
            if isinstance(level, URIRef)
            else (Severity.VIOLATION)
        )
        path = results.value(node, SH.resultPath)
        value = results.value(node, SH.value)
        messages = [str(m) for m in results.objects(node, SH.resultMessage)]
        message = next(
            (str(m) for m in results.objects(node, SH.resultMessage) if _is_english(m)),
            messages[0] if messages else "constraint not met",
        )
        # A SPARQL-based constraint is named after itself, which says more than its node shape.
        named_constraint = results.value(node, SH.sourceConstraint)
        shape = (
            named_constraint
            if isinstance(named_constraint, URIRef)
            else results.value(node, SH.sourceShape)
        )
        constraint = results.value(node, SH.sourceConstraintComponent)
        out.append(
            ValidationResult(
                severity=severity,
                focus_node=_render(results.value(node, SH.focusNode)),
                path=_render_path(path, results) if path is not None else None,
                value=_render(value) if value is not None else None,
                value_term=value.n3() if value is not None else None,
                message=message,
                source_shape=_render_shape(shape, shapes),
                constraint=_render(constraint).rsplit("#", 1)[-1] if constraint else "",
            )
        )
    return out


def _is_english(term: Node) -> bool:
    return isinstance(term, Literal) and (term.language or "en").startswith("en")


def _render(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _render_path(path: Node, graph: Graph) -> str:
    """A SHACL property path as text: IRIs in full, sequences as ``(a / b)``."""
    if isinstance(path, URIRef):
        return str(path)
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:
            return "(" + " / ".join(_render_path(p, graph) for p in Collection(graph, path)) + ")"
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _render_path(inverse, graph)
    return _render(path)


def _render_shape(shape: Node | None, shapes: Graph) -> str:
    """The shape's IRI; an anonymous property shape is named after its node shape and path."""
    if shape is None:
        return ""
    if isinstance(shape, URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if parent is not None and path is not None:
        return f"{_render(parent)}[{_render_path(path, shapes)}]"
    return _render(shape)
