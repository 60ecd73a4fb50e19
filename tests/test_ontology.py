"""The ontology: well-formed OWL, quality-control queries empty, vocabulary module in sync."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF

from interlink_kg import resources, vocab
from interlink_kg.rdf.bundle import ontology_graph
from interlink_kg.store import Store

QC_QUERIES = sorted((resources.ontology_dir() / "qc").glob("*-violation.rq"))


def test_there_are_quality_control_queries() -> None:
    assert len(QC_QUERIES) >= 5


@pytest.mark.parametrize("query_path", QC_QUERIES, ids=lambda p: p.stem)
def test_quality_control_query_returns_no_rows(query_path: Path) -> None:
    rows = list(ontology_graph().query(query_path.read_text(encoding="utf-8")))
    assert rows == [], f"{query_path.name} found: {rows}"


@pytest.mark.parametrize("query_path", QC_QUERIES, ids=lambda p: p.stem)
def test_quality_control_query_catches_a_broken_term(query_path: Path) -> None:
    """Each query finds something in an ontology broken on purpose (so it can fail)."""
    broken = ontology_graph()
    term = vocab.ILK.Broken
    broken.add((term, RDF.type, OWL.Class))
    broken.add(
        (vocab.ILK.Interlinker, vocab.RDFS.label, broken.value(vocab.ILK.Task, vocab.RDFS.label))
    )
    broken.add((vocab.ILK.Task, vocab.RDFS.subClassOf, vocab.ILK.Undeclared))
    ontology = broken.value(None, RDF.type, OWL.Ontology)
    broken.remove((ontology, OWL.versionIRI, None))
    rows = list(broken.query(query_path.read_text(encoding="utf-8")))
    assert rows, f"{query_path.name} does not notice a broken ontology"


def test_vocabulary_module_matches_ontology() -> None:
    graph = ontology_graph()
    declared = {
        str(s)[len(str(vocab.ILK)) :]
        for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, t)
        if str(s).startswith(str(vocab.ILK))
    }
    assert declared == set(vocab.ILK_TERMS)


def test_ontology_header() -> None:
    graph = ontology_graph()
    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    assert [str(o) for o in ontologies] == [vocab.ONTOLOGY_IRI]
    assert graph.value(ontologies[0], OWL.versionIRI) is not None


OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
TYPES_OF_OUR_CLASSES = """
CONSTRUCT { ?s a ?c } WHERE {
  ?s a ?c . FILTER (STRSTARTS(STR(?c), "https://w3id.org/interlink-kg/ontology#"))
}"""


def owl_rl_errors(graph: Graph) -> list[str]:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return sorted(str(m) for m in graph.objects(None, OWLRL_ERRORS.error))


def test_owl_rl_finds_no_clash_in_the_catalogue(catalogue_store: Store) -> None:
    """OWL-RL over the ontology plus every catalogue resource's types is consistent."""
    graph = ontology_graph()
    graph += catalogue_store.construct(TYPES_OF_OUR_CLASSES)
    assert len(graph) > len(ontology_graph())
    assert owl_rl_errors(graph) == []


def test_owl_rl_reports_an_interlinker_of_two_disjoint_kinds() -> None:
    graph = ontology_graph()
    item = URIRef("http://127.0.0.1:8080/interlinkers/both")
    graph.add((item, RDF.type, vocab.ILK.SoftwareInterlinker))
    graph.add((item, RDF.type, vocab.ILK.KnowledgeInterlinker))
    assert any("Disjoint classes" in e for e in owl_rl_errors(graph))
