"""Cheap reads under hostile load, against a baseline measured in the same run.

Starts ``interlink-kg serve`` (waitress, default limits) on loopback with the bundled catalogue
and measures ``GET /health``:
- idle (the baseline);
- while 6 clients send cross-product SPARQL queries and 4 send large DCAT-AP validations, in a
  loop (each expensive request is refused, stopped at its time limit or answered);
- with 100 stalled connections open (one byte, half a request line, half a body).
Also the cost of running ``POST /validate`` in a worker process: one INTERLINKER over HTTP vs
the same validation called in-process.

Run: ``python bench/load_bench.py`` (about a minute; loopback only, bounded loops).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from rdflib import Graph

from interlink_kg import resources
from interlink_kg.validation.engine import validator

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LOAD_SECONDS = 20
BASE = "http://127.0.0.1:8080/"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _timings(url: str, count: int, pause: float = 0.05) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        _get(url)
        out.append((time.perf_counter() - started) * 1000)
        time.sleep(pause)
    return out


def _summary(label: str, values: list[float], baseline: list[float] | None = None) -> None:
    p95 = sorted(values)[int(len(values) * 0.95) - 1]
    line = (
        f"  {label:<34} median {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {max(values):7.1f} ms"
    )
    if baseline:
        line += f"   / baseline = {statistics.median(values) / statistics.median(baseline):.1f}x"
    print(line)


def _large_description(copies: int) -> bytes:
    path = Path(__file__).resolve().parents[1] / "tests/data/shapes/valid"
    text = (path / "external-software-interlinker.ttl").read_text()
    head, _, one = text.partition("<interlinkers/example_planner>")
    one = "<interlinkers/example_planner>" + one
    return (
        head + "\n".join(one.replace("example_planner", f"p{i}") for i in range(copies))
    ).encode()


def _expensive_loop(base: str, kind: str, stop: threading.Event, outcomes: list[int]) -> None:
    body = _large_description(400)
    while not stop.is_set():
        if kind == "query":
            outcomes.append(_get(f"{base}sparql?" + urlencode({"query": EXPLOSIVE})))
        else:
            outcomes.append(
                _get(
                    f"{base}validate?shapes=dcat-ap-3",
                    body,
                    {"Content-Type": "text/turtle"},
                )
            )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="interlink-kg-load-bench-"))
    port = _port()
    base = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{folder / 'store'}",
        "INTERLINK_KG_BASE_IRI": base,
    }
    cli = [sys.executable, "-m", "interlink_kg"]
    subprocess.run([*cli, "load", "--no-validate"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}health") == 200:
                    break
            except OSError:
                time.sleep(0.3)
        time.sleep(3)  # let the start-up precomputation finish
        print(f"GET /health on `interlink-kg serve` ({os.cpu_count()} cores)")
        idle = _timings(f"{base}health", 100)
        _summary("idle (baseline)", idle)

        stop = threading.Event()
        outcomes: list[int] = []
        loops = [
            threading.Thread(target=_expensive_loop, args=(base, kind, stop, outcomes))
            for kind in ["query"] * 6 + ["validation"] * 4
        ]
        for loop in loops:
            loop.start()
        time.sleep(1)
        loaded = _timings(f"{base}health", int(LOAD_SECONDS / 0.1), pause=0.05)
        stop.set()
        for loop in loops:
            loop.join(60)
        _summary("6 queries + 4 validations looping", loaded, idle)
        counts = {status: outcomes.count(status) for status in sorted(set(outcomes))}
        print(f"    expensive requests answered: {counts}")

        stalled = []
        for start in [
            b"G",
            b"GET /health HTTP/1.1\r\n",
            b"POST /validate HTTP/1.1\r\nContent-Length: 99\r\n\r\nx",
        ] * 34:
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn.sendall(start)
            stalled.append(conn)
        time.sleep(0.5)
        slow = _timings(f"{base}health", 50)
        _summary(f"{len(stalled)} stalled connections open", slow, idle)
        for conn in stalled:
            conn.close()

        one = (resources.catalogue_dir() / "interlinkers" / "trello.ttl").read_bytes()
        over_http = []
        for _ in range(30):
            started = time.perf_counter()
            _get(f"{base}validate", one, {"Content-Type": "text/turtle"})
            over_http.append((time.perf_counter() - started) * 1000)
        check = validator(base)
        graph = Graph().parse(data=one, format="turtle", publicID=base)
        in_process = []
        for _ in range(30):
            started = time.perf_counter()
            check.validate(graph)
            in_process.append((time.perf_counter() - started) * 1000)
        print("POST /validate of one INTERLINKER")
        _summary("in-process service call (baseline)", in_process)
        _summary("HTTP, validation worker process", over_http, in_process)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
