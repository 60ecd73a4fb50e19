"""What a description is validated with: the ontology, the controlled vocabularies (complete,
so scheme checks work) and a *registry* entry (type, identifier, scheme, schema) for each other
catalogue resource the description points to, so that class checks such as "opened with a
software INTERLINKER" work on a single file. And, for reports, each vocabulary property's
allowed values."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.rdf import bundle
from interlink_kg.vocab import DCT, ILK, RDF, RDFS, SKOS

# Registry triples copied from the bundled catalogue: enough for class, scheme and schema checks.
_REGISTRY_PREDICATES = (
    RDF.type,
    DCT.identifier,
    SKOS.inScheme,
    SKOS.notation,
    RDFS.seeAlso,
    ILK.inSchema,
)


@cache
def ontology() -> Graph:
    return bundle.ontology_graph()


@dataclass(frozen=True)
class _BundledFile:
    subjects: frozenset[Node]
    graph: Graph
    vocabulary: bool


@cache
def bundled_files(base_iri: str) -> tuple[_BundledFile, ...]:
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
    for bundled in bundled_files(base_iri):
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
    graph += ontology()
    for bundled in bundled_files(base_iri):
        if not bundled.subjects.isdisjoint(subjects):
            continue
        if bundled.vocabulary:
            graph += bundled.graph
    for triple in registry_entries(base_iri, referenced, skip=subjects):
        graph.add(triple)
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


def registry_entries(
    base_iri: str,
    referenced: AbstractSet[Node],
    skip: AbstractSet[Node] = frozenset(),
) -> list[tuple[Node, Node, Node]]:
    """Registry triples of the bundled resources in ``referenced`` (type, identifier, scheme,
    schema: what class, scheme and schema checks read), leaving out every bundled file that
    shares a subject with ``skip`` (the description being checked may be a new copy of it)."""
    out: list[tuple[Node, Node, Node]] = []
    for bundled in bundled_files(base_iri):
        if bundled.vocabulary or not bundled.subjects.isdisjoint(skip):
            continue
        for node in referenced & bundled.subjects:
            for predicate in _REGISTRY_PREDICATES:
                for obj in bundled.graph.objects(node, predicate):
                    out.append((node, predicate, obj))
    return out
