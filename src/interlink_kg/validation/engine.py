"""SHACL validation of catalogue descriptions against our shapes, with a typed report.

Shapes are parsed once. A description is validated together with *background* data: the
ontology, the controlled vocabularies (complete, so scheme checks work) and a *registry* entry
(type, identifier, schema) for each other catalogue resource the description points to, so that
class checks such as "opened with a software INTERLINKER" work on a single file. Only results
about the description's own resources are reported.

pySHACL's ``focus_nodes`` option is not used: in pySHACL 0.40 it also filters the value nodes of
nested shapes (``sh:node``, qualified value shapes) and silently drops literal values, so checks
such as "a title in English" pass when they should fail. Registry entries are few (only what is
referenced), fail cheaply and are dropped from the report; the query-based rules target
properties that only described resources have.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from interlink_kg import resources
from interlink_kg.errors import ConfigurationError
from interlink_kg.model.report import Severity, ValidationReport, ValidationResult
from interlink_kg.rdf import bundle
from interlink_kg.vocab import DCT, ILK, RDFS, SKOS

_SEVERITIES = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}
# Registry triples copied from the bundled catalogue: enough for class, scheme and schema checks.
_REGISTRY_PREDICATES = (
    RDF.type,
    DCT.identifier,
    SKOS.inScheme,
    SKOS.notation,
    RDFS.seeAlso,
    ILK.inSchema,
)


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
def _ontology() -> Graph:
    return bundle.ontology_graph()


@dataclass(frozen=True)
class _BundledFile:
    subjects: frozenset[Node]
    graph: Graph
    vocabulary: bool


@cache
def _bundled(base_iri: str) -> tuple[_BundledFile, ...]:
    vocabulary = set(bundle.vocabulary_files())
    return tuple(
        _BundledFile(frozenset(graph.subjects()), graph, path in vocabulary)
        for path in bundle.catalogue_files()
        for graph in [bundle.load_graph([path], base_iri)]
    )


@cache
def bundled_vocabularies(base_iri: str) -> Graph:
    """Every bundled vocabulary file in one graph (shared: callers must not change it)."""
    graph = Graph()
    for bundled in _bundled(base_iri):
        if bundled.vocabulary:
            graph += bundled.graph
    return graph


def background(base_iri: str, data: Graph) -> Graph:
    """Ontology + vocabularies + registry entries of the resources ``data`` refers to.

    A bundled file that shares any subject with ``data`` is left out, so a curator checking a
    changed copy of a catalogue file is not confused by the old version.
    """
    subjects = set(data.subjects())
    referenced = {o for o in data.objects() if isinstance(o, URIRef)} - subjects
    graph = Graph()
    graph += _ontology()
    for bundled in _bundled(base_iri):
        if not bundled.subjects.isdisjoint(subjects):
            continue
        if bundled.vocabulary:
            graph += bundled.graph
            continue
        for node in referenced & bundled.subjects:
            for predicate in _REGISTRY_PREDICATES:
                for obj in bundled.graph.objects(node, predicate):
                    graph.add((node, predicate, obj))
    return graph


# Property -> the scheme (by dct:identifier) whose concepts are its allowed values.
_SCHEME_OF_PROPERTY = {
    ILK.addressesProblem: "problem-profiles",
    ILK.kind: "interlinker-kinds",
    ILK.purpose: "purposes",
    ILK.difficulty: "difficulty-levels",
    ILK.target: "targets",
    ILK.serviceType: "service-types",
    ILK.administrativeScope: "administrative-scopes",
    ILK.knowledgeForm: "knowledge-forms",
    ILK.knowledgeFormat: "knowledge-formats",
}


@cache
def allowed_values(base_iri: str) -> dict[str, tuple[str, ...]]:
    """For each property whose values come from a vocabulary: the IRIs it accepts, sorted."""
    vocabulary = bundled_vocabularies(base_iri)
    out: dict[str, tuple[str, ...]] = {}
    for prop, scheme_id in _SCHEME_OF_PROPERTY.items():
        schemes = set(vocabulary.subjects(DCT.identifier, Literal(scheme_id)))
        concepts = {
            c
            for scheme in schemes
            for c in vocabulary.subjects(SKOS.inScheme, scheme)
            if scheme_id != "problem-profiles" or (c, RDF.type, ILK.ProblemProfile) in vocabulary
        }
        out[str(prop)] = tuple(sorted(str(c) for c in concepts))
    licences = vocabulary.subjects(RDF.type, DCT.LicenseDocument)
    out[str(DCT.license)] = tuple(sorted(str(c) for c in licences))
    return out


class _PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once.

    pySHACL hands rdflib the text of every SPARQL-based constraint for every focus node, and
    rdflib parses it anew each time: parsing was two thirds of a validation's time.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Any:
    return prepareQuery(text)


# What the shapes read from the vocabularies and the ontology: enough for the fast path.
_SLIM_PREDICATES = frozenset(
    {
        RDF.type,
        RDFS.subClassOf,
        SKOS.inScheme,
        SKOS.broader,
        SKOS.topConceptOf,
        SKOS.notation,
        RDFS.seeAlso,
        DCT.identifier,
        ILK.inSchema,
    }
)


class Validator:
    """Validate RDF graphs against one shape set.

    Fast path (a description that redefines none of the vocabularies, e.g. an INTERLINKER
    submission): only the node shapes that can target the description's resources, a slim
    background graph kept in memory (what the shapes read from vocabularies and ontology), and
    SPARQL parsed once. The description and the registry entries of what it references are
    added to that graph for the run and removed after it, under a lock. Otherwise the general
    path builds a fresh graph with the complete vocabularies and applies every shape.
    """

    def __init__(self, shapes: ShapeSet, base_iri: str) -> None:
        self.shapes = shapes
        self.base_iri = base_iri
        self._lock = threading.Lock()
        self._shared: _PreparedQueryGraph | None = None
        self._shared_subjects: frozenset[Node] = frozenset()
        self._subsets: dict[frozenset[Node], Graph] = {}

    def _shared_graph(self) -> _PreparedQueryGraph:
        with self._lock:
            return self._build_shared()

    def _build_shared(self) -> _PreparedQueryGraph:
        if self._shared is None:
            shared = _PreparedQueryGraph()
            full = Graph()
            full += _ontology()
            for bundled in _bundled(self.base_iri):
                if bundled.vocabulary:
                    full += bundled.graph
            for triple in full:
                if triple[1] in _SLIM_PREDICATES:
                    shared.add(triple)
            self._shared_subjects = frozenset(full.subjects())
            self._shared = shared
        return self._shared

    def validate(self, data: Graph, *, with_background: bool = True) -> ValidationReport:
        """Validate ``data``; results are limited to the resources ``data`` describes."""
        subjects: set[Node] = set(data.subjects())
        if with_background:
            shared = self._shared_graph()
            if subjects.isdisjoint(self._shared_subjects):
                return self._validate_fast(shared, data, subjects)
        combined = _PreparedQueryGraph()
        if with_background:
            combined += background(self.base_iri, data)
        combined += data
        return self._run(combined, self.shapes.graph, subjects)

    def _validate_fast(
        self, shared: _PreparedQueryGraph, data: Graph, subjects: set[Node]
    ) -> ValidationReport:
        extra = [t for t in _registry_entries(self.base_iri, data) if t[0] not in subjects]
        shapes = self._shapes_for(data, subjects)
        with self._lock:
            # Decided under the lock: another run may have added (and will remove) the same
            # triples, so "already there" is only true of the shared background itself.
            added = [t for t in (*data, *extra) if t not in shared]
            for triple in added:
                shared.add(triple)
            try:
                return self._run(shared, shapes, subjects)
            finally:
                for triple in added:
                    shared.remove(triple)

    def _shapes_for(self, data: Graph, subjects: set[Node]) -> Graph:
        """The node shapes that can target ``data``'s resources, with all they refer to."""
        ontology = _ontology()
        classes: set[Node] = set()
        for subject in subjects:
            for cls in data.objects(subject, RDF.type):
                classes.update(
                    c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None
                )
        predicates = set(data.predicates())
        graph = self.shapes.graph
        selected = frozenset(
            shape
            for shape in graph.subjects(RDF.type, SH.NodeShape)
            if any(c in classes for c in graph.objects(shape, SH.targetClass))
            or any(p in predicates for p in graph.objects(shape, SH.targetSubjectsOf))
        )
        subset = self._subsets.get(selected)
        if subset is None:
            subset = _shape_closure(graph, [*selected, _SHAPES_NAMESPACE])
            self._subsets[selected] = subset
        return subset

    def _run(self, data: Graph, shapes: Graph, subjects: set[Node]) -> ValidationReport:
        allowed = allowed_values(self.base_iri)
        results = [
            replace(r, allowed=allowed.get(r.path or "", ()))
            if r.constraint in _CONSTRAINTS_WITH_ALLOWED_VALUES
            else r
            for r in apply_shapes(self.shapes, data, subjects, shapes)
        ]
        return ValidationReport.of(self.shapes.name, self.shapes.version, results)

    def validate_store_graph(self, data: Graph) -> ValidationReport:
        """Validate data that already holds everything it references (no background)."""
        return self.validate(data, with_background=False)


_SHAPES_NAMESPACE = URIRef("https://w3id.org/interlink-kg/shapes#")
_CONSTRAINTS_WITH_ALLOWED_VALUES = frozenset(
    {"ClassConstraintComponent", "NodeConstraintComponent", "MinCountConstraintComponent"}
)


def _shape_closure(shapes: Graph, roots: list[Node]) -> Graph:
    """The triples of ``roots`` and of every blank node or shape they lead to."""
    out = Graph()
    todo = list(roots)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in shapes.triples((node, None, None)):
            out.add(triple)
            obj = triple[2]
            if isinstance(obj, BNode) or (
                isinstance(obj, URIRef) and str(obj).startswith(str(_SHAPES_NAMESPACE))
            ):
                todo.append(obj)
    return out


def _registry_entries(base_iri: str, data: Graph) -> list[tuple[Node, Node, Node]]:
    """Registry triples of the bundled resources ``data`` refers to."""
    referenced = {o for o in data.objects() if isinstance(o, URIRef)}
    out: list[tuple[Node, Node, Node]] = []
    for bundled in _bundled(base_iri):
        if bundled.vocabulary:
            continue
        for node in referenced & bundled.subjects:
            for predicate in _REGISTRY_PREDICATES:
                for obj in bundled.graph.objects(node, predicate):
                    out.append((node, predicate, obj))
    return out


@cache
def validator(base_iri: str) -> Validator:
    """The validator of our own shapes (one per base IRI, shared: it holds the fast path)."""
    return Validator(interlink_shapes(), base_iri)


def apply_shapes(
    shape_set: ShapeSet, data: Graph, subjects: set[Node], shapes: Graph | None = None
) -> list[ValidationResult]:
    """Run pySHACL (no inference) with ``shapes`` (default: the whole set) and read the
    top-level results about ``subjects``."""
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


__all__ = ["ShapeSet", "Validator", "background", "interlink_shapes", "resources", "validator"]
