"""Pages for people, without a browser: sign-in and its cookie, CSRF on every cookie-borne
write, the language choice, the security headers, and that the README lists every route that
only browsers use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import BASE, ROOT

from interlink_kg.curation.accounts import create_token, revoke_tokens
from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.web.app import close_app, create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    catalogue = open_store("memory:")
    load_bundled(catalogue, BASE, validate=False)
    tokens = tmp_path / "tokens.json"
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens)
    made = create_app(settings, store=catalogue, workspace_store=open_store("memory:"))
    made.config["TOKENS"] = {
        user: create_token(tokens, user, role)
        for user, role in (("ana", Role.CONTRIBUTOR), ("cora", Role.CURATOR))
    }
    yield made
    close_app(made)


def csrf(client: FlaskClient, path: str = "/signin") -> str:
    body = client.get(path, headers={"Accept": BROWSER}).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', body)
    assert found, body[:500]
    return found.group(1)


def sign_in(app: Flask, client: FlaskClient, user: str) -> str:
    token = csrf(client)
    response = client.post(
        "/signin",
        data={"token": app.config["TOKENS"][user], "csrf_token": token, "next": "/processes"},
        headers={"Accept": BROWSER},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/processes"
    return csrf(client, "/curate")


def test_the_session_cookie_is_httponly_and_samesite(app: Flask) -> None:
    client = app.test_client()
    token = csrf(client)
    response = client.post(
        "/signin",
        data={"token": app.config["TOKENS"]["ana"], "csrf_token": token},
        headers={"Accept": BROWSER},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here


def test_a_wrong_token_does_not_sign_in(app: Flask) -> None:
    client = app.test_client()
    response = client.post(
        "/signin", data={"token": "nope", "csrf_token": csrf(client)}, headers={"Accept": BROWSER}
    )
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)


def test_cookie_writes_need_the_csrf_token_and_bearer_writes_do_not(app: Flask) -> None:
    client = app.test_client()
    sign_in(app, client, "ana")
    body = {"id": "parks", "name": "Parks", "type": "citizens"}
    refused = client.post("/teams", json=body)  # the cookie alone: refused
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "csrf_failed"
    token = csrf(client, "/curate")
    accepted = client.post("/teams", json=body, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201
    bearer = app.test_client().post(
        "/teams",
        json={"name": "Libraries", "type": "citizens"},
        headers={"Authorization": f"Bearer {app.config['TOKENS']['ana']}"},
    )
    assert bearer.status_code == 201
    form = client.post("/forms/processes", data={"title": "x", "schema": "default"})
    assert form.status_code == 403


def test_revoking_the_token_ends_the_session(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    sign_in(app, client, "cora")
    assert client.get("/submissions", headers={"Accept": BROWSER}).status_code == 200
    revoke_tokens(tmp_path / "tokens.json", "cora", None)
    assert client.get("/submissions", headers={"Accept": BROWSER}).status_code == 401


def test_sign_out_ends_the_session(app: Flask) -> None:
    client = app.test_client()
    token = sign_in(app, client, "ana")
    assert client.post("/signout", data={"csrf_token": token}).status_code == 303
    assert client.get("/submissions", headers={"Accept": BROWSER}).status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\\\evil"])
def test_sign_in_never_sends_the_browser_to_another_site(app: Flask, target: str) -> None:
    client = app.test_client()
    response = client.post(
        "/signin",
        data={"token": app.config["TOKENS"]["ana"], "csrf_token": csrf(client), "next": target},
    )
    assert response.headers["Location"] == "/"


def test_the_language_choice_is_remembered_and_api_answers_ignore_it(app: Flask) -> None:
    client = app.test_client()
    spanish = client.get("/schemas/default?lang=es", headers={"Accept": BROWSER})
    assert spanish.headers["Content-Language"] == "es"
    again = client.get("/interlinkers", headers={"Accept": BROWSER})
    assert '<html lang="es">' in again.get_data(as_text=True)
    api = client.get("/schemas/default", headers={"Accept": "application/json"})
    assert api.get_json()["title"] == "Default schema"
    assert "Cookie" not in api.headers.get("Vary", "")
    for lang, word in (("it", "Catalogo"), ("lv", "Katalogs"), ("en", "Catalogue")):
        page = client.get(f"/?lang={lang}", headers={"Accept": BROWSER}).get_data(as_text=True)
        assert f">{word}</a>" in page, lang


def test_pages_forbid_framing_and_foreign_scripts(app: Flask) -> None:
    response = app.test_client().get("/", headers={"Accept": BROWSER})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_values_are_escaped_in_pages(app: Flask) -> None:
    page = app.test_client().get(
        "/interlinkers?q=%3Cscript%3Ealert(1)%3C/script%3E", headers={"Accept": BROWSER}
    )
    body = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_readme_lists_every_route_only_browsers_use(app: Flask) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("pages."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        path = path.replace("{identifier}", "{id}").replace("{selection}", "{sel}")
        path = path.replace("{action}", "{approve|reject|deprecate}")
        assert path in readme, path


PAGE_PATHS = [
    "/",
    "/interlinkers?q=canvas",
    "/interlinkers/business_model_canvas",
    "/schemas",
    "/schemas/default",
    "/schemas/default/tasks/task-define_personas",
    "/processes",
    "/curate",
    "/signin",
    "/sparql",
    "/no/such/page",
]


@pytest.mark.parametrize("lang", ["en", "es", "it", "lv"])
def test_every_page_works_in_every_language(app: Flask, lang: str) -> None:
    client = app.test_client()
    for path in PAGE_PATHS:
        joiner = "&" if "?" in path else "?"
        response = client.get(f"{path}{joiner}lang={lang}", headers={"Accept": BROWSER})
        assert response.status_code == (404 if "no/such" in path else 200), path
        body = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in body, path
        assert response.headers["Content-Language"] == lang


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/",
        "/\t/evil.example/",
        "/\n/x",
        "/\r\n/x",
        "/x y",
        "https:evil",
        "/\\evil",
    ],
)
def test_hostile_next_targets_send_the_browser_home(app: Flask, target: str) -> None:
    client = app.test_client()
    response = client.post(
        "/signin",
        data={"token": app.config["TOKENS"]["ana"], "csrf_token": csrf(client), "next": target},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_signing_in_needs_the_csrf_token_even_without_a_session(app: Flask) -> None:
    """A page on another site cannot sign a browser in as someone else."""
    client = app.test_client()
    forged = client.post("/signin", data={"token": app.config["TOKENS"]["ana"]})
    assert forged.status_code == 403
    after = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Signed in as" not in after


def test_public_read_only_posts_need_no_csrf_token(app: Flask) -> None:
    client = app.test_client()
    client.get("/", headers={"Accept": BROWSER})  # an anonymous session with a CSRF token
    answer = client.post(
        "/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200
    assert client.post("/recommendations", json={"text": "canvas"}).status_code == 200


def test_api_answers_to_a_signed_in_browser_set_no_cookie(app: Flask) -> None:
    client = app.test_client()
    sign_in(app, client, "ana")
    answer = client.get("/interlinkers?per_page=1", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("page", ["²", "٣", "1" * 40, "-1", "0"])
def test_odd_page_numbers_are_answered_without_an_error(app: Flask, page: str) -> None:
    client = app.test_client()
    assert client.get(f"/interlinkers?page={page}", headers={"Accept": BROWSER}).status_code == 200
    assert client.get(f"/interlinkers?page={page}").status_code == 400


def test_only_web_addresses_become_links(app: Flask) -> None:
    query = 'SELECT (IRI("javascript:alert(1)") AS ?x) (IRI("https://example.org/") AS ?y) {}'
    page = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": BROWSER}
    )
    body = page.get_data(as_text=True)
    assert 'href="javascript:' not in body
    assert "javascript:alert(1)" in body  # shown, as text
    assert 'href="https://example.org/"' in body


def test_a_broken_session_secret_file_is_replaced(tmp_path: Path) -> None:
    from interlink_kg.web.browser_session import KEY_BYTES, secret_key

    tokens = tmp_path / "tokens.json"
    (tmp_path / "session-secret").write_bytes(b"")
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens)
    key = secret_key(settings)
    assert len(key) == KEY_BYTES
    assert secret_key(settings) == key == (tmp_path / "session-secret").read_bytes()
    assert (tmp_path / "session-secret").stat().st_mode & 0o777 == 0o600


def test_links_on_pages_lead_to_pages(app: Flask) -> None:
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {app.config['TOKENS']['ana']}"}
    client.post("/teams", json={"id": "parks", "name": "Parks", "type": "citizens"}, headers=bearer)
    sign_in(app, client, "ana")
    for path in ("/teams/parks", "/interlinkers/trello/ratings"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.mimetype == "text/html", path
