"""A bounded load test: 1, 8, 32 and 128 concurrent clients against `interlink-kg serve`.

Serves a synthetic catalogue (``bench/synthetic.py``, 10k INTERLINKERs by default) from an
on-disk store on loopback with the default settings, waits until every task's default
recommendations are precomputed, then for each level of concurrency runs that many client
threads for a fixed time. Every request is different from the ones before it (no answer cache
helps): a recommendation for a random task with a random filter and language (computed on
demand), a word search, a catalogue page by key and one INTERLINKER's description, in turns.
Reported per level: requests per second, p50 and p99 latency, and errors (anything but 200,
including refused connections and time-outs). The 1-client figures are the baseline of the
same run; the other levels are also given as a ratio of its p50.

With ``--remote``, the same levels again on a remote store as deployed for several workers: an
``oxigraph serve`` on RocksDB (the workspace on one in memory), behind gunicorn
(``api/gunicorn_conf.py``) with 1, then 2 worker processes (``--workers``), each started afresh
and ready once every worker has precomputed its recommendations. All of it shares this
machine's cores: the clients, the API's workers and the SPARQL server.

Run: ``python bench/concurrency_bench.py [--size N] [--seconds S] [--remote [--workers N ...]]
[--remote-only]``
(loopback only; each level runs S seconds, 20 by default; about 3 minutes in all at 10k, 9
with ``--remote``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import (
    SERVER_PIDS,
    gunicorn_serving,
    oxigraph_serve,
    ready_within,
    scratch_folder,
    serving,
    wait_until_idle,
)

LEVELS = (1, 8, 32, 128)
KINDS = ("knowledge", "software", "externalsoftware", "externalknowledge")
LANGS = ("en", "es", "it", "lv")


@dataclass
class Level:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # by status or exception
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, outcome: str) -> None:
        with self.lock:
            self.latencies.append(latency)
            if outcome != "200":
                self.errors[outcome] += 1


def _requests(
    base: str, tasks: list[tuple[str, str]], ids: list[str], rng: random.Random
) -> list[str]:
    """An endless-enough mix of unique requests for one client (built before timing)."""
    out = []
    for i in range(4000):
        turn = i % 4
        if turn == 0:
            schema, task = rng.choice(tasks)
            out.append(
                f"{base}/schemas/{schema}/tasks/{task}/recommendations?limit=10"
                f"&lang={rng.choice(LANGS)}&kind={rng.choice(KINDS)}&n={rng.random()}"
            )
        elif turn == 1:
            words = f"{rng.choice(synthetic.WORDS)}+{rng.randrange(len(ids))}"  # unique
            out.append(f"{base}/interlinkers?q={words}&per_page=20&lang={rng.choice(LANGS)}")
        elif turn == 2:
            out.append(f"{base}/catalogue?after={rng.choice(ids)}&per_page=100")
        else:
            out.append(f"{base}/interlinkers/{rng.choice(ids)}.jsonld")
    return out


def _client(level: Level, urls: list[str], stop: float) -> None:
    for url in urls:
        if time.monotonic() >= stop:
            return
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as reply:  # loopback only
                reply.read()
                outcome = str(reply.status)
        except urllib.error.HTTPError as error:
            with error:
                outcome = f"{error.code} {url.split('?')[0].rsplit('/', 1)[-1]}"
        except (urllib.error.URLError, OSError) as error:
            outcome = type(error).__name__
        level.record(time.perf_counter() - started, outcome)


def run_level(
    base: str, clients: int, seconds: float, tasks: list[tuple[str, str]], ids: list[str]
) -> Level:
    level = Level(clients, seconds)
    plans = [_requests(base, tasks, ids, random.Random(clients * 1000 + c)) for c in range(clients)]
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(level, p, stop)) for p in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return level


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _table(results: list[Level]) -> None:
    baseline = statistics.median(results[0].latencies)
    print("| clients | requests | requests/s | p50 ms | p99 ms | p50 / 1 client | errors |")
    print("|---|---|---|---|---|---|---|")
    for level in results:
        p50 = _quantile(level.latencies, 0.5)
        print(
            f"| {level.clients} | {len(level.latencies)} | "
            f"{len(level.latencies) / level.seconds:.1f} | {p50 * 1000:.1f} | "
            f"{_quantile(level.latencies, 0.99) * 1000:.1f} | x{p50 / baseline:.1f} | "
            f"{sum(level.errors.values())} |"
        )
    for level in results:
        if level.errors:
            print(f"errors at {level.clients} clients: {dict(level.errors)}")


def _levels(base: str, seconds: float, tasks: list[tuple[str, str]], ids: list[str]) -> list[Level]:
    return [run_level(base, c, seconds, tasks, ids) for c in LEVELS]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--remote",
        action="store_true",
        help="also on an oxigraph serve (RocksDB) behind gunicorn, with each of --workers",
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--remote-only",
        action="store_true",
        help="the remote store only (at 1M the embedded server and the remote workers do not "
        "fit in memory at once, and the embedded levels were measured on their own)",
    )
    args = parser.parse_args()
    with scratch_folder("ilk-concurrency-") as folder:
        _run(args, folder)


def _run(args: argparse.Namespace, folder: Path) -> None:
    mix = "requests: recommendation (on demand) / search / page by key / one INTERLINKER"
    if not args.remote_only:
        _embedded(args, folder, mix)
    if args.remote or args.remote_only:
        _remote(args, folder, mix)


def _embedded(args: argparse.Namespace, folder: Path, mix: str) -> None:
    store_url = f"oxigraph:{folder / 'store'}"
    tasks, ids = synthetic.load_for_clients(store_url, args.size)
    with serving(store_url, synthetic.BASE, folder / "serve.log", ready_within(args.size)) as base:
        embedded = _levels(base, args.seconds, tasks, ids)
    print(
        f"\n{args.size} INTERLINKERs, {args.seconds:g} s per level, `interlink-kg serve` on the "
        f"embedded store, server threads: default (8), {mix}\n"
    )
    _table(embedded)


def _remote(args: argparse.Namespace, folder: Path, mix: str) -> None:
    """The same levels on a remote store: an ``oxigraph serve`` on RocksDB (the workspace on
    one in memory), gunicorn with each number of workers in turn, each started afresh."""
    (folder / "catalogue").mkdir()
    (folder / "workspace").mkdir()
    with (
        oxigraph_serve(folder / "catalogue") as catalogue,
        oxigraph_serve(folder / "workspace", in_memory=True) as workspace,
    ):
        tasks, ids = synthetic.load_for_clients(catalogue, args.size)
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[catalogue]):.0f} s")
        for workers in args.workers:
            log = folder / f"gunicorn-{workers}.log"
            with gunicorn_serving(
                catalogue, workspace, synthetic.BASE, log, workers, ready_within(args.size)
            ) as base:
                results = _levels(base, args.seconds, tasks, ids)
            print(
                f"\n{args.size} INTERLINKERs, {args.seconds:g} s per level, gunicorn with "
                f"{workers} worker(s) (api/gunicorn_conf.py, gthread, default threads) on "
                f"oxigraph serve (RocksDB), {mix}\n"
            )
            _table(results)


if __name__ == "__main__":
    main()
