"""Several API worker processes (gunicorn, api/gunicorn_conf.py) on one remote store: a change
made through one worker is seen through every worker within a second, caches and search index
included; and more than one worker on an embedded store is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT, SparqlServer, free_port, sparql_server, wait_until_healthy

from interlink_kg.curation.accounts import hash_token
from interlink_kg.store.remote import RECENT_SECONDS

CURATOR_TOKEN = "workers-test-curator-token"
EXAMPLE = ROOT / "docs" / "examples" / "my-tool.ttl"


def _request(url: str, *, method: str = "GET", body: bytes | None = None, **headers: str) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)


def _search_finds(base: str, word: str, wanted: str) -> bool:
    import json

    with urllib.request.urlopen(f"{base}/interlinkers?q={word}", timeout=30) as response:
        return wanted in {item["id"] for item in json.load(response)["items"]}


def _workers_of(log: Path, request: str, status: str) -> set[str]:
    """The worker processes that answered ``request`` with ``status`` (the access log)."""
    return {
        line.rsplit("worker=", 1)[1].strip()
        for line in log.read_text().splitlines()
        if request in line and status in line and "worker=" in line
    }


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SparqlServer, SparqlServer]]:
    folder = tmp_path_factory.mktemp("workers")
    with (
        sparql_server(folder / "catalogue") as catalogue,
        sparql_server(folder / "workspace") as workspace,
    ):
        yield catalogue, workspace


def test_a_change_through_one_worker_is_seen_by_all(
    servers: tuple[SparqlServer, SparqlServer], tmp_path: Path
) -> None:
    catalogue, workspace = servers
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": catalogue.store_url,
        "INTERLINK_KG_WORKSPACE": workspace.store_url,
        "INTERLINK_KG_BASE_IRI": f"http://127.0.0.1:{port}/",
        "INTERLINK_KG_TOKENS": f"cora:curator:{hash_token(CURATOR_TOKEN)}",
        "INTERLINK_KG_TOKENS_FILE": str(tmp_path / "tokens.json"),
        "INTERLINK_KG_WORKERS": "2",
        "INTERLINK_KG_BIND": f"127.0.0.1:{port}",
        "INTERLINK_KG_THREADS": "4",
        "INTERLINK_KG_ACCESS_LOG": "-",  # the access log names the worker of each request
    }
    loaded = subprocess.run(
        [sys.executable, "-m", "interlink_kg", "load", "--no-validate"],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr.decode()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "api/gunicorn_conf.py", "api.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, log, 180)
        # Healthy means one worker is ready; the other may still be ranking every task. Fresh
        # connections until both have answered, and cached what they saw.
        deadline = time.monotonic() + 180
        while len(_workers_of(log, "GET /interlinkers/my_tool ", " 404 ")) < 2:
            assert time.monotonic() < deadline, "the second worker never answered"
            assert _request(f"{base}/interlinkers/my_tool") == 404
            assert not _search_finds(base, "neighbourhood", "my_tool")
        auth = {"Authorization": f"Bearer {CURATOR_TOKEN}"}
        submitted = _request(
            f"{base}/interlinkers",
            method="POST",
            body=EXAMPLE.read_bytes(),
            **auth,
            **{"Content-Type": "text/turtle"},
        )
        assert submitted == 201, log.read_text()
        assert _request(f"{base}/submissions/my_tool/approve", method="POST", **auth) == 200
        before = _workers_of(log, "GET /interlinkers/my_tool ", " 404 ")
        assert len(before) == 2, "both workers answered (and cached) before the change"
        changed = time.monotonic()
        # A worker reuses the generation stamp it read for up to RECENT_SECONDS: by then the
        # other one sees the change too.
        time.sleep(RECENT_SECONDS)
        assert _request(f"{base}/interlinkers/my_tool") == 200
        assert time.monotonic() - changed < 10  # at once, not after some cache expiry
        for _ in range(200):  # every answer sees the change, until both workers have given one
            assert _request(f"{base}/interlinkers/my_tool") == 200
            assert _search_finds(base, "neighbourhood", "my_tool")
            if _workers_of(log, "GET /interlinkers/my_tool ", " 200 ") == before:
                break
        after = _workers_of(log, "GET /interlinkers/my_tool ", " 200 ")
        assert after == before, "both workers answered after the change, and saw it"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def test_several_workers_on_an_embedded_store_are_refused(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{tmp_path / 'store'}",
        "INTERLINK_KG_WORKERS": "2",
        "INTERLINK_KG_BIND": f"127.0.0.1:{free_port()}",
    }
    started = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "api/gunicorn_conf.py", "api.wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert started.returncode != 0
    assert b"need a remote store" in started.stdout + started.stderr
