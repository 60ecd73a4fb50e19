"""Each kind of request over HTTP, one at a time: `interlink-kg serve` on the embedded store
against the same command on a remote store (an ``oxigraph serve`` on RocksDB, its workspace on
another one in memory, as several workers need); decision 0022.

Both servers hold the same synthetic catalogue (``bench/synthetic.py``, 10k INTERLINKERs by
default) and run at once; measuring starts once each has precomputed its recommendations and
both are idle (their SPARQL workers' snapshots loaded). Requests go on a kept connection per
server, as a harvester or a browser keeps one, each after a pause of ``--pause`` ms (2 by
default, not timed), and none is repeated while there are enough different ones: nor do two
share what an answer cache keeps (the table counts repeats). Per kind, ``--requests`` of them
are sent to both servers in a random order (*paired*: the two figures come from the same
requests on the same machine at the same moment), then as many more to each server *alone*,
in alternating blocks; the paired answers are compared by size. Timed: from the request line
to the answer's last byte.

Kinds: one INTERLINKER as Turtle, as JSON-LD and as its page for people; a catalogue page of
100 by key and by number; a search of two words; an on-demand recommendation (a filter, a
language, a limit); a public SPARQL query about one INTERLINKER (answered from each server's
own snapshot: the same on both). Reported per kind: the medians, paired and alone, their
ratios, and the ratio of the paired 90th percentiles. Then the whole harvest (unless
``--no-harvest``): every page of ``/catalogue``, following each page's ``hydra:next`` as a
harvester does, page by page on both; each must give one page per 100 INTERLINKERs.

Run: ``python bench/http_bench.py [--size N] [--requests R] [--pause MS] [--no-harvest]
[--no-sparql] [--apart]`` (loopback only; about 5 minutes at 10k, 17 at 100k). Last, the peak
resident memory of each server.

``--no-sparql`` leaves out the public SPARQL query and runs both servers with one query process
capped at 256 MB, which gives up loading its copy of the catalogue: at 1M each copy is 6.7 GB,
and two servers' copies (two processes each by default) do not fit on this machine beside the
rest (the query is answered from each server's own copy anyway; ``bench/sparql_bench.py``
measures it at 1M). ``--apart`` measures each server alone on the machine, one after the other
(``bench/http_apart.py``): at 1M the embedded server alone holds about 14 GB, and both at once
do not fit.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import (
    SERVER_PIDS,
    oxigraph_serve,
    peak_resident_bytes,
    ready_within,
    scratch_folder,
    serving,
    wait_until_idle,
)

LANGS = ("en", "es", "it", "lv")
KINDS = ("knowledge", "software", "externalsoftware", "externalknowledge")
BLOCKS = 4  # alternating blocks of the servers run alone

# A request: its path and query, and the media type asked for.
Request = tuple[str, str]


def _unique(rng: random.Random, universe: list[Any], k: int) -> tuple[list[Any], int]:
    """``k`` values drawn from ``universe`` without replacement while it lasts (then again
    from the start); with how many of them repeat an earlier one."""
    drawn: list[Any] = []
    while len(drawn) < k:
        drawn += rng.sample(universe, min(len(universe), k - len(drawn)))
    return drawn, max(0, k - len(universe))


def plans_of(
    ids: list[str], tasks: list[tuple[str, str]], k: int, rng: random.Random, sparql: bool
) -> dict[str, tuple[list[Request], int]]:
    """``k`` requests of each kind, none repeated while there are enough different ones (a
    catalogue of 1k has 10 pages); with how many repeat. Nor do two requests share what an
    answer cache keeps: a recommendation's task, language, filter and limit, a search's words
    and language."""
    pages = list(range(1, max(1, (len(ids) + 99) // 100) + 1))
    searches = [  # two words: every INTERLINKER has 4 of the 30, so ~1.4% of them match both
        (f"{first}+{second}", lang)
        for first, second in itertools.combinations(synthetic.WORDS, 2)
        for lang in LANGS
    ]
    recommendations = [  # the answer cache's key: task, language, limit, filters
        (task, lang, kind, limit)
        for task in tasks
        for lang in LANGS
        for kind in KINDS
        for limit in range(5, 31)
    ]

    def each(universe: list[Any], make: Callable[[Any], Request]) -> tuple[list[Request], int]:
        chosen, repeated = _unique(rng, universe, k)
        return [make(value) for value in chosen], repeated

    def public_query(identifier: str) -> Request:
        text = f"SELECT ?p ?o WHERE {{ <{synthetic.BASE}interlinkers/{identifier}> ?p ?o }}"
        return f"/sparql?query={quote(text)}", "application/sparql-results+json"

    def recommendation(value: tuple[tuple[str, str], str, str, int]) -> Request:
        (schema, task), lang, kind, limit = value
        return (
            f"/schemas/{schema}/tasks/{task}/recommendations?limit={limit}&lang={lang}&kind={kind}",
            "application/json",
        )

    def described(accept: str) -> tuple[list[Request], int]:
        return each(ids, lambda identifier: (f"/interlinkers/{identifier}", accept))

    plans = {
        "one INTERLINKER, Turtle": described("text/turtle"),
        "one INTERLINKER, JSON-LD": described("application/ld+json"),
        "one INTERLINKER, page for people": described("text/html"),
        "catalogue page of 100 by key": each(
            ids, lambda after: (f"/catalogue?after={after}&per_page=100", "text/turtle")
        ),
        "catalogue page of 100 by number": each(
            pages, lambda number: (f"/catalogue?page={number}&per_page=100", "text/turtle")
        ),
        "word search, two words, 20 results": each(
            searches,
            lambda v: (f"/interlinkers?q={v[0]}&lang={v[1]}&per_page=20", "application/json"),
        ),
        "recommendation, on demand (a filter)": each(recommendations, recommendation),
    }
    if sparql:
        plans["public SPARQL, one INTERLINKER (each server's own snapshot)"] = each(
            ids, public_query
        )
    return plans


class Client:
    """One kept connection to a server (opened again if the server closed it while idle)."""

    reopened = 0  # connections opened again, over every client

    def __init__(self, base: str) -> None:
        where = urlsplit(base)
        self._connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)

    def get(self, request: Request) -> tuple[float, bytes]:
        """Seconds from sending ``request`` to its answer's last byte, and the answer."""
        path, accept = request
        started = time.perf_counter()
        try:
            self._connection.request("GET", path, headers={"Accept": accept})
            reply = self._connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            Client.reopened += 1  # a kept connection the server closed: timed from the retry
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


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def differ(first: int, second: int) -> bool:
    """Two answers' sizes to one request too far apart to be the same answer (their blank node
    labels, the order of JSON keys may differ)."""
    return abs(first - second) > 0.05 * max(first, second)


def measure(
    bases: dict[str, str],
    ids: list[str],
    tasks: list[tuple[str, str]],
    count: int,
    pause: float,
    sparql: bool,
) -> None:
    """Per kind: ``count`` requests paired (each sent to both servers in a random order), then
    ``count`` more sent to each server alone, in :data:`BLOCKS` alternating blocks."""
    clients = {name: Client(base) for name, base in bases.items()}
    rng = random.Random(count)
    plans = plans_of(ids, tasks, 2 * count + 1, rng, sparql)
    try:
        for requests, _ in plans.values():  # each kind once on each, unmeasured (templates)
            for client in clients.values():
                client.get(requests[-1])
        print(
            "| request | paired: embedded p50 | remote p50 | ratio | p90 ratio | alone: "
            "embedded p50 | remote p50 | ratio | repeated | answers differing |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, (requests, repeated) in plans.items():
            paired: dict[str, list[float]] = {name: [] for name in clients}
            differing = 0
            for request in requests[:count]:
                order = list(clients)
                rng.shuffle(order)
                bodies = []
                for name in order:
                    time.sleep(pause)
                    elapsed, body = clients[name].get(request)
                    paired[name].append(elapsed)
                    bodies.append(body)
                if differ(*map(len, bodies)):
                    differing += 1
                    if differing <= 2:  # shown, to be looked into
                        shown = {name: body[:400] for name, body in zip(order, bodies, strict=True)}
                        print(f"  answers differ: {request[0]}: {shown}", file=sys.stderr)
            alone: dict[str, list[float]] = {name: [] for name in clients}
            block = max(1, count // BLOCKS)
            for number, at in enumerate(range(count, 2 * count, block)):
                names = list(clients) if number % 2 == 0 else list(reversed(clients))
                for name in names:
                    for request in requests[at : min(at + block, 2 * count)]:
                        time.sleep(pause)
                        alone[name].append(clients[name].get(request)[0])
            p = {name: statistics.median(t) * 1000 for name, t in paired.items()}
            a = {name: statistics.median(t) * 1000 for name, t in alone.items()}
            tail = p90(paired["remote"]) / p90(paired["embedded"])
            print(
                f"| {label} | {p['embedded']:.2f} ms | {p['remote']:.2f} ms | "
                f"x{p['remote'] / p['embedded']:.2f} | x{tail:.2f} | {a['embedded']:.2f} ms | "
                f"{a['remote']:.2f} ms | x{a['remote'] / a['embedded']:.2f} | "
                f"{repeated} of {2 * count + 1} | {differing} of {count} |",
                flush=True,
            )
    finally:
        for client in clients.values():
            client.close()


_NEXT = ox.NamedNode("http://www.w3.org/ns/hydra/core#next")


def _next_page(body: bytes) -> str | None:
    """The path of the page a catalogue page's ``hydra:next`` names, if any."""
    for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        if quad.predicate == _NEXT and isinstance(quad.object, ox.NamedNode):
            if not quad.object.value.startswith(synthetic.BASE):
                raise SystemExit(f"a next page elsewhere: {quad.object.value}")
            return "/" + quad.object.value.removeprefix(synthetic.BASE)
    return None


def harvest(bases: dict[str, str], size: int, pause: float) -> None:
    """The whole harvest of both servers, printed."""
    seconds = walk(bases, size, pause)
    print(
        f"\nWhole harvest, following hydra:next from /catalogue ({(size + 99) // 100} pages "
        f"each): embedded {seconds['embedded']:.1f} s, remote {seconds['remote']:.1f} s "
        f"(x{seconds['remote'] / seconds['embedded']:.2f})"
    )


def walk(bases: dict[str, str], size: int, pause: float) -> dict[str, float]:
    """Every page of ``/catalogue``, as a harvester walks it: from the first page, each next
    page its ``hydra:next`` names, page by page on each server in a random order; the seconds
    each took to answer (its pages' parsing left out). Each must give one page per 100
    INTERLINKERs."""
    clients = {name: Client(base) for name, base in bases.items()}
    rng = random.Random(len(bases))
    at: dict[str, str | None] = dict.fromkeys(clients, "/catalogue")
    seconds = dict.fromkeys(clients, 0.0)
    pages = dict.fromkeys(clients, 0)
    expected = (size + 99) // 100
    try:
        while any(at.values()):
            order = [name for name in clients if at[name]]
            rng.shuffle(order)
            for name in order:
                time.sleep(pause)
                elapsed, body = clients[name].get((at[name] or "", "application/n-triples"))
                seconds[name] += elapsed
                pages[name] += 1
                at[name] = _next_page(body)
                if pages[name] > expected:
                    raise SystemExit(f"{name}: more than {expected} pages")
    finally:
        for client in clients.values():
            client.close()
    if set(pages.values()) != {expected}:
        raise SystemExit(f"pages harvested: {pages}, expected {expected} from each")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="unique requests per kind")
    parser.add_argument("--pause", type=float, default=2.0, help="ms before each request")
    parser.add_argument("--no-harvest", action="store_true", help="leave out the whole harvest")
    parser.add_argument(
        "--no-sparql",
        action="store_true",
        help="leave out the public SPARQL query, and its query processes' copies of the "
        "catalogue (6.7 GB each at 1M)",
    )
    parser.add_argument(
        "--apart",
        action="store_true",
        help="each server alone on the machine, one after the other (http_apart.py)",
    )
    parser.add_argument(
        "--embedded-only",
        action="store_true",
        help="with --apart: the embedded server only (its figures, no remote comparison)",
    )
    args = parser.parse_args()
    with scratch_folder("ilk-http-") as folder:
        if args.apart:
            import http_apart  # here: it imports this module

            http_apart.run(args, folder)
        else:
            _run(args, folder)


@contextmanager
def loaded_server(folder: Path, size: int) -> Iterator[tuple[str, str]]:
    """An ``oxigraph serve`` on RocksDB holding the synthetic catalogue of ``size``, idle after
    its load, and another in memory for the workspace (as several workers need it): their
    store URLs."""
    (folder / "server").mkdir()
    (folder / "workspace").mkdir()
    with (
        oxigraph_serve(folder / "server") as remote_url,
        oxigraph_serve(folder / "workspace", in_memory=True) as workspace_url,
    ):
        synthetic.load_for_clients(remote_url, size)
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[remote_url]):.0f} s")
        yield remote_url, workspace_url


def _run(args: argparse.Namespace, folder: Path) -> None:
    embedded_url = f"oxigraph:{folder / 'store'}"
    tasks, ids = synthetic.load_for_clients(embedded_url, args.size)
    with loaded_server(folder, args.size) as (remote_url, workspace_url):
        settle = ready_within(args.size)
        public = query_processes(args)
        workspace = {"INTERLINK_KG_WORKSPACE": workspace_url, **public}
        with (
            serving(embedded_url, synthetic.BASE, folder / "embedded.log", settle, public) as on_e,
            serving(remote_url, synthetic.BASE, folder / "remote.log", settle, workspace) as on_r,
        ):
            bases = {"embedded": on_e, "remote": on_r}
            for base in bases.values():  # its SPARQL workers' snapshots loaded, among others
                wait_until_idle(SERVER_PIDS[base], within=settle)
            print(
                f"\n{args.size} INTERLINKERs, `interlink-kg serve` on the embedded store and on "
                f"an oxigraph serve (RocksDB, loopback; the workspace on another, in memory), "
                f"per kind {args.requests} requests sent to both in a random order, then "
                f"{args.requests} more to each alone in {BLOCKS} alternating blocks; one at a "
                f"time, {args.pause:g} ms apart\n"
            )
            measure(bases, ids, tasks, args.requests, args.pause / 1000, not args.no_sparql)
            if not args.no_harvest:
                harvest(bases, args.size, args.pause / 1000)
            print(f"\nkept connections opened again: {Client.reopened}")
            print_peaks(
                {
                    "`interlink-kg serve` on the embedded store": SERVER_PIDS[on_e],
                    "`interlink-kg serve` on the remote store": SERVER_PIDS[on_r],
                    "the `oxigraph serve` of the catalogue": SERVER_PIDS[remote_url],
                }
            )


def query_processes(args: argparse.Namespace) -> dict[str, str]:
    """The environment for a server's public SPARQL query processes: with ``--no-sparql``, one,
    capped far below a copy of the catalogue, so that it gives up loading one."""
    if not args.no_sparql:
        return {}
    return {"INTERLINK_KG_SPARQL_MAX_CONCURRENT": "1", "INTERLINK_KG_SPARQL_MEMORY_MB": "256"}


def print_peaks(pids: dict[str, int]) -> None:
    """Each server's peak resident memory, with its query processes, if any."""
    for name, pid in pids.items():
        print(f"peak resident memory, {name}: {peak_resident_bytes(pid) / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
