"""Shared fixtures: settings, a store holding the bundled catalogue, the app and its client."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import (
    BASE,
    LOADED_AT,
    UPSTREAM_SEED,
    LiveServer,
    SparqlServer,
    free_port,
    sparql_server,
)
from virtuoso_server import VirtuosoServer, virtuoso_server
from virtuoso_server import installed as virtuoso_installed

from interlink_kg.cli import main
from interlink_kg.curation.loading import load_bundled
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.app import close_app, create_app


@pytest.fixture(scope="session")
def base_iri() -> str:
    return BASE


@pytest.fixture(scope="session")
def catalogue_store() -> Iterator[Store]:
    """An in-memory store with the ontology and the whole bundled catalogue (read-only use)."""
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False, now=LOADED_AT)
    yield store
    store.close()


@pytest.fixture(scope="session")
def app(catalogue_store: Store) -> Iterator[Flask]:
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=catalogue_store)
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def upstream_seed() -> Path:
    if not UPSTREAM_SEED.is_dir():
        pytest.skip(f"the INTERLINK reference seed is not at {UPSTREAM_SEED} (../shared is absent)")
    return UPSTREAM_SEED


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process against a fresh on-disk store under tmp_path."""
    monkeypatch.setenv("INTERLINK_KG_STORE", f"oxigraph:{tmp_path / 'store'}")
    monkeypatch.setenv("INTERLINK_KG_BASE_IRI", BASE)

    def run(*argv: str) -> CliResult:
        out = io.StringIO()
        try:
            code = main(list(argv), stdout=out)
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, out.getvalue() + captured.out, captured.err)

    return run


def _live_servers() -> Iterator[Callable[..., LiveServer]]:
    """Start apps over HTTP: ``live_server(fill, **settings)``; all stopped at the end.

    ``fill(store, base_iri)`` puts data in the app's fresh in-memory store first."""
    import threading

    from werkzeug.serving import make_server

    servers = []

    def start(fill: Callable[[Store, str], None] | None = None, **overrides: object) -> LiveServer:
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        store = open_store("memory:")
        if fill is not None:
            fill(store, base)
        settings = Settings(base_iri=base, store_url="memory:", **overrides)
        app = create_app(settings, store=store)
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, app))
        return LiveServer(base, app, store)

    yield start
    for server, app in servers:
        server.shutdown()
        server.server_close()
        close_app(app)


@pytest.fixture
def live_server() -> Iterator[Callable[..., LiveServer]]:
    yield from _live_servers()


@pytest.fixture(scope="module")
def live_server_module() -> Iterator[Callable[..., LiveServer]]:
    yield from _live_servers()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """One ``oxigraph serve`` for the session (the remote store's tests), started here on a free
    loopback port and stopped at the end."""
    with sparql_server(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server


@pytest.fixture
def remote_store_url(oxigraph_server: SparqlServer) -> str:
    """The session's SPARQL server, emptied: a fresh remote store for one test."""
    if oxigraph_server.process is None or oxigraph_server.process.poll() is not None:
        oxigraph_server.start()  # a test stopped it to see the service recover
    oxigraph_server.clear()
    return oxigraph_server.store_url


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso 7 for the session (Debian's package, which `make test` installs), started
    here on free loopback ports and stopped at the end."""
    if not virtuoso_installed():
        pytest.skip("Virtuoso is not installed: `make test` installs Debian's virtuoso-opensource")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture
def virtuoso_store_url(virtuoso: VirtuosoServer) -> str:
    """The session's Virtuoso, emptied of the store's graphs: a fresh remote store."""
    virtuoso.clear()
    return virtuoso.store_url
