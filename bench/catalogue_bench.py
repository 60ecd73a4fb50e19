"""Harvesting speed: one DCAT-AP page of 100 at the start, middle and end of the catalogue, by
number (``?page=``) and by key (``?after=``), the whole catalogue harvested page by page by
key, and one INTERLINKER's description (Turtle, JSON-LD, page), on synthetic catalogues of 1k
and 10k (``--large``: 100k) INTERLINKERs.

Baseline measured in the same run: the raw engine's ``ORDER BY ... OFFSET`` page query
(``queries/interlinker-page.rq``) on the same pyoxigraph store, which is what a page cost before
the pages were cut from the sorted keys kept per catalogue generation (``finding/keys.py``).
The service figures include building the whole DCAT-AP page (descriptions, records,
vocabularies, Hydra links); the first call of a generation also reads the keys, measured apart.

With ``--remote`` the same catalogue is also served from an ``oxigraph serve`` this script
starts on a free loopback port (the ``sparql+http://`` backend): its pages, harvest and
resources are printed with their ratio to the embedded ones (issue 15: within 2x);
``--remote-in-memory``: the same from an ``oxigraph serve`` that keeps its data in memory (no
``--location``), which separates what the server's storage costs from what the client does.

``--paired --size N``: pages by key from the embedded store and from a server (RocksDB, or
with ``--remote-in-memory`` in memory) side by side, both loaded at once, each unique page
asked of both in a random order, in rounds: the fairest ratio of the two (the other modes
measure one store after the other, minutes apart); ``--optimized``: the server's database
compacted after the load (``oxigraph optimize``), as an operator would after a bulk load.

Run: ``python bench/catalogue_bench.py [--large] [--remote] [--remote-in-memory]``;
``--huge``: 100k and 1M only;
``--size N``: that size only; ``--no-harvest``: no whole harvest; ``--disk``: the embedded store
read straight from disk (RocksDB) instead of memory (``interlink-kg serve`` reads from an
in-memory mirror of its store: the in-memory figures stand for it).
"""

from __future__ import annotations

import contextlib
import http.client
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import synthetic
from live_server import (
    SERVER_PIDS,
    described,
    embedded_store_url,
    oxigraph_serve,
    wait_until_idle,
)

from interlink_kg.finding import keys as key_index
from interlink_kg.finding import record_dates
from interlink_kg.finding.warmer import settle_heap
from interlink_kg.publishing.catalogue_pages import PageRequest, catalogue_page
from interlink_kg.queries import query
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.store.base import Store
from interlink_kg.web.app import close_app, create_app

PER_PAGE = 100
REPEAT = 15
RESOURCES = 100  # unique INTERLINKERs asked for, per format


def median_ms(action: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def page(store: Store, request: PageRequest) -> int:
    url = synthetic.BASE + "catalogue"
    return len(catalogue_page(store, synthetic.BASE, request, requested_url=url))


def remote_pages(n: int, embedded: dict[str, float], *, in_memory: bool = False) -> None:
    """The same pages (by number and by key), resources and harvest from a SPARQL server on
    loopback, against the embedded figures of this run; ``in_memory``: the server keeps its
    data in memory rather than in its RocksDB database (what the server's storage costs)."""
    with (
        tempfile.TemporaryDirectory() as folder,
        oxigraph_serve(Path(folder), in_memory=in_memory) as url,
    ):
        store = open_store(url)  # the service's timeouts
        started = time.perf_counter()
        synthetic.load(store, n)
        storage = "in memory" if in_memory else "RocksDB"
        print(
            f"  remote store (oxigraph serve, {storage}, loopback; loaded in "
            f"{time.perf_counter() - started:.1f} s; idle "
            f"{wait_until_idle(SERVER_PIDS[url]):.0f} s later)"  # done compacting
        )
        started = time.perf_counter()
        index = key_index.keys(store)
        read = (time.perf_counter() - started) * 1000
        print(f"  remote, keys read once per generation {read:8.1f} ms")
        started = time.perf_counter()
        record_dates.record_dates(store)
        read = (time.perf_counter() - started) * 1000
        print(f"  remote, records' dates read once per generation {read:8.1f} ms")
        settle_heap()
        pages = (len(index) + PER_PAGE - 1) // PER_PAGE
        for label, number in (("first", 1), ("middle", (pages + 1) // 2), ("last", pages)):
            by_number = median_ms(
                lambda number=number: page(store, PageRequest(page=number, per_page=PER_PAGE))
            )
            after = index.key_before((number - 1) * PER_PAGE)
            by_key = median_ms(
                lambda after=after: page(store, PageRequest(per_page=PER_PAGE, after=after))
            )
            print(
                f"  remote {label:6} page  by number {by_number:7.1f} ms "
                f"(x{by_number / embedded[label + ' by number']:.2f})   by key {by_key:7.1f} ms "
                f"(x{by_key / embedded[label]:.2f} of the embedded store)"
            )
        if "--no-harvest" not in sys.argv:
            seconds = harvest(store, index)
            if "harvest" in embedded:
                print(f"    x{seconds / embedded['harvest']:.2f} of the embedded store")
        figures = one_resource(store, index.ids)
        print(
            "    "
            + "   ".join(
                f"{label} x{ms / embedded[label]:.2f}"
                for label, ms in figures.items()
                if label in embedded
            )
            + " of the embedded store"
        )
        store.close()


def one_resource(store: Store, ids: Sequence[str]) -> dict[str, float]:
    """One INTERLINKER through the Flask app (its whole request handling, no socket): as
    Turtle, as JSON-LD and as the page for people, a different INTERLINKER each time; on the
    embedded store, against the raw engine's ``DESCRIBE`` of the same IRI serialised as Turtle.
    Returns the medians by format."""
    app = create_app(Settings(base_iri=synthetic.BASE, store_url=store.url), store=store)
    client = app.test_client()
    rng = random.Random(len(ids))
    chosen = iter(rng.sample(list(ids), min(len(ids), 4 * RESOURCES + 3)))
    client.get(f"/interlinkers/{next(chosen)}", headers={"Accept": "text/html"})  # templates
    figures = {}
    for label, accept in (
        ("Turtle", "text/turtle"),
        ("JSON-LD", "application/ld+json"),
        ("page", "text/html"),
    ):

        def get(accept: str = accept) -> None:
            reply = client.get(f"/interlinkers/{next(chosen)}", headers={"Accept": accept})
            assert reply.status_code == 200, reply.status_code

        figures[label] = median_ms(get, RESOURCES)
    close_app(app)
    shown = "   ".join(f"{label} {ms:6.1f} ms" for label, ms in figures.items())
    engine = getattr(store, "_store", None)  # the pyoxigraph store itself (embedded only)
    if engine is None:
        server = _server_describe(store, chosen)
        print(f"  remote, one resource  {shown}   the server's DESCRIBE as Turtle {server:6.2f} ms")
        return figures

    def raw() -> None:
        iri = f"{synthetic.BASE}interlinkers/{next(chosen)}"
        found = engine.query(f"DESCRIBE <{iri}>", use_default_graph_as_union=True)
        assert ox.serialize(found, format=ox.RdfFormat.TURTLE)

    raw_ms = median_ms(raw, RESOURCES)
    print(f"  one resource  {shown}   raw engine DESCRIBE as Turtle {raw_ms:6.2f} ms")
    return figures


def _server_describe(store: Store, chosen: Iterator[str]) -> float:
    """The floor of one resource on a server: its ``DESCRIBE`` of an INTERLINKER as Turtle,
    one round trip on a kept connection of a bare HTTP client (no parsing)."""
    endpoint = urlsplit(store.endpoints.query)  # type: ignore[attr-defined]
    connection = http.client.HTTPConnection(endpoint.hostname or "", endpoint.port)
    headers = {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}

    def ask() -> None:
        iri = f"{synthetic.BASE}interlinkers/{next(chosen)}"
        body = f"DESCRIBE <{iri}>".encode()
        connection.request("POST", f"{endpoint.path}?union-default-graph=true", body, headers)
        reply = connection.getresponse()
        answer = reply.read()
        assert reply.status == 200, reply.status
        assert answer

    try:
        return median_ms(ask, RESOURCES)
    finally:
        connection.close()


def measure(n: int) -> None:
    with embedded_store_url() as url:
        _measure(n, url)


def _measure(n: int, url: str) -> None:
    store = open_store(url)
    embedded: dict[str, float] = {}
    started = time.perf_counter()
    synthetic.load(store, n)
    loaded = time.perf_counter() - started
    print(f"\n{n} INTERLINKERs ({described(url)}; loaded in {loaded:.1f} s)")
    started = time.perf_counter()
    index = key_index.keys(store)
    print(f"  keys read once per generation   {(time.perf_counter() - started) * 1000:8.1f} ms")
    started = time.perf_counter()
    record_dates.record_dates(store)
    read = (time.perf_counter() - started) * 1000
    print(f"  records' dates read once per generation {read:8.1f} ms")
    settle_heap()  # as a server's warmer does once its indexes are built
    pages = (len(index) + PER_PAGE - 1) // PER_PAGE
    for label, number in (("first", 1), ("middle", (pages + 1) // 2), ("last", pages)):
        raw = median_ms(
            lambda number=number: store.select(
                query("interlinker-page", limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
            ),
            # seconds each at 1M, and at 100k on disk
            repeat=REPEAT if n <= 10_000 or (n <= 100_000 and "--disk" not in sys.argv) else 3,
        )
        by_number = median_ms(
            lambda number=number: page(store, PageRequest(page=number, per_page=PER_PAGE))
        )
        after = index.key_before((number - 1) * PER_PAGE)
        by_key = median_ms(
            lambda after=after: page(store, PageRequest(per_page=PER_PAGE, after=after))
        )
        embedded[label] = by_key
        embedded[label + " by number"] = by_number
        print(
            f"  {label:6} page  by number {by_number:7.1f} ms   by key {by_key:7.1f} ms   "
            f"raw engine OFFSET query alone {raw:7.1f} ms"
        )
    if "--no-harvest" not in sys.argv:
        embedded["harvest"] = harvest(store, index)
    embedded.update(one_resource(store, index.ids))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GiB, roughly
    print(f"  peak resident memory of this process so far: {peak:.1f} GB")
    store.close()
    if "--remote" in sys.argv:
        remote_pages(n, embedded)
    if "--remote-in-memory" in sys.argv:
        remote_pages(n, embedded, in_memory=True)


def harvest(store: Store, index: key_index.Keys) -> float:
    """Every page by key, from the first to the last; returns the seconds it took."""
    started = time.perf_counter()
    after: str | None = None
    harvested = 0
    while True:
        items = index.after(after, PER_PAGE) if after is not None else index.page(1, PER_PAGE)
        if not items:
            break
        page(store, PageRequest(per_page=PER_PAGE, after=after))
        harvested += len(items)
        after = (
            index.ids[index.position(after) + len(items) - 1]
            if after
            else index.ids[len(items) - 1]
        )
    seconds = time.perf_counter() - started
    print(f"  whole harvest by key: {harvested} INTERLINKERs in {seconds:.1f} s")
    return seconds


PAIRED_ROUNDS = 6
PAIRED_PAGES = 30  # unique pages a round, each asked of both stores


def paired(n: int, *, in_memory: bool = False, optimized: bool = False) -> None:
    """Pages by key from the embedded store and from an ``oxigraph serve`` side by side: both
    loaded at once, each round a fresh sample of unique pages (none asked for twice in the
    run), each page asked of both stores in a random order, so the two share the machine's
    state (the server measured once idle after its load: its database compacts in the
    background meanwhile); per round the two medians and their ratio, then the median of the
    rounds.
    ``optimized``: the server's database compacted after the load, as an operator would
    after a bulk load (``oxigraph optimize``, the server stopped meanwhile)."""
    embedded = open_store("memory:")
    synthetic.load(embedded, n)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if optimized:  # loaded, compacted offline (``oxigraph optimize``), then served again
            with oxigraph_serve(folder) as url:
                synthetic.load(open_store(url), n)
            binary = str(Path(sys.executable).with_name("oxigraph"))
            started = time.perf_counter()
            subprocess.run([binary, "optimize", "--location", str(folder / "db")], check=True)
            print(f"  oxigraph optimize: {time.perf_counter() - started:.1f} s")
        url = stack.enter_context(oxigraph_serve(folder, in_memory=in_memory))
        served = open_store(url)
        if not optimized:
            synthetic.load(served, n)
        # the database compacts in the background after a load: measured once it is done
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[url]):.0f} s")
        stores = {"embedded": embedded, "remote": served}
        index = key_index.keys(embedded)
        for store in stores.values():
            key_index.keys(store)
            page(store, PageRequest(per_page=PER_PAGE))  # the vocabularies, read once
        settle_heap()
        storage = "in memory" if in_memory else "RocksDB" + (", optimized" if optimized else "")
        print(
            f"\n{n} INTERLINKERs, pages of {PER_PAGE} by key: embedded (memory) and "
            f"oxigraph serve ({storage}), {PAIRED_PAGES} unique pages a round"
        )
        pages = (len(index) + PER_PAGE - 1) // PER_PAGE
        numbers = random.Random(23).sample(range(1, pages + 1), PAIRED_ROUNDS * PAIRED_PAGES)
        ratios = []
        order = random.Random(29)
        for round_ in range(PAIRED_ROUNDS):
            times: dict[str, list[float]] = {name: [] for name in stores}
            chosen = numbers[round_ * PAIRED_PAGES : (round_ + 1) * PAIRED_PAGES]
            for number in chosen:
                after = index.key_before((number - 1) * PER_PAGE)
                for name in order.sample(list(stores), len(stores)):
                    started = time.perf_counter()
                    page(stores[name], PageRequest(per_page=PER_PAGE, after=after))
                    times[name].append(time.perf_counter() - started)
            mine, theirs = (statistics.median(times[k]) * 1000 for k in ("embedded", "remote"))
            ratios.append(theirs / mine)
            print(
                f"  round {round_ + 1}: embedded {mine:6.1f} ms   remote {theirs:6.1f} ms "
                f"(x{theirs / mine:.2f})"
            )
        print(
            f"  median of the rounds' ratios x{statistics.median(ratios):.2f} "
            f"(x{min(ratios):.2f}-x{max(ratios):.2f})"
        )
        served.close()
    embedded.close()


def main() -> None:
    if "--paired" in sys.argv:  # --paired --size N [--remote-in-memory | --optimized]
        paired(
            int(sys.argv[sys.argv.index("--size") + 1]),
            in_memory="--remote-in-memory" in sys.argv,
            optimized="--optimized" in sys.argv,
        )
        return
    sizes = [1000, 10_000] + ([100_000] if "--large" in sys.argv else [])
    if "--huge" in sys.argv:
        sizes = [100_000, 1_000_000]
    if "--size" in sys.argv:  # one size only, e.g. --size 1000000 (with --no-harvest: no harvest)
        sizes = [int(sys.argv[sys.argv.index("--size") + 1])]
    for n in sizes:
        measure(n)


if __name__ == "__main__":
    main()
