"""Conditional GET on catalogue RDF (web/conditional.py, decision 0022): a weak ETag from the
generation stamps, ``304`` to a request that names it, a new tag after any change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from support import BASE, LOADED_AT

from interlink_kg import resources
from interlink_kg.curation.loading import load_bundled
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.generation import new_generation
from interlink_kg.web import conditional
from interlink_kg.web.app import close_app, create_app

ONE = "/interlinkers/trello"
TURTLE_ACCEPT = {"Accept": "text/turtle"}


def tag_of(client: FlaskClient, path: str, headers: dict[str, str]) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.data[:300]
    etag = response.headers["ETag"]
    assert etag.startswith('W/"'), etag
    return etag


@pytest.mark.parametrize(
    ("path", "headers", "vary"),
    [
        (ONE, TURTLE_ACCEPT, "Accept"),
        (ONE, {"Accept": "application/ld+json"}, "Accept"),
        (ONE + ".nt", {}, "Accept"),
        ("/catalogue?per_page=30", TURTLE_ACCEPT, "Accept, Accept-Profile"),
        ("/catalogue?after=trello&per_page=10", {"Accept": "application/n-triples"}, None),
        ("/catalogue?profile=dcat-ap-2.1.1", TURTLE_ACCEPT, None),
    ],
)
def test_the_tag_of_an_answer_gets_not_modified(
    client: FlaskClient, path: str, headers: dict[str, str], vary: str | None
) -> None:
    etag = tag_of(client, path, headers)
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    if vary is not None:
        assert again.headers["Vary"] == vary
    head = client.head(path, headers={**headers, "If-None-Match": f'"other", {etag}'})
    assert head.status_code == 304


def test_each_representation_has_its_own_tag(client: FlaskClient) -> None:
    tags = {
        tag_of(client, ONE, TURTLE_ACCEPT),
        tag_of(client, ONE, {"Accept": "application/ld+json"}),
        tag_of(client, "/interlinkers/information_sheet_template", TURTLE_ACCEPT),
        tag_of(client, "/catalogue?per_page=30", TURTLE_ACCEPT),
        tag_of(client, "/catalogue?per_page=30&page=2", TURTLE_ACCEPT),
        tag_of(
            client,
            "/catalogue?per_page=30",
            {
                **TURTLE_ACCEPT,
                "Accept-Profile": "<https://semiceu.github.io/DCAT-AP/releases/2.1.1/>",
            },
        ),
    }
    assert len(tags) == 6
    turtle = tag_of(client, ONE, TURTLE_ACCEPT)
    other = client.get(ONE, headers={"Accept": "application/ld+json", "If-None-Match": turtle})
    assert other.status_code == 200
    assert other.headers["ETag"] != turtle


@pytest.mark.parametrize(
    "value", ['"not-a-tag"', "garbage without quotes", 'W/"' + "x" * 5000 + '"', ""]
)
def test_other_or_malformed_tags_get_the_whole_answer(client: FlaskClient, value: str) -> None:
    response = client.get(ONE, headers={**TURTLE_ACCEPT, "If-None-Match": value})
    assert response.status_code == 200
    assert b"trello" in response.data


def test_a_star_matches_only_what_exists(client: FlaskClient) -> None:
    assert client.get(ONE, headers={**TURTLE_ACCEPT, "If-None-Match": "*"}).status_code == 304
    missing = client.get(
        "/interlinkers/no_such_one", headers={**TURTLE_ACCEPT, "If-None-Match": "*"}
    )
    assert missing.status_code == 404


def test_pages_for_people_are_never_tagged(client: FlaskClient) -> None:
    for path in (ONE, "/catalogue"):
        page = client.get(path, headers={"Accept": "text/html", "If-None-Match": "*"})
        assert page.status_code == 200
        assert "ETag" not in page.headers


@pytest.mark.parametrize("stamps", ["", " 18ed394e2ae5c397-1e79651a2861"])
def test_content_never_stamped_is_never_tagged(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, stamps: str
) -> None:
    """Nor when only what teams published has a stamp (content loaded by other means)."""
    monkeypatch.setattr(conditional, "both_generations", lambda store: stamps)
    response = client.get(ONE, headers={**TURTLE_ACCEPT, "If-None-Match": "*"})
    assert response.status_code == 200
    assert "ETag" not in response.headers


def test_cross_origin_scripts_may_revalidate(client: FlaskClient) -> None:
    preflight = client.options(
        ONE,
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert "if-none-match" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = client.get(ONE, headers={**TURTLE_ACCEPT, "Origin": "https://portal.example"})
    assert "etag" in answer.headers["Access-Control-Expose-Headers"].lower()


@pytest.fixture
def changing() -> Iterator[tuple[Store, Flask]]:
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False, now=LOADED_AT)
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=store)
    yield store, app
    close_app(app)
    store.close()


def test_a_change_makes_every_old_tag_stale(changing: tuple[Store, Flask]) -> None:
    store, app = changing
    client = app.test_client()
    one = tag_of(client, ONE, TURTLE_ACCEPT)
    page = tag_of(client, "/catalogue?per_page=30", TURTLE_ACCEPT)
    profile = tag_of(client, TAGGED["/problem-profiles/{id}"], TURTLE_ACCEPT)
    title = f'<{BASE}interlinkers/trello> <http://purl.org/dc/terms/title> "Tablero de tareas"@es .'
    store.replace_graphs(
        {
            f"{BASE}graphs/conditional-test": GraphPayload(title.encode(), TURTLE, BASE, "a test"),
            **new_generation(BASE),  # as every change writes it, in the same transaction
        }
    )
    after = client.get(ONE, headers={**TURTLE_ACCEPT, "If-None-Match": one})
    assert after.status_code == 200
    assert "Tablero de tareas" in after.get_data(as_text=True)
    assert after.headers["ETag"] != one
    assert (
        client.get(
            "/catalogue?per_page=30", headers={**TURTLE_ACCEPT, "If-None-Match": page}
        ).status_code
        == 200
    )
    stale = {**TURTLE_ACCEPT, "If-None-Match": profile}
    assert client.get(TAGGED["/problem-profiles/{id}"], headers=stale).status_code == 200


# Every GET the OpenAPI says answers 304, with a resource it holds in the bundled catalogue (plus
# one curated record event and its curator, written as curation writes them: stamped).
TAGGED = {
    "/interlinkers/{id}": ONE,
    "/catalogue": "/catalogue?per_page=30",
    "/catalogue{suffix}": "/catalogue.ttl?per_page=30",
    "/problem-profiles/{id}": "/problem-profiles/ORG_PROBLEM_2",
    "/schemas/{id}": "/schemas/default",
    "/schemas/{schema}/{kind}/{id}": "/schemas/default/phases/phase-build",
    "/vocabularies/{scheme}": "/vocabularies/purposes",
    "/vocabularies/{scheme}/{concept}": "/vocabularies/purposes/build_capacity",
    "/licences/{id}": "/licences/copyleft",
    "/licences/{id}/rights": "/licences/copyleft/rights",
    "/agents/{id}": "/agents/interlink-kg",
    "/agents/{id}/contact": "/agents/interlink-kg/contact",
    "/agents/{id}/contact{suffix}": "/agents/interlink-kg/contact.ttl",
    "/agents/users/{user}": "/agents/users/cora",
    "/records/{id}": "/records/trello",
    "/interlinkers/{id}/record": "/interlinkers/trello/record",
    "/records/{id}/events/{number}": "/records/trello/events/1",
    "/interlinkers/{id}/distributions/{distribution}": (
        "/interlinkers/advanced_tutorial_for_the_collaborative_environment/distributions/en"
    ),
    "/interlinkers/{id}/service": "/interlinkers/trello/service",
    "/interlinkers/{id}/service{suffix}": "/interlinkers/trello/service.nt",
}
# RDF the OpenAPI documents without a tag: what follows more than the catalogue's stamps (a
# named graph may be the SPARQL workers' snapshot's, the service description describes them)
# or is read too rarely to need one (VoID).
UNTAGGED = {
    "/.well-known/void": "/.well-known/void",
    "/sparql{suffix}": "/sparql.ttl",
    "/graphs/{name}": "/graphs/catalogue_data/catalogue.ttl",
}
EVENT = f"""
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{BASE}records/trello/events/1> a prov:Activity ; prov:wasAssociatedWith <{BASE}agents/users/cora> .
<{BASE}agents/users/cora> a foaf:Person ; foaf:nick "cora" .
"""


def documented_gets() -> dict[str, bool]:
    """Each GET path of the OpenAPI answering RDF or 304, and whether it documents 304."""
    spec = yaml.safe_load(resources.openapi_file().read_text(encoding="utf-8"))
    found = {}
    for path, operations in spec["paths"].items():
        answers = operations.get("get", {}).get("responses", {})
        ok = str(answers.get("200", {}).get("$ref", ""))
        if "304" in answers or ok.endswith("RdfResource"):
            found[path] = "304" in answers
    return found


def test_the_openapi_lists_the_tagged_answers_as_the_tests_do() -> None:
    documented = documented_gets()
    assert {p for p, tagged in documented.items() if tagged} == set(TAGGED)
    assert {p for p, tagged in documented.items() if not tagged} == set(UNTAGGED)


def test_every_conditional_route_is_documented_and_sampled(client: FlaskClient) -> None:
    """Each route whose view answers conditional requests is reached by one of the samples
    above (so the OpenAPI documents it with 304), and no untagged sample reaches one."""
    app = client.application
    adapter = app.url_map.bind("localhost")

    def rule_of(url: str) -> str:
        rule, _ = adapter.match(url.split("?")[0], return_rule=True)
        return rule.rule

    conditional_rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if hasattr(app.view_functions[rule.endpoint], "conditional_vary")
    }
    assert conditional_rules == {rule_of(url) for url in TAGGED.values()}
    assert not conditional_rules & {rule_of(url) for url in UNTAGGED.values()}


def test_the_schema_tree_is_tagged_per_language(client: FlaskClient) -> None:
    """The JSON tree (the default answer) is named in the language asked for."""
    spanish = {"Accept": "application/json", "Accept-Language": "es"}
    english = {"Accept": "application/json", "Accept-Language": "en"}
    tag = tag_of(client, "/schemas/default", spanish)
    assert tag != tag_of(client, "/schemas/default", english)
    again = client.get("/schemas/default", headers={**spanish, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["Vary"] == "Accept, Accept-Language"
    other = client.get("/schemas/default", headers={**english, "If-None-Match": tag})
    assert other.status_code == 200
    turtle = client.get("/schemas/default", headers=TURTLE_ACCEPT)
    assert turtle.headers["Vary"] == "Accept, Accept-Language"


@pytest.fixture
def with_event(changing: tuple[Store, Flask]) -> FlaskClient:
    store, app = changing
    store.replace_graphs(
        {
            f"{BASE}graphs/records/trello": GraphPayload(EVENT.encode(), TURTLE, BASE, "a test"),
            **new_generation(BASE),
        }
    )
    return app.test_client()


@pytest.mark.parametrize("path", sorted(TAGGED))
def test_each_documented_tag_is_given_and_honoured(with_event: FlaskClient, path: str) -> None:
    url = TAGGED[path]
    etag = tag_of(with_event, url, TURTLE_ACCEPT)
    assert with_event.get(url, headers={**TURTLE_ACCEPT, "If-None-Match": etag}).status_code == 304
    page = with_event.get(url, headers={"Accept": "text/html", "If-None-Match": etag})
    assert page.status_code == 200
    assert "ETag" not in page.headers


@pytest.mark.parametrize("path", sorted(UNTAGGED))
def test_what_is_documented_untagged_carries_no_tag(with_event: FlaskClient, path: str) -> None:
    response = with_event.get(UNTAGGED[path], headers={**TURTLE_ACCEPT, "If-None-Match": "*"})
    assert response.status_code == 200, response.data[:300]
    assert "ETag" not in response.headers
