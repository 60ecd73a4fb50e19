"""The stores and servers the benchmarks measure: `interlink-kg serve` as a process of its own
(started on a free loopback port over a store, ready once every task's default recommendations
are precomputed, killed with its process group at the end), gunicorn's workers on a remote
store likewise, an `oxigraph serve`, and the
embedded store (in memory, or on disk with ``--disk``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new temporary folder for a benchmark's stores, removed at the end (gigabytes at
    100k)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    store_url: str,
    base_iri: str,
    log_path: Path,
    ready_within: float = 600,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve ``store_url`` (with ``env`` added to the environment); yields the base URL (no
    final ``/``) once the server is ready."""
    port = free_port()
    env = {
        **os.environ,
        **(env or {}),
        "INTERLINK_KG_STORE": store_url,
        "INTERLINK_KG_BASE_IRI": base_iri,
    }
    command = [sys.executable, "-m", "interlink_kg", "serve", "--port", str(port)]
    with _process(command, env, log_path, port, ready_within) as base:
        yield base


@contextmanager
def gunicorn_serving(
    store_url: str,
    workspace_url: str,
    base_iri: str,
    log_path: Path,
    workers: int,
    ready_within: float = 600,
) -> Iterator[str]:
    """Serve ``store_url`` as deployed on a remote store: gunicorn with ``workers`` processes
    (``api/gunicorn_conf.py``); yields the base URL once every worker is ready (the health of
    twenty requests in a row, each on a new connection, so that every worker answers some)."""
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": store_url,
        "INTERLINK_KG_WORKSPACE": workspace_url,
        "INTERLINK_KG_BASE_IRI": base_iri,
        "INTERLINK_KG_WORKERS": str(workers),
        "INTERLINK_KG_BIND": f"127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "api/gunicorn_conf.py", "api.wsgi:app"]
    with _process(command, env, log_path, port, ready_within, in_a_row=20) as base:
        yield base


@contextmanager
def _process(
    command: list[str],
    env: dict[str, str],
    log_path: Path,
    port: int,
    ready_within: float,
    in_a_row: int = 1,
) -> Iterator[str]:
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        ready = 0
        while ready < in_a_row:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as reply:
                    precomputed = b'"recommendations_precomputed":true' in reply.read()
            except OSError:
                precomputed = False
            ready = ready + 1 if precomputed else 0
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server was not ready within {ready_within:g} s")
            if not precomputed:
                time.sleep(0.3)
        SERVER_PIDS[base] = server.pid
        yield base
    finally:
        SERVER_PIDS.pop(base, None)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@contextmanager
def embedded_store_url() -> Iterator[str]:
    """The embedded store to measure: with ``--disk``, read straight from disk (RocksDB) in a
    temporary folder removed at the end, as the command line reads a store no server holds;
    else in memory, which is where ``interlink-kg serve`` reads from (``oxigraph-mirror:``: an
    in-memory copy of its store on disk, written to both)."""
    if "--disk" not in sys.argv:
        yield "memory:"
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"oxigraph:{folder}/store"


def described(url: str) -> str:
    """Where a store URL of the benchmarks keeps its data, in a few words."""
    if url == "memory:":
        return "embedded, in memory"
    if url.startswith("oxigraph:"):
        return "embedded, read from disk (RocksDB)"
    return "remote: oxigraph serve, loopback"


# store URL of each running ``oxigraph serve``, base URL of each running ``interlink-kg
# serve`` or gunicorn -> its pid
SERVER_PIDS: dict[str, int] = {}


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process and its descendants still running have used so
    far (Linux ``/proc``; 0 for a process gone meanwhile)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children: set[int] = set()
    for task in tasks:
        try:
            children.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return own + sum(cpu_seconds(child) for child in children)


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process under it still running (Linux ``/proc``)."""
    found = [pid]
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _descendants(int(child))
    return found


def peak_resident_bytes(pid: int) -> int:
    """The peak resident memory (``VmHWM``) of a process and of each process under it still
    running, summed: an upper bound of the tree's peak (the processes' peaks may not have come
    at once)."""
    total = 0
    for each in _descendants(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total


def ready_within(size: int) -> float:
    """Seconds a server of ``size`` INTERLINKERs may take to open and precompute, or to settle
    (its SPARQL workers loading their snapshot): about 13 minutes at 1M on the embedded store,
    about 39 on a RocksDB server, whose whole catalogue each worker reads (bench/RESULTS.md)."""
    return 600 + size / 250


def wait_until_idle(pid: int, *, within: float = 120.0, window: float = 2.0) -> float:
    """Wait until process ``pid`` and its children (a server after a load, whose database
    compacts in the background; `interlink-kg serve`, whose SPARQL workers load their
    snapshot) use less than 2% of a core over ``window`` seconds, at most ``within``
    seconds; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < 0.02 * window:
            break
    return time.monotonic() - started


@contextmanager
def oxigraph_serve(
    folder: Path, ready_within: float = 30, *, in_memory: bool = False
) -> Iterator[str]:
    """An ``oxigraph serve`` (the dev dependency's binary) on a free loopback port over a new
    database in ``folder`` (``in_memory``: no database, the server keeps its data in memory);
    yields its ``sparql+http://`` store URL, stops it at the end."""
    port = free_port()
    binary = str(Path(sys.executable).with_name("oxigraph"))
    log = folder / "oxigraph.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [binary, "serve"]
            + ([] if in_memory else ["--location", str(folder / "db")])
            + ["--bind", f"127.0.0.1:{port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + ready_within
        while "Listening" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("oxigraph serve did not start:\n" + log.read_text())
            time.sleep(0.05)
        url = f"sparql+http://127.0.0.1:{port}/"
        SERVER_PIDS[url] = server.pid
        yield url
    finally:
        SERVER_PIDS.pop(f"sparql+http://127.0.0.1:{port}/", None)
        server.terminate()
        server.wait(timeout=30)
