"""What the tests share besides fixtures: paths, the one base IRI, a free loopback port and the
shape of a live server. (Tests import this module, never ``conftest``.)"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

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
