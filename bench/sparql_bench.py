"""The public SPARQL endpoint's cost, against the same queries run directly on the store.

On synthetic catalogues of 1k and 10k INTERLINKERs (``--large``: also 100k; ``--huge``: 100k
and 1M), measured in the same run:
- four typical public queries (three that read the whole catalogue, one that reads one
  INTERLINKER), run in-process on the store (the baseline: what the engine
  costs) and through ``/sparql`` over loopback HTTP (worker process, protocol, serialisation);
- the first query after a catalogue change (the snapshot is written and loaded again);
- recovery after the time limit killed a worker (the other worker answers at once; the
  replacement's first query loads the snapshot).

With ``--remote``, each size is measured again with the catalogue on an ``oxigraph serve`` on
loopback (the ``sparql+http`` backend; the published data is streamed from the server into the
snapshot the workers load), with the ratio of each ``/sparql`` figure to the embedded one.

Run: ``python bench/sparql_bench.py [--large | --huge | --size N] [--remote] [--disk]``;
``--disk``: the embedded store on disk, as ``interlink-kg serve`` opens it (its snapshot is
written from RocksDB), instead of in memory.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import described, embedded_store_url, oxigraph_serve

from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.store.generation import new_generation
from interlink_kg.web.app import create_app
from interlink_kg.web.state import state_of

QUERIES = {
    "count by kind": (
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT ?kind (COUNT(?i) AS ?n) WHERE { ?i ilk:kind ?kind } GROUP BY ?kind"
    ),
    "100 titles for a problem": (
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?i ?title WHERE { ?i ilk:addressesProblem "
        f"<{synthetic.BASE}problem-profiles/ORG_PROBLEM_2> ; dct:title ?title }} "
        "ORDER BY ?title LIMIT 100"
    ),
    "ask": "ASK { ?s ?p ?o }",
    # Selective: costs the same at any size (the middle INTERLINKER, set per size in bench()).
    "one INTERLINKER's triples": "SELECT ?p ?o WHERE {{ <{item}> ?p ?o }}",
}
Figures = dict[str, float]  # medians (ms) by name, for the remote run's ratios
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    values = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        values.append((time.perf_counter() - start) * 1000)
    return statistics.median(values)


def fetch(url: str, timeout: float = 120) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # loopback only
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as error:
        error.read()
        return int(error.code)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench(n: int, repeat: int, url: str = "memory:", embedded: Figures | None = None) -> Figures:
    """Measure one size on the store at ``url`` (loaded here); with the ``embedded`` figures of
    the same size, each ``/sparql`` figure is followed by its ratio to them. Returns the
    figures."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    figures: Figures = {}
    # At 1M a whole-catalogue query takes seconds on the embedded store and more than the
    # default 30 s on a server: the baseline asked directly must not time out.
    store = open_store(url, timeout=600.0 if n >= 1_000_000 else None)
    started = time.perf_counter()
    synthetic.load(store, n)
    print(f"\n{n} INTERLINKERs ({described(url)}; loaded in {time.perf_counter() - started:.1f} s)")

    def compared(name: str, value: float) -> str:
        figures[name] = value
        if embedded is None or not embedded.get(name):
            return ""
        return f" (x{value / embedded[name]:.2f} of the embedded store)"

    # At 1M the published data is 13 million quads (3.6 GB of N-Quads): one query process,
    # without the memory cap (the default, 2 GB, holds about 250k INTERLINKERs; 12 GB of
    # address space was not enough to load 1M), to measure what it takes.
    huge = n >= 1_000_000
    app = create_app(
        Settings(
            base_iri=synthetic.BASE,
            store_url=url,
            sparql_time_limit=60.0 if huge else 2.0,  # 1M: whole-catalogue queries take seconds
            sparql_memory_mb=0 if huge else Settings.sparql_memory_mb,
            sparql_max_concurrent=1 if huge else Settings.sparql_max_concurrent,
        ),
        store=store,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}/sparql?"
    public = state_of(app).sparql
    try:
        started = time.perf_counter()
        assert fetch(endpoint + "query=ASK%7B%7D", timeout=900) == 200  # loads the snapshot
        first = (time.perf_counter() - started) * 1000
        rss = [_rss_mb(pid) for pid in public.pool.processes.idle_pids()]
        print(
            f"  first query (workers start, snapshot written and loaded) {first:.0f} ms"
            f"{compared('first', first)}; worker memory (RSS) "
            f"{', '.join(f'{m:.0f} MB' for m in rss)}"
        )
        print(
            f"  {'query':26} {'store':>9} {'/sparql':>9} {'ratio':>6} {'new text':>9} {'ratio':>6}"
        )
        middle = f"{synthetic.BASE}interlinkers/synthetic_{n // 2:06d}"
        for name, text in QUERIES.items():
            text = text.format(item=middle) if "{item}" in text else text
            url = endpoint + urllib.parse.urlencode({"query": text})
            direct = median_ms(
                (lambda t=text: store.ask(t))
                if name == "ask"
                else (lambda t=text: store.select(t)),
                repeat,
            )
            over_http = median_ms(lambda u=url: fetch(u), repeat)
            # A text never seen before (a leading comment makes it new): no cached check.
            counter = iter(range(10**6))
            fresh = median_ms(
                lambda t=text, c=counter: fetch(
                    endpoint + urllib.parse.urlencode({"query": f"# {next(c)}\n{t}"})
                ),
                repeat,
            )
            print(
                f"  {name:26} {direct:7.2f}ms {over_http:7.2f}ms {over_http / direct:5.1f}x "
                f"{fresh:7.2f}ms {fresh / direct:5.1f}x{compared(name, fresh)}"
            )
        if huge:
            # A reload (after a change, or of a worker the time limit ended) is the first
            # query's load again, minutes at this size: not repeated here.
            print("  (1M: one query process; a reload costs what the first query's load did)")
            return figures
        ask = endpoint + "query=ASK%7B%7D"
        store.replace_graphs(new_generation(synthetic.BASE))  # what a publication stamps
        public.catalogue_changed()
        at_once = median_ms(lambda: fetch(ask), 1)
        store.replace_graphs(new_generation(synthetic.BASE))
        public.catalogue_changed()
        time.sleep(min(max(3.0, n / 2_000), 240))  # the workers reload in the background
        later = median_ms(lambda: fetch(ask), 1)
        steady = median_ms(lambda: fetch(ask), repeat)
        print(
            f"  after a catalogue change: a query at once {at_once:.0f} ms"
            f"{compared('at once', at_once)}, a few seconds later {later:.1f} ms "
            f"(steady state {steady:.1f} ms)"
        )
        started = time.perf_counter()
        status = fetch(endpoint + urllib.parse.urlencode({"query": EXPLOSIVE}))
        stopped = (time.perf_counter() - started) * 1000
        other = median_ms(lambda: fetch(ask), 1)  # served by the worker that was not killed
        replacement = median_ms(lambda: fetch(ask), 1)  # the new worker loads the snapshot
        print(
            f"  explosive query answered {status} after {stopped:.0f} ms (limit 2000 ms); "
            f"next query {other:.0f} ms (the other worker), then {replacement:.0f} ms "
            "(the replacement, loaded before it joined)"
        )
    finally:
        server.shutdown()
        server.server_close()
        public.close()
        store.close()
    return figures


def main() -> None:
    sizes = [1_000, 10_000] + ([100_000] if "--large" in sys.argv else [])
    if "--huge" in sys.argv:
        sizes = [100_000, 1_000_000]
    if "--size" in sys.argv:  # one size only, e.g. --size 1000000
        sizes = [int(sys.argv[sys.argv.index("--size") + 1])]
    for n in sizes:
        repeat = 30 if n <= 10_000 else 5 if n <= 100_000 else 3
        with embedded_store_url() as url:
            embedded = bench(n, repeat, url)
        if "--remote" in sys.argv:
            with tempfile.TemporaryDirectory() as folder, oxigraph_serve(Path(folder)) as url:
                bench(n, repeat, url, embedded)


if __name__ == "__main__":
    main()
