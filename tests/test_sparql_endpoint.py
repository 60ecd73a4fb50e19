"""The public SPARQL endpoint: formats, clients, and the safety rules of an anonymous endpoint."""

from __future__ import annotations

import ast
import csv
import http.server
import io
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from support import BASE, LiveServer

from interlink_kg.curation.loading import load_bundled
from interlink_kg.settings import Settings
from interlink_kg.sparql.analysis import service_keywords
from interlink_kg.store import Store
from interlink_kg.web.app import close_app, create_app
from interlink_kg.web.state import state_of

SRC = Path(__file__).resolve().parents[1] / "src" / "interlink_kg"
TRELLO = f"{BASE}interlinkers/trello"


def title_query(base: str) -> str:
    return (
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?title WHERE { "
        f"<{base}interlinkers/trello> dct:title ?title FILTER(LANG(?title) = 'en') }}"
    )


TITLE_QUERY = title_query(BASE)
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _bundled(store: Store, base: str) -> None:
    load_bundled(store, base, validate=False)


def _sparql(client: FlaskClient, query: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def _http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as reply:  # loopback only
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# -- result formats -------------------------------------------------------------------------


def test_select_in_every_results_format(client: FlaskClient) -> None:
    expected = "Trello"
    answer = _sparql(client, TITLE_QUERY, "application/sparql-results+json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/sparql-results+json"
    assert answer.get_json()["results"]["bindings"][0]["title"]["value"] == expected
    assert answer.headers["Vary"] == "Accept"
    for media, fmt in (
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ):
        answer = _sparql(client, TITLE_QUERY, media)
        assert answer.mimetype == media
        rows = list(ox.parse_query_results(answer.data, format=fmt))
        assert [row["title"] for row in rows] == [ox.Literal(expected, language="en")]
    answer = _sparql(client, TITLE_QUERY, "text/csv")
    assert answer.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(answer.get_data(as_text=True)))) == [["title"], [expected]]


def test_ask_in_json_and_xml_and_not_as_csv(client: FlaskClient) -> None:
    query = f"ASK {{ <{TRELLO}> ?p ?o }}"
    assert _sparql(client, query).get_json() == {"head": {}, "boolean": True}
    xml = _sparql(client, query, "application/sparql-results+xml")
    assert bool(ox.parse_query_results(xml.data, format=ox.QueryResultsFormat.XML))
    refused = _sparql(client, query, "text/csv")
    assert refused.status_code == 406
    assert "application/sparql-results+json" in refused.get_json()["details"]["offered"]


def test_graph_results_in_every_rdf_syntax_are_the_same_graph(client: FlaskClient) -> None:
    query = f"CONSTRUCT {{ <{TRELLO}> ?p ?o }} WHERE {{ <{TRELLO}> ?p ?o }}"
    graphs = []
    for media, name in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        answer = _sparql(client, query, media)
        assert answer.status_code == 200, answer.data
        assert answer.mimetype == media
        graphs.append(Graph().parse(data=answer.data, format=name))
    assert len(graphs[0]) > 10
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])
    describe = _sparql(client, f"DESCRIBE <{TRELLO}>", "text/turtle")
    assert (URIRef(TRELLO), None, None) in Graph().parse(data=describe.data, format="turtle")


def test_defaults_and_format_parameters(client: FlaskClient) -> None:
    assert _sparql(client, TITLE_QUERY).mimetype == "application/sparql-results+json"
    assert _sparql(client, TITLE_QUERY, "*/*").mimetype == "application/sparql-results+json"
    construct = "CONSTRUCT WHERE { ?s a ?t } LIMIT 1"
    assert _sparql(client, construct).mimetype == "text/turtle"
    # SPARQLWrapper's format=/output= are a fallback when Accept says nothing specific...
    assert _sparql(client, TITLE_QUERY, "*/*", format="xml").mimetype == (
        "application/sparql-results+xml"
    )
    assert _sparql(client, TITLE_QUERY, None, output="tsv").mimetype == "text/tab-separated-values"
    # ... and Accept wins when it does.
    answer = _sparql(client, TITLE_QUERY, "text/csv", format="json")
    assert answer.mimetype == "text/csv"


def test_post_form_and_direct(client: FlaskClient) -> None:
    form = client.post("/sparql", data={"query": TITLE_QUERY})
    assert form.status_code == 200
    direct = client.post("/sparql", data=TITLE_QUERY, content_type="application/sparql-query")
    assert direct.get_json() == form.get_json()


# -- protocol errors ------------------------------------------------------------------------


def test_protocol_errors(client: FlaskClient) -> None:
    malformed = _sparql(client, "SELECT * WHERE { ?s ?p }")
    assert malformed.status_code == 400
    assert malformed.get_json()["code"] == "parse_error"
    wrong_type = client.post("/sparql", data=TITLE_QUERY, content_type="text/plain")
    assert wrong_type.status_code == 415
    assert "application/sparql-query" in wrong_type.get_json()["details"]["offered"]
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
    utf16 = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert utf16.status_code == 415
    assert client.put("/sparql", data="ASK {}").status_code == 405
    empty_form = client.post("/sparql", data={"default-graph-uri": "http://example.org/"})
    assert empty_form.status_code == 400


def test_cors(client: FlaskClient) -> None:
    answer = _sparql(client, "ASK {}")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://data.europa.eu",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert _sparql(client, "ASK {").headers["Access-Control-Allow-Origin"] == "*"


# -- read-only, published data only ---------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", query_string={"update": "CLEAR ALL"}),
        lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}),
        lambda c: c.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update"),
        lambda c: c.post("/sparql", data={"query": "DROP ALL"}),
        lambda c: c.get("/sparql", query_string={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        lambda c: c.post(
            "/sparql",
            data=f"DELETE WHERE {{ <{TRELLO}> ?p ?o }}",
            content_type="application/sparql-query",
        ),
    ],
    ids=["get-update", "form-update", "direct-update", "drop-as-query", "load", "delete-as-query"],
)
def test_updates_are_refused_and_change_nothing(
    client: FlaskClient, send: Callable[[FlaskClient], object]
) -> None:
    before = _sparql(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").get_json()
    answer = send(client)
    assert answer.status_code == 403
    assert answer.get_json()["code"] == "update_refused"
    assert _sparql(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").get_json() == before


def test_only_published_data_is_visible(tmp_path: Path) -> None:
    from interlink_kg.curation.accounts import create_token
    from interlink_kg.model.roles import Role
    from interlink_kg.store import open_store

    catalogue = open_store("memory:")
    load_bundled(catalogue, BASE, validate=False)
    tokens = tmp_path / "tokens.json"
    token = create_token(tokens, "ana", Role.CONTRIBUTOR)
    curator = create_token(tokens, "cora", Role.CURATOR)
    app = create_app(
        Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens), store=catalogue
    )
    client = app.test_client()
    planner = (
        Path(__file__).parent / "data/shapes/valid/external-software-interlinker.ttl"
    ).read_bytes()
    ask = "ASK { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), 'example_planner')) }"
    assert _sparql(client, ask).get_json()["boolean"] is False
    submitted = client.post(
        "/interlinkers",
        data=planner,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"},
    )
    assert submitted.status_code in (201, 202), submitted.data
    union = "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'example_planner')) }"
    assert _sparql(client, ask).get_json()["boolean"] is False  # a submission is not public
    assert _sparql(client, union).get_json()["boolean"] is False
    tokens_seen = _sparql(client, f"ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), '{token[:12]}')) }}")
    assert tokens_seen.get_json()["boolean"] is False
    approved = client.post(
        "/submissions/example_planner/approve", headers={"Authorization": f"Bearer {curator}"}
    )
    assert approved.status_code == 200, approved.data
    assert _sparql(client, ask).get_json()["boolean"] is True  # published: now visible
    close_app(app)


# -- SERVICE and FROM never make the server call out ----------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def _answer(self) -> None:
        self.hits.append(self.path)
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer  # noqa: N815 - the name http.server calls
    do_POST = _answer  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trap() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it receives."""
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    server.shutdown()
    server.server_close()


def test_service_is_refused_and_never_called(
    trap: tuple[str, list[str]], live_server: Callable[..., LiveServer]
) -> None:
    url, hits = trap
    server = live_server(_bundled)
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX t: <{url}> SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }}",
    ]
    for query in queries:
        status, body = _http(server.url + "sparql?" + urllib.parse.urlencode({"query": query}))
        assert status == 403, (query, body)
        assert json.loads(body)["code"] == "service_refused"
    time.sleep(0.2)
    assert hits == []


def test_allowed_service_is_called_which_proves_the_refusal_test_can_fail(
    trap: tuple[str, list[str]], live_server: Callable[..., LiveServer]
) -> None:
    url, hits = trap
    server = live_server(_bundled, sparql_allowed_services=(f"{url}sparql",))
    query = f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"
    status, body = _http(server.url + "sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200, body
    assert len(hits) == 1
    other = f"SELECT * WHERE {{ SERVICE <{url}other> {{ ?s ?p ?o }} }}"
    status, _ = _http(server.url + "sparql?" + urllib.parse.urlencode({"query": other}))
    assert status == 403
    assert len(hits) == 1


def test_from_and_dataset_iris_are_never_fetched(
    trap: tuple[str, list[str]], live_server: Callable[..., LiveServer]
) -> None:
    url, hits = trap
    server = live_server(_bundled)
    remote = f"{url}data.ttl"
    cases = [
        ({"query": f"ASK FROM <{remote}> {{ ?s ?p ?o }}"}, False),
        ({"query": f"ASK FROM NAMED <{remote}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, False),
        ({"query": "ASK { ?s ?p ?o }", "default-graph-uri": remote}, False),
        ({"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": remote}, False),
        ({"query": "ASK { ?s ?p ?o }"}, True),
    ]
    for params, expected in cases:
        status, body = _http(server.url + "sparql?" + urllib.parse.urlencode(params))
        assert status == 200, body
        assert json.loads(body)["boolean"] is expected, params
    assert hits == []


def test_from_selects_published_graphs(client: FlaskClient, catalogue_store: Store) -> None:
    graph = next(g for g in catalogue_store.data_graphs() if g.endswith("trello.ttl"))
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) FROM <{graph}> WHERE {{ ?s a ?t }}"
    rows = _sparql(client, query).get_json()["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) >= 1
    named = f"SELECT DISTINCT ?g FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    rows = _sparql(client, named).get_json()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [graph]


def test_the_lexer_counts_service_keywords_only() -> None:
    assert service_keywords("SELECT * { SERVICE <x> { } service SILENT ?v { } }") == 2
    for text in ('"SERVICE"', "<http://x/SERVICE>", "ex:SERVICE", "?service", "# SERVICE"):
        assert service_keywords(text) == 0, text


# -- limits ---------------------------------------------------------------------------------


def test_time_limit_stops_an_explosive_query_while_others_are_served(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(_bundled, sparql_time_limit=2.0, sparql_max_concurrent=2)
    endpoint = state_of(server.app).sparql
    assert _http(server.url + "sparql?query=ASK%7B%7D")[0] == 200  # workers up
    pids = endpoint.pool.processes.idle_pids()
    outcome: dict[str, object] = {}

    def explode() -> None:
        started = time.monotonic()
        url = server.url + "sparql?" + urllib.parse.urlencode({"query": EXPLOSIVE})
        outcome["status"], outcome["body"] = _http(url)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.5)
    # While it runs, the rest of the API and another public query are answered at once.
    started = time.monotonic()
    assert _http(server.url + "interlinkers/trello", headers={"Accept": "text/turtle"})[0] == 200
    status, body = _http(
        server.url + "sparql?" + urllib.parse.urlencode({"query": title_query(server.url)})
    )
    assert status == 200
    assert b"Trello" in body
    assert time.monotonic() - started < 1.5
    assert "status" not in outcome  # the explosive query is still running
    thread.join(timeout=30)
    assert outcome["status"] == 503
    error = json.loads(outcome["body"])
    assert error["code"] == "query_timeout"
    assert "2 s" in error["message"]
    assert 2.0 <= outcome["seconds"] < 6
    # The work really stopped: the process that ran it is gone, a fresh one replaced it.
    assert endpoint.pool.killed == 1
    deadline = time.monotonic() + 20
    while len(endpoint.pool.processes.idle_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the replacement joins once it has loaded the data
    now = endpoint.pool.processes.idle_pids()
    assert len(now) == 2
    (killed,) = pids - now
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)
    assert _http(server.url + "sparql?query=ASK%7B%7D")[0] == 200


def test_concurrency_limit_answers_busy(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(
        _bundled, sparql_time_limit=3.0, sparql_max_concurrent=1, sparql_queue_wait=0.3
    )
    assert _http(server.url + "sparql?query=ASK%7B%7D")[0] == 200
    thread = threading.Thread(
        target=_http, args=(server.url + "sparql?" + urllib.parse.urlencode({"query": EXPLOSIVE}),)
    )
    thread.start()
    time.sleep(0.5)
    req = urllib.request.Request(server.url + "sparql?query=ASK%7B%7D")
    with pytest.raises(urllib.error.HTTPError) as busy:
        urllib.request.urlopen(req, timeout=30)  # loopback only
    assert busy.value.code == 503
    assert busy.value.headers["Retry-After"] == "2"
    assert json.loads(busy.value.read())["code"] == "endpoint_busy"
    busy.value.close()
    thread.join(timeout=30)


def test_result_size_cap(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(_bundled, sparql_max_result_bytes=10_000)
    query = "SELECT * WHERE { ?s ?p ?o }"
    status, body = _http(server.url + "sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 422
    assert json.loads(body)["code"] == "result_too_large"
    small = "SELECT * WHERE { ?s ?p ?o } LIMIT 5"
    assert _http(server.url + "sparql?" + urllib.parse.urlencode({"query": small}))[0] == 200


# -- clients --------------------------------------------------------------------------------


def test_sparqlwrapper_as_client(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(_bundled)
    trello = server.url + "interlinkers/trello"
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setQuery(
        f"SELECT ?title WHERE {{ <{trello}> <http://purl.org/dc/terms/title> ?title "
        "FILTER(LANG(?title) = 'en') }"
    )
    wrapper.setReturnFormat(JSON)
    rows = wrapper.queryAndConvert()["results"]["bindings"]
    assert [r["title"]["value"] for r in rows] == ["Trello"]
    wrapper.setMethod(POST)
    assert wrapper.queryAndConvert()["results"]["bindings"] == rows
    wrapper.setQuery(f"ASK {{ <{trello}> ?p ?o }}")
    assert wrapper.queryAndConvert()["boolean"] is True
    wrapper.setQuery(f"CONSTRUCT WHERE {{ <{trello}> ?p ?o }}")
    wrapper.setReturnFormat(TURTLE)
    turtle = wrapper.queryAndConvert()
    assert (URIRef(trello), None, None) in Graph().parse(data=turtle, format="turtle")


def test_rdflib_sparqlstore_as_client(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(_bundled)
    trello = URIRef(server.url + "interlinkers/trello")
    for method in ("GET", "POST_FORM"):
        graph = Graph(store=SPARQLStore(server.url + "sparql", method=method))
        rows = list(
            graph.query(
                "SELECT ?title WHERE { ?i <http://purl.org/dc/terms/title> ?title "
                "FILTER(LANG(?title) = 'en') }",
                initBindings={"i": trello},
            )
        )
        assert [str(row[0]) for row in rows] == ["Trello"]
        titles = set(graph.objects(trello, URIRef("http://purl.org/dc/terms/title")))
        assert Literal("Trello", lang="en") in titles
        graph.close()


# -- separation -----------------------------------------------------------------------------


def test_recommendation_and_search_never_use_the_public_endpoint() -> None:
    for module in ("finding/recommendations.py", "finding/search.py", "finding/catalogue.py"):
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        imported = {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not any("sparql" in name for name in imported), module


def test_a_query_over_its_memory_cap_ends_only_its_worker(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(_bundled, sparql_time_limit=60.0, sparql_memory_mb=400)
    assert _http(server.url + "sparql?query=ASK%7B%7D")[0] == 200
    hungry = "SELECT ?a ?o ?e WHERE { ?a ?b ?o . ?c ?d ?e } ORDER BY ?o ?e LIMIT 1"
    started = time.monotonic()
    status, body = _http(server.url + "sparql?" + urllib.parse.urlencode({"query": hungry}))
    assert status == 503
    assert json.loads(body)["code"] == "query_too_expensive"
    assert time.monotonic() - started < 30  # the memory cap, not the time limit, ended it
    assert _http(server.url + "sparql?query=ASK%7B%7D")[0] == 200
    assert _http(server.url + "interlinkers/trello")[0] == 200


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "docs" / "sparql").glob("*.rq"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_documented_example_queries_answer(client: FlaskClient, path: Path) -> None:
    answer = client.post(
        "/sparql",
        data=path.read_text(encoding="utf-8"),
        content_type="application/sparql-query",
    )
    assert answer.status_code == 200, answer.data
    assert len(answer.get_json()["results"]["bindings"]) > 0


def test_there_are_example_queries() -> None:
    assert len(EXAMPLES) >= 5


def test_the_class_hierarchy_is_materialised_for_queries(client: FlaskClient) -> None:
    def count(query: str) -> int:
        rows = _sparql(client, query).get_json()["results"]["bindings"]
        return int(rows[0]["n"]["value"])

    ilk = "https://w3id.org/interlink-kg/ontology#"
    assert count(f"SELECT (COUNT(DISTINCT ?i) AS ?n) {{ ?i a <{ilk}Interlinker> }}") == 78
    dcat = "SELECT (COUNT(DISTINCT ?i) AS ?n) { ?i a <http://www.w3.org/ns/dcat#Resource> }"
    assert count(dcat) >= 78
    assert (
        count(f"SELECT (COUNT(DISTINCT ?t) AS ?n) {{ ?t a <{ilk}SchemaElement> }}") == 14 + 40 + 109
    )
    # The derived types sit in their own graph, which dereferences like the others.
    graph = f"{BASE}graphs/derived/types"
    in_graph = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    served = _sparql(client, in_graph, "application/n-triples")
    derefed = client.get("/graphs/derived/types", headers={"Accept": "application/n-triples"})
    assert derefed.status_code == 200
    assert isomorphic(
        Graph().parse(data=served.data, format="nt"), Graph().parse(data=derefed.data, format="nt")
    )
    assert len(Graph().parse(data=derefed.data, format="nt")) > 300


def test_queries_are_parsed_safely_from_many_threads() -> None:
    """rdflib's SPARQL parser (pyparsing) is not thread-safe; the request threads of the
    server, the local store route among them, parse at once: no parse may break another."""
    from concurrent.futures import ThreadPoolExecutor

    from interlink_kg.sparql.analysis import analyse, normalise

    texts = [
        "SELECT DISTINCT ?x WHERE { BIND (<http://example.org/a> AS ?x) }",
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o FILTER (STRSTARTS(STR(?s), 'h')) } "
        "GROUP BY ?s",
        "ASK { ?s a <http://example.org/C> OPTIONAL { ?s <http://example.org/p> ?v } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <http://example.org/a> } ?s ?p ?o }",
    ]

    def parse(n: int) -> str:
        return type(analyse(normalise(texts[n % len(texts)]))).__name__

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert len(set(pool.map(parse, range(400)))) == 1


def test_published_data_a_worker_cannot_load_is_a_503_that_says_so(
    catalogue_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """When no query process can load the snapshot (at 1M INTERLINKERs it outgrew the memory
    cap), queries get a 503 with Retry-After and a code of their own, not a 500, and the log
    tells the operator which setting to raise."""
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=catalogue_store)
    try:
        snapshots = state_of(app).sparql.pool.snapshots
        broken = tmp_path / "snapshot.nq"
        broken.write_bytes(b"<not a quad")
        snapshots.current = lambda: ("a generation no worker holds", broken)  # type: ignore[method-assign]
        with caplog.at_level("WARNING", logger="interlink_kg.sparql.pool"):
            reply = _sparql(app.test_client(), "ASK {}")
        assert reply.status_code == 503
        assert reply.get_json()["code"] == "published_data_unavailable"
        assert reply.headers["Retry-After"] == "30"
        assert "INTERLINK_KG_SPARQL_MEMORY_MB" in caplog.text
    finally:
        close_app(app)
