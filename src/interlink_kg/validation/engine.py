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
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from interlink_kg.model.report import ValidationReport
from interlink_kg.rdf.sparql_text import prepare_query
from interlink_kg.validation.background import (
    allowed_values,
    background,
    bundled_files,
    ontology,
    registry_entries,
)
from interlink_kg.validation.results import apply_shapes
from interlink_kg.validation.shapes import (
    SHAPES_NAMESPACE,
    ShapeSet,
    interlink_shapes,
    shape_closure,
)
from interlink_kg.vocab import DCT, ILK, RDF, RDFS, SKOS


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
    return prepare_query(text)


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
            full += ontology()
            for bundled in bundled_files(self.base_iri):
                if bundled.vocabulary:
                    full += bundled.graph
            for triple in full:
                if triple[1] in _SLIM_PREDICATES:
                    shared.add(triple)
            self._shared_subjects = frozenset(full.subjects())
            self._shared = shared
        return self._shared

    def validate(
        self, data: Graph, *, with_background: bool = True, context: Graph | None = None
    ) -> ValidationReport:
        """Validate ``data``; results are limited to the resources ``data`` describes.

        ``context`` holds facts about other resources that the checks read (e.g. that a team
        referenced by a process is an ``ilk:Team``); nothing is reported about them."""
        subjects: set[Node] = set(data.subjects())
        known = context if context is not None else Graph()
        if with_background:
            shared = self._shared_graph()
            if subjects.isdisjoint(self._shared_subjects):
                return self._validate_fast(shared, data, subjects, known)
        combined = _PreparedQueryGraph()
        if with_background:
            combined += background(self.base_iri, data)
        combined += known
        combined += data
        return self._run(combined, self.shapes.graph, subjects)

    def _validate_fast(
        self, shared: _PreparedQueryGraph, data: Graph, subjects: set[Node], context: Graph
    ) -> ValidationReport:
        referenced = {o for o in data.objects() if isinstance(o, URIRef)}
        extra = [t for t in registry_entries(self.base_iri, referenced) if t[0] not in subjects]
        extra.extend(t for t in context if t[0] not in subjects)
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
        hierarchy = ontology()
        classes: set[Node] = set()
        for subject in subjects:
            for cls in data.objects(subject, RDF.type):
                classes.update(
                    c for c in hierarchy.transitive_objects(cls, RDFS.subClassOf) if c is not None
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
            subset = shape_closure(graph, [*selected, SHAPES_NAMESPACE])
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


_CONSTRAINTS_WITH_ALLOWED_VALUES = frozenset(
    {"ClassConstraintComponent", "NodeConstraintComponent", "MinCountConstraintComponent"}
)


@cache
def validator(base_iri: str) -> Validator:
    """The validator of our own shapes (one per base IRI, shared: it holds the fast path)."""
    return Validator(interlink_shapes(), base_iri)


__all__ = [
    "ShapeSet",
    "Validator",
    "apply_shapes",
    "background",
    "interlink_shapes",
    "validator",
]
