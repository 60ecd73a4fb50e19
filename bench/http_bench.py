"""Each kind of request over HTTP, one at a time: `interlink-kg serve` on the embedded store
against the same command on a remote store (an ``oxigraph serve`` on RocksDB).

Both servers hold the same synthetic catalogue (``bench/synthetic.py``, 10k INTERLINKERs by
default), run at once and are measured once each has precomputed its recommendations. Every
request is unique (no answer cache helps), and each is sent to both servers in a random order
on a kept connection per server, as a harvester or a browser keeps one, after a pause of
``--pause`` milliseconds (2 by default, not timed) in which the machine settles: the other
server's last answer is done with (on 2 cores, back-to-back requests to the two servers each
found the other's process still finishing its work). The two figures of a row come from the
same requests on the same machine at the same time: what the service's clients wait for, from
the request line to the last byte. The only difference between the
two servers is where the catalogue is stored; each has a workspace of its own on disk.

Kinds: one INTERLINKER as Turtle, as JSON-LD and as its page for people; a catalogue page of
100 by key and by number; a word search; an on-demand recommendation (a random filter and
language); a public SPARQL query about one INTERLINKER. Reported per kind: the medians and
90th percentiles on both, and their ratio. Then the whole harvest (unless ``--no-harvest``):
every page of ``/catalogue``, following each page's ``hydra:next`` as a harvester does.

Run: ``python bench/http_bench.py [--size N] [--requests R] [--pause MS]`` (loopback only;
about 4 minutes at 10k, 22 at 100k).
"""

from __future__ import annotations

import argparse
import http.client
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import SERVER_PIDS, oxigraph_serve, serving, wait_until_idle

from interlink_kg.store import open_store

LANGS = ("en", "es", "it", "lv")
KINDS = ("knowledge", "software", "externalsoftware", "externalknowledge")

# A request: its path and query, and the media type asked for.
Request = tuple[str, str]
Maker = Callable[[random.Random, int], Request]


def _makers(ids: list[str], tasks: list[tuple[str, str]]) -> dict[str, Maker]:
    """How each kind's i-th unique request is made."""
    pages = max(1, (len(ids) + 99) // 100)

    def sparql(rng: random.Random, i: int) -> Request:
        text = (
            "SELECT ?p ?o WHERE { <"
            + f"{synthetic.BASE}interlinkers/{rng.choice(ids)}"
            + "> ?p ?o }"
        )
        return f"/sparql?query={quote(text)}", "application/sparql-results+json"

    def recommendation(rng: random.Random, i: int) -> Request:
        schema, task = rng.choice(tasks)
        return (
            f"/schemas/{schema}/tasks/{task}/recommendations?limit=10&lang={rng.choice(LANGS)}"
            f"&kind={rng.choice(KINDS)}&n={i}",
            "application/json",
        )

    return {
        "one INTERLINKER, Turtle": lambda rng, i: (
            f"/interlinkers/{rng.choice(ids)}",
            "text/turtle",
        ),
        "one INTERLINKER, JSON-LD": lambda rng, i: (
            f"/interlinkers/{rng.choice(ids)}",
            "application/ld+json",
        ),
        "one INTERLINKER, page for people": lambda rng, i: (
            f"/interlinkers/{rng.choice(ids)}",
            "text/html",
        ),
        "catalogue page of 100 by key": lambda rng, i: (
            f"/catalogue?after={rng.choice(ids)}&per_page=100",
            "text/turtle",
        ),
        "catalogue page of 100 by number": lambda rng, i: (
            f"/catalogue?page={rng.randrange(1, pages + 1)}&per_page=100",
            "text/turtle",
        ),
        "word search (20)": lambda rng, i: (
            f"/interlinkers?q={rng.choice(synthetic.WORDS)}+{i}&per_page=20"
            f"&lang={rng.choice(LANGS)}",
            "application/json",
        ),
        "recommendation, on demand": recommendation,
        "public SPARQL, one INTERLINKER": sparql,
    }


class Client:
    """One kept connection to a server (opened again if the server closes it)."""

    def __init__(self, base: str) -> None:
        where = urlsplit(base)
        self._host, self._port = where.hostname or "", where.port
        self._connection = http.client.HTTPConnection(self._host, self._port, timeout=60)

    def get(self, request: Request) -> float:
        """Seconds from sending ``request`` to its answer's last byte."""
        return self.fetch(request)[0]

    def fetch(self, request: Request) -> tuple[float, bytes]:
        """Seconds from sending ``request`` to its answer's last byte, and the answer."""
        path, accept = request
        started = time.perf_counter()
        try:
            self._connection.request("GET", path, headers={"Accept": accept})
            reply = self._connection.getresponse()
        except (http.client.HTTPException, OSError):  # a kept connection the server closed
            self._connection.close()
            started = time.perf_counter()
            self._connection.request("GET", path, headers={"Accept": accept})
            reply = self._connection.getresponse()
        body = reply.read()
        elapsed = time.perf_counter() - started
        if reply.status != 200 or not body:
            raise SystemExit(f"{path} answered {reply.status}: {body[:300]!r}")
        return elapsed, body

    def close(self) -> None:
        self._connection.close()


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(bases: dict[str, str], makers: dict[str, Maker], count: int, pause: float) -> None:
    clients = {name: Client(base) for name, base in bases.items()}
    rng = random.Random(count)
    try:
        for maker in makers.values():  # each kind once on each, unmeasured (templates)
            request = maker(rng, -1)
            for client in clients.values():
                client.get(request)
        print("| request | embedded p50 | remote p50 | ratio | embedded p90 | remote p90 |")
        print("|---|---|---|---|---|---|")
        for label, maker in makers.items():
            times: dict[str, list[float]] = {name: [] for name in clients}
            for i in range(count):
                request = maker(rng, i)
                order = list(clients)
                rng.shuffle(order)
                for name in order:
                    time.sleep(pause)
                    times[name].append(clients[name].get(request))
            p50 = {name: statistics.median(t) * 1000 for name, t in times.items()}
            p90 = {name: _quantile(t, 0.9) * 1000 for name, t in times.items()}
            print(
                f"| {label} | {p50['embedded']:.2f} ms | {p50['remote']:.2f} ms | "
                f"x{p50['remote'] / p50['embedded']:.2f} | {p90['embedded']:.2f} ms | "
                f"{p90['remote']:.2f} ms |",
                flush=True,
            )
    finally:
        for client in clients.values():
            client.close()


_NEXT = ox.NamedNode("http://www.w3.org/ns/hydra/core#next")


def _next_page(body: bytes, base: str) -> str | None:
    """The path of the page a catalogue page's ``hydra:next`` names, if any."""
    for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        if quad.predicate == _NEXT and isinstance(quad.object, ox.NamedNode):
            return "/" + quad.object.value.removeprefix(base)
    return None


def harvest(bases: dict[str, str], pause: float) -> None:
    """Every page of ``/catalogue``, as a harvester walks it: from the first page, each next
    page its ``hydra:next`` names, page by page on both servers in a random order; the time
    each took to answer (its pages' parsing left out) and the pages it took."""
    clients = {name: Client(base) for name, base in bases.items()}
    rng = random.Random(len(bases))
    at: dict[str, str | None] = dict.fromkeys(clients, "/catalogue")
    seconds = dict.fromkeys(clients, 0.0)
    pages = dict.fromkeys(clients, 0)
    try:
        while any(at.values()):
            order = [name for name in clients if at[name]]
            rng.shuffle(order)
            for name in order:
                time.sleep(pause)
                elapsed, body = clients[name].fetch((at[name] or "", "application/n-triples"))
                seconds[name] += elapsed
                pages[name] += 1
                at[name] = _next_page(body, synthetic.BASE)
    finally:
        for client in clients.values():
            client.close()
    print(
        f"\nWhole harvest, following hydra:next from /catalogue: embedded {pages['embedded']} "
        f"pages in {seconds['embedded']:.1f} s, remote {pages['remote']} pages in "
        f"{seconds['remote']:.1f} s (x{seconds['remote'] / seconds['embedded']:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="unique requests per kind")
    parser.add_argument("--pause", type=float, default=2.0, help="ms before each request")
    parser.add_argument("--no-harvest", action="store_true", help="leave out the whole harvest")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ilk-http-"))
    try:
        _run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the stores: gigabytes at 100k


def _run(args: argparse.Namespace, folder: Path) -> None:
    embedded_url = f"oxigraph:{folder / 'store'}"
    embedded = open_store(embedded_url)
    tasks, ids = synthetic.load_for_clients(embedded, args.size)
    embedded.close()
    del embedded
    (folder / "server").mkdir()
    with oxigraph_serve(folder / "server") as remote_url:
        remote = open_store(remote_url)
        synthetic.load_for_clients(remote, args.size)
        remote.close()
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[remote_url]):.0f} s")
        workspace = {"INTERLINK_KG_WORKSPACE": f"oxigraph:{folder / 'remote-workspace'}"}
        with (
            serving(embedded_url, synthetic.BASE, folder / "embedded.log") as on_embedded,
            serving(remote_url, synthetic.BASE, folder / "remote.log", env=workspace) as on_remote,
        ):
            print(
                f"\n{args.size} INTERLINKERs, `interlink-kg serve` on the embedded store and on "
                f"an oxigraph serve (RocksDB, loopback), {args.requests} unique requests per "
                "kind, each sent to both in a random order, one at a time, "
                f"{args.pause:g} ms apart\n"
            )
            bases = {"embedded": on_embedded, "remote": on_remote}
            measure(bases, _makers(ids, tasks), args.requests, args.pause / 1000)
            if not args.no_harvest:
                harvest(bases, args.pause / 1000)


if __name__ == "__main__":
    main()
