"""Hostile input at every parser entry point (hypothesis): RDF bodies in every syntax, SPARQL
text, query parameters, JSON bodies and headers. Whatever arrives, the answer is never a
server error, never shows a traceback, and a refused write leaves both stores as they were.

Bounded: a fixed number of examples each, derandomised, so a CI run takes the same time.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BASE, json_values

from interlink_kg.curation.accounts import create_token
from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.app import close_app, create_app

FOLDER = Path(tempfile.mkdtemp(prefix="interlink-kg-fuzz-inputs-"))
CATALOGUE = open_store("memory:")
load_bundled(CATALOGUE, BASE, validate=False)
WORKSPACE = open_store("memory:")
TOKEN = create_token(FOLDER / "tokens.json", "cora", Role.ADMIN)
APP = create_app(
    Settings(
        base_iri=BASE,
        store_url="memory:",
        tokens_file=FOLDER / "tokens.json",
        contact_email="catalogue@example.org",
        sparql_time_limit=2.0,
        max_body_bytes=200_000,
    ),
    store=CATALOGUE,
    workspace_store=WORKSPACE,
)
CLIENT = APP.test_client()
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DATA = Path(__file__).parent / "data" / "shapes" / "valid"
PLANNER = (DATA / "external-software-interlinker.ttl").read_text()

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    close_app(APP)
    shutil.rmtree(FOLDER, ignore_errors=True)


def _sane(response: object) -> None:
    status = response.status_code
    body = response.get_data(as_text=True)
    assert status < 500 or status == 503, (status, body[:500])
    assert "Traceback" not in body
    assert 'File "' not in body
    if status >= 400 and response.mimetype == "application/json":
        assert set(json.loads(body)) == {"code", "message", "status", "details"}


def _size(store: Store) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(str(rows[0]["n"]))


# -- texts that look like RDF, then get broken -----------------------------------------------

JSONLD = json.dumps(
    {
        "@context": {"dct": "http://purl.org/dc/terms/"},
        "@id": f"{BASE}interlinkers/x",
        "dct:title": {"@value": "x", "@language": "en"},
    }
)
RDFXML = (
    '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="interlinkers/x">'
    '<dct:title xml:lang="en">x</dct:title></rdf:Description></rdf:RDF>'
)
NTRIPLES = f'<{BASE}interlinkers/x> <http://purl.org/dc/terms/title> "x"@en .\n'
SEEDS = {
    "text/turtle": PLANNER,
    "application/ld+json": JSONLD,
    "application/rdf+xml": RDFXML,
    "application/n-triples": NTRIPLES,
}
HOSTILE_PIECES = [
    "\\u0000", "\\U0010FFFF", "\\", '"""', "'''", "<", ">", "{", "}", "[", "]", "@prefix",
    "@base <file:///etc/passwd> .", "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "&a;", '{"@context": "http://127.0.0.1:9/"}',
    "_:b", "^^", "@en-", "\x00", "\ud800", "\u202e", "%0A", "../", "a" * 5000, "[" * 200, "{" * 200,
]  # fmt: skip


@st.composite
def broken(draw: st.DrawFn, seed: str) -> str:
    """``seed`` with pieces cut out, hostile pieces put in, or replaced by noise."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "cut", "noise"]))
        if action == "insert":
            piece = draw(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=20))
            text = text[:where] + piece + text[where:]
        elif action == "cut":
            text = text[:where] + text[where + draw(st.integers(1, 50)) :]
        else:
            text = draw(st.text(max_size=200))
    return text


def _body(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("media_type", sorted(SEEDS))
def test_broken_rdf_is_never_a_server_error(media_type: str) -> None:
    @FUZZ
    @given(broken(SEEDS[media_type]))
    def run(text: str) -> None:
        _sane(CLIENT.post("/validate", data=_body(text), headers={"Content-Type": media_type}))

    run()


@pytest.mark.parametrize("media_type", sorted(SEEDS))
def test_a_refused_submission_writes_nothing(media_type: str) -> None:
    @FUZZ
    @given(broken(SEEDS[media_type]))
    def run(text: str) -> None:
        before = (_size(CATALOGUE), _size(WORKSPACE))
        response = CLIENT.post(
            "/interlinkers", data=_body(text), headers={**AUTH, "Content-Type": media_type}
        )
        _sane(response)
        if response.status_code >= 400:
            assert (_size(CATALOGUE), _size(WORKSPACE)) == before

    run()


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([*sorted(SEEDS), "text/plain", "x/y", ""]))
def test_any_bytes_as_any_type(data: bytes, media_type: str) -> None:
    headers = {"Content-Type": media_type} if media_type else {}
    _sane(CLIENT.post("/validate", data=data, headers=headers))


# -- SPARQL ----------------------------------------------------------------------------------

QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s a ?t }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?t WHERE { ?s dct:title ?t FILTER(LANG(?t)='en') } LIMIT 5",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
]  # fmt: skip
SPARQL_PIECES = [
    "SERVICE", "\\u0053ERVICE", "<http://127.0.0.1:9/>", "#", "'", '"', "\\'", "\\u005c", "{", "}",
    "(", ")", "FILTER", "BIND(", "OPTIONAL {", "INSERT DATA { <a> <b> <c> }", "LOAD <http://x/>",
    "ex:f(", "GRAPH ?g {", "VALUES ?x { 1 }", "\x00", "\ud800",
]  # fmt: skip


@st.composite
def broken_query(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(QUERIES))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(SPARQL_PIECES) | st.text(max_size=10))
        text = text[:where] + piece + text[where:]
    return text


@FUZZ
@given(broken_query(), st.sampled_from(["GET", "POST-form", "POST-direct"]))
def test_broken_sparql_is_never_a_server_error(query: str, how: str) -> None:
    if how == "GET":
        response = CLIENT.get("/sparql", query_string=urlencode({"query": _body(query)}))
    elif how == "POST-form":
        response = CLIENT.post(
            "/sparql",
            data=urlencode({"query": _body(query)}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    else:
        response = CLIENT.post(
            "/sparql", data=_body(query), headers={"Content-Type": "application/sparql-query"}
        )
    _sane(response)


# -- query parameters, JSON bodies and headers ------------------------------------------------

PARAM_ROUTES = [
    "/interlinkers",
    "/catalogue",
    "/problem-profiles",
    "/schemas",
    "/schemas/default/tasks/task-define_personas/recommendations",
    "/interlinkers/trello/related",
    "/sparql",
]
NAMES = ["q", "page", "per_page", "lang", "limit", "kind", "profile", "modified_since", "format"]
VALUES = st.text(max_size=40) | st.sampled_from(
    ["-1", "0", "1e9", "99999999999999999999", "%", ">"]
)


@FUZZ
@given(
    st.sampled_from(PARAM_ROUTES),
    st.lists(st.tuples(st.sampled_from(NAMES) | st.text(max_size=8), VALUES), max_size=4),
)
def test_any_query_parameters(route: str, params: list[tuple[str, str]]) -> None:
    pairs = [(_body(name), _body(value)) for name, value in params]
    _sane(CLIENT.get(route, query_string=urlencode(pairs)))


JSON_VALUES = json_values()


@st.composite
def recommendation_requests(draw: st.DrawFn) -> object:
    if draw(st.booleans()):
        return draw(JSON_VALUES)
    request: dict[str, object] = {
        "schema": draw(st.sampled_from(["default", "x", ""]) | JSON_VALUES),
        "task": draw(st.sampled_from(["task-define_personas", "nope"]) | JSON_VALUES),
    }
    for key in ("lang", "limit", "filters", "problem_profiles", "text"):
        if draw(st.booleans()):
            request[key] = draw(JSON_VALUES)
    return request


@FUZZ
@given(recommendation_requests())
def test_any_json_to_recommendations(payload: object) -> None:
    _sane(CLIENT.post("/recommendations", json=payload))


HEADER_VALUES = st.text(max_size=60).filter(
    lambda v: "\n" not in v and "\r" not in v
) | st.sampled_from(
    ["*/*;q=x", "text/html;q=0, */*", "<http://x>;q=0.5", "en;q=2", "xx-YY, *;q=0", ",,,", ";"]
)


@FUZZ
@given(
    st.sampled_from(["/interlinkers/trello", "/catalogue", "/sparql", "/schemas/default", "/"]),
    st.dictionaries(
        st.sampled_from(["Accept", "Accept-Language", "Accept-Profile", "Content-Type"]),
        HEADER_VALUES,
    ),
)
def test_any_negotiation_headers(path: str, headers: dict[str, str]) -> None:
    _sane(CLIENT.get(path, headers=headers))
