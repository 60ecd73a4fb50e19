"""`interlink-kg serve` for real: gunicorn, an on-disk store, a write over loopback.

Regression: a store opened in the gunicorn master before the fork made the worker's store
operations hang; stores are now opened in the worker only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import free_port

from interlink_kg.services.accounts import hash_token

DATA = Path(__file__).parent / "data" / "shapes"


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as reply:  # loopback only
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_serve_answers_reads_and_writes(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{tmp_path / 'store'}",
        "INTERLINK_KG_TOKENS": f"ana:contributor:{hash_token('secret-token-for-ana')}",
        "INTERLINK_KG_TOKENS_FILE": str(tmp_path / "tokens.json"),
        "INTERLINK_KG_BASE_IRI": "http://127.0.0.1:8080/",
    }
    cli = [sys.executable, "-m", "interlink_kg"]
    subprocess.run([*cli, "load", "--no-validate"], env=env, check=True, capture_output=True)
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*cli, "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(f"{base}/health") == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("no server within 60 s:\n" + log_path.read_text())
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
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
