"""The catalogue in every profile (DCAT-AP 3, DCAT-AP 2.1.1, ADMS-AP), its records, and
``modified_since``: each page of each profile checked against the profile's shapes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyshacl
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH, SKOS, XSD
from support import BASE

from interlink_kg.curation.loading import load_bundled, load_files
from interlink_kg.finding.keys import keys
from interlink_kg.finding.record_dates import record_dates
from interlink_kg.publishing.catalogue_pages import PageRequest, catalogue_page
from interlink_kg.publishing.profiles import PROFILES
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.generation import new_generation
from interlink_kg.validation.profiles import dcat_ap3_shapes, profile_shapes
from interlink_kg.vocab import DCAT, DCT, FOAF, HYDRA, ILK, VCARD
from interlink_kg.web.app import close_app, create_app

PLANNER = Path(__file__).parent / "data" / "shapes" / "valid" / "external-software-interlinker.ttl"
LISTED = datetime(2026, 1, 1, tzinfo=UTC)
ADDED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EMAIL = "curators@example.org"  # this test deployment's contact address


@pytest.fixture(scope="module")
def harvest() -> Iterator[FlaskClient]:
    """The bundled catalogue listed on LISTED, one more INTERLINKER added on ADDED."""
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False, now=LISTED)
    load_files(store, [PLANNER], BASE, now=ADDED)
    app = create_app(Settings(base_iri=BASE, store_url="memory:", contact_email=EMAIL), store=store)
    yield app.test_client()
    close_app(app)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_page_reads_all_that_its_profile_publishes(
    catalogue_store: Store, profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page reads less than the whole description of its INTERLINKERs (what no profile
    publishes is left out, ``catalogue-page-description.rq``): built from the whole
    description instead, every profile gives the same page."""
    request = PageRequest(per_page=500, profile=PROFILES[profile])
    page = catalogue_page(catalogue_store, BASE, request, requested_url=BASE + "catalogue")
    page_read = catalogue_store.describe_resources

    def whole(
        items: Sequence[URIRef], *, published: bool = False, into: Graph | None = None
    ) -> Graph:
        return page_read(items, into=into)  # every triple but the derived statistics

    monkeypatch.setattr(catalogue_store, "describe_resources", whole)
    from_whole = catalogue_page(catalogue_store, BASE, request, requested_url=BASE + "catalogue")
    assert isomorphic(page, from_whole)
    assert len(page) > 1000
    described = page_read(keys(catalogue_store).page(1, 500))
    assert len(set(described.triples((None, ILK.target, None)))) > 50  # the test reads them
    assert len(set(described.triples((None, ILK.purpose, None)))) > 50
    assert len(set(described.triples((None, ILK.difficulty, None)))) > 50


def fetch(client: FlaskClient, url: str) -> Graph:
    path = url[len(BASE) - 1 :] if url.startswith(BASE) else url
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, (path, response.data[:300])
    return Graph().parse(data=response.data, format="turtle")


def results(graph: Graph, shapes: Graph) -> list[tuple[str, str]]:
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    return [
        (
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.objects(None, SH.result)
    ]


def pages(client: FlaskClient, first: str) -> Iterator[Graph]:
    url = first
    while url:
        graph = fetch(client, url)
        yield graph
        (node,) = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
        following = graph.value(node, HYDRA.next)
        url = str(following) if following is not None else ""


# The kinds of warning each profile's shapes still give on our pages: (property, constraint).
# README "Catalogue profiles and their warnings" says why each one stays.
_DCAT_AP = {
    ("r5r:availability", "MinCount"),  # no facts about planned availability
    ("dct:publisher", "Node"),  # publisher outside the EU corporate-body table (MAY)
    ("dct:spatial", "MinCount"),  # INTERLINKERs without a pilot place
    ("dct:temporal", "MinCount"),  # tools and guides have no temporal coverage
    ("dcat:bbox", "MinCount"),  # country geometry lives in the EU country table
    ("dcat:centroid", "MinCount"),
    ("dcat:endpointDescription", "MinCount"),  # no machine-readable API descriptions known
    ("dcat:theme", "Node"),  # problem profiles beside the EU data theme (MAY)
}
REMAINING_WARNINGS = {
    "dcat-ap-3": _DCAT_AP | {("dct:conformsTo", "MinCount")},  # DataService standards unknown
    "dcat-ap-2.1.1": _DCAT_AP,
    "adms-ap": {("dct:relation", "MinCount"), ("dct:spatial", "MinCount")},
}
_SHORT = {
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://data.europa.eu/r5r/": "r5r:",
}


def _short(iri: str) -> str:
    for long, short in _SHORT.items():
        iri = iri.replace(long, short)
    return iri


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_page_of_every_profile_passes_its_shapes(harvest: FlaskClient, profile: str) -> None:
    shapes = profile_shapes(profile).graph
    seen: list[str] = []
    for graph in pages(harvest, f"/catalogue?per_page=40&profile={profile}"):
        found = results(graph, shapes)
        assert [m for severity, m in found if severity == "Violation"] == []
        if profile == "adms-ap":  # ADMS-AP's solutions are DCAT-AP datasets too
            assert [m for s, m in results(graph, dcat_ap3_shapes().graph) if s == "Violation"] == []
        catalogue = URIRef(BASE + "catalogue")
        seen += [str(d) for d in graph.objects(catalogue, DCAT.dataset)]
    assert len(seen) == len(set(seen)) == 79


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_warning_kinds_per_profile(harvest: FlaskClient, profile: str) -> None:
    graph = fetch(harvest, f"/catalogue?per_page=1000&profile={profile}")
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=profile_shapes(profile).graph, inference="none", allow_warnings=True
    )
    kinds = {
        (
            _short(str(report.value(r, SH.resultPath))),
            str(report.value(r, SH.sourceConstraintComponent))
            .rsplit("#", 1)[1]
            .removesuffix("ConstraintComponent"),
        )
        for r in report.objects(None, SH.result)
    }
    assert kinds == REMAINING_WARNINGS[profile]


def test_adms_ap_view_adds_solution_types_and_the_contact_email(harvest: FlaskClient) -> None:
    graph = fetch(harvest, "/catalogue?per_page=5&profile=adms-ap")
    catalogue = URIRef(BASE + "catalogue")
    datasets = list(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == 5
    for dataset in datasets:
        (kind,) = graph.objects(dataset, DCT.type)
        assert str(kind).startswith(BASE + "vocabularies/interlinker-kinds/")
    contact = graph.value(catalogue, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef(f"mailto:{EMAIL}")


def test_adms_ap_shapes_catch_what_adms_ap_demands(harvest: FlaskClient) -> None:
    """The transcribed ADMS-AP shapes can fail: break a page three ways, get three violations."""
    graph = fetch(harvest, "/catalogue?per_page=1&profile=adms-ap")
    catalogue = URIRef(BASE + "catalogue")
    contact = graph.value(catalogue, DCAT.contactPoint)
    graph.remove((contact, VCARD.hasEmail, None))
    (dataset,) = graph.objects(catalogue, DCAT.dataset)
    graph.remove((dataset, DCT.type, None))
    licence = next(graph.subjects(RDF.type, DCT.LicenseDocument))
    graph.remove((licence, DCT.type, None))
    graph.add((licence, DCT.type, URIRef("http://purl.org/adms/licencetype/ViralEffect")))
    found = [m for s, m in results(graph, profile_shapes("adms-ap").graph) if s == "Violation"]
    assert len(found) == 3, found


def test_adms_ap_needs_a_contact_email(client: FlaskClient) -> None:
    answer = client.get("/catalogue?profile=adms-ap")
    assert answer.status_code == 503
    assert answer.get_json()["code"] == "profile_unavailable"
    assert "INTERLINK_KG_CONTACT_EMAIL" in answer.get_json()["message"]


def test_profile_is_kept_in_links_and_named_in_records_and_headers(harvest: FlaskClient) -> None:
    answer = harvest.get(
        "/catalogue?per_page=40&profile=dcat-ap-2.1.1", headers={"Accept": "text/turtle"}
    )
    assert (
        '<https://semiceu.github.io/DCAT-AP/releases/2.1.1/>; rel="profile"'
        in answer.headers["Link"]
    )
    graph = Graph().parse(data=answer.data, format="turtle")
    (node,) = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert str(graph.value(node, HYDRA.next)) == (
        BASE + "catalogue?page=2&per_page=40&profile=dcat-ap-2.1.1"
    )
    standards = set(graph.objects(None, DCT.conformsTo))
    assert standards == {URIRef("https://semiceu.github.io/DCAT-AP/releases/2.1.1/")}


def test_every_dataset_has_one_dated_record(harvest: FlaskClient) -> None:
    graph = fetch(harvest, "/catalogue?per_page=1000")
    catalogue = URIRef(BASE + "catalogue")
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    records = set(graph.objects(catalogue, DCAT.record))
    assert {graph.value(r, FOAF.primaryTopic) for r in records} == datasets
    planner = URIRef(BASE + "interlinkers/example_planner")
    (record,) = graph.subjects(FOAF.primaryTopic, planner)
    assert graph.value(record, DCT.modified) == Literal(ADDED.isoformat(), datatype=XSD.dateTime)
    assert graph.value(record, DCT.issued) == Literal(ADDED.isoformat(), datatype=XSD.dateTime)
    assert graph.value(planner, DCT.issued) == Literal(ADDED.isoformat(), datatype=XSD.dateTime)
    created = URIRef("http://purl.org/adms/changetype/Created")
    assert graph.value(record, URIRef("http://www.w3.org/ns/adms#status")) == created
    assert (created, RDF.type, SKOS.Concept) in graph  # the change type is described
    assert graph.value(catalogue, DCT.issued) == Literal(LISTED.isoformat(), datatype=XSD.dateTime)
    assert graph.value(catalogue, DCT.modified) == Literal(ADDED.isoformat(), datatype=XSD.dateTime)


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-05-01", 1),
        ("2026-06-01T12:00:00Z", 1),
        ("2026-06-01T13:00:00+02:00", 1),  # 11:00 UTC, before the addition
        ("2026-06-01T12:00:01Z", 0),
        ("2025-12-31T23:59:59", 79),  # no time zone: UTC
        ("2026-01-01", 79),
    ],
)
def test_modified_since(harvest: FlaskClient, since: str, expected: int) -> None:
    graph = fetch(harvest, f"/catalogue?modified_since={since.replace('+', '%2B')}")
    (node,) = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert int(graph.value(node, HYDRA.totalItems)) == expected
    datasets = set(graph.objects(URIRef(BASE + "catalogue"), DCAT.dataset))
    assert len(datasets) == min(expected, 100)
    if expected == 1:
        assert datasets == {URIRef(BASE + "interlinkers/example_planner")}


def test_modified_since_is_kept_in_the_paging_links(harvest: FlaskClient) -> None:
    graph = fetch(harvest, "/catalogue?per_page=50&modified_since=2026-01-01")
    (node,) = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    following = str(graph.value(node, HYDRA.next))
    assert following == BASE + "catalogue?page=2&per_page=50&modified_since=2026-01-01"
    assert (
        len(set(fetch(harvest, following).objects(URIRef(BASE + "catalogue"), DCAT.dataset))) == 29
    )


def test_bad_modified_since_is_a_400(client: FlaskClient) -> None:
    answer = client.get("/catalogue?modified_since=yesterday")
    assert answer.status_code == 400
    assert answer.get_json()["details"] == {"parameter": "modified_since"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("<https://semiceu.github.io/DCAT-AP/releases/2.1.1/>", "dcat-ap-2.1.1"),
        ("<http://data.europa.eu/w21/>;q=0.9, <https://example.org/other>", "adms-ap"),
        (
            "<https://semiceu.github.io/DCAT-AP/releases/2.1.1/>;q=0.5, "
            "<https://semiceu.github.io/DCAT-AP/releases/3.0.1/>;q=0.8",
            "dcat-ap-3",
        ),
        ("<https://example.org/unknown>", "dcat-ap-3"),
        ("not an iri", "dcat-ap-3"),
    ],
)
def test_accept_profile_chooses_the_profile(
    harvest: FlaskClient, header: str, expected: str
) -> None:
    """W3C Content Negotiation by Profile: Accept-Profile in, Content-Profile out."""
    answer = harvest.get(
        "/catalogue?per_page=1", headers={"Accept": "text/turtle", "Accept-Profile": header}
    )
    assert answer.status_code == 200
    standard = str(PROFILES[expected].standard)
    assert answer.headers["Content-Profile"] == f"<{standard}>"
    assert "Accept-Profile" in answer.headers["Vary"]
    graph = Graph().parse(data=answer.data, format="turtle")
    assert set(graph.objects(None, DCT.conformsTo)) == {URIRef(standard)}


def test_the_profile_parameter_wins_over_accept_profile(harvest: FlaskClient) -> None:
    answer = harvest.get(
        "/catalogue?per_page=1&profile=dcat-ap-3",
        headers={"Accept-Profile": "<https://semiceu.github.io/DCAT-AP/releases/2.1.1/>"},
    )
    assert answer.headers["Content-Profile"] == (
        "<https://semiceu.github.io/DCAT-AP/releases/3.0.1/>"
    )


def test_a_record_with_several_dates_gives_its_latest_change_and_first_listing() -> None:
    """Whichever order the store answers in: one dct:modified (the latest) and one dct:issued
    (the earliest) per record, as the profiles' shapes allow."""
    store = open_store("memory:")
    load_files(store, [PLANNER], BASE, now=ADDED)
    planner = URIRef(BASE + "interlinkers/example_planner")
    ((record, _, _),) = [x.terms() for x in record_dates(store).listings(planner)]
    later, earlier = "2026-07-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"
    extra = (
        f'<{record}> <{DCT.modified}> "{later}"^^<{XSD.dateTime}> , '
        f'"2026-02-01T00:00:00+00:00"^^<{XSD.dateTime}> ; '
        f'<{DCT.issued}> "{earlier}"^^<{XSD.dateTime}> .'
    )
    store.replace_graphs(  # a new generation: what is kept per generation is read again
        {
            BASE + "graphs/extra-dates": GraphPayload(extra.encode(), TURTLE, BASE, "t"),
            **new_generation(BASE),
        }
    )
    page = catalogue_page(store, BASE, PageRequest(), requested_url=BASE + "catalogue")
    assert list(page.objects(record, DCT.modified)) == [Literal(later, datatype=XSD.dateTime)]
    assert list(page.objects(record, DCT.issued)) == [Literal(earlier, datatype=XSD.dateTime)]
    assert list(page.objects(planner, DCT.modified)) == [Literal(later, datatype=XSD.dateTime)]
    updated = URIRef("http://purl.org/adms/changetype/Updated")
    assert page.value(record, URIRef("http://www.w3.org/ns/adms#status")) == updated
    store.close()
