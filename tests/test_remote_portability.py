"""What lets the remote store work on SPARQL servers other than Oxigraph (Virtuoso 7 found each
of these; tests/test_virtuoso.py runs the service on it), tested without one: a server that
does not match an empty group in each named graph, graphs a server keeps for itself, results
cut short with a 200, blank-node labels that are not labels, and updates with blank nodes in
a form every server takes."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import ClassVar

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.errors import StoreError
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import updates
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.remote import RECENT_SECONDS, open_remote
from interlink_kg.store.remote_answers import rows
from interlink_kg.store.replaced_stream import ReplacedStream

VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"


def _bindings(*names: str | None) -> bytes:
    return json.dumps(
        {
            "head": {"vars": ["g"]},
            "results": {
                "bindings": [{} if n is None else {"g": {"type": "uri", "value": n}} for n in names]
            },
        }
    ).encode()


class _LikeVirtuoso(http.server.BaseHTTPRequestHandler):
    """Answers the graph listing as Virtuoso 7 does: ``GRAPH ?g { }`` with one solution and
    ``?g`` unbound; the listing from triples with the store's graph and one of its own. Any
    other query gets the rows of ``cut`` with an ``X-SPARQL-MaxRows`` header."""

    asked: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        text = urllib.parse.parse_qs(form).get("query", [""])[0]
        type(self).asked.append(text)
        headers = {}
        if "GRAPH ?g { }" in text:
            body = _bindings(None)
        elif "GROUP" in text:
            body = _bindings("http://example.org/g1", VIRTRDF)
        else:
            body = _bindings("http://example.org/g1")
            headers["X-SPARQL-MaxRows"] = "1"
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def like_virtuoso() -> Iterator[tuple[str, type[_LikeVirtuoso]]]:
    handler = type("LikeVirtuoso", (_LikeVirtuoso,), {"asked": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        yield f"http://127.0.0.1:{port}/?query=sparql&update=sparql&union=", handler
    finally:
        server.shutdown()
        server.server_close()


def test_graphs_are_listed_from_their_triples_where_an_empty_group_is_not_matched(
    like_virtuoso: tuple[str, type[_LikeVirtuoso]],
) -> None:
    url, handler = like_virtuoso
    store = open_remote(url)
    try:
        assert store.data_graphs() == ["http://example.org/g1"]  # the server's own left out
        time.sleep(RECENT_SECONDS)
        assert store.data_graphs() == ["http://example.org/g1"]  # asked the way that works
        assert sum("GRAPH ?g { }" in q for q in handler.asked) == 1
        assert sum("GROUP BY ?g" in q for q in handler.asked) == 2
    finally:
        store.close()


def test_results_cut_short_by_the_server_are_an_error_never_fewer_rows(
    like_virtuoso: tuple[str, type[_LikeVirtuoso]],
) -> None:
    store = open_remote(like_virtuoso[0])
    try:
        with pytest.raises(StoreError, match="cut its answer short"):
            store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", ["http://example.org/g1"])
    finally:
        store.close()


def _xml(label: str, literal: str) -> bytes:
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        '<head><variable name="s"/><variable name="o"/></head><results><result>'
        f'<binding name="s"><bnode>{label}</bnode></binding>'
        f'<binding name="o"><literal>{literal}</literal></binding>'
        "</result></results></sparql>"
    ).encode()


def test_virtuosos_blank_node_labels_are_read_and_literals_left_as_they_are() -> None:
    """``nodeID://b10000`` is taken off the label in XML results; the same text inside a
    literal is escaped markup there, so it stays."""
    found = rows(
        io.BytesIO(_xml("nodeID://b10000", "&lt;bnode&gt;nodeID://x")),
        "application/sparql-results+xml",
        ["s", "o"],
    )
    assert str(found[0]["s"]) == "b10000"
    assert str(found[0]["o"]) == "<bnode>nodeID://x"


class _Trickle(io.RawIOBase):
    """``data`` in reads of the given sizes, in turn."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data = data
        self._sizes = sizes
        self._turn = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self._sizes[self._turn % len(self._sizes)], len(self._data))
        self._turn += 1
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


PATTERN = b"<bnode>nodeID://"


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([PATTERN, PATTERN[:5], PATTERN[3:], b"<", b"nodeID://", b"x", b"\n"])
        | st.binary(max_size=20),
        max_size=40,
    ),
    sizes=st.lists(st.integers(min_value=1, max_value=23), min_size=1, max_size=8),
)
def test_a_replaced_stream_is_the_text_replaced_however_it_arrives(
    parts: list[bytes], sizes: list[int]
) -> None:
    data = b"".join(parts)
    source = io.BufferedReader(_Trickle(data, sizes), 7)
    replaced = io.BufferedReader(ReplacedStream(source, PATTERN, b"<bnode>"), 5)
    assert replaced.read() == data.replace(PATTERN, b"<bnode>")


@pytest.mark.parametrize("pattern", [b"", b"aa", b"abab", b"aba"])
def test_a_pattern_that_overlaps_itself_is_refused(pattern: bytes) -> None:
    with pytest.raises(ValueError, match="overlap"):
        ReplacedStream(io.BytesIO(b""), pattern, b"")


def test_triples_with_blank_nodes_are_inserted_by_a_template_of_their_graph() -> None:
    """SPARQL 1.1 allows blank nodes in ``INSERT DATA``; Virtuoso 7 refuses them, and a
    template of more than one graph: each graph's blank-node triples get a template of their
    own, so a label stays one node within its graph and two graphs' labels stay apart."""
    payload = GraphPayload(
        b"<http://x/a> <http://x/p> 1 . <http://x/a> <http://x/q> _:n . _:n <http://x/r> 2 .",
        TURTLE,
        "http://x/",
        "test",
    )
    update = updates.replacing({"http://x/g1": payload, "http://x/g2": payload})
    data_parts = [p for p in update.split(" ;\n") if p.startswith("INSERT DATA")]
    templates = [p for p in update.split(" ;\n") if p.startswith("INSERT {")]
    assert len(data_parts) == 2
    assert all("_:" not in p for p in data_parts)
    assert len(templates) == 2
    assert all(p.endswith("WHERE { }") for p in templates)
    assert all(p.count("GRAPH") == 1 for p in templates)
    store = ox.Store()
    store.update(update)
    for graph in ("http://x/g1", "http://x/g2"):
        nodes = {
            q.object
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            if isinstance(q.object, ox.BlankNode)
        } | {
            q.subject
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            if isinstance(q.subject, ox.BlankNode)
        }
        assert len(nodes) == 1, graph  # _:n is one node in its graph
    assert len(store) == 6
    every = {q.subject for q in store if isinstance(q.subject, ox.BlankNode)}
    assert len(every) == 2  # and another in the other graph
    quads = list(store)
    bulk = updates.inserting(quads)
    assert bulk.count("WHERE { }") == 2
    assert bulk.startswith("INSERT DATA")
    again = ox.Store()
    again.update(bulk)
    assert len(again) == 6
    assert len({q.subject for q in again if isinstance(q.subject, ox.BlankNode)}) == 2
