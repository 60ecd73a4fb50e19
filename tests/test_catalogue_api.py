"""GET /catalogue: paging a harvester can follow, and pages that pass SEMIC's DCAT-AP 3 shapes."""

from __future__ import annotations

import pyshacl
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from support import BASE

from interlink_kg.validation.profiles import dcat_ap3_shapes
from interlink_kg.vocab import DCAT, HYDRA


def fetch(client: FlaskClient, url: str) -> Graph:
    path = url[len(BASE) - 1 :] if url.startswith(BASE) else url
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    return Graph().parse(data=response.data, format="turtle")


def view_node(graph: Graph) -> URIRef:
    (node,) = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView)) & set(
        graph.subjects(RDF.type, HYDRA.PagedCollection)
    )
    assert isinstance(node, URIRef)
    return node


def test_following_next_reaches_every_interlinker_once(client: FlaskClient) -> None:
    url = "/catalogue?per_page=30"
    seen: list[str] = []
    pages = 0
    first = True
    while url:
        graph = fetch(client, url)
        node = view_node(graph)
        if first:
            assert str(node) == BASE + "catalogue?per_page=30"
            first = False
        assert int(graph.value(node, HYDRA.totalItems)) == 78
        assert int(graph.value(node, HYDRA.itemsPerPage)) == 30
        assert graph.value(node, HYDRA.next) == graph.value(node, HYDRA.nextPage)
        catalogue = URIRef(BASE + "catalogue")
        assert (catalogue, RDF.type, DCAT.Catalog) in graph
        seen += [str(d) for d in graph.objects(catalogue, DCAT.dataset)]
        following = graph.value(node, HYDRA.next)
        url = str(following) if following is not None else ""
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 78


def violations(graph: Graph, shapes: Graph) -> list[str]:
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    return [
        str(report.value(r, SH.resultMessage))
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]


@pytest.mark.parametrize("page", [1, 2, 3])
def test_every_page_has_no_violation_of_the_official_shapes(client: FlaskClient, page: int) -> None:
    graph = fetch(client, f"/catalogue?page={page}&per_page=30")
    assert violations(graph, dcat_ap3_shapes().graph) == []


def test_output_is_deterministic_and_suffixes_work(client: FlaskClient) -> None:
    first = client.get("/catalogue.ttl?per_page=10").data
    assert first == client.get("/catalogue.ttl?per_page=10").data
    assert client.get("/catalogue.nt").mimetype == "application/n-triples"


def test_bad_requests(client: FlaskClient) -> None:
    assert client.get("/catalogue?per_page=1001").status_code == 400
    assert client.get("/catalogue?profile=nope").status_code == 400


def test_void_root_resource_is_the_served_catalogue(client: FlaskClient) -> None:
    void = Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
        format="turtle",
    )
    dataset = URIRef(BASE + ".well-known/void#catalogue")
    root = void.value(dataset, URIRef("http://rdfs.org/ns/void#rootResource"))
    assert root == URIRef(BASE + "catalogue")
    graph = fetch(client, str(root))
    assert (root, RDF.type, DCAT.Catalog) in graph


def test_every_catalogue_iri_on_a_page_dereferences(client: FlaskClient) -> None:
    graph = fetch(client, "/catalogue?per_page=10")
    local = sorted(
        {
            str(term)
            for triple in graph
            for term in triple
            if isinstance(term, URIRef) and str(term).startswith(BASE) and "?" not in str(term)
        }
    )
    assert any("/distributions/" in iri for iri in local)
    services = [i for i in local if i.endswith("/service") and "/distributions/" not in i]
    assert services
    for iri in local:
        described = fetch(client, iri)
        assert any(described.triples((URIRef(iri), None, None))), iri
    service = fetch(client, services[0] + ".ttl")
    assert (URIRef(services[0]), RDF.type, DCAT.DataService) in service


# Every kind of warning the official shapes may give on our pages, each justified in README
# ("DCAT-AP warnings"): (class of the focus node, property, what the shape checks).
EXPECTED_WARNINGS = {
    ("Catalog", "dct:publisher", "Node"),
    ("Concept", "dcat:bbox", "MinCount"),
    ("Concept", "dcat:centroid", "MinCount"),
    ("DataService", "dcat:endpointDescription", "MinCount"),
    ("DataService", "dcat:theme", "Node"),
    ("DataService", "dct:conformsTo", "MinCount"),
    ("DataService", "dct:publisher", "Node"),
    ("Dataset", "dcat:theme", "Node"),
    ("Dataset", "dct:publisher", "Node"),
    ("Dataset", "dct:temporal", "MinCount"),
    ("Distribution", "dcatap:availability", "MinCount"),
}


def test_warnings_are_only_the_documented_ones(client: FlaskClient) -> None:
    graph = fetch(client, "/catalogue?per_page=1000")
    graph.bind("dcatap", "http://data.europa.eu/r5r/")
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=dcat_ap3_shapes().graph, inference="none", allow_warnings=True
    )
    found = set()
    for result in report.objects(None, SH.result):
        assert report.value(result, SH.resultSeverity) == SH.Warning
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        component = str(report.value(result, SH.sourceConstraintComponent))
        classes = {
            str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in graph.objects(focus, RDF.type)
        }
        kind = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        name = graph.namespace_manager.normalizeUri(path)
        found |= {(c, name, kind) for c in classes if c not in {"Document", "Location"}}
    assert found == EXPECTED_WARNINGS


def test_the_catalogue_names_both_theme_taxonomies_with_titles(client: FlaskClient) -> None:
    graph = fetch(client, "/catalogue?per_page=1")
    catalogue = URIRef(BASE + "catalogue")
    taxonomies = set(graph.objects(catalogue, DCAT.themeTaxonomy))
    assert taxonomies == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme"),
        URIRef(BASE + "vocabularies/problem-profiles"),
    }
    for taxonomy in taxonomies:
        assert graph.value(taxonomy, URIRef("http://purl.org/dc/terms/title")) is not None


def test_pages_by_key_reach_every_interlinker_once_in_order(client: FlaskClient) -> None:
    """?after=ID pages: next starts after the page's last identifier; first, previous and last
    are given too; following next gives the same INTERLINKERs as paging by number."""
    url = "/catalogue?after=a&per_page=25"
    by_key: list[str] = []
    pages = 0
    while url:
        graph = fetch(client, url)
        node = view_node(graph)
        assert int(graph.value(node, HYDRA.totalItems)) == 78
        assert str(graph.value(node, HYDRA.first)) == BASE + "catalogue?per_page=25"
        assert "after=" in str(graph.value(node, HYDRA.last))
        catalogue = URIRef(BASE + "catalogue")
        ids = sorted(str(d).rsplit("/", 1)[1] for d in graph.objects(catalogue, DCAT.dataset))
        by_key += ids
        following = graph.value(node, HYDRA.next)
        if following is not None:
            assert str(following).endswith(f"after={ids[-1]}&per_page=25")
        if pages:
            assert graph.value(node, HYDRA.previous) is not None
        url = str(following) if following is not None else ""
        pages += 1
    assert pages == 4
    by_number: list[str] = []
    for page in (1, 2, 3, 4):
        graph = fetch(client, f"/catalogue?page={page}&per_page=25")
        by_number += sorted(
            str(d).rsplit("/", 1)[1]
            for d in graph.objects(URIRef(BASE + "catalogue"), DCAT.dataset)
        )
    assert by_key == by_number == sorted(by_number)
    assert len(set(by_key)) == 78


def test_a_page_by_key_after_the_last_is_empty_and_has_no_next(client: FlaskClient) -> None:
    graph = fetch(client, "/catalogue?after=zzzz")
    node = view_node(graph)
    assert not list(graph.objects(URIRef(BASE + "catalogue"), DCAT.dataset))
    assert graph.value(node, HYDRA.next) is None


@pytest.mark.parametrize(
    "query",
    ["after=a&page=2", "after=", "after=../x", "after=%00", "after=" + "a" * 201, "after=a%20b"],
)
def test_bad_keys_are_a_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/catalogue?{query}")
    assert response.status_code == 400
    assert response.get_json()["details"]["parameter"] == "after"


def test_changes_since_a_moment_page_by_key_too(client: FlaskClient) -> None:
    graph = fetch(client, "/catalogue?modified_since=2000-01-01&after=b&per_page=10")
    node = view_node(graph)
    ids = sorted(
        str(d).rsplit("/", 1)[1] for d in graph.objects(URIRef(BASE + "catalogue"), DCAT.dataset)
    )
    assert len(ids) == 10
    assert all(i > "b" for i in ids)
    following = str(graph.value(node, HYDRA.next))
    assert f"after={ids[-1]}" in following
    assert "modified_since=2000-01-01" in following
