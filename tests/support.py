"""What the tests share besides fixtures: paths, the one base IRI, a free loopback port and the
shape of a live server. (Tests import this module, never ``conftest``.)"""

from __future__ import annotations

import http.server
import importlib.util
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from flask import Flask
from hypothesis import strategies as st

from interlink_kg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UPSTREAM_SEED = SHARED / "reference" / "interlink-upstream" / "seed"
BASE = "http://127.0.0.1:8080/"
# When the session's catalogue was "listed": fixed, so record dates are the same in every run.
LOADED_AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    """An app served over real HTTP on loopback, in a thread (for HTTP client libraries)."""

    url: str  # ends with "/", also the app's base IRI
    app: Flask
    store: Store


@contextmanager
def loopback_http(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    """A threaded HTTP server on a free loopback port answering with ``handler`` (a test's
    fake SPARQL server); yields its port, stops it at the end."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def status_of(url: str, accept: str = "*/*") -> int:
    """The HTTP status a GET of ``url`` (on loopback) answers."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def wait_until_healthy(base: str, log: Path, seconds: float = 60) -> None:
    """Wait for a server started as a process to answer ``/health`` with 200; fail with its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if status_of(base.rstrip("/") + "/health") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"no server within {seconds:g} s:\n" + log.read_text())


@contextmanager
def serving(
    command: Sequence[str],
    port: int,
    env: dict[str, str],
    log: Path,
    *,
    cwd: Path | None = None,
    seconds: float = 60,
) -> Iterator[str]:
    """Run ``command serve --port PORT`` as a process of its own until the block ends; yields
    its base URL (without a final ``/``) once ``/health`` answers."""
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, log, seconds)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def json_values(max_leaves: int = 20) -> st.SearchStrategy[object]:
    """Any JSON value, nested (for hostile JSON bodies)."""
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=True)
        | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def catalogue_without_texts(
    base_iri: str, removals: Sequence[tuple[str, str, str, tuple[str, ...]]]
) -> Store:
    """A fresh in-memory store with the bundled catalogue less some texts, for tests of what
    happens where a translation is missing (the bundled catalogue has every one).

    ``removals``: (catalogue file under ``catalogue_data/``, identifier, property IRI,
    languages whose literals of that property are removed)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS

    from interlink_kg.curation.loading import load_bundled
    from interlink_kg.rdf.formats import NTRIPLES
    from interlink_kg.store import open_store
    from interlink_kg.store.base import GraphPayload

    store = open_store("memory:")
    load_bundled(store, base_iri, validate=False, now=LOADED_AT)
    graphs: dict[str, Graph] = {}
    for file, identifier, prop, languages in removals:
        name = f"{base_iri}graphs/catalogue_data/{file}"
        graph = graphs.setdefault(name, store.graph(name))
        item = next(graph.subjects(DCTERMS.identifier, Literal(identifier)))
        for text in list(graph.objects(item, URIRef(prop))):
            if isinstance(text, Literal) and text.language in languages:
                graph.remove((item, URIRef(prop), text))
    store.replace_graphs(
        {
            name: GraphPayload(graph.serialize(format="nt").encode(), NTRIPLES, base_iri)
            for name, graph in graphs.items()
        }
    )
    return store


def stop_process(process: subprocess.Popen[bytes] | None, within: float) -> None:
    """Ask a server the tests started to stop (SIGTERM), and kill it if it has not within
    ``within`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class SparqlServer:
    """An ``oxigraph serve`` on a loopback port, for the remote-store tests."""

    port: int
    location: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def store_url(self) -> str:
        return f"sparql+http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start the server and wait for *its* "Listening" line: a connection alone could reach
        another process that holds the port, whose data ``clear`` would then drop."""
        import shutil
        import sys

        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        log = self.location.with_name(self.location.name + f"-{self.port}.log")
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # the server the project's dev dependencies install
                [
                    binary,
                    "serve",
                    "--location",
                    str(self.location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        ready = f"Listening for requests at http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {log.read_text(errors='replace')}")
            if ready in log.read_text(errors="replace"):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 30 s")

    def stop(self) -> None:
        stop_process(self.process, within=10)
        self.process = None

    def clear(self) -> None:
        """Empty the server's dataset (between tests)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/update",
            data=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


@contextmanager
def sparql_server(location: Path) -> Iterator[SparqlServer]:
    server = SparqlServer(free_port(), location)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def synthetic_module() -> ModuleType:
    """``bench/synthetic.py``, the generator of synthetic INTERLINKERs (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
