"""What one change of the catalogue costs at 10k-1M INTERLINKERs: its write, the statistics
counted again, and each structure kept in memory (page keys, candidate index, text relevance,
search index) patched, against building them from the whole store (the raw baseline measured
in the same run).

Each change edits one synthetic INTERLINKER as an approval does (a new title word and a
problem profile more, in a graph of its own), with its change-log entry; the structures are then
brought up to date as the next request would. Medians of 20 changes.

Run: ``python bench/change_bench.py`` (10k and 100k); ``--size N`` for one size.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synthetic

from interlink_kg.finding import candidates, keys, relevance
from interlink_kg.finding import statistics as counts
from interlink_kg.finding.search import SearchIndex, SearchRequest
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.changes import subjects_of

BASE = synthetic.BASE
CHANGES = 20
ILK = "https://w3id.org/interlink-kg/ontology#"


def _ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def edit(
    store: Store, n: int, number: int, rng: random.Random, profiles: list[str]
) -> tuple[float, float]:
    """One INTERLINKER edited and its statistics counted again: (write ms, statistics ms)."""
    item = f"{BASE}interlinkers/synthetic_{rng.randrange(n):06d}"
    graph = f"{BASE}graphs/edits/{number}"
    profile = f"{BASE}problem-profiles/{rng.choice(profiles)}"
    data = (
        f'<{item}> <http://purl.org/dc/terms/title> "Edited quokka{number}"@en ;\n'
        f"  <{ILK}addressesProblem> <{profile}> .\n"
    ).encode()
    start = time.perf_counter()
    touched = subjects_of(store, [graph]) | {item}
    before = counts.problems_of(store, touched)
    changed = counts.change(BASE, touched)
    store.replace_graphs({graph: GraphPayload(data, TURTLE, BASE), **changed.payloads})
    wrote = time.perf_counter()
    counts.refresh_statistics(store, BASE, changed, before)
    return (wrote - start) * 1000, (time.perf_counter() - wrote) * 1000


def bench(n: int) -> None:
    store = open_store("memory:")
    started = time.perf_counter()
    synthetic.load(store, n)
    print(f"\n{n} INTERLINKERs (loaded in {time.perf_counter() - started:.1f} s)")
    search = SearchIndex(store)
    words = relevance.text_relevance(store)
    structures: dict[str, Callable[[], object]] = {
        "page keys": lambda: keys.keys(store),
        "candidate index": lambda: candidates.candidate_index(store),
        "text relevance": words.warm,
        "search index": search.warm,
    }
    built = {name: _ms(work) for name, work in structures.items()}
    full_statistics = _ms(lambda: counts.refresh_statistics(store, BASE))
    rng = random.Random(n)
    profiles = sorted(synthetic.real_shape()[1])
    writes, stats = [], []
    patched: dict[str, list[float]] = {name: [] for name in structures}
    for number in range(CHANGES):
        wrote, counted = edit(store, n, number, rng, profiles)
        writes.append(wrote)
        stats.append(counted)
        for name, work in structures.items():
            patched[name].append(_ms(work))
        assert search.search(SearchRequest(f"quokka{number}")).total == 1  # found at once
    print(f"  write of one change with its log entry   median {statistics.median(writes):8.1f} ms")
    part = statistics.median(stats)
    print(
        f"  statistics of what it touched            median {part:8.1f} ms"
        f"   (all counted again: {full_statistics:8.1f} ms, x{full_statistics / part:.0f})"
    )
    for name in structures:
        median = statistics.median(patched[name])
        print(
            f"  {name + ' patched':40} median {median:8.1f} ms"
            f"   (built from the store: {built[name]:8.1f} ms, x{built[name] / median:.0f})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GiB, roughly
    print(f"  peak resident memory of this process: {peak:.1f} GB")
    store.close()


def main() -> None:
    sizes = [10_000, 100_000]
    if "--size" in sys.argv:
        sizes = [int(sys.argv[sys.argv.index("--size") + 1])]
    print(f"What one change costs ({CHANGES} changes, medians)")
    for n in sizes:
        bench(n)


if __name__ == "__main__":
    main()
