"""SHACL validation of catalogue descriptions against our shapes, with a typed report.

Shapes are parsed once. A description is validated together with *background* data (the
ontology, the controlled vocabularies and a registry of the resources the bundled catalogue
defines), so that class and scheme checks can see what it points to; only the description's own
resources are reported on. Validation runs without inference, as the engine notes advise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from interlink_kg import resources
from interlink_kg.errors import ConfigurationError
from interlink_kg.model.report import Severity, ValidationReport, ValidationResult
from interlink_kg.rdf import bundle
from interlink_kg.vocab import DCT

_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
# Registry triples copied from the bundled catalogue: enough for class and identity checks.
_REGISTRY_PREDICATES = (RDF.type, DCT.identifier)


@dataclass(frozen=True)
class ShapeSet:
    """A named, versioned set of SHACL shapes, parsed once."""

    name: str
    version: str
    graph: Graph


@cache
def interlink_shapes() -> ShapeSet:
    """Our own shapes (``shapes/*.ttl``)."""
    graph = bundle.load_graph(bundle.shape_files(), "https://w3id.org/interlink-kg/shapes")
    version = graph.value(URIRef("https://w3id.org/interlink-kg/shapes#"), OWL.versionInfo)
    return ShapeSet("interlink", str(version or "unversioned"), graph)


@cache
def _vocabulary_background(base_iri: str) -> Graph:
    graph = bundle.ontology_graph()
    graph += bundle.load_graph(bundle.vocabulary_files(), base_iri)
    return graph


@cache
def _bundled_resources(base_iri: str) -> tuple[tuple[frozenset[Node], Graph], ...]:
    """For each bundled non-vocabulary file: its subjects and its registry triples."""
    vocabulary = set(bundle.vocabulary_files())
    out = []
    for path in bundle.catalogue_files():
        if path in vocabulary:
            continue
        graph = bundle.load_graph([path], base_iri)
        registry = Graph()
        for predicate in _REGISTRY_PREDICATES:
            for triple in graph.triples((None, predicate, None)):
                registry.add(triple)
        out.append((frozenset(graph.subjects()), registry))
    return tuple(out)


def background(base_iri: str, exclude: Iterable[Node] = ()) -> Graph:
    """Ontology + vocabularies + the registry of bundled resources not redefined by the data.

    A bundled file that shares any subject with the data being validated is left out, so a
    curator checking a changed copy of a catalogue file is not confused by the old version.
    """
    excluded = set(exclude)
    graph = Graph()
    graph += _vocabulary_background(base_iri)
    for subjects, registry in _bundled_resources(base_iri):
        if subjects.isdisjoint(excluded):
            graph += registry
    return graph


class Validator:
    """Validate RDF graphs against one shape set."""

    def __init__(self, shapes: ShapeSet, base_iri: str) -> None:
        self.shapes = shapes
        self.base_iri = base_iri

    def validate(self, data: Graph, *, with_background: bool = True) -> ValidationReport:
        """Validate ``data``; results are limited to the resources ``data`` describes."""
        subjects = {s for s in data.subjects() if isinstance(s, URIRef | BNode)}
        combined = Graph()
        if with_background:
            combined += background(self.base_iri, subjects)
        combined += data
        focus = sorted(s for s in subjects if isinstance(s, URIRef))
        if not focus:
            return ValidationReport.of(self.shapes.name, self.shapes.version, [])
        _conforms, results_graph, text = pyshacl.validate(
            combined,
            shacl_graph=self.shapes.graph,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
            focus_nodes=focus,
        )
        if not isinstance(results_graph, Graph):
            raise ConfigurationError(
                f"the {self.shapes.name} shapes could not be applied: {text.strip()}"
            )
        return ValidationReport.of(
            self.shapes.name, self.shapes.version, _results(results_graph, self.shapes.graph)
        )

    def validate_store_graph(self, data: Graph) -> ValidationReport:
        """Validate data that already holds everything it references (no background)."""
        return self.validate(data, with_background=False)


def validator(base_iri: str) -> Validator:
    return Validator(interlink_shapes(), base_iri)


def _results(results: Graph, shapes: Graph) -> list[ValidationResult]:
    out = []
    for node in results.subjects(RDF.type, SH.ValidationResult):
        severity = _SEVERITIES.get(results.value(node, SH.resultSeverity), Severity.VIOLATION)  # type: ignore[arg-type]
        path = results.value(node, SH.resultPath)
        value = results.value(node, SH.value)
        messages = [str(m) for m in results.objects(node, SH.resultMessage)]
        message = next(
            (str(m) for m in results.objects(node, SH.resultMessage) if _is_english(m)),
            messages[0] if messages else "constraint not met",
        )
        shape = results.value(node, SH.sourceShape)
        constraint = results.value(node, SH.sourceConstraintComponent)
        out.append(
            ValidationResult(
                severity=severity,
                focus_node=_render(results.value(node, SH.focusNode)),
                path=_render_path(path, results) if path is not None else None,
                value=_render(value) if value is not None else None,
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


__all__ = ["ShapeSet", "Validator", "background", "interlink_shapes", "resources", "validator"]
