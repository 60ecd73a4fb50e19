"""A whole copy of a remote store's data (the public endpoint's snapshot, ``dump_quads``): on
Oxigraph's layout one dump of the server's dataset, kept to the data graphs; elsewhere the
graphs read by name, a few thousand per query."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import urllib3
from rdflib import Graph
from rdflib.compare import isomorphic
from support import BASE, loopback_http

from interlink_kg.curation.loading import load_bundled
from interlink_kg.errors import StoreError, StoreUnavailableError
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.settings import Settings
from interlink_kg.store import GraphPayload, open_store
from interlink_kg.store.base import INTERNAL_PREFIX
from interlink_kg.store.remote import RemoteStore
from interlink_kg.web.app import close_app, create_app

NQUADS = "application/n-quads"
INTERNAL = INTERNAL_PREFIX
QUADS_HEAD = b"?s\t?p\t?o\t?g\n"
DUMP = (  # a graph's quads need not come together
    '<urn:s> <urn:p> "in the default graph" .\n'
    '<urn:a> <urn:p> "Ærø"@da <urn:g:one> .\n'
    f'<urn:s> <urn:p> "a setting" <{INTERNAL_PREFIX}state/meta> .\n'
    "_:n1 <urn:p> <urn:a> <urn:g:one> .\n"
    '<urn:b> <urn:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g:two> .\n'
    "<urn:a> <urn:q> _:n1 <urn:g:one> .\n"
    '<urn:t> <urn:p> "in the default graph again" .\n'
).encode()


class _Dumper(http.server.BaseHTTPRequestHandler):
    """Answers a GET with ``body`` as ``media_type`` (a ``promised`` length larger than the
    body: cut off) and a POST with ``solutions`` (none by default); remembers what was asked,
    where, for what."""

    asked: ClassVar[list[tuple[str, str, str | None]]] = []  # method, path, Accept
    body: ClassVar[bytes] = DUMP
    media_type: ClassVar[str] = NQUADS
    promised: ClassVar[int | None] = None
    solutions: ClassVar[bytes] = QUADS_HEAD

    def do_GET(self) -> None:
        type(self).asked.append(("GET", self.path, self.headers.get("Accept")))
        self._answer(type(self).body, type(self).media_type, type(self).promised)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).asked.append(("POST", self.path, self.headers.get("Accept")))
        self._answer(type(self).solutions, "text/tab-separated-values", None)

    def _answer(self, body: bytes, media_type: str, promised: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(promised or len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def dumper() -> Iterator[tuple[int, type[_Dumper]]]:
    handler = type(
        "Dumper",
        (_Dumper,),
        {
            "asked": [],
            "body": DUMP,
            "media_type": NQUADS,
            "promised": None,
            "solutions": QUADS_HEAD,
        },
    )
    with loopback_http(handler) as port:
        yield port, handler


def _remote(url: str) -> RemoteStore:
    store = open_store(url)
    assert isinstance(store, RemoteStore)
    return store


def _graphs_of(nquads: bytes) -> dict[str, Graph]:
    """Each named graph of an N-Quads document, as an rdflib graph (to compare blank nodes as
    graphs do)."""
    found: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode), "a quad of the default graph"
        found.setdefault(quad.graph_name.value, []).append(quad.triple)
    out = {}
    for name, triples in found.items():
        graph = Graph()
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        out[name] = graph
    return out


def test_the_dump_keeps_the_data_graphs_whole_and_nothing_else(
    dumper: tuple[int, type[_Dumper]], tmp_path: Path
) -> None:
    """One GET of the server's graph store for N-Quads; the default graph's quads and the
    internal graphs' are left out, every quad of a data graph is kept, and one blank node stays
    one node."""
    port, handler = dumper
    store = _remote(f"sparql+http://127.0.0.1:{port}/db/")
    written = tmp_path / "snapshot.nq"
    store.write_quads(written)
    assert handler.asked == [("GET", "/db/store", NQUADS)]
    quads = list(ox.parse(path=str(written), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {"urn:g:one", "urn:g:two"}
    assert len(quads) == 4
    blank = {q.subject for q in quads if isinstance(q.subject, ox.BlankNode)}
    assert blank == {q.object for q in quads if isinstance(q.object, ox.BlankNode)}
    assert len(blank) == 1
    assert ox.Literal("Ærø", language="da") in {q.object for q in quads}
    assert sorted(store.dump_quads().splitlines()) == sorted(written.read_bytes().splitlines())


def test_graphs_named_by_the_caller_are_read_by_query_not_dumped(
    dumper: tuple[int, type[_Dumper]],
) -> None:
    port, handler = dumper
    store = _remote(f"sparql+http://127.0.0.1:{port}/")
    store.dump_quads(["urn:g:one"])
    assert [(method, path) for method, path, _ in handler.asked] == [("POST", "/query")]


def test_another_servers_layout_is_read_graph_by_graph_by_query(
    dumper: tuple[int, type[_Dumper]],
) -> None:
    """Fuseki's layout has no dump the store knows of: the graphs are listed, then read by
    query; nothing is asked with GET."""
    port, handler = dumper
    store = _remote(f"sparql+http://127.0.0.1:{port}/ds/?query=query&update=update&union=")
    assert store.endpoints.dump is None
    store.dump_quads()
    assert handler.asked
    assert all(method == "POST" for method, _, _ in handler.asked)


@pytest.mark.parametrize(
    ("media_type", "body", "said"),
    [
        ("text/turtle", DUMP, "sent a dataset as text/turtle"),
        ("", DUMP, "sent a dataset as nothing named"),
        (NQUADS, b"<urn:a> <urn:p> .\n", "not N-Quads"),
        (NQUADS, b'<urn:a> <urn:p> "x" <urn:g> <urn:h> .\n', "not N-Quads"),
        (NQUADS, b"<urn:a> <urn:p> <urn:b> <urn:g>\n", "not N-Quads"),
        (NQUADS, b'<urn:a> <urn:p> "\xff\xfe" <urn:g> .\n', "not N-Quads"),
        (NQUADS, b'<urn:a> <urn:p> "x"^^<urn:t> "x" .\n', "not N-Quads"),
        (NQUADS, b"<urn:a> <urn:p> <urn:b> <urn:g> .\n" * 5000 + b"<urn:a> <b", "not N-Quads"),
    ],
)
def test_a_dump_that_is_not_n_quads_is_refused(
    dumper: tuple[int, type[_Dumper]], tmp_path: Path, media_type: str, body: bytes, said: str
) -> None:
    port, handler = dumper
    handler.media_type, handler.body = media_type, body
    store = _remote(f"sparql+http://127.0.0.1:{port}/")
    with pytest.raises(StoreError, match=said):
        store.write_quads(tmp_path / "snapshot.nq")


def test_a_dump_broken_off_is_the_store_being_unavailable(
    dumper: tuple[int, type[_Dumper]], tmp_path: Path
) -> None:
    """The server promised more than it sent: not a shorter dataset, an error the service
    answers 503 for (and the next copy tries again)."""
    port, handler = dumper
    handler.promised = len(DUMP) + 1000
    store = _remote(f"sparql+http://127.0.0.1:{port}/")
    store._http._timeout = urllib3.Timeout(connect=1.0, read=1.0)
    with pytest.raises(StoreUnavailableError):
        store.write_quads(tmp_path / "snapshot.nq")
    handler.promised = None
    store.write_quads(tmp_path / "snapshot.nq")  # the same store, once the server is whole
    assert len((tmp_path / "snapshot.nq").read_bytes().splitlines()) == 4


def test_a_dump_is_not_held_to_the_cap_of_an_answer(
    dumper: tuple[int, type[_Dumper]], tmp_path: Path
) -> None:
    """A dump is written to a file as it arrives, so it may be larger than any answer read
    into memory (every data graph at 1M INTERLINKERs is about 4 GB); other answers keep the
    cap."""
    port, handler = dumper
    store = _remote(f"sparql+http://127.0.0.1:{port}/")
    store._http._limit = 100
    store.write_quads(tmp_path / "snapshot.nq")
    assert len((tmp_path / "snapshot.nq").read_bytes().splitlines()) == 4
    handler.solutions = QUADS_HEAD + b"<urn:a>\t<urn:p>\t<urn:b>\t<urn:g>\n" * 10
    with pytest.raises(StoreError, match="more than 100 bytes"):
        store.dump_quads(["urn:g:one"])


def test_a_servers_dump_holds_what_its_graphs_read_by_name_hold(
    remote_store_url: str, tmp_path: Path
) -> None:
    """On a real ``oxigraph serve``: the dump, kept to the data graphs, is the same dataset as
    the data graphs read by query (blank nodes compared as graphs do), without the store's
    settings or what the server holds in its default graph."""
    store = _remote(remote_store_url)
    turtle = {
        "urn:g:one": '<urn:a> <urn:p> "Ærø"@da , "a\\nb\\t\\"c\\"" ; <urn:q> [ <urn:p> 1.5 ] .',
        "urn:g:two": "<urn:b> <urn:p> ( 1 2 ) ; <urn:q> <urn:a> .",
    }
    store.replace_graphs(
        {
            n: GraphPayload(t.encode(), TURTLE, "http://x.example/", "test")
            for n, t in turtle.items()
        }
    )
    store.set_meta("stamp", "kept out of the copy")
    store._update('INSERT DATA { <urn:s> <urn:p> "in the default graph" }')
    dumped, by_name = tmp_path / "dumped.nq", tmp_path / "by-name.nq"
    store.write_quads(dumped)
    store.write_quads(by_name, store.data_graphs())
    found, expected = _graphs_of(dumped.read_bytes()), _graphs_of(by_name.read_bytes())
    assert set(found) == set(expected) == set(turtle)
    for name in turtle:
        assert isomorphic(found[name], expected[name]), name
    assert len(found["urn:g:two"]) == 6  # a list of two: two cells of two triples each


def test_the_public_endpoint_on_a_server_answers_from_its_dump(remote_store_url: str) -> None:
    """End to end: the public endpoint over a catalogue on ``oxigraph serve`` sees every
    published triple ``/dump`` gives (besides the types it derives), and no internal graph."""
    store = _remote(remote_store_url)
    load_bundled(store, BASE, validate=False)
    app = create_app(Settings(base_iri=BASE, store_url=store.url), store=store)
    try:
        client = app.test_client()
        dumped = Graph().parse(data=client.get("/dump").data, format="nt")
        implied = f"<{BASE}graphs/derived/types>"
        same = (
            "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } "
            f"FILTER (?g != {implied}) }} }}"
        )
        counted = client.get("/sparql", query_string={"query": same}).get_json()
        assert int(counted["results"]["bindings"][0]["n"]["value"]) == len(dumped) > 1000
        internal = (
            f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{INTERNAL_PREFIX}") }}'
        )
        assert client.get("/sparql", query_string={"query": internal}).get_json() == {
            "head": {},
            "boolean": False,
        }
    finally:
        close_app(app)
        store.close()
