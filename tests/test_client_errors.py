"""Client mistakes get a 4xx in the one error shape, never a 500 or 503 (issue 9, points 6-8).

Each case here answered 5xx (or a wrong 200) before the fix that came with it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import BASE

from interlink_kg.curation.accounts import create_token, hash_token
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.app import close_app, create_app

ERROR_KEYS = {"code", "message", "status", "details"}
PLANNER = (
    Path(__file__).parent / "data/shapes/valid/external-software-interlinker.ttl"
).read_text()


def _is_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = json.loads(response.get_data(as_text=True))
    assert set(body) == ERROR_KEYS
    return body


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory, catalogue_store: Store) -> tuple[Flask, str]:
    folder = tmp_path_factory.mktemp("tokens")
    token = create_token(folder / "tokens.json", "cora", Role.CURATOR)
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=folder / "tokens.json")
    app = create_app(settings, store=catalogue_store, workspace_store=open_store("memory:"))
    yield app, token
    close_app(app)


# -- identifiers with a trailing newline (the old check's `$` let them through) ---------------

NEWLINE_PATHS = [
    "/interlinkers/trello%0A",
    "/interlinkers/trello%0A/record",
    "/interlinkers/trello%0A/related",
    "/interlinkers/trello%0A/service",
    "/interlinkers/trello/distributions/en%0A",
    "/problem-profiles/ORG_PROBLEM_2%0A",
    "/records/trello%0A",
    "/records/trello/events/1%0A",
    "/schemas/default%0A",
    "/schemas/default/tasks/task-define_personas%0A",
    "/schemas/default%0A/tasks/task-define_personas/recommendations",
    "/licences/mit%0A",
    "/vocabularies/purposes%0A",
    "/agents/interlink%0A",
    "/agents/users/ana%0A",
]


@pytest.mark.parametrize("path", NEWLINE_PATHS)
def test_an_identifier_with_a_newline_is_not_found(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in {400, 404}, (path, response.status_code)
    assert set(json.loads(response.get_data(as_text=True))) == ERROR_KEYS


@pytest.mark.parametrize("action", ["approve", "reject", "deprecate"])
@pytest.mark.parametrize("identifier", ["x%20y", "x%0A", "..", "%2E%2E"])
def test_a_transition_of_an_impossible_id_is_not_found(
    curated: tuple[Flask, str], action: str, identifier: str
) -> None:
    app, token = curated
    response = app.test_client().post(
        f"/submissions/{identifier}/{action}",
        json={"reason": "no"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in {404, 405}, response.get_data(as_text=True)


# -- SPARQL requests the engine cannot run ---------------------------------------------------

SPARQL_CASES = [
    ({"query": "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:f(1) AS ?x) }"}, 400),
    ({"query": "SELECT * WHERE {" + "{" * 300 + "}" * 300 + "}"}, 400),
    ({"query": "SELECT * WHERE { BIND(" + "(" * 300 + "1" + ")" * 300 + " AS ?x) }"}, 400),
    ({"query": "ASK { ?s ?p ?o }", "default-graph-uri": "foo"}, 400),
    ({"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "foo"}, 400),
    ({"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://a b/"}, 400),
]


@pytest.mark.parametrize(("params", "status"), SPARQL_CASES)
def test_sparql_the_engine_cannot_run_is_a_client_error(
    client: FlaskClient, params: dict[str, str], status: int
) -> None:
    _is_error(client.get("/sparql", query_string=params), status)


# -- the query string never leaks unescaped into headers or IRIs ------------------------------


def test_the_raw_query_string_is_never_copied_into_link_headers(client: FlaskClient) -> None:
    response = client.get(
        '/catalogue?x=>;rel="next",<http://evil.example/>', headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    links = response.headers["Link"]
    targets = re.findall(r"<([^>]*)>", links)
    assert all(not t.startswith("http://evil.example") for t in targets)
    assert 'rel="next"' not in links
    assert len(targets) == 5  # four alternates and the profile


def test_a_query_string_with_angle_brackets_serialises(client: FlaskClient) -> None:
    response = client.get("/catalogue?x=>", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "catalogue?x=%3E" in response.get_data(as_text=True)


# -- submissions that would shadow or escape -------------------------------------------------


def _submit(app: Flask, token: str, body: str, content_type: str = "text/turtle") -> object:
    return app.test_client().post(
        "/interlinkers",
        data=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld", ".nt", ".rdf", ".json", ".xml"])
def test_an_id_ending_in_a_served_suffix_is_refused(
    curated: tuple[Flask, str], suffix: str
) -> None:
    app, token = curated
    body = PLANNER.replace("example_planner", f"trello{suffix}")
    error = _is_error(_submit(app, token, body), 400)
    assert suffix in str(error["message"])


@pytest.mark.parametrize(
    ("subject", "status"),
    [
        (f"{BASE}interlinkers/example_planner/../trello", 400),
        (f"{BASE}interlinkers/example_planner/%2E%2E/trello", 400),
        (f"{BASE}interlinkers/example_planner/./x", 400),
        ("interlinkers/example_planner/../trello", 403),  # resolved by the parser: foreign
    ],
)
def test_a_subject_that_normalises_elsewhere_is_refused(
    curated: tuple[Flask, str], subject: str, status: int
) -> None:
    app, token = curated
    body = PLANNER + f"\n<{subject}> <http://purl.org/dc/terms/title> 'hijacked'@en .\n"
    _is_error(_submit(app, token, body), status)


def test_an_overlong_iri_is_refused(client: FlaskClient) -> None:
    """A 900,000-character IRI (accepted before): refused, here by the body limit first."""
    body = PLANNER.replace("<https://planner.example.org/>", f"<https://x.example/{'a' * 900_000}>")
    response = client.post("/validate", data=body.encode(), headers={"Content-Type": "text/turtle"})
    assert response.status_code == 413


def test_an_iri_over_the_iri_limit_but_under_the_body_limit_is_refused(client: FlaskClient) -> None:
    body = f"<https://x.example/{'a' * 5000}> <http://e/p> 'v' ."
    error = _is_error(
        client.post("/validate", data=body.encode(), headers={"Content-Type": "text/turtle"}),
        413,
    )
    assert "IRI" in str(error["message"])


@pytest.mark.parametrize("body", ["42", '"text"', "{}", "[]", "null"])
def test_json_ld_with_no_triples_is_refused(client: FlaskClient, body: str) -> None:
    response = client.post(
        "/validate", data=body.encode(), headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 400, response.get_data(as_text=True)


# -- a damaged tokens file fails closed, without naming itself -------------------------------


def _app_with_tokens(tmp_path: Path, content: str, env: str | None = None) -> Flask:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(content)
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens, tokens_env=env)
    return create_app(settings, store=open_store("memory:"), workspace_store=open_store("memory:"))


def test_an_unreadable_tokens_file_answers_503_without_its_path(tmp_path: Path) -> None:
    app = _app_with_tokens(tmp_path, "{not json", env=f"bob:curator:{hash_token('bob-secret')}")
    try:
        client = app.test_client()
        response = client.get("/submissions", headers={"Authorization": "Bearer whatever"})
        error = _is_error(response, 503)
        assert str(tmp_path) not in json.dumps(error)
        assert response.headers["Retry-After"]
        # tokens from the environment still work
        ok = client.get("/submissions", headers={"Authorization": "Bearer bob-secret"})
        assert ok.status_code == 200
        # no token at all is still plainly unauthorised
        _is_error(client.get("/submissions"), 401)
    finally:
        close_app(app)


def test_one_bad_token_entry_does_not_lock_out_the_others(tmp_path: Path) -> None:
    content = json.dumps(
        {
            "tokens": [
                {"user": "a b", "role": "curator", "sha256": "0" * 64},
                {"user": "cora", "role": "curator", "sha256": hash_token("cora-secret")},
            ]
        }
    )
    app = _app_with_tokens(tmp_path, content)
    try:
        client = app.test_client()
        ok = client.get("/submissions", headers={"Authorization": "Bearer cora-secret"})
        assert ok.status_code == 200
        _is_error(client.get("/submissions", headers={"Authorization": "Bearer nope"}), 401)
    finally:
        close_app(app)


# -- found by a hostile sweep of the hardened service ----------------------------------------


@pytest.mark.parametrize(
    ("path", "key"),
    [("/recommendations", "problem_profiles"), ("/submissions/trello/reject", "reason")],
)
def test_deeply_nested_json_is_a_client_error(
    curated: tuple[Flask, str], path: str, key: str
) -> None:
    app, token = curated
    body = '{"' + key + '": ' + "[" * 5000 + "]" * 5000 + "}"
    response = app.test_client().post(
        path,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    error = _is_error(response, 400)
    assert "nested deeper" in str(error["message"])


@pytest.mark.parametrize("query", ["", "   \n# only a comment\n", 'ASK { ?s ?p "\\U00110000" }'])
def test_empty_and_impossible_queries_are_parse_errors(client: FlaskClient, query: str) -> None:
    error = _is_error(client.get("/sparql", query_string={"query": query}), 400)
    assert error["code"] == "parse_error"


@pytest.mark.parametrize("character", ["\\u0001", "\\u0000", "\\u001F", "\\uFFFF"])
def test_a_literal_xml_cannot_carry_is_refused(curated: tuple[Flask, str], character: str) -> None:
    """One such literal, once published, made every RDF/XML page that included it ill-formed."""
    app, token = curated
    body = PLANNER.replace('"Example planner"@en', f'"Example{character}planner"@en')
    assert body != PLANNER
    error = _is_error(_submit(app, token, body), 400)
    assert "control character" in str(error["message"])


def test_an_overlong_language_tag_is_refused(client: FlaskClient) -> None:
    tag = "-".join(["abcdefgh"] * 10)
    body = f'<http://e.example/s> <http://e.example/p> "x"@en-{tag} .'
    error = _is_error(
        client.post("/validate", data=body.encode(), headers={"Content-Type": "text/turtle"}),
        400,
    )
    assert "language tag" in str(error["message"])


def test_an_overlong_identifier_is_refused(curated: tuple[Flask, str]) -> None:
    app, token = curated
    _is_error(_submit(app, token, PLANNER.replace("example_planner", "x" * 4000)), 400)


def test_an_id_that_differs_only_by_case_is_refused(curated: tuple[Flask, str]) -> None:
    app, token = curated
    error = _is_error(_submit(app, token, PLANNER.replace("example_planner", "TRELLO")), 409)
    assert error["details"]["existing"] == "trello"
