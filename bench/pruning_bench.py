"""The exact prunings of the twenty-first session against the whole sums they replace, on
arrays shaped like ``synthetic.py``'s catalogue, at 100k and 1M (``--size N``: N only).

- Word matches for an INTERLINKER's own words (its four title words, twice, and "synthetic",
  which every description holds): ``Layered.top`` with the weak words set aside
  (``finding/maxscore.py``) against it adding every word's postings up.
- Candidates by profile for a task's profiles (2 to 6 drawn from the real catalogue's
  popularity), without a filter (a pool of 241) and with a kind's filter (60 asked for): the
  breadth groups (``finding/breadth_groups.py``) against one sum over the whole arrays, the
  filter applied through a boolean mask as before.
- The rows holding both of two words (13% of the rows each): ``postings.held_by_both`` (which
  also tells where they are in each word's rows) against NumPy's ``intersect1d``.

- An INTERLINKER's words' postings summed (``finding/scatter.py``): SciPy's kernel called per
  word into one array of sums against the matrix of them all (twenty-second session).

Every answer is checked equal, to the last bit, between the two ways; p50 of the same unique
queries, each way in turn. In memory only, no store: what the arrays cost, not a request.
Run: ``python bench/pruning_bench.py [--size N] [--queries Q]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import synthetic

from interlink_kg.finding import maxscore, scatter
from interlink_kg.finding.bm25 import Bm25, Layered
from interlink_kg.finding.breadth_groups import BreadthGroups
from interlink_kg.finding.postings import held_by_both
from interlink_kg.finding.relevance import FIELD_WEIGHTS, analyse
from interlink_kg.finding.top import best_first, likely_best


def p50_of(run: Callable[[Any], Any], queries: list[Any]) -> tuple[float, list[Any]]:
    """The median milliseconds of ``run`` over ``queries``, one at a time, and its answers."""
    answers, seconds = [], []
    for query in queries:
        started = time.perf_counter()
        answers.append(run(query))
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, answers


def _row(label: str, pruned: float, whole: float) -> None:
    print(f"| {label} | {pruned:.2f} ms | {whole:.2f} ms | x{pruned / whole:.2f} |", flush=True)


def words(size: int, count: int) -> None:
    rng = random.Random(7)
    stem = {w: (analyse(w, "en") or [(w, w)])[0][0] for w in synthetic.WORDS}
    boilerplate = analyse("synthetic", "en")[0][0]
    profile_words = [f"profile{n}" for n in range(40)]
    documents = []
    for n in range(size):
        title = [stem[w] for w in rng.sample(synthetic.WORDS, 4)]
        problems = rng.sample(profile_words, rng.randint(1, 6))
        keyword = [stem[rng.choice(synthetic.WORDS)]]
        documents.append((f"i{n:07d}", [title, keyword, problems, [boilerplate, *title]]))
    index = Layered(Bm25(documents, FIELD_WEIGHTS))
    queries = []
    for _ in range(count):
        query = {stem[w]: 1.6 for w in rng.sample(synthetic.WORDS, 4)}
        query[boilerplate] = 0.6
        queries.append(query)
    for query in queries[:10]:
        index.top(query, 120)  # each word's parts worked out once, as a running index has
    pruned, first = p50_of(lambda q: index.top(q, 120), queries)
    kept = maxscore.PRUNED_FROM
    maxscore.PRUNED_FROM = 2**62
    try:
        whole, second = p50_of(lambda q: index.top(q, 120), queries)
    finally:
        maxscore.PRUNED_FROM = kept
    if [list(a.items()) for a in first] != [list(a.items()) for a in second]:
        raise SystemExit("word matches differ")
    _row(f"word matches, 120 best, {size:,} INTERLINKERs", pruned, whole)


def candidates(size: int, count: int) -> None:
    sizes, popularity = synthetic.real_shape()
    profiles = sorted(popularity)
    weights = [popularity[p] for p in profiles]
    rng = random.Random(7)
    held: dict[str, list[int]] = {p: [] for p in profiles}
    breadth = np.zeros(size)
    for n in range(size):
        chosen: set[str] = set()
        wanted = rng.choice(sizes)
        while len(chosen) < wanted:
            chosen.add(rng.choices(profiles, weights)[0])
        breadth[n] = len(chosen)
        for profile in chosen:
            held[profile].append(n)
    postings = {p: np.array(a, dtype=np.int32) for p, a in held.items() if a}
    focus = 2.0 / (1.0 + breadth)
    groups = BreadthGroups(breadth, focus, postings)
    kinds = list(synthetic.KINDS)
    kind_of = np.array(rng.choices(range(len(kinds)), [synthetic.KINDS[k] for k in kinds], k=size))
    masks = [kind_of == n for n in range(len(kinds))]
    draw = np.random.default_rng(1)
    queries = []
    for n in range(count):
        task = list(draw.choice(sorted(postings), draw.integers(2, 7), replace=False))
        used = [(p, 1.0 / len(postings[p])) for p in task]
        queries.append((used, masks[n % len(masks)] if n % 5 else None))

    def whole(query: tuple[list[tuple[str, float]], Any]) -> tuple[Any, Any]:
        used, keep = query
        limit = 241 if keep is None else 60
        match = scatter.summed([(postings[p], None) for p, _ in used], [w for _, w in used], size)
        scores = match * focus
        if keep is not None:
            scores[~keep] = 0.0
        hits = likely_best(scores, limit)
        best = hits[best_first(hits, scores[hits], limit)]
        return best, scores[best]

    def grouped(query: tuple[list[tuple[str, float]], Any]) -> tuple[Any, Any]:
        used, keep = query
        at, scores, _ = groups.best(used, keep, 241 if keep is None else 60)
        return at, scores

    pruned, first = p50_of(grouped, queries)
    every, second = p50_of(whole, queries)
    if [(a.tolist(), s.tolist()) for a, s in first] != [
        (a.tolist(), s.tolist()) for a, s in second
    ]:
        raise SystemExit("candidates differ")
    _row(f"candidates by profile, a kind's filter in 4 of 5, {size:,}", pruned, every)


def intersection(size: int, count: int) -> None:
    draw = np.random.default_rng(3)
    pairs = [
        tuple(np.flatnonzero(draw.random(size) < 0.133).astype(np.int64) for _ in range(2))
        for _ in range(min(count, 40))
    ]
    pruned, first = p50_of(lambda p: p[0].take(held_by_both(p[0], p[1], size)[0]), pairs)
    every, second = p50_of(lambda p: np.intersect1d(p[0], p[1], assume_unique=True), pairs)
    if not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)):
        raise SystemExit("intersections differ")
    _row(f"rows holding both of two words, {size:,}", pruned, every)


def sums(size: int, count: int) -> None:
    """An INTERLINKER's own words as the word matches sum them: 4 words held by a quarter of
    the catalogue and 8 by an eighth, weights of 1.6, 1.0 and 0.6; SciPy's kernel called per
    word into one array against one matrix of them all multiplied by ones."""
    draw = np.random.default_rng(11)
    queries = []
    for _ in range(min(count, 20)):
        held = [
            np.flatnonzero(draw.random(size) < share).astype(np.int32)
            for share in [0.25] * 4 + [0.125] * 8
        ]
        queries.append(([(at, draw.random(len(at))) for at in held], [1.6, 1.0, 0.6] * 4))
    per_column, first = p50_of(lambda q: scatter.summed(q[0], q[1], size), queries)
    kernel = scatter._add_column
    scatter._add_column = None
    try:
        matrix, second = p50_of(lambda q: scatter.summed(q[0], q[1], size), queries)
    finally:
        scatter._add_column = kernel
    if not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)):
        raise SystemExit("sums differ")
    _row(f"sums of 12 words' postings, per word (against one matrix), {size:,}", per_column, matrix)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print("| measured | pruned p50 | whole sums p50 | ratio |\n|---|---|---|---|")
    for size in [args.size] if args.size else [100_000, 1_000_000]:
        words(size, args.queries)
        candidates(size, args.queries)
        intersection(size, args.queries)
        sums(size, args.queries)


if __name__ == "__main__":
    main()
