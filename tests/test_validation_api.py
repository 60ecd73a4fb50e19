"""POST /validate: every catalogue INTERLINKER conforms, every invalid example is caught, and the
report comes in JSON, Turtle, JSON-LD or text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from interlink_kg import resources
from interlink_kg.settings import Settings
from interlink_kg.store import Store
from interlink_kg.web.app import close_app, create_app

DATA = Path(__file__).parent / "data" / "shapes"
INTERLINKER_FILES = sorted((resources.catalogue_dir() / "interlinkers").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
TTL = {"Content-Type": "text/turtle"}


@pytest.mark.parametrize("path", INTERLINKER_FILES, ids=lambda p: p.stem)
def test_every_catalogue_interlinker_validates(client: FlaskClient, path: Path) -> None:
    response = client.post("/validate", data=path.read_bytes(), headers=TTL)
    assert response.status_code == 200
    body = response.get_json()
    assert body["conforms"] is True, body
    assert body["shapes"]["name"] == "interlink"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_every_invalid_example_is_rejected_naming_its_shape(
    client: FlaskClient, path: Path
) -> None:
    expected = re.search(r"^# expect-shape: (\S+)$", path.read_text(), re.MULTILINE)
    assert expected
    body = client.post("/validate", data=path.read_bytes(), headers=TTL).get_json()
    assert body["conforms"] is False
    shapes = {r["source_shape"] for r in body["results"] if r["severity"] == "Violation"}
    assert expected.group(1) in shapes


def test_report_as_turtle_jsonld_and_text(client: FlaskClient) -> None:
    bad = (DATA / "invalid" / "interlinker-missing-licence.ttl").read_bytes()
    for accept, fmt in [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]:
        response = client.post("/validate", data=bad, headers={**TTL, "Accept": accept})
        assert response.mimetype == accept
        graph = Graph().parse(data=response.data, format=fmt)
        (report,) = graph.subjects(RDF.type, SH.ValidationReport)
        assert graph.value(report, SH.conforms) == Literal(False)
    text = client.post("/validate", data=bad, headers={**TTL, "Accept": "text/plain"})
    assert text.mimetype == "text/plain"
    assert text.data.decode().startswith("DOES NOT CONFORM to interlink")
    assert "dct:license" in text.data.decode()
    refused = client.post("/validate", data=bad, headers={**TTL, "Accept": "image/png"})
    assert refused.status_code == 406


def test_messages_say_what_to_fix(client: FlaskClient) -> None:
    bad = (DATA / "invalid" / "interlinker-unknown-problem.ttl").read_bytes()
    body = client.post("/validate", data=bad, headers=TTL).get_json()
    (result,) = [r for r in body["results"] if r["severity"] == "Violation"]
    assert "ilk:addressesProblem" in result["message"]
    assert result["value"].endswith("/problem-profiles/ORG_PROBLEM_99")
    assert result["path"] == "https://w3id.org/interlink-kg/ontology#addressesProblem"
    allowed = result["allowed"]
    assert len(allowed) == 45
    assert "http://127.0.0.1:8080/problem-profiles/ORG_PROBLEM_2" in allowed
    kind = (DATA / "invalid" / "interlinker-kind-not-in-scheme.ttl").read_bytes()
    body = client.post("/validate", data=kind, headers=TTL).get_json()
    (result,) = [r for r in body["results"] if r["severity"] == "Violation"]
    assert [a.rsplit("/", 1)[1] for a in result["allowed"]] == [
        "externalknowledge",
        "externalsoftware",
        "knowledge",
        "software",
    ]


def test_bad_requests(client: FlaskClient) -> None:
    assert client.post("/validate", data=b"<a> <b> .", headers=TTL).status_code == 400
    assert client.post("/validate", data=b"", headers=TTL).status_code == 400
    assert (
        client.post("/validate", data=b"x", headers={"Content-Type": "text/csv"}).status_code == 415
    )
    unknown = client.post("/validate?shapes=nope", data=b"<a> <b> <c> .", headers=TTL)
    assert unknown.status_code == 400
    assert json.loads(unknown.data)["details"]["allowed"] == [
        "interlink",
        "dcat-ap-3",
        "dcat-ap-2.1.1",
        "adms-ap",
    ]


def test_validate_stores_nothing(client: FlaskClient) -> None:
    body = (DATA / "valid" / "external-software-interlinker.ttl").read_bytes()
    assert client.post("/validate", data=body, headers=TTL).status_code == 200
    assert client.get("/interlinkers/example_planner").status_code == 404


@pytest.mark.parametrize("path", INTERLINKER_FILES, ids=lambda p: p.stem)
def test_dcat_ap_view_of_every_interlinker_has_no_violation(
    client: FlaskClient, path: Path
) -> None:
    response = client.post("/validate?shapes=dcat-ap-3", data=path.read_bytes(), headers=TTL)
    body = response.get_json()
    assert body["shapes"] == {"name": "dcat-ap-3", "version": "3.0.1"}
    violations = [r for r in body["results"] if r["severity"] == "Violation"]
    assert violations == []


def test_dcat_ap_view_catches_a_missing_access_url(client: FlaskClient) -> None:
    """The knowledge example with its distribution's access URL removed breaks DCAT-AP too."""
    bad = (DATA / "invalid" / "distribution-without-access-url.ttl").read_bytes()
    body = client.post("/validate?shapes=dcat-ap-3", data=bad, headers=TTL).get_json()
    violations = [r for r in body["results"] if r["severity"] == "Violation"]
    assert [r["path"] for r in violations] == ["http://www.w3.org/ns/dcat#accessURL"]


def test_dcat_ap_view_needs_an_interlinker(client: FlaskClient) -> None:
    response = client.post(
        "/validate?shapes=dcat-ap-3",
        data=b"<a> <http://purl.org/dc/terms/title> 'x' .",
        headers=TTL,
    )
    assert response.status_code == 400


@pytest.fixture(scope="module")
def with_contact(catalogue_store: Store) -> Iterator[FlaskClient]:
    settings = Settings(
        base_iri="http://127.0.0.1:8080/", store_url="memory:", contact_email="curators@example.org"
    )
    app = create_app(settings, store=catalogue_store)
    yield app.test_client()
    close_app(app)


@pytest.mark.parametrize(("profile", "version"), [("dcat-ap-2.1.1", "2.1.1"), ("adms-ap", "2.0.2")])
@pytest.mark.parametrize("path", INTERLINKER_FILES, ids=lambda p: p.stem)
def test_every_interlinker_in_the_other_profiles_has_no_violation(
    with_contact: FlaskClient, path: Path, profile: str, version: str
) -> None:
    response = with_contact.post(f"/validate?shapes={profile}", data=path.read_bytes(), headers=TTL)
    body = response.get_json()
    assert body["shapes"] == {"name": profile, "version": version}
    assert [r for r in body["results"] if r["severity"] == "Violation"] == []


def test_adms_ap_view_catches_a_licence_without_an_adms_type(with_contact: FlaskClient) -> None:
    """A licence of the description's own with no ADMS licence type: fine for DCAT-AP 3, a
    violation of ADMS-AP (which makes the licence type mandatory)."""
    good = (DATA / "valid" / "external-software-interlinker.ttl").read_text(encoding="utf-8")
    custom = good.replace("<licences/proprietary>", "<licences/example-terms>") + (
        "\n<licences/example-terms> a <http://purl.org/dc/terms/LicenseDocument> ;"
        ' <http://www.w3.org/2000/01/rdf-schema#label> "Example terms"@en .\n'
    )
    assert custom != good

    def violations(profile: str) -> list[str]:
        body = with_contact.post(
            f"/validate?shapes={profile}", data=custom.encode(), headers=TTL
        ).get_json()
        return [r["path"] for r in body["results"] if r["severity"] == "Violation"]

    assert violations("dcat-ap-3") == []
    assert violations("adms-ap") == ["http://purl.org/dc/terms/type"]


def test_adms_ap_validation_needs_the_contact_email(client: FlaskClient) -> None:
    good = (DATA / "valid" / "external-software-interlinker.ttl").read_bytes()
    response = client.post("/validate?shapes=adms-ap", data=good, headers=TTL)
    assert response.status_code == 503
    assert response.get_json()["code"] == "profile_unavailable"


@pytest.mark.parametrize(
    ("example", "kind"),
    [
        ("interlinker-purpose-unknown.ttl", URIRef),
        ("interlinker-sustainability-not-boolean.ttl", Literal),
    ],
)
def test_report_values_keep_their_rdf_kind(client: FlaskClient, example: str, kind: type) -> None:
    """``sh:value`` is the offending term itself: an IRI stays an IRI (as pySHACL, Jena and
    TopBraid report it), a literal keeps its datatype."""
    bad = (DATA / "invalid" / example).read_bytes()
    response = client.post("/validate", data=bad, headers={**TTL, "Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    values = list(graph.objects(None, SH.value))
    assert values
    assert all(isinstance(v, kind) for v in values), values
