"""The remote store (``sparql+http://``) against a real Oxigraph server the tests start: the
catalogue served from it, a server that goes down (503 with Retry-After, then recovery by
itself), a server that hangs (a timeout, not a hung request), credentials, and the settings a
remote deployment needs. The store contract itself runs on this backend in test_store.py."""

from __future__ import annotations

import base64
import contextlib
import gc
import http.server
import io
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from support import BASE, SparqlServer, loopback_http

from interlink_kg.curation.loading import load_bundled
from interlink_kg.errors import ConfigurationError, StoreError, StoreUnavailableError
from interlink_kg.finding import recommendations
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.settings import Settings, shown
from interlink_kg.store import (
    open_settings_store,
    open_store,
    open_workspace_store,
    remote,
    remote_answers,
)
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.remote import RemoteStore, open_remote
from interlink_kg.store.remote_endpoints import Endpoints
from interlink_kg.web.app import close_app, create_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TSV = "text/tab-separated-values"
QUADS_HEAD = b"?s\t?p\t?o\t?g\n"  # a whole graph is copied as these solutions
LANG_STRING_WITHOUT_LANGUAGE = json.dumps(
    {
        "head": {"vars": ["s", "p", "o", "g"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "uri", "value": "urn:a"},
                    "p": {"type": "uri", "value": "urn:p"},
                    "o": {
                        "type": "literal",
                        "value": "x",
                        "datatype": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
                    },
                    "g": {"type": "uri", "value": "urn:g"},
                }
            ]
        },
    }
).encode()


@pytest.fixture
def loaded(remote_store_url: str) -> Iterator[RemoteStore]:
    store = open_store(remote_store_url)
    assert isinstance(store, RemoteStore)
    load_bundled(store, BASE, validate=False)
    yield store
    store.close()


def test_the_catalogue_is_served_from_a_sparql_server(loaded: RemoteStore) -> None:
    ranked = recommendations.for_task(loaded, BASE, "default", "task-define_personas", limit=5)
    assert "model_for_personas_in_english" in [r.id for r in ranked.items]
    app = create_app(Settings(base_iri=BASE, store_url=loaded.url), store=loaded)
    try:
        client = app.test_client()
        body = client.get("/interlinkers?per_page=1000").get_json()
        assert body["total"] == 78
        page = client.get("/catalogue?per_page=10", headers={"Accept": "text/turtle"})
        assert page.status_code == 200
        assert b"dcat:Dataset" in page.data
        assert (
            client.get("/interlinkers/trello", headers={"Accept": "text/turtle"}).status_code == 200
        )
    finally:
        close_app(app)


def test_a_recommendation_for_a_task_not_asked_yet_costs_one_query(
    loaded: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every schema task's IRI, path and words, and every profile's names, are read once per
    content stamp; a task asked for the first time since then costs the query of its
    INTERLINKERs' summaries alone (its sibling tasks ranked too, from memory). The stamps are
    read again when the last read is older than ``RECENT_SECONDS`` (0.2 s: a slow machine
    ranking the task and its siblings may cross it), so they are not counted."""
    recommendations.for_task(loaded, BASE, "default", "task-define_personas", limit=5)
    asked: list[str] = []
    original = loaded.select

    def counted(query: str, graphs: object = None) -> object:
        asked.append(query)
        return original(query, graphs)  # type: ignore[arg-type]

    monkeypatch.setattr(loaded, "select", counted)
    ranked = recommendations.for_task(
        loaded, BASE, "hackathon", "task-create_awareness_and_communication"
    )
    assert ranked.items
    stamps = [q for q in asked if "?s <urn:interlink-kg:generation> ?stamp" in q]
    assert len(asked) - len(stamps) == 1, asked


def test_a_server_that_goes_down_gives_503_and_the_service_recovers(
    loaded: RemoteStore, oxigraph_server: SparqlServer
) -> None:
    app = create_app(Settings(base_iri=BASE, store_url=loaded.url), store=loaded)
    try:
        client = app.test_client()
        assert client.get("/interlinkers/trello").status_code == 200
        oxigraph_server.stop()
        down = client.get("/interlinkers/trello")
        assert down.status_code == 503
        assert down.headers["Retry-After"] == "5"
        assert down.get_json()["code"] == "store_unavailable"
        assert "cannot be reached" in down.get_json()["message"]
        assert "127.0.0.1" not in down.get_data(as_text=True)  # where the store is stays private
        oxigraph_server.start()  # same folder: the data is still there
        back = client.get("/interlinkers/trello")
        assert back.status_code == 200
        assert b"interlinkers/trello" in back.data
    finally:
        close_app(app)
        if oxigraph_server.process is None:
            oxigraph_server.start()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
                accepted.append(connection)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_server_that_hangs_times_out(silent_server: int) -> None:
    store = open_remote(f"http://127.0.0.1:{silent_server}/", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError):
        store.select(COUNT)
    assert time.monotonic() - started < 5
    store.close()


class StallingProxy:
    """A loopback TCP proxy to ``port`` whose answers can be held back (``stalled``): the
    server seen by its clients turns slow, and back, without being touched."""

    def __init__(self, port: int) -> None:
        self.upstream = port
        self.stalled = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._closing = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, answers: bool) -> None:
        try:
            while data := source.recv(65536):
                while answers and self.stalled.is_set() and not self._closing.is_set():
                    time.sleep(0.02)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        self.listener.close()


def test_a_server_that_turns_slow_gives_503_and_the_service_recovers(
    remote_store_url: str, oxigraph_server: SparqlServer
) -> None:
    """Slow, not down: the server takes connections but its answers stop coming. A request
    gets 503 with Retry-After once the store's timeout has passed, never hangs; when the
    answers flow again, the next request is served, nothing restarted."""
    direct = open_store(remote_store_url)
    load_bundled(direct, BASE, validate=False)  # with the default timeout: a busy machine
    direct.close()
    proxy = StallingProxy(oxigraph_server.port)
    store = open_remote(f"http://127.0.0.1:{proxy.port}/", timeout=0.5)
    app = create_app(Settings(base_iri=BASE, store_url=remote_store_url), store=store)
    try:
        client = app.test_client()
        turtle = {"Accept": "text/turtle"}
        assert client.get("/interlinkers/trello", headers=turtle).status_code == 200
        proxy.stalled.set()
        started = time.monotonic()
        slow = client.get("/interlinkers/information_sheet_template", headers=turtle)
        assert time.monotonic() - started < 5
        assert slow.status_code == 503
        assert slow.headers["Retry-After"] == "5"
        assert slow.get_json()["code"] == "store_unavailable"
        proxy.stalled.clear()
        back = client.get("/interlinkers/information_sheet_template", headers=turtle)
        assert back.status_code == 200
        assert b"interlinkers/information_sheet_template" in back.data
    finally:
        close_app(app)
        store.close()
        proxy.close()


class _Slow(http.server.BaseHTTPRequestHandler):
    """Answers every request with 204 after ``DELAY`` seconds."""

    DELAY: ClassVar[float] = 1.5

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(self.DELAY)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_whole_store_writes_have_the_long_timeout_and_the_rest_the_short_one() -> None:
    """Counting a derived graph in full after a load or at start-up (``patient``), or moving a
    bulk load into place, may take minutes on a large store: those wait up to the long
    timeout; every other call keeps the short one, a full count on a request thread too."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store = open_remote(
        f"http://127.0.0.1:{server.server_address[1]}/", timeout=0.5, long_timeout=10
    )
    construct = "CONSTRUCT { ?s <urn:x:n> ?o } WHERE { GRAPH ?g { ?s <urn:x:p> ?o } }"
    try:
        store.derive("urn:x:derived", construct, patient=True)  # waits for the answer
        store.move_graphs({"urn:x:a": "urn:x:b"})
        with pytest.raises(StoreUnavailableError):
            store.derive("urn:x:derived", construct, ["urn:x:s"])
        with pytest.raises(StoreUnavailableError):
            store.derive("urn:x:derived", construct)  # whole, but not patient
        with pytest.raises(StoreUnavailableError):
            store.replace_graphs({}, drop=["urn:x:a"])
    finally:
        store.close()
        server.shutdown()
        server.server_close()


class _Trickling(http.server.BaseHTTPRequestHandler):
    """Answers at once with a head promising ``SIZE`` bytes of SPARQL results, then sends them
    ``CHUNK`` bytes every ``EVERY`` seconds: each wait is short, the whole answer is not."""

    SIZE: ClassVar[int] = 1_000_000
    CHUNK: ClassVar[int] = 1
    EVERY: ClassVar[float] = 0.05

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/tab-separated-values")
        self.send_header("Content-Length", str(self.SIZE))
        self.end_headers()
        body = b"?n\n" + b"1\n" * (self.SIZE // 2)
        with contextlib.suppress(OSError):  # the client gave up: what the test wants
            for at in range(0, self.SIZE, self.CHUNK):
                self.wfile.write(body[at : at + self.CHUNK])
                self.wfile.flush()
                time.sleep(self.EVERY)

    def log_message(self, *args: object) -> None:
        return


@contextlib.contextmanager
def _trickling(chunk: int, every: float, size: int) -> Iterator[int]:
    handler = type("Trickle", (_Trickling,), {"CHUNK": chunk, "EVERY": every, "SIZE": size})
    with loopback_http(handler) as port:
        yield port


def test_a_server_trickling_its_answer_is_unavailable_once_too_slow() -> None:
    """Each wait is within the timeout (a byte every 0.05 s against 0.5 s), so a timeout per
    read alone would hold the call for the whole megabyte (14 hours): past the timeout the
    body must average MIN_BYTES_PER_SECOND, and this one does not."""
    with _trickling(chunk=1, every=0.05, size=1_000_000) as port:
        store = open_remote(f"http://127.0.0.1:{port}/", timeout=0.5)
        started = time.monotonic()
        try:
            with pytest.raises(StoreUnavailableError, match="too slowly"):
                store.select("SELECT ?n WHERE { ?s ?p ?n }")
            assert time.monotonic() - started < 3
        finally:
            store.close()


def test_an_answer_streaming_longer_than_the_timeout_but_fast_enough_is_read() -> None:
    """A long honest stream (a whole-catalogue read) is not cut off by the rate rule: 96 KB
    at about 64 KB/s, three times the 0.5 s timeout, every row read."""
    with _trickling(chunk=8192, every=0.125, size=3 + 2 * 49_150) as port:
        store = open_remote(f"http://127.0.0.1:{port}/", timeout=0.5)
        started = time.monotonic()
        try:
            rows = store.select("SELECT ?n WHERE { ?s ?p ?n }")
            assert time.monotonic() - started > 1.0  # it did outlast the timeout
            assert len(rows) == 49_150
        finally:
            store.close()


def _read_request(client: socket.socket) -> None:
    """Reads one request whole (closing a socket with a request unread resets it)."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += client.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += client.recv(65536)


ONE_ROW = b"Content-Type: text/tab-separated-values\r\nContent-Length: 5\r\n\r\n?n\n1\n"
# a piece of an answer: seconds to wait, then the bytes to send
Piece = tuple[float, bytes]


class _Scripted:
    """A loopback server sending every request the same answer, piece by piece, each piece
    after its wait; the connection closed after it."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._pieces = pieces
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with client, contextlib.suppress(OSError):  # the client gave up: what a test wants
                _read_request(client)
                for wait, data in self._pieces:
                    time.sleep(wait)
                    client.sendall(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()


def _header_lines(count: int, every: float = 0.0) -> list[Piece]:
    return [(every, b"X-Line-%d: x\r\n" % line) for line in range(count)]


@contextlib.contextmanager
def _scripted_store(pieces: list[Piece]) -> Iterator[RemoteStore]:
    server = _Scripted(pieces)
    store = open_remote(f"http://127.0.0.1:{server.port}/", timeout=0.5)
    try:
        yield store
    finally:
        store.close()
        server.close()


OK = (0.0, b"HTTP/1.1 200 OK\r\n")
ASK_ROWS = "SELECT ?n WHERE { ?s ?p ?n }"


@pytest.mark.parametrize(
    "pieces",
    [
        # a header line every 0.1 s against a 0.5 s timeout: 6 s with a timeout per read alone
        pytest.param([OK, *_header_lines(60, every=0.1), (0, ONE_ROW)], id="lines"),
        pytest.param(  # the status line itself, a byte at a time
            [(0.2, bytes([byte])) for byte in b"HTTP/1.1 200 OK\r\n"], id="status-line"
        ),
        pytest.param(  # interim heads, one after another
            [*[(0.1, b"HTTP/1.1 100 Continue\r\n\r\n")] * 60, OK, (0, ONE_ROW)], id="continue"
        ),
    ],
)
def test_a_server_trickling_its_answers_head_is_unavailable_in_time(
    pieces: list[Piece], caplog: pytest.LogCaptureFixture
) -> None:
    """Each wait is short, so a timeout per read alone would hold the call for the whole head;
    the head must be whole within the timeout of its first byte (and the log says so)."""
    with _scripted_store(pieces) as store:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            store.select(ASK_ROWS)
        assert time.monotonic() - started < 3
    assert "head came too slowly" in caplog.text


@pytest.mark.parametrize(
    "pieces",
    [
        # the first byte late (the server at work), the rest within the timeout of it, though
        # the whole head comes 0.65 s after the request
        pytest.param([(0.35, OK[1]), *_header_lines(6, every=0.05), (0, ONE_ROW)], id="late"),
        # 20,000 lines (Virtuoso echoes every graph a query names), sent at once
        pytest.param(
            [OK, (0, b"".join(line for _, line in _header_lines(20_000))), (0, ONE_ROW)],
            id="long",
        ),
        # the head in pieces, its last read waiting less than the timeout; the body 0.4 s after
        # it: the socket's timeout for the body is the call's again, not what was left
        pytest.param(
            [OK, (0.3, b"X-A: 1\r\n"), (0.05, ONE_ROW[:-5]), (0.4, ONE_ROW[-5:])], id="body"
        ),
    ],
)
def test_an_honest_head_late_long_or_in_pieces_is_read(pieces: list[Piece]) -> None:
    with _scripted_store(pieces) as store:
        assert len(store.select(ASK_ROWS)) == 1


@pytest.mark.parametrize(
    "pieces",
    [
        pytest.param(  # 17 MB in 300 lines, within the count of lines a head may have
            [OK, *[(0, b"X-Big: " + b"y" * 60_000 + b"\r\n")] * 300, (0, ONE_ROW)],
            id="too-large",
        ),
        pytest.param(  # urllib3 would unfold it at a cost growing as the lines' square
            [OK, *_header_lines(10), (0, b"X-Folded: a\r\n b\r\n"), (0, ONE_ROW)], id="folded"
        ),
    ],
)
def test_a_head_too_large_or_folded_is_refused_at_once(pieces: list[Piece]) -> None:
    with _scripted_store(pieces) as store:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            store.select(ASK_ROWS)
        assert time.monotonic() - started < 3


def test_a_refusal_trickling_its_body_is_not_waited_for() -> None:
    """What a server says with its error is read once, for the log: a 503 whose body comes a
    byte every 0.4 s (against 0.5 s) would otherwise hold the call for its 20 bytes (8 s)."""
    head = b"HTTP/1.1 503 Busy\r\nContent-Length: 20\r\n\r\n"
    with _scripted_store([(0, head), *[(0.4, b"x")] * 20]) as store:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match="503"):
            store.select(ASK_ROWS)
        assert time.monotonic() - started < 3


NO_ROWS = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with ``status`` and ``body`` (no rows by default) and remembers
    the Authorization headers, the bodies and what they were sent to, as what."""

    seen: ClassVar[list[str | None]] = []
    bodies: ClassVar[list[bytes]] = []
    sent_to: ClassVar[list[tuple[str, str | None]]] = []  # path with query, Content-Type
    status: ClassVar[int] = 200
    body: ClassVar[bytes] = NO_ROWS
    media_type: ClassVar[str] = "application/sparql-results+json"
    promised: ClassVar[int | None] = None  # a Content-Length larger than the body: cut off

    def do_POST(self) -> None:
        type(self).bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        type(self).seen.append(self.headers.get("Authorization"))
        type(self).sent_to.append((self.path, self.headers.get("Content-Type")))
        body = type(self).body
        self.send_response(type(self).status)
        if type(self).status in {301, 302, 307, 308}:
            self.send_header("Location", "https://elsewhere.example/query")
        self.send_header("Content-Type", type(self).media_type)
        self.send_header("Content-Length", str(type(self).promised or len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[int, type[_Recorder]]]:
    handler = type(
        "Recorder",
        (_Recorder,),
        {
            "seen": [],
            "bodies": [],
            "sent_to": [],
            "status": 200,
            "body": NO_ROWS,
            "media_type": "application/sparql-results+json",
            "promised": None,
        },
    )
    with loopback_http(handler) as port:
        yield port, handler


def test_a_union_read_posts_the_query_itself_and_a_named_read_a_form(
    recorder: tuple[int, type[_Recorder]],
) -> None:
    """Where the server has a union parameter, a read of every graph is the query itself
    (UTF-8, nothing to encode) and the parameter in the URL; a read of named graphs is a form
    that carries its dataset; a server without the parameter gets forms only."""
    port, handler = recorder
    query = 'SELECT ?n WHERE { ?s ?p "Ærø ĀĒĪ & default-graph-uri=x" }'
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    assert store.select(query) == []
    assert handler.sent_to[-1] == ("/query?union-default-graph=true", "application/sparql-query")
    assert handler.bodies[-1].decode("utf-8") == query
    assert store.select(query, ["urn:x:g"]) == []
    assert handler.sent_to[-1] == ("/query", "application/x-www-form-urlencoded")
    form = urllib.parse.parse_qs(handler.bodies[-1].decode("ascii"))
    assert form == {
        "query": [query],
        "default-graph-uri": ["urn:x:g"],
        "named-graph-uri": ["urn:x:g"],
    }
    with_a_query_string = RemoteStore(
        Endpoints(f"http://127.0.0.1:{port}/sparql?ds=a", f"http://127.0.0.1:{port}/u", "all"),
        url="test",
    )
    assert with_a_query_string.select(query) == []
    assert handler.sent_to[-1] == ("/sparql?ds=a&all=true", "application/sparql-query")
    held_by_an_older_server = open_remote(f"http://127.0.0.1:{port}/", direct_posts=False)
    assert held_by_an_older_server.select(query) == []
    assert handler.sent_to[-1] == ("/query", "application/x-www-form-urlencoded")
    assert urllib.parse.parse_qs(handler.bodies[-1].decode("ascii")) == {
        "query": [query],
        "union-default-graph": ["true"],
    }
    fuseki = open_store(f"sparql+http://127.0.0.1:{port}/ds/?query=sparql&update=update&union=")
    handler.body = json.dumps(
        {"head": {"vars": ["g"]}, "results": {"bindings": []}}
    ).encode()  # no graphs: the empty graph is read
    assert fuseki.select(query) == []
    # its graph names, then the query over them: forms (Virtuoso never answers a query posted
    # directly, openlink/virtuoso-opensource#842)
    assert handler.sent_to[-2:] == [("/ds/sparql", "application/x-www-form-urlencoded")] * 2
    assert urllib.parse.parse_qs(handler.bodies[-1].decode("ascii"))["query"] == [query]


def test_credentials_are_sent_and_never_shown(recorder: tuple[int, type[_Recorder]]) -> None:
    port, handler = recorder
    store = open_store(f"sparql+http://ada:p%40ss%20w@127.0.0.1:{port}/")
    assert store.select(COUNT) == []
    assert handler.seen[-1] == "Basic " + base64.b64encode(b"ada:p@ss w").decode()
    assert "ada" not in store.url
    assert "p%40ss" not in store.url
    bearer = open_store(f"sparql+http://127.0.0.1:{port}/", token="t0k3n")
    bearer.select(COUNT)
    assert handler.seen[-1] == "Bearer t0k3n"


def test_refused_credentials_are_a_clear_error(recorder: tuple[int, type[_Recorder]]) -> None:
    port, handler = recorder
    handler.status = 401
    store = open_store(f"sparql+http://ada:s3cret@127.0.0.1:{port}/")
    with pytest.raises(StoreError, match="refused the credentials") as refused:
        store.select(COUNT)
    assert "s3cret" not in str(refused.value) + json.dumps(refused.value.to_dict())


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_not_an_empty_answer(
    recorder: tuple[int, type[_Recorder]], status: int
) -> None:
    """A write that a redirect swallowed must not pass for done."""
    port, handler = recorder
    handler.status = status
    handler.body = b""
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    with pytest.raises(StoreError, match="redirected"):
        store.drop_graphs(["http://127.0.0.1:8080/graphs/one"])
    with pytest.raises(StoreError, match="redirected"):
        store.graph("http://127.0.0.1:8080/graphs/one")


@pytest.mark.parametrize(
    ("body", "call"),
    [
        (b"not json", "select"),
        (b'{"boolean": true}', "select"),  # a boolean where solutions were asked
        (NO_ROWS, "ask"),
        (b'{"results": {"bindings": {"n": 1}}}', "select"),
        (b'{"results": {"bindings": [{"n": "plain string"}]}}', "select"),
        (b'{"results": {"bindings": [{"n": {"type": "uri"}}]}}', "select"),
        (b'{"results": {"bindings": [{"n": {"type": "uri", "value": "not an iri"}}]}}', "select"),
        (b'{"results": {"bindings": [{"n": {"type": "weird", "value": "x"}}]}}', "select"),
        (b'{"boolean": "maybe"', "ask"),
        (b"<a> <b> .", "graph"),  # answered as SPARQL JSON
    ],
)
def test_a_malformed_answer_is_a_store_error(
    recorder: tuple[int, type[_Recorder]], body: bytes, call: str
) -> None:
    port, handler = recorder
    handler.body = body
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    calls = {
        "select": lambda: store.select(COUNT),
        "ask": lambda: store.ask("ASK { ?s ?p ?o }"),
        "graph": lambda: store.graph("http://127.0.0.1:8080/graphs/one"),
    }
    with pytest.raises(StoreError):
        calls[call]()


def _let_go_elsewhere(held: list[BaseException]) -> None:
    """Drop ``held``, the last hold on an error (its traceback, with the frames it went
    through), on another thread and collect there: a pyoxigraph parser still in one of those
    frames would be freed off its own thread, which the test run reports as a failure."""
    dropper = threading.Thread(target=lambda: (held.clear(), gc.collect()))
    dropper.start()
    dropper.join()


@pytest.mark.parametrize(
    ("media_type", "body", "call"),
    [
        ("text/tab-separated-values", b"?n\n<not an iri>\n", "values"),
        ("text/tab-separated-values", b"?n\n1\t2\n", "values"),  # two terms, one variable
        ("text/tab-separated-values", b"?n\n" + b"1\n" * 5000 + b'"unclosed\n', "values"),
        ("text/csv", b"n\nx\n", "select"),  # CSV loses the kind of terms
        ("text/html", b"<html></html>", "select"),
        ("", b"?n\n1\n", "values"),
        ("application/n-triples", b"<a> <b> .", "graph"),
        ("application/n-triples", b"\xff\xfe garbage", "graph"),
        (TSV, QUADS_HEAD + b"<urn:a>\t<urn:b>\t<urn:c>\t<urn:g>\n" * 5000 + b"<urn:a>\t<b", "dump"),
        (TSV, QUADS_HEAD + b'"lit"\t<urn:b>\t<urn:c>\t<urn:g>\n', "dump"),  # literal subject
        (TSV, QUADS_HEAD + b'<urn:a>\t<urn:b>\t<urn:c>\t"g"\n', "dump"),  # literal graph
        (TSV, QUADS_HEAD + b"<urn:a>\t<urn:b>\t<urn:c>\t\n", "dump"),  # unbound graph
        (TSV, b"?s\t?p\t?o\n<urn:a>\t<urn:b>\t<urn:c>\n", "dump"),  # no graph
        (TSV, b"?s\t?p\t?o\t?x\n<urn:a>\t<urn:b>\t<urn:c>\t<urn:g>\n", "dump"),
        ("application/n-triples", b"<urn:a> <urn:b> <urn:c> .\n", "dump"),  # triples, not rows
        ("application/sparql-results+json", b'{"boolean": true}', "dump"),
        ("application/sparql-results+json", LANG_STRING_WITHOUT_LANGUAGE, "dump"),
        ("text/turtle", b"<urn:a> <urn:b> <urn:c> .", "graph"),
    ],
)
def test_an_answer_that_does_not_parse_as_it_arrives_is_a_store_error(
    recorder: tuple[int, type[_Recorder]], media_type: str, body: bytes, call: str
) -> None:
    """Answers are parsed as they arrive, in the format the server names; what does not parse,
    even far into the answer, is the store's error, and the parser is let go on the thread
    that made it (pyoxigraph's parsers may not be freed by another: a collection on another
    thread would raise an unraisable error, which the test run treats as a failure)."""
    port, handler = recorder
    handler.body, handler.media_type = body, media_type
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    calls = {
        "select": lambda: store.select(COUNT),
        "values": lambda: store.select_values("SELECT ?n WHERE { ?n ?p ?o }"),
        "graph": lambda: store.graph("http://127.0.0.1:8080/graphs/one"),
        "dump": lambda: store.dump_quads(["http://127.0.0.1:8080/graphs/one"]),
    }
    with pytest.raises(StoreError) as caught:
        calls[call]()
    held: list[BaseException] = [caught.value]
    del caught
    _let_go_elsewhere(held)


@pytest.mark.parametrize("call", ["dump", "values"])
def test_an_answer_cut_off_mid_parse_frees_its_parser_here(
    recorder: tuple[int, type[_Recorder]], call: str
) -> None:
    """A server that breaks off while its answer is parsed (the snapshot of the public data is
    copied that way): unavailable, and the parser goes with the frame that made it (pyoxigraph
    refuses to free a results parser on another thread: the run would fail on it)."""
    port, handler = recorder
    if call == "dump":
        handler.media_type = TSV
        handler.body = QUADS_HEAD + b"<urn:a>\t<urn:b>\t<urn:c>\t<urn:g>\n" * 5000
    else:
        handler.media_type = "text/tab-separated-values"
        handler.body = b"?n\n" + b"<urn:x:n>\n" * 5000
    handler.promised = len(handler.body) + 100
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    calls = {
        "dump": lambda: store.dump_quads(["http://127.0.0.1:8080/graphs/one"]),
        "values": lambda: store.select_values("SELECT ?n WHERE { ?n ?p ?o }"),
    }
    with pytest.raises(StoreUnavailableError) as caught:
        calls[call]()
    held: list[BaseException] = [caught.value]
    del caught
    _let_go_elsewhere(held)


def test_blank_nodes_of_two_answers_stay_apart_in_one_copy(
    recorder: tuple[int, type[_Recorder]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server may label blank nodes per answer (``_:b0`` in each): graphs copied by two
    queries keep theirs apart, and one answer's blank node stays one node."""
    port, handler = recorder
    monkeypatch.setattr(remote, "GRAPH_BATCH", 1)
    handler.media_type = TSV
    handler.body = QUADS_HEAD + (
        b"_:b0\t<urn:p>\t<urn:o>\t<urn:g>\n<urn:s>\t<urn:p>\t_:b0\t<urn:g>\n"
    )
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    quads = list(
        ox.parse(store.dump_quads(["urn:x:one", "urn:x:two"]), format=ox.RdfFormat.N_QUADS)
    )
    assert len(quads) == 4
    first, second = quads[:2], quads[2:]
    assert first[0].subject == first[1].object
    assert second[0].subject == second[1].object
    assert first[0].subject != second[0].subject


def test_whole_graphs_are_read_by_naming_them_in_the_query_only(
    recorder: tuple[int, type[_Recorder]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of thousands of graphs names them once, in the query's VALUES: no dataset in the
    request (a server's form limit is often 200 KB), and the graphs of one batch only."""
    port, handler = recorder
    monkeypatch.setattr(remote, "GRAPH_BATCH", 2)
    handler.media_type = TSV
    handler.body = QUADS_HEAD
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    store.dump_quads(["urn:x:one", "urn:x:two", "urn:x:three"])
    assert len(handler.bodies) == 2
    # the query itself, with nothing beside it (SPARQL 1.1 Protocol: query via POST directly)
    assert handler.sent_to == [("/query", "application/sparql-query")] * 2
    first = handler.bodies[0].decode("utf-8")
    assert "<urn:x:one> <urn:x:two> }" in first
    assert "urn:x:three" not in first
    assert "<urn:x:three> }" in handler.bodies[1].decode("utf-8")


def test_a_copy_that_fails_to_write_frees_its_parser_here(tmp_path: Path) -> None:
    """A full disk while a snapshot is written: the writer's error, and the answer's parser
    is let go on this thread (not later, with the error, on another)."""

    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            raise OSError(28, "No space left on device")

    answer = io.BytesIO(QUADS_HEAD + b"<urn:a>\t<urn:b>\t<urn:c>\t<urn:g>\n" * 30_000)
    with pytest.raises(OSError, match="No space") as caught:
        remote_answers.copy_as_quads(answer, TSV, Full(), "a0x")
    held: list[BaseException] = [caught.value]
    del caught
    _let_go_elsewhere(held)


def test_answers_in_tsv_json_and_xml_give_the_same_rows(
    recorder: tuple[int, type[_Recorder]],
) -> None:
    port, handler = recorder
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    iri, text = "http://127.0.0.1:8080/a", "word"
    answers = {
        "text/tab-separated-values": f'?s\t?o\n<{iri}>\t"{text}"@en\n<{iri}>\t\n'.encode(),
        "application/sparql-results+json": json.dumps(
            {
                "head": {"vars": ["s", "o"]},
                "results": {
                    "bindings": [
                        {
                            "s": {"type": "uri", "value": iri},
                            "o": {"type": "literal", "value": text, "xml:lang": "en"},
                        },
                        {"s": {"type": "uri", "value": iri}},
                    ]
                },
            }
        ).encode(),
        "application/sparql-results+xml": (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            '<head><variable name="s"/><variable name="o"/></head><results>'
            f'<result><binding name="s"><uri>{iri}</uri></binding>'
            f'<binding name="o"><literal xml:lang="en">{text}</literal></binding></result>'
            f'<result><binding name="s"><uri>{iri}</uri></binding></result>'
            "</results></sparql>"
        ).encode(),
    }
    for media_type, body in answers.items():
        handler.body, handler.media_type = body, media_type
        # The query asks ?o first: the values follow the query's order, not the answer's.
        found = store.select_values("SELECT ?o ?s WHERE { ?s ?p ?o }")
        assert found == [(text, iri), (None, iri)], media_type
        assert found[0][1] is found[1][1], media_type  # one string for the rows' one IRI
        rows = store.select("SELECT ?s ?o WHERE { ?s ?p ?o }")
        assert [sorted(r) for r in rows] == [["o", "s"], ["s"]], media_type


def test_an_answer_cut_off_or_too_large_is_refused(
    recorder: tuple[int, type[_Recorder]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that breaks off its answer is unavailable (a 503 for clients); one that sends
    more than the store reads is an error, found while reading, not after."""
    port, handler = recorder
    rows = b"?n\n" + b"<urn:x:n>\n" * 1000
    handler.body, handler.media_type = rows, "text/tab-separated-values"
    store = open_store(f"sparql+http://127.0.0.1:{port}/")
    assert isinstance(store, RemoteStore)
    assert len(store.select_values("SELECT ?n WHERE { ?n ?p ?o }")) == 1000
    handler.promised = len(rows) + 100
    with pytest.raises(StoreUnavailableError, match="broke off"):
        store.select_values("SELECT ?n WHERE { ?n ?p ?o }")
    handler.promised = None
    monkeypatch.setattr(store._http, "_limit", 2000)
    with pytest.raises(StoreError, match="more than 2000 bytes"):
        store.select_values("SELECT ?n WHERE { ?n ?p ?o }")
    monkeypatch.setattr(store._http, "_limit", 100_000)
    assert len(store.select_values("SELECT ?n WHERE { ?n ?p ?o }")) == 1000  # pool still sound


@pytest.mark.parametrize("token", ["two words", "line\nbreak", "tab\there", "\x7f", " "])
def test_a_token_that_cannot_be_a_header_is_refused(token: str) -> None:
    with pytest.raises(StoreError, match="one word") as refused:
        open_store("sparql+http://127.0.0.1:1/", token=token)
    assert token.strip() not in str(refused.value) or not token.strip()


@pytest.mark.parametrize(
    "url",
    ["sparql+http://", "sparql+http:///query", "sparql+http:relative/path"],
)
def test_malformed_remote_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError, match="names an http"):
        open_store(url)


def test_endpoints_of_another_layout_are_named_in_the_url() -> None:
    fuseki = open_store("sparql+http://127.0.0.1:3030/ds?query=sparql&update=update&union=")
    assert isinstance(fuseki, RemoteStore)
    assert fuseki.endpoints.query == "http://127.0.0.1:3030/ds/sparql"
    assert fuseki.endpoints.update == "http://127.0.0.1:3030/ds/update"
    assert fuseki.endpoints.union_parameter is None
    assert fuseki.endpoints.bulk is None  # another server's bulk loads: SPARQL Update
    ipv6 = open_store("sparql+http://[::1]:7878/")
    assert isinstance(ipv6, RemoteStore)
    assert ipv6.endpoints.query == "http://[::1]:7878/query"
    oxigraph = open_store("sparql+https://db.example.org:7878/")
    assert isinstance(oxigraph, RemoteStore)
    assert oxigraph.endpoints.query == "https://db.example.org:7878/query"
    assert oxigraph.endpoints.union_parameter == "union-default-graph"
    assert oxigraph.endpoints.bulk == "https://db.example.org:7878/store?no_transaction"
    union_only = open_store("sparql+http://127.0.0.1:7878/?union=union-default-graph")
    assert isinstance(union_only, RemoteStore)
    assert union_only.endpoints.bulk == "http://127.0.0.1:7878/store?no_transaction"
    for other in ("?union=", "?union=other-union"):  # another server's union: no bulk loader
        named = open_store(f"sparql+http://127.0.0.1:3030/ds/{other}")
        assert isinstance(named, RemoteStore)
        assert named.endpoints.bulk is None
    with pytest.raises(StoreError, match="unknown setting"):
        open_store("sparql+http://127.0.0.1:3030/ds?password=x")
    with pytest.raises(StoreError, match="not a number"):
        open_store("sparql+http://127.0.0.1:abc/")
    with pytest.raises(StoreError, match="not a number"):
        open_store("sparql+http://127.0.0.1:abc/")


def test_shown_store_urls_have_no_password() -> None:
    assert shown("sparql+http://ada:s3cret@db:7878/") == "sparql+http://db:7878/"
    assert shown("sparql+https://db:7878/x?query=q") == "sparql+https://db:7878/x?query=q"
    assert shown("oxigraph:/var/lib/ilk") == "oxigraph:/var/lib/ilk"


def test_a_remote_catalogue_needs_a_named_workspace() -> None:
    settings = Settings.from_env({"INTERLINK_KG_STORE": "sparql+http://127.0.0.1:1/"})
    assert settings.workspace_url == ""
    with pytest.raises(ConfigurationError, match="INTERLINK_KG_WORKSPACE"):
        open_workspace_store(settings)
    named = Settings.from_env(
        {
            "INTERLINK_KG_STORE": "sparql+http://127.0.0.1:1/",
            "INTERLINK_KG_WORKSPACE": "memory:",
            "INTERLINK_KG_STORE_TOKEN": "secret",
            "INTERLINK_KG_WORKSPACE_TOKEN": "other",
            "INTERLINK_KG_STORE_TIMEOUT": "2.5",
            "INTERLINK_KG_STORE_LONG_TIMEOUT": "600",
        }
    )
    assert named.workspace_url == "memory:"
    assert named.store_token == "secret"
    assert named.workspace_token == "other"
    assert named.store_timeout == 2.5
    assert named.store_long_timeout == 600
    opened = open_settings_store(replace(named, store_url="sparql+http://127.0.0.1:1/"))
    assert isinstance(opened, RemoteStore)
    assert (opened._timeout.read_timeout, opened._long_timeout.read_timeout) == (2.5, 600)


def test_a_recent_read_is_reused_for_a_moment_and_others_writes_are_seen_within_it(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker asks the server for the generation stamp at most every RECENT_SECONDS (one
    round trip less per request); a write through another worker is seen within that time."""
    from interlink_kg.store import remote

    query = "SELECT ?v WHERE { ?s <urn:x:p> ?v }"
    payload = GraphPayload(b'<urn:x:s> <urn:x:p> "one" .', TURTLE, BASE)
    reader, writer = open_store(remote_store_url), open_store(remote_store_url)
    assert isinstance(reader, RemoteStore)
    try:
        writer.replace_graphs({"urn:x:g": payload})
        calls: list[str] = []
        sent = reader._http.answer
        monkeypatch.setattr(
            reader._http, "answer", lambda *a, **k: calls.append(a[0]) or sent(*a, **k)
        )
        assert [str(r["v"]) for r in reader.select_recent(query, ["urn:x:g"])] == ["one"]
        assert [str(r["v"]) for r in reader.select_recent(query, ["urn:x:g"])] == ["one"]
        assert len(calls) == 1  # the second answer was the first one's
        two = GraphPayload(b'<urn:x:s> <urn:x:p> "two" .', TURTLE, BASE)
        writer.replace_graphs({"urn:x:g": two})
        time.sleep(remote.RECENT_SECONDS)  # the reader's answer is older than that now
        assert [str(r["v"]) for r in reader.select_recent(query, ["urn:x:g"])] == ["two"]
        assert len(calls) == 2
    finally:
        reader.close()
        writer.close()


def test_graph_names_are_listed_once_for_a_burst_of_queries(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server without a union parameter every query over all graphs names them; the
    list is read again after a write through the same object at once, and after another
    object's within RECENT_SECONDS."""
    from interlink_kg.store import remote

    url = remote_store_url.replace("sparql+", "") + "?query=query&update=update&union="
    reader, writer = open_remote(url), open_remote(url)
    payload = GraphPayload(b'<urn:x:s> <urn:x:p> "one" .', TURTLE, BASE)
    try:
        writer.replace_graphs({"urn:x:one": payload})
        listed: list[bytes] = []
        sent = reader._http.answer
        monkeypatch.setattr(
            reader._http,
            "answer",
            lambda *a, **k: (
                listed.append(k["body"])
                if "GRAPH ?g { }" in urllib.parse.unquote_plus(k["body"].decode("ascii"))
                else None,
                sent(*a, **k),
            )[1],
        )
        ask = "ASK { <urn:x:s> <urn:x:p> ?o }"
        assert all(reader.ask(ask) for _ in range(5))
        assert len(listed) == 1
        reader.replace_graphs({}, drop=["urn:x:one"])
        assert not reader.ask(ask)
        assert len(listed) == 2  # its own write: listed again at once
        writer.replace_graphs({"urn:x:two": payload})
        time.sleep(remote.RECENT_SECONDS)
        assert reader.ask(ask)  # another's write: seen within RECENT_SECONDS
        assert len(listed) == 3
    finally:
        reader.close()
        writer.close()


def test_a_slow_older_read_never_replaces_a_newer_one() -> None:
    """Two threads read the stamp at once: the one that started first but answers last must
    not put its older answer in place of the newer one (the stamp would go back in time)."""
    store = open_remote("http://127.0.0.1:9/")  # never reached: the reads are faked
    started, release = threading.Event(), threading.Event()
    answers = iter(["old", "new"])

    def select(query: str, graphs: object = None) -> list[dict[str, object]]:
        value = next(answers)
        if value == "old":
            started.set()
            release.wait(5)
        return [{"v": value}]

    store.select = select  # type: ignore[method-assign]
    slow: list[object] = []
    reader = threading.Thread(target=lambda: slow.extend(store.select_recent("Q", ["g"])))
    reader.start()
    assert started.wait(5)
    assert store.select_recent("Q", ["g"]) == [{"v": "new"}]  # started later, answered first
    release.set()
    reader.join(5)
    assert slow == [{"v": "old"}]
    assert store.select_recent("Q", ["g"]) == [{"v": "new"}]
    store.close()
