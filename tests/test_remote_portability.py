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
from rdflib import Graph
from support import loopback_http

from interlink_kg.errors import StoreError
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import updates
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.remote import RECENT_SECONDS, open_remote
from interlink_kg.store.remote_answers import rows
from interlink_kg.store.remote_http import MAX_NAMED_GRAPHS
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
    delay: ClassVar[float] = 0.0

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        text = urllib.parse.parse_qs(form).get("query", [""])[0]
        type(self).asked.append(text)
        headers = {}
        if "GRAPH ?g { }" in text:
            time.sleep(type(self).delay)
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
    with loopback_http(handler) as port:
        yield f"http://127.0.0.1:{port}/?query=sparql&update=sparql&union=", handler


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


def test_callers_at_once_all_see_the_graphs_while_the_listing_switches(
    like_virtuoso: tuple[str, type[_LikeVirtuoso]],
) -> None:
    """Threads asking for the first time together: each answer of the first listing is judged
    by the query it answers, not by what another thread switched to meanwhile."""
    url, handler = like_virtuoso
    handler.delay = 0.2
    store = open_remote(url)
    seen: list[list[str]] = []
    try:
        threads = [
            threading.Thread(target=lambda: seen.append(store.data_graphs())) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen == [["http://example.org/g1"]] * 4
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
    replaced = io.BufferedReader(ReplacedStream(_Trickle(data, sizes), PATTERN, b"<bnode>"), 5)
    assert replaced.read() == data.replace(PATTERN, b"<bnode>")


@pytest.mark.parametrize("pattern", [b"", b"aa", b"abab", b"aba"])
def test_a_pattern_that_overlaps_itself_is_refused(pattern: bytes) -> None:
    with pytest.raises(ValueError, match="overlap"):
        ReplacedStream(io.BytesIO(b""), pattern, b"")


def _operations(update: str) -> list[str]:
    return update.split(" ;\n")


def _triples_in(operation: str) -> int:
    return sum(1 for line in operation.splitlines() if line.endswith(" ."))


def _payload(text: str) -> GraphPayload:
    return GraphPayload(text.encode(), TURTLE, "http://x/", "test")


def test_large_graphs_are_inserted_in_bounded_operations_each_blank_node_whole() -> None:
    """SPARQL bounds no operation, Virtuoso 7 does: ``INSERT DATA`` of at most
    ``DATA_TRIPLES`` triples with no blank node, templates of at most ``TEMPLATE_TRIPLES``;
    the triples a blank node joins stay in one template (a chain of 700 here), so each label
    is one node, and the store ends up with the graph parsed."""
    plain = "".join(f"<http://x/s{i}> <http://x/p> {i} .\n" for i in range(2500))
    pairs = "".join(
        f"<http://x/s{i}> <http://x/q> _:n{i} . _:n{i} <http://x/r> {i} .\n" for i in range(600)
    )
    chain = "".join(f"_:c{i} <http://x/next> _:c{i + 1} .\n" for i in range(700))
    text = plain + pairs + chain
    update = updates.replacing({"http://x/g": _payload(text)})
    data = [o for o in _operations(update) if o.startswith("INSERT DATA")]
    templates = [o for o in _operations(update) if o.startswith("INSERT {")]
    assert [_triples_in(o) for o in data] == [1000, 1000, 500]
    assert all("_:" not in o for o in data)
    assert sorted(_triples_in(o) for o in templates) == [200, 500, 500, 700]
    assert all(o.endswith("WHERE { }") for o in templates)
    assert all(o.count("GRAPH") == 1 for o in templates)
    store = ox.Store()
    store.update(update)
    stored = {(str(q.subject), str(q.predicate), str(q.object)) for q in store}
    assert len(stored) == 2500 + 1200 + 700
    expected = Graph().parse(data=text, format="turtle")
    got = Graph().parse(
        data=store.dump(format=ox.RdfFormat.N_QUADS).decode().replace(" <http://x/g> .", " ."),
        format="nt",
    )
    assert got.isomorphic(expected)


def test_a_blank_node_in_two_graphs_of_one_request_stays_one_node() -> None:
    """As in one ``INSERT DATA`` (and as store.request_batches promises): its triples go in
    one template, a GRAPH block for each graph."""
    quads = list(
        ox.parse(
            b"<http://x/a> <http://x/p> _:n <http://x/g1> .\n"
            b'_:n <http://x/p> "x" <http://x/g2> .\n'
            b'_:m <http://x/p> "1" <http://x/g1> .\n'
            b'<http://x/a> <http://x/p> "2" <http://x/g2> .\n',
            format=ox.RdfFormat.N_QUADS,
        )
    )
    update = updates.inserting(quads)
    store = ox.Store()
    store.update(update)
    assert len(store) == 4
    nodes = {
        term for q in store for term in (q.subject, q.object) if isinstance(term, ox.BlankNode)
    }
    assert len(nodes) == 2  # _:n once across both graphs, and _:m
    assert sum(o.startswith("INSERT {") for o in _operations(update)) == 2


def test_a_query_naming_more_graphs_than_a_server_takes_is_refused_before_it_is_sent() -> None:
    """Without a union parameter every query names every graph; past MAX_NAMED_GRAPHS (what
    the raised header-line limit holds: Virtuoso echoes each name as a header) the store says
    so instead of failing as a store that cannot be reached. Nothing listens on the port."""
    store = open_remote("http://127.0.0.1:9/?query=sparql&update=sparql&union=")
    names = [f"http://x/g{i}" for i in range(MAX_NAMED_GRAPHS + 1)]
    try:
        with pytest.raises(StoreError, match="union-default-graph parameter"):
            store.select("SELECT ?s WHERE { ?s ?p ?o }", names)
    finally:
        store.close()
