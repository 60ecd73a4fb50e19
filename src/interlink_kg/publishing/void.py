"""The VoID description of the published catalogue (``/.well-known/void``)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from interlink_kg.finding.catalogue import count_interlinkers
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import DCT, ILK, RDF, SKOS, VOID, XSD

VOCABULARIES = (
    "http://www.w3.org/ns/dcat#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/prov#",
    str(ILK),
)


def void_graph(store: Store, base_iri: str) -> Graph:
    # Over the data graphs only: the store also keeps internal state (generation, markers).
    row = store.select(query("void-counts"), graphs=store.data_graphs())[0]
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCT)
    dataset = URIRef(base_iri + ".well-known/void#catalogue")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCT.title, Literal("interlink-kg: catalogue of INTERLINKERs", lang="en")))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri)))
    graph.add((dataset, VOID.dataDump, URIRef(base_iri + "dump")))
    graph.add((dataset, VOID.dataDump, URIRef(base_iri + "catalogue")))  # DCAT-AP, paged
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(base_iri + "sparql")))
    graph.add((dataset, VOID.rootResource, URIRef(base_iri + "catalogue")))
    graph.add((dataset, VOID.exampleResource, URIRef(base_iri + "interlinkers/trello")))
    graph.add((dataset, DCT.subject, URIRef(base_iri + "vocabularies/problem-profiles")))
    for name, prop in (
        ("triples", VOID.triples),
        ("entities", VOID.entities),
        ("classes", VOID.classes),
        ("properties", VOID.properties),
    ):
        value = row.get(name)
        graph.add((dataset, prop, Literal(int(str(value)) if value else 0, datatype=XSD.integer)))
    for vocabulary in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    partition = BNode("interlinkers")
    graph.add((dataset, VOID.classPartition, partition))
    graph.add((partition, VOID["class"], ILK.Interlinker))
    total = count_interlinkers(store)
    graph.add((partition, VOID.entities, Literal(total, datatype=XSD.integer)))
    graph.add((dataset, SKOS.note, Literal("Only published data is described.", lang="en")))
    return graph
