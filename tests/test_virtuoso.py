"""The service on Virtuoso 7 (Debian's package), in the layout the README gives for it, against
the same service on the embedded store: the same catalogue, the same answers, compared as
graphs. The store contract itself runs on Virtuoso in tests/test_store.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from support import BASE, LOADED_AT, synthetic_module

from interlink_kg.curation.loading import load_bundled
from interlink_kg.errors import StoreError
from interlink_kg.finding import recommendations
from interlink_kg.rdf.formats import TURTLE as TURTLE_FORMAT
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.web.app import close_app, create_app

TURTLE = {"Accept": "text/turtle"}
# What a visitor, a harvester and a SPARQL-minded client read, as RDF.
RDF_PATHS = (
    "/interlinkers/trello",
    "/interlinkers/information_sheet_template.jsonld",
    "/catalogue?per_page=10",
    "/catalogue?per_page=10&page=3",
    "/schemas/default",
    "/schemas/default/tasks/task-define_personas",
    "/problem-profiles/ORG_PROBLEM_1",
    "/interlinkers/trello/record",
)


def _clients(store: Store, url: str) -> Iterator[FlaskClient]:
    app = create_app(Settings(base_iri=BASE, store_url=url), store=store)
    try:
        yield app.test_client()
    finally:
        close_app(app)


@pytest.fixture
def on_virtuoso(virtuoso_store_url: str) -> Iterator[Store]:
    store = open_store(virtuoso_store_url)
    load_bundled(store, BASE, validate=False, now=LOADED_AT)
    yield store
    store.close()


def _graph(client: FlaskClient, path: str) -> Graph:
    answer = client.get(path, headers={} if path.endswith(".jsonld") else TURTLE)
    assert answer.status_code == 200, (path, answer.status_code)
    return Graph().parse(
        data=answer.data, format="json-ld" if path.endswith(".jsonld") else "turtle"
    )


def test_the_catalogue_on_virtuoso_is_served_as_from_the_embedded_store(
    catalogue_store: Store, on_virtuoso: Store
) -> None:
    served = {}
    for name, store in (("embedded", catalogue_store), ("virtuoso", on_virtuoso)):
        for client in _clients(store, store.url):
            served[name] = (
                [_graph(client, path) for path in RDF_PATHS],
                client.get("/interlinkers?per_page=1000").get_json(),
                client.get("/interlinkers?q=persona+template&lang=en").get_json(),
                client.get("/interlinkers/trello", headers={"Accept": "text/html"}),
            )
    graphs, listing, search, page = served["virtuoso"]
    for path, mine, theirs in zip(RDF_PATHS, graphs, served["embedded"][0], strict=True):
        assert len(mine) > 0, path
        assert mine.isomorphic(theirs), path
    assert listing["total"] == served["embedded"][1]["total"] == 78
    assert listing == served["embedded"][1]
    assert search == served["embedded"][2]
    assert search["items"]
    assert page.status_code == 200
    assert b"Trello" in page.data


def test_recommendations_on_virtuoso_are_those_of_the_embedded_store(
    catalogue_store: Store, on_virtuoso: Store
) -> None:
    for schema, task in (
        ("default", "task-define_personas"),
        ("hackathon", "task-create_awareness_and_communication"),
    ):
        mine = recommendations.for_task(on_virtuoso, BASE, schema, task, limit=10)
        theirs = recommendations.for_task(catalogue_store, BASE, schema, task, limit=10)
        assert mine.items
        assert [(r.id, round(r.score, 9)) for r in mine.items] == [
            (r.id, round(r.score, 9)) for r in theirs.items
        ]


def test_a_request_failing_on_the_server_changes_nothing(virtuoso_store_url: str) -> None:
    """One request is one transaction there too: the second graph's ill-typed integer (which
    RDF allows and Virtuoso refuses, SR341) undoes the first graph's replacement in the same
    request."""
    store = open_store(virtuoso_store_url)
    first, second = f"{BASE}graphs/one", f"{BASE}graphs/two"
    try:
        store.replace_graphs({first: _turtle("<a> <p> 1 .")})
        with pytest.raises(StoreError):
            store.replace_graphs(
                {
                    first: _turtle("<a> <p> 2 ."),
                    second: _turtle('<a> <p> "x"^^<http://www.w3.org/2001/XMLSchema#integer> .'),
                }
            )
        rows = store.select("SELECT ?o WHERE { ?s ?p ?o }")
        assert [str(r["o"]) for r in rows] == ["1"]
        assert store.data_graphs() == [first]
    finally:
        store.close()


def _turtle(text: str) -> GraphPayload:
    return GraphPayload(text.encode(), TURTLE_FORMAT, BASE, "test")


def test_a_synthetic_catalogue_of_3000_loads_as_the_benchmarks_load_it(
    virtuoso_store_url: str,
) -> None:
    """3,000 INTERLINKERs and their records (a graph each) in bulk batches of 20,000 quads:
    Virtuoso crashed on the records' batch as one INSERT DATA ("GPF: page.c:119 row length out
    of range"); cut into operations, it takes it."""
    synthetic = synthetic_module()
    store = open_store(virtuoso_store_url)
    try:
        synthetic.load(store, 3000)
        found = store.select(
            "SELECT (COUNT(DISTINCT ?r) AS ?n) "
            "WHERE { ?r a <http://www.w3.org/ns/dcat#CatalogRecord> }"
        )
        assert int(found[0]["n"]) == 3000
    finally:
        store.close()
