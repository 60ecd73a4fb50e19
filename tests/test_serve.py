"""`interlink-kg serve` for real: waitress, an on-disk store, a write over loopback; slow
clients, oversized chunked bodies and a port in use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from support import free_port, serving

from interlink_kg.curation.accounts import hash_token

DATA = Path(__file__).parent / "data" / "shapes"
CLI = [sys.executable, "-m", "interlink_kg"]
THREADS = 2
READ_TIMEOUT = 2


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as reply:  # loopback only
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class Served:
    base: str
    port: int
    env: dict[str, str]
    log: Path


def _start(tmp_path: Path, **settings: str) -> Iterator[Served]:
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{tmp_path / 'store'}",
        "INTERLINK_KG_TOKENS": f"ana:contributor:{hash_token('secret-token-for-ana')}",
        "INTERLINK_KG_TOKENS_FILE": str(tmp_path / "tokens.json"),
        "INTERLINK_KG_BASE_IRI": "http://127.0.0.1:8080/",
        **settings,
    }
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    log_path = tmp_path / "serve.log"
    with serving(CLI, port, env, log_path) as base:
        yield Served(base, port, env, log_path)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real server with 2 threads and a 2 s read timeout, to make starving it easy if slow
    clients could."""
    yield from _start(
        tmp_path_factory.mktemp("serve"),
        INTERLINK_KG_THREADS=str(THREADS),
        INTERLINK_KG_READ_TIMEOUT=str(READ_TIMEOUT),
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real server with 6 threads and 3 s limits on queries and validations."""
    yield from _start(
        tmp_path_factory.mktemp("loaded"),
        INTERLINK_KG_THREADS="6",
        INTERLINK_KG_SPARQL_TIME_LIMIT="3",
        INTERLINK_KG_VALIDATION_TIME_LIMIT="3",
    )


def test_serve_answers_reads_and_writes(served: Served) -> None:
    base = served.base
    body = (DATA / "valid" / "external-software-interlinker.ttl").read_bytes()
    status = request(
        f"{base}/interlinkers",
        body,
        {"Content-Type": "text/turtle", "Authorization": "Bearer secret-token-for-ana"},
    )
    assert status == 201
    assert request(f"{base}/interlinkers/trello") == 200
    # the HTML template ships with the package and is found by the real server
    assert request(f"{base}/interlinkers/trello", headers={"Accept": "text/html"}) == 200
    # public SPARQL queries run in worker processes the real server starts
    assert request(f"{base}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") == 200


def _timed_health(base: str) -> float:
    started = time.monotonic()
    assert request(f"{base}/health") == 200
    return time.monotonic() - started


SLOW_STARTS = [
    b"G",  # one byte of a request line
    b"GET /health HTTP/1.1\r\n",  # a request line, headers never finished
    b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
    b"Content-Length: 5000\r\n\r\n<a> <b> ",  # a body that stops early
    b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n10\r\n<a> <b> <c> .   \r\n",  # chunks that stop
    b"",  # connected, silent
]


def test_slow_clients_hold_no_thread(served: Served) -> None:
    """Five times more stalled clients than threads: /health still answers at once."""
    stalled = []
    try:
        for start in SLOW_STARTS * THREADS:
            conn = socket.create_connection(("127.0.0.1", served.port), timeout=5)
            if start:
                conn.sendall(start)
            stalled.append(conn)
        time.sleep(0.3)
        assert _timed_health(served.base) < 2.0
        assert _timed_health(served.base) < 2.0
    finally:
        for conn in stalled:
            conn.close()


def test_a_silent_connection_is_closed_after_the_read_timeout(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=READ_TIMEOUT * 10) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\n")
        started = time.monotonic()
        assert conn.recv(1024) == b""  # closed by the server, nothing answered
        assert time.monotonic() - started < READ_TIMEOUT * 5


def test_an_oversized_chunked_body_is_refused(served: Served) -> None:
    """1.1 MB in chunks, well-formed at first and broken after the first MiB: refused with
    413, not cut at the limit and judged on its first part."""
    line = b'<http://a.example/s> <http://a.example/p> "' + b"x" * 100 + b'" .\n'
    body = line * 10_000 + b"garbage after the first MiB"
    with socket.create_connection(("127.0.0.1", served.port), timeout=20) as conn:
        conn.sendall(
            b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/n-triples\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        try:
            for offset in range(0, len(body), 65_536):
                chunk = body[offset : offset + 65_536]
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            conn.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        answer = conn.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_a_port_in_use_is_named_with_the_way_out(served: Served) -> None:
    taken = subprocess.run(
        [*CLI, "serve", "--port", str(served.port)],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert taken.returncode != 0
    message = taken.stderr + taken.stdout
    assert f"port {served.port}" in message
    assert "--port" in message
    assert "Traceback" not in message


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _large_description(copies: int) -> bytes:
    text = (DATA / "valid" / "external-software-interlinker.ttl").read_text()
    head, _, one = text.partition("<interlinkers/example_planner>")
    one = "<interlinkers/example_planner>" + one
    return (
        head + "\n".join(one.replace("example_planner", f"p{i}") for i in range(copies))
    ).encode()


def _expensive(base: str, kind: str, outcomes: list[tuple[int, str | None]]) -> None:
    if kind == "query":
        req = urllib.request.Request(f"{base}/sparql?" + urlencode({"query": EXPLOSIVE}))
    else:
        req = urllib.request.Request(
            f"{base}/validate?shapes=dcat-ap-3",
            data=_large_description(400),
            headers={"Content-Type": "text/turtle"},
        )
    try:
        with urllib.request.urlopen(req, timeout=60) as reply:
            outcomes.append((reply.status, None))
    except urllib.error.HTTPError as error:
        outcomes.append((error.code, error.headers.get("Retry-After")))


def test_cheap_reads_stay_fast_under_expensive_anonymous_work(loaded: Served) -> None:
    """Six cross-product queries and four large DCAT-AP validations at once (issue 9 saw
    /health take 5-10 s, and 94 s): /health answers within a second throughout, and work
    beyond the limits is refused at once with 503 and Retry-After."""
    outcomes: list[tuple[int, str | None]] = []
    workers = [
        threading.Thread(target=_expensive, args=(loaded.base, kind, outcomes))
        for kind in ["query"] * 6 + ["validation"] * 4
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    timings = []
    while any(worker.is_alive() for worker in workers) and len(timings) < 40:
        timings.append(_timed_health(loaded.base))
        time.sleep(0.1)
    for worker in workers:
        worker.join(90)
    assert len(timings) >= 5
    assert max(timings) < 1.0, timings
    statuses = sorted(status for status, _ in outcomes)
    assert len(statuses) == 10
    assert all(status == 503 for status in statuses), statuses  # busy, or over a time limit
    assert any(retry for _, retry in outcomes), outcomes  # busy answers say when to retry
