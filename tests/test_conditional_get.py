"""Conditional GET on catalogue RDF (web/conditional.py, decision 0022): a weak ETag from the
generation stamps, ``304`` to a request that names it, a new tag after any change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import BASE, LOADED_AT

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
