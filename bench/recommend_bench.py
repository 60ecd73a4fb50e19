"""Recommendation and search speed on synthetic catalogues of 1k and 10k (and, with --large,
100k) INTERLINKERs shaped like the real one; every figure is measured in the same run.

For random real tasks: the median and p95 of
- our service layer (all queries of a recommendation, explanations included),
- the ranking query alone run directly on pyoxigraph (the engine's limit),
- the same query on rdflib's in-memory store (the naive baseline; one run, stopped after
  20 s),
- HTTP through `interlink-kg serve` (waitress) on loopback: a first call with filters
  (computed on demand) and the default request (precomputed for every task after start-up
  and after each change),
- full-text search through the service.

With ``--remote``, the service-layer recommendation and the search are measured again with the
catalogue on an ``oxigraph serve`` on loopback (the ``sparql+http`` backend).

Run: ``python bench/recommend_bench.py [--large] [--remote] [--remote-in-memory]``;
``--huge``: 100k and 1M only;
``--size N``: N only; ``--scaling``: 100k and 1M side by side in one process, their first
requests measured in alternating rounds (the ratio of each round, against this machine's speed
drifting between runs; ``--profile`` adds a cProfile of the cold first requests at each
size); ``--remote-only``: the remote store alone (no embedded one beside it, for
1M: compare with an embedded run of the same size; with ``--remote-in-memory``, on a server in
memory); ``--disk``: the embedded store on disk (as
``interlink-kg serve`` runs it by default) instead of in memory; ``--no-search``: no search
index (its build takes minutes at 1M) and no search figures.

For the remote store it also prints the CPU time the server and this process spent during the
measured recommendations, per request: the server's should be the store calls' work alone
(more would be background work of its own, such as compaction after the load).
"""

from __future__ import annotations

import cProfile
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Literal, URIRef

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import (
    SERVER_PIDS,
    cpu_seconds,
    described,
    embedded_store_url,
    oxigraph_serve,
    serving,
)

from interlink_kg.finding import ranking, recommendations
from interlink_kg.finding.candidates import candidate_index
from interlink_kg.finding.filters import Filters
from interlink_kg.finding.ranking import profile_tiers
from interlink_kg.finding.relevance import TextScores, text_relevance
from interlink_kg.finding.search import SearchIndex, SearchRequest
from interlink_kg.finding.warmer import settle_heap
from interlink_kg.queries import bind, query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store import Store, open_store

# The whole ranking as one SPARQL query on the engine, as the service ran it before the
# in-memory candidate index: the raw engine's figure every run compares with.
ENGINE_RANKING = Path(__file__).parent / "engine_ranking.rq"
ENGLISH = URIRef("http://publications.europa.eu/resource/authority/language/ENG")


def timings(action: Callable[[], object], cases: int) -> tuple[float, float]:
    values = []
    for _ in range(cases):
        start = time.perf_counter()
        action()
        values.append((time.perf_counter() - start) * 1000)
    values.sort()
    return statistics.median(values), values[max(0, int(len(values) * 0.95) - 1)]


def ranking_query(store: Store, task: URIRef) -> str:
    rows = store.select(query("task-context", {"task": [task]}))
    tiers = profile_tiers([(str(r["problem"]), str(r["source"])) for r in rows])
    profiles = tiers[0] if tiers else []
    values = {
        "problem strength": [(URIRef(p.iri), Literal(p.strength)) for p in profiles],
        "lang": [ENGLISH],
        "textItem": [URIRef(recommendations.NOTHING)],  # no word matches: profiles only
    }
    return bind(ENGINE_RANKING.read_text(encoding="utf-8"), values)  # type: ignore[arg-type]


@contextmanager
def previous_ranking() -> Iterator[None]:
    """The ranking as it was before it read the task's words (profiles only), to compare in
    the same run."""
    saved = (
        ranking.GRAPH_WEIGHT,
        ranking.TEXT_WEIGHT,
        ranking.COMPARE_SIBLINGS,
        recommendations.text_relevance,
    )

    class _NoWords:
        def for_task(self, task: URIRef, lang: str) -> TextScores:
            return TextScores(lang)

    ranking.GRAPH_WEIGHT, ranking.TEXT_WEIGHT, ranking.COMPARE_SIBLINGS = 1.0, 0.0, False
    recommendations.text_relevance = lambda store: _NoWords()  # type: ignore[assignment,return-value]
    recommendations.forget_rankings()  # those kept were ranked with the constants changed here
    try:
        yield
    finally:
        (
            ranking.GRAPH_WEIGHT,
            ranking.TEXT_WEIGHT,
            ranking.COMPARE_SIBLINGS,
            recommendations.text_relevance,
        ) = saved
        recommendations.forget_rankings()


def rdflib_timing(store: Store, text: str, seconds: int) -> float | None:
    """One run of the ranking query on rdflib's in-memory store, in a child process that is
    stopped after ``seconds`` (rdflib evaluates every EXISTS of this query row by row)."""
    folder = Path(tempfile.mkdtemp(prefix="ilk-rdflib-"))
    (folder / "data.nt").write_bytes(store.dump(NTRIPLES))
    (folder / "query.rq").write_text(text, encoding="utf-8")
    program = (
        "import sys, time\n"
        "from rdflib import Dataset\n"
        "data = Dataset(default_union=True)\n"
        f"data.parse({str(folder / 'data.nt')!r}, format='nt')\n"
        f"text = open({str(folder / 'query.rq')!r}).read()\n"
        "start = time.perf_counter()\n"
        "rows = list(data.query(text))\n"
        "print((time.perf_counter() - start) * 1000)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, timeout=seconds
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip()) if done.returncode == 0 else None


def http_timings(
    n: int, tasks: list[tuple[str, str]]
) -> tuple[tuple[float, float], tuple[float, float]]:
    folder = Path(tempfile.mkdtemp(prefix="ilk-bench-"))
    store_url = f"oxigraph:{folder / 'store'}"
    disk = open_store(store_url)
    synthetic.load(disk, n)
    disk.set_meta("base_iri", synthetic.BASE)
    disk.close()
    del disk
    with serving(store_url, synthetic.BASE, folder / "serve.log") as base:

        def get(schema: str, task: str, extra: str = "") -> None:
            url = f"{base}/schemas/{schema}/tasks/{task}/recommendations?limit=10{extra}"
            with urllib.request.urlopen(url, timeout=30) as reply:
                reply.read()

        unique = list(dict.fromkeys(tasks))
        cold = iter(unique)
        first = timings(lambda: get(*next(cold), "&lang=es&kind=knowledge"), len(unique))
        warm_cases = iter(tasks)
        warm = timings(lambda: get(*next(warm_cases)), len(tasks))
        return first, warm


def bench(n: int, cases: int) -> None:
    with embedded_store_url() as url:
        store = open_store(url)
        try:
            _bench(store, n, cases, described(url))
        finally:
            store.close()


def _bench(store: Store, n: int, cases: int, where: str) -> None:
    start = time.perf_counter()
    synthetic.load(store, n)
    loaded = time.perf_counter() - start
    print(f"\n{n} INTERLINKERs ({where}; loaded in {loaded:.1f} s)")
    rng = random.Random(n)
    sample = _sample(store, rng, cases)
    index = SearchIndex(store)
    print(
        "  built after each content change (in the background after a write): "
        + _build_times(store, index)
    )
    settle_heap()  # as the server does once its indexes are built

    picks = iter(sample * 2)

    def service() -> None:
        schema, task, _ = next(picks)
        # nothing kept from an earlier request: the task and the other tasks of its objective
        # are all ranked afresh (finding/siblings.py), the cost of a first visit
        recommendations.forget_rankings()
        recommendations.for_task(store, synthetic.BASE, schema, task, limit=10)

    ours = timings(service, cases)
    ranking.COMPARE_SIBLINGS = False
    try:
        picks = iter(sample * 2)
        alone = timings(service, cases)
    finally:
        ranking.COMPARE_SIBLINGS = True
    # A stream of distinct tasks, nothing forgotten between them: a task whose objective an
    # earlier request ranked finds its siblings' rankings kept (as on a server between changes).
    in_turn = _distinct_sample(store, rng, cases)
    distinct = iter(in_turn)
    recommendations.forget_rankings()

    def streamed() -> None:
        schema, task, _ = next(distinct)
        recommendations.for_task(store, synthetic.BASE, schema, task, limit=10)

    stream = timings(streamed, len(in_turn))
    with previous_ranking():
        picks = iter(sample * 2)
        before = timings(service, cases)
    texts = [ranking_query(store, iri) for _, _, iri in sample]
    raw_store = store._store  # type: ignore[attr-defined]  # the pyoxigraph Store itself
    raw_texts = iter(texts * 2)
    raw = timings(
        lambda: list(raw_store.query(next(raw_texts), use_default_graph_as_union=True)), cases
    )
    print(
        f"  service layer      median {ours[0]:7.1f} ms  p95 {ours[1]:7.1f} ms"
        f"   with the task's words; profiles only: median {before[0]:.1f} ms "
        f"(x{ours[0] / before[0]:.2f})"
    )
    print(
        f"  sibling tasks      the task alone, its siblings not ranked: median {alone[0]:.1f} ms "
        f"p95 {alone[1]:.1f} ms (compared: x{ours[0] / alone[0]:.2f})"
    )
    print(
        f"  distinct tasks     one after another, siblings ranked earlier kept: median "
        f"{stream[0]:.1f} ms p95 {stream[1]:.1f} ms"
    )
    print(
        f"  pyoxigraph query   median {raw[0]:7.1f} ms  p95 {raw[1]:7.1f} ms"
        f"   service / raw = {ours[0] / raw[0]:.2f}x   (the whole ranking as one SPARQL query)"
    )
    if n <= 1000:
        naive = rdflib_timing(store, texts[0], seconds=20)
        shown = f"{naive:7.1f} ms" if naive is not None else "  > 20 s (stopped)"
        print(f"  rdflib in memory   one query {shown}")
    found: tuple[float, float] | None = None
    if SEARCH:
        found, selective = _search_timings(index, rng, n, cases)
        total = index.search(SearchRequest(synthetic.WORDS[0])).total
        print(
            f"  search             median {found[0]:7.1f} ms  p95 {found[1]:7.1f} ms"
            f"   a common word (e.g. {total} hits for {synthetic.WORDS[0]!r})"
        )
        print(
            f"  search, rare word  median {selective[0]:7.1f} ms  p95 {selective[1]:7.1f} ms"
            "   a word of a few INTERLINKERs"
        )
    if "--remote" in sys.argv:
        remote_timings(n, sample, ours[0], found[0] if found else None, cases)
    if "--remote-in-memory" in sys.argv:
        remote_timings(n, sample, ours[0], found[0] if found else None, cases, in_memory=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GiB, roughly
    print(f"  peak resident memory of this process so far: {peak:.1f} GB")
    if 1000 <= n <= 10_000:
        cold, warm = http_timings(n, [(s, t) for s, t, _ in sample])
        print(
            f"  HTTP, computed     median {cold[0]:7.1f} ms  p95 {cold[1]:7.1f} ms"
            "   (first call, filters and language not precomputed)"
        )
        print(
            f"  HTTP, precomputed  median {warm[0]:7.1f} ms  p95 {warm[1]:7.1f} ms"
            "   (default parameters, ranked after start-up)"
        )


def remote_timings(
    n: int,
    sample: list[tuple[str, str, URIRef]] | None,
    embedded_ranking: float | None,
    embedded_search: float | None,
    cases: int,
    *,
    in_memory: bool = False,
) -> None:
    """The same recommendations and searches with the catalogue on an ``oxigraph serve`` on
    loopback (the ``sparql+http`` backend), against the embedded medians of this run (with
    ``--remote-only``, no embedded store: the sample is drawn from the remote one, as the
    embedded run draws it, and the figures stand alone); ``in_memory``: a server that keeps its
    data in memory (no ``--location``) instead of its RocksDB database."""
    with (
        tempfile.TemporaryDirectory() as folder,
        oxigraph_serve(Path(folder), in_memory=in_memory) as url,
    ):
        remote = open_store(url)  # the service's timeouts
        started = time.perf_counter()
        synthetic.load(remote, n)
        loaded = time.perf_counter() - started
        storage = "in memory" if in_memory else "RocksDB"
        print(f"  remote store (oxigraph serve, {storage}, loopback; loaded in {loaded:.1f} s)")
        if sample is None:
            sample = _sample(remote, random.Random(n), cases)
        picks = iter(sample * 2)

        def service() -> None:
            schema, task, _ = next(picks)
            recommendations.forget_rankings()  # as above: the objective ranked afresh
            recommendations.for_task(remote, synthetic.BASE, schema, task, limit=10)

        index = SearchIndex(remote)
        print("  remote, built after each content change: " + _build_times(remote, index))
        settle_heap()
        service()
        server = SERVER_PIDS[url]
        server_before, client_before = cpu_seconds(server), time.process_time()
        ranked = timings(service, cases)
        server_cpu = (cpu_seconds(server) - server_before) / cases * 1000
        client_cpu = (time.process_time() - client_before) / cases * 1000

        def compared(embedded: float | None, median: float) -> str:
            return f"   x{median / embedded:.2f} of the embedded store" if embedded else ""

        print(
            f"  remote, service    median {ranked[0]:7.1f} ms  p95 {ranked[1]:7.1f} ms"
            + compared(embedded_ranking, ranked[0])
        )
        print(
            f"  remote, CPU per recommendation: server {server_cpu:.1f} ms, "
            f"this process {client_cpu:.1f} ms"
        )
        if SEARCH:
            found, selective = _search_timings(index, random.Random(n + 1), n, cases)
            print(
                f"  remote, search     median {found[0]:7.1f} ms  p95 {found[1]:7.1f} ms"
                + compared(embedded_search, found[0])
            )
            print(f"  remote, rare word  median {selective[0]:7.1f} ms  p95 {selective[1]:7.1f} ms")
        remote.close()


def _distinct_sample(store: Store, rng: random.Random, cases: int) -> list[tuple[str, str, URIRef]]:
    """``cases`` distinct tasks (fewer if the schemas hold fewer), in a random order."""
    tasks = [
        (str(r["schemaId"]), str(r["taskId"]), URIRef(str(r["task"])))
        for r in store.select(query("all-tasks"))
    ]
    return rng.sample(tasks, min(cases, len(tasks)))


def _sample(store: Store, rng: random.Random, cases: int) -> list[tuple[str, str, URIRef]]:
    """``cases`` tasks drawn from the store's schemas (schema id, task id, task IRI)."""
    tasks = [
        (str(r["schemaId"]), str(r["taskId"]), URIRef(str(r["task"])))
        for r in store.select(query("all-tasks"))
    ]
    return [rng.choice(tasks) for _ in range(cases)]


SEARCH = "--no-search" not in sys.argv


def _build_times(store: Store, index: SearchIndex) -> str:
    """Build what a content change rebuilds, one after the other; their times."""
    built: dict[str, Callable[[], object]] = {
        "candidate index": lambda: candidate_index(store),
        "word relevance": lambda: text_relevance(store).for_text("warm up", "en"),
    }
    if SEARCH:
        built["search"] = lambda: index.search(SearchRequest("warmup"))
    return ", ".join(f"{name} {_seconds(build):.1f} s" for name, build in built.items())


def _search_timings(
    index: SearchIndex, rng: random.Random, n: int, cases: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(median, p95) of searches for a common word, then for a rare one (each title's own
    number)."""
    words = iter(rng.choice(synthetic.WORDS) for _ in range(cases))
    found = timings(lambda: index.search(SearchRequest(next(words), per_page=20)), cases)
    rare = iter(str(rng.randrange(n)) for _ in range(cases))
    selective = timings(lambda: index.search(SearchRequest(next(rare), per_page=20)), cases)
    return found, selective


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def scaling(
    sizes: tuple[int, int] = (100_000, 1_000_000), cases: int = 30, rounds: int = 6
) -> None:
    """At two sizes held in memory at once, in alternating rounds (each round's ratio compares
    figures taken minutes apart, not runs taken hours apart):
    - cold: the first request of an objective with nothing kept (1 + k rankings, the word
      matches and candidate pools computed afresh), and the task alone (siblings not compared);
    - on demand: a request with filters, after the warmer ranked every task's default request
      in that language (as a server does after each change): its rankings and its siblings'
      are computed afresh for the filters, from the kept word matches and candidate pools;
      with a filter most INTERLINKERs pass (kind=knowledge) and one few pass
      (kind=software, Spanish available: the candidates are then chosen walking the arrays).
    """
    stores: dict[int, tuple[Store, list[tuple[str, str, URIRef]]]] = {}
    for n in sizes:
        store = open_store("memory:")
        started = time.perf_counter()
        synthetic.load(store, n)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        candidate_index(store)
        text_relevance(store).warm()
        built = time.perf_counter() - started
        stores[n] = (store, _sample(store, random.Random(n), cases))
        print(
            f"{n} INTERLINKERs in memory: loaded in {loaded:.1f} s, indexes built in {built:.1f} s"
        )
    settle_heap()
    common, selective = Filters(kind="knowledge"), Filters(kind="software", language="es")

    def cold(n: int, compare: bool) -> float:
        store, sample = stores[n]
        picks = iter(sample)

        def one() -> None:
            schema, task, _ = next(picks)
            recommendations.forget_rankings()
            candidate_index(store).forget_pools()
            recommendations.for_task(store, synthetic.BASE, schema, task, limit=10)

        ranking.COMPARE_SIBLINGS = compare
        try:
            return timings(one, len(sample))[0]
        finally:
            ranking.COMPARE_SIBLINGS = True

    def on_demand(n: int, filters: Filters) -> float:
        store, sample = stores[n]
        recommendations.forget_rankings()
        candidate_index(store).forget_pools()
        for schema, task, _ in _distinct_sample(store, random.Random(0), 10_000):  # the warmer
            recommendations.for_task(store, synthetic.BASE, schema, task, lang="es")
        picks = iter(sample)

        def one() -> None:
            schema, task, _ = next(picks)
            recommendations.forget_rankings(words=False)  # the rankings for these filters
            recommendations.for_task(
                store, synthetic.BASE, schema, task, lang="es", limit=10, filters=filters
            )

        return timings(one, len(sample))[0]

    measures: dict[str, Callable[[int], float]] = {
        "cold, first request": lambda n: cold(n, True),
        "cold, the task alone": lambda n: cold(n, False),
        "on demand, kind=knowledge": lambda n: on_demand(n, common),
        "on demand, kind=software&language=es": lambda n: on_demand(n, selective),
    }
    small, large = sizes
    ratios: dict[str, list[float]] = {name: [] for name in measures}
    for number in range(1, rounds + 1):
        print(f"round {number}")
        for name, measure in measures.items():
            low, high = measure(small), measure(large)
            ratios[name].append(high / low)
            print(f"  {name:40s} {low:6.1f} / {high:6.1f} ms  x{high / low:.2f}")
    print(f"median ratio {large} / {small} over {rounds} rounds:")
    for name, found in ratios.items():
        print(f"  {name:40s} x{statistics.median(found):.2f} (x{min(found):.2f}-x{max(found):.2f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak resident memory of this process (both stores and their indexes): {peak:.1f} GB")
    if "--profile" in sys.argv:  # where a cold first request spends its time, at each size
        for n in sizes:
            profiler = cProfile.Profile()
            profiler.runcall(cold, n, True)
            print(f"\ncold first requests at {n}, by own time:")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    if "--scaling" in sys.argv:
        given = sys.argv[sys.argv.index("--scaling") + 1 :]
        if given and "," in given[0]:  # e.g. --scaling 1000,10000 (a quick check of the bench)
            small, large = (int(v) for v in given[0].split(","))
            scaling((small, large), rounds=2)
        else:
            scaling()
        return
    sizes = [1000, 10_000] + ([100_000] if "--large" in sys.argv else [])
    if "--huge" in sys.argv:
        sizes = [100_000, 1_000_000]
    if "--size" in sys.argv:  # one size only, e.g. --size 100000
        sizes = [int(sys.argv[sys.argv.index("--size") + 1])]
    for n in sizes:
        if "--remote-only" in sys.argv:  # no embedded store beside it (memory at 1M)
            print(f"\n{n} INTERLINKERs, remote store only")
            in_memory = "--remote-in-memory" in sys.argv
            remote_timings(n, None, None, None, cases=30, in_memory=in_memory)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
            print(f"  peak resident memory of this process: {peak:.1f} GB")
        else:
            bench(n, cases=30)


if __name__ == "__main__":
    main()
