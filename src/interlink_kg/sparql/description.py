"""The SPARQL 1.1 Service Description of the public endpoint (``GET /sparql``)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from interlink_kg.model import iris
from interlink_kg.sparql.formats import ALL_FORMATS
from interlink_kg.store.base import Store
from interlink_kg.vocab import DCT, RDF, RDFS, SD, VOID

FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")


def endpoint_iri(base_iri: str) -> str:
    return base_iri + "sparql"


def entailed_types_graph(base_iri: str) -> str:
    """The graph, present only in the endpoint's dataset, of the types the class hierarchy
    implies (``queries/entailed-types.rq``)."""
    return base_iri + iris.ENTAILED_TYPES_GRAPH


def service_description(
    store: Store,
    base_iri: str,
    *,
    time_limit: float,
    max_result_bytes: int,
    allowed_services: tuple[str, ...],
) -> Graph:
    """Describe the endpoint: its IRI, language, result formats, features and dataset."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dct", DCT)
    endpoint = URIRef(endpoint_iri(base_iri))
    service = URIRef(endpoint_iri(base_iri) + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, DCT.title, Literal("interlink-kg public SPARQL endpoint", lang="en")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only; published data only. Each query may run "
                f"{time_limit:g} s and return {max_result_bytes} bytes at most. "
                + (
                    "SERVICE may call: " + ", ".join(allowed_services) + "."
                    if allowed_services
                    else "SERVICE (federated query) is disabled."
                ),
                lang="en",
            ),
        )
    )
    for fmt in ALL_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[fmt.w3c]))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if allowed_services:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    dataset = URIRef(endpoint_iri(base_iri) + "#dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, URIRef(base_iri + ".well-known/void")))
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add(
        (
            default,
            RDFS.comment,
            Literal("The union of all the named graphs below.", lang="en"),
        )
    )
    names = sorted([*store.data_graphs(), entailed_types_graph(base_iri)])
    for number, name in enumerate(names, start=1):
        named = BNode(f"graph-{number}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        if name == entailed_types_graph(base_iri):
            graph.add(
                (
                    named,
                    RDFS.comment,
                    Literal(
                        "Computed for this endpoint: the types that follow from the class "
                        "hierarchy (rdfs:subClassOf), so that ?x a ilk:Interlinker finds every "
                        "kind of INTERLINKER.",
                        lang="en",
                    ),
                )
            )
    return graph
