"""The indexed graph answers exactly as rdflib's own in-memory graph does, for every lookup
pattern, after any sequence of adds and removes, with or without a shared base under it; rdflib
code that reads its store directly (serialising, SPARQL, isomorphism) sees the same triples."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node

from interlink_kg.rdf.graphs import IndexedGraph, over, triples_graph

SUBJECTS = [URIRef(f"http://example.org/s{i}") for i in range(4)] + [BNode("b1")]
PREDICATES = [URIRef(f"http://example.org/p{i}") for i in range(3)]
OBJECTS = [
    *SUBJECTS[:2],
    Literal("one", lang="en"),
    Literal("one", lang="es"),
    Literal("one"),
    Literal("1", datatype=XSD.integer),
    Literal("01", datatype=XSD.integer),  # equal by value to "1", a different term
]

triples = st.tuples(
    st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS)
)
operations = st.lists(st.tuples(st.sampled_from(["add", "remove", "set"]), triples), max_size=40)


MISSING = Literal("no value")


def patterns() -> list[tuple[Node | None, Node | None, Node | None]]:
    return list(itertools.product([None, *SUBJECTS], [None, *PREDICATES], [None, *OBJECTS]))


def apply(graph: Graph, steps: list[tuple[str, tuple[Node, Node, Node]]]) -> None:
    for operation, (s, p, o) in steps:
        if operation == "add":
            graph.add((s, p, o))
        elif operation == "set":
            graph.set((s, p, o))
        else:
            graph.remove((s, None, o))


def assert_same(indexed: Graph, expected: Graph) -> None:
    assert len(indexed) == len(expected)
    assert set(indexed) == set(expected)
    for pattern in patterns():
        found = list(indexed.triples(pattern))
        assert len(found) == len(set(found)), pattern  # no triple twice
        assert set(found) == set(expected.triples(pattern)), pattern
        assert (pattern in indexed) == (pattern in expected), pattern
    for s, p in itertools.product(SUBJECTS, PREDICATES):
        assert sorted(indexed.objects(s, p)) == sorted(expected.objects(s, p))
        assert (indexed.value(s, p) is None) == (expected.value(s, p) is None)
        assert indexed.value(s, p, default=MISSING) in {*expected.objects(s, p), MISSING}
        assert (indexed.value(s, p, default=MISSING) is MISSING) == (
            expected.value(s, p, default=MISSING) is MISSING
        )
    for p, o in itertools.product(PREDICATES, OBJECTS):
        assert sorted(indexed.subjects(p, o)) == sorted(expected.subjects(p, o))
    for s in SUBJECTS:  # the lookups the indexes do not answer directly go through rdflib's
        assert sorted(indexed.objects(s, None)) == sorted(expected.objects(s, None))
        assert sorted(indexed.objects([s, SUBJECTS[0]], PREDICATES[0])) == sorted(
            expected.objects([s, SUBJECTS[0]], PREDICATES[0])
        )
        assert set(indexed.objects(s, PREDICATES[0] | PREDICATES[1])) == set(
            expected.objects(s, PREDICATES[0] | PREDICATES[1])
        )
        assert sorted(indexed.objects(s, PREDICATES[0], unique=True)) == sorted(
            expected.objects(s, PREDICATES[0], unique=True)
        )


@settings(max_examples=150, deadline=None)
@given(operations)
def test_answers_as_rdflib_after_any_adds_and_removes(steps: list) -> None:
    indexed, expected = triples_graph(), Graph(store="SimpleMemory")
    apply(indexed, steps)
    apply(expected, steps)
    assert_same(indexed, expected)


@settings(max_examples=150, deadline=None)
@given(st.lists(triples, max_size=15), operations)
def test_a_graph_over_a_base_answers_as_their_union(base_triples: list, steps: list) -> None:
    base = IndexedGraph()
    for triple in base_triples:
        base.add(triple)
    before = set(base)
    layered, expected = over(base), Graph(store="SimpleMemory")
    for triple in base_triples:
        expected.add(triple)
    adds = [(operation, triple) for operation, triple in steps if operation == "add"]
    apply(layered, adds)
    apply(expected, adds)
    assert_same(layered, expected)
    assert set(base) == before  # the base is only read


def test_removing_a_triple_of_the_base_is_refused_and_changes_nothing() -> None:
    base = IndexedGraph()
    base.add((SUBJECTS[0], PREDICATES[0], OBJECTS[2]))
    layered = over(base)
    layered.add((SUBJECTS[1], PREDICATES[0], OBJECTS[2]))
    with pytest.raises(ValueError, match="shared base"):
        layered.remove((None, PREDICATES[0], None))
    assert len(layered) == 2
    assert len(base) == 1
    layered.remove((SUBJECTS[1], None, None))  # its own triples go
    assert set(layered) == set(base)


def test_over_a_plain_rdflib_graph_copies_it() -> None:
    plain = Graph()
    plain.add((SUBJECTS[0], RDFS.label, Literal("x")))
    layered = over(plain)
    layered.add((SUBJECTS[1], RDFS.label, Literal("y")))
    assert len(plain) == 1
    assert len(layered) == 2


def test_rdflib_reading_the_store_directly_sees_the_same_triples() -> None:
    graph = triples_graph()
    graph.bind("ex", "http://example.org/")
    for s, p, o in zip(SUBJECTS, itertools.cycle(PREDICATES), OBJECTS, strict=False):
        graph.add((s, p, o))
    plain = Graph()
    for triple in graph:
        plain.add(triple)
    assert isomorphic(graph, plain)
    assert Graph().parse(data=graph.serialize(format="turtle"), format="turtle").isomorphic(plain)
    assert len(graph.query("SELECT * WHERE { ?s ?p ?o }")) == len(plain)
    assert {tuple(row) for row in graph.query("SELECT ?s WHERE { ?s ?p 'one'@en }")} == {
        tuple(row) for row in plain.query("SELECT ?s WHERE { ?s ?p 'one'@en }")
    }
    assert len(graph + plain) == len(plain)
    graph -= plain
    assert len(graph) == 0


def test_adding_while_reading_other_predicates_is_safe() -> None:
    graph = triples_graph()
    for s in SUBJECTS:
        graph.add((s, PREDICATES[0], OBJECTS[2]))
    for s in graph.subjects(PREDICATES[0], OBJECTS[2]):
        graph.add((s, PREDICATES[1], OBJECTS[3]))
    assert len(graph) == 2 * len(SUBJECTS)
    for s, _, _ in graph.triples((None, None, OBJECTS[2])):  # only the object given
        graph.add((s, PREDICATES[2], OBJECTS[4]))  # a predicate the graph did not have
    assert len(graph) == 3 * len(SUBJECTS)
