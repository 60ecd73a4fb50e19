"""Facet counts over a search's hits: the bytes of bits counted by pattern
(``finding/facet_counts.py``) against the way before it, one 64-bit set per facet and a
``count_nonzero`` per value, on facets shaped like ``synthetic.py``'s catalogue, at 100k and 1M
(``--size N``: N only). A second row per size: the hits' rows copied whole by ``take`` (rows
padded to 16 bytes) against indexing the array of rows, as the twenty-second session's code did.

The facets: a kind (one of 4), purposes (1-2 of 3), one licence, languages (English and 0-2 of
3), targets (1-2 of 11), a difficulty (one of 5), problem profiles (1-6 of 38) and groups (1-2
of 7), as the synthetic catalogue's INTERLINKERs hold them. The hits: 2.2% of the catalogue
drawn at random, as many as a two-word search finds there (a median of 21.8k at 1M). Both ways'
counts are checked equal; p50 of the same sets of hits, each way in turn. In memory only.
Run: ``python bench/facet_bench.py [--size N] [--queries Q]``.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
from pruning_bench import p50_of

from interlink_kg.finding.facet_counts import CHUNK, PATTERN_BITS, Counts, FacetCounts

# facet -> (values, fewest held, most held); at least one: each INTERLINKER holds some
SHAPES = {
    "kind": (4, 1, 1),
    "purpose": (3, 1, 2),
    "licence": (1, 1, 1),
    "language": (4, 1, 3),
    "target": (11, 1, 2),
    "difficulty": (5, 1, 1),
    "problem_profile": (38, 1, 6),
    "group": (7, 1, 2),
}
HIT_SHARE = 0.022


def catalogue(
    size: int, draw: np.random.Generator
) -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], np.ndarray]]:
    values = {f: tuple(f"{f}-{n}" for n in range(many)) for f, (many, _, _) in SHAPES.items()}
    holders = {}
    for facet, (many, fewest, most) in SHAPES.items():
        held = np.zeros((size, many), dtype=np.bool_)
        counts = draw.integers(fewest, most + 1, size)
        ranks = np.argsort(draw.random((size, many)), axis=1)  # a random order of the values
        held[np.arange(size)[:, None], ranks] = np.arange(many)[None, :] < counts[:, None]
        for n, value in enumerate(values[facet]):
            holders[(facet, value)] = np.flatnonzero(held[:, n]).astype(np.int64)
    return values, holders


class Indexed(FacetCounts):
    """The twenty-second session's way: the hits' rows read by indexing (``rows[at]``)."""

    def _bit_counts(self, positions: np.ndarray) -> np.ndarray:
        width = len(self._shift)
        tally = np.zeros(256 * width, dtype=np.int64)
        for start in range(0, len(positions), CHUNK):
            patterns = self._rows[positions[start : start + CHUNK], :width].astype(np.intp)
            patterns += self._shift
            tally += np.bincount(patterns.ravel(), minlength=256 * width)
        return (tally.reshape(width, 256) @ PATTERN_BITS).ravel()


class PerValue:
    """The way before: one 64-bit set per facet and position, a ``count_nonzero`` per value."""

    def __init__(
        self,
        values: dict[str, tuple[str, ...]],
        holders: dict[tuple[str, str], np.ndarray],
        size: int,
    ) -> None:
        self.values = values
        self.bits = np.zeros((size, len(values)), dtype=np.uint64)
        for column, (facet, names) in enumerate(values.items()):
            for bit, value in enumerate(names):
                self.bits[holders[(facet, value)], column] |= np.uint64(1 << bit)

    def counts(self, positions: np.ndarray) -> Counts:
        rows = self.bits[positions]
        out: Counts = {}
        for column, (facet, names) in enumerate(self.values.items()):
            held = rows[:, column]
            out[facet] = {
                value: n
                for bit, value in enumerate(names)
                if (n := int(np.count_nonzero(held & np.uint64(1 << bit))))
            }
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print("| measured | bytes by pattern p50 | count per value p50 | ratio |\n|---|---|---|---|")
    for size in [args.size] if args.size else [100_000, 1_000_000]:
        draw = np.random.default_rng(size)
        values, holders = catalogue(size, draw)
        by_pattern = FacetCounts(list(values), values, holders, size)
        per_value = PerValue(values, holders, size)
        indexed = Indexed(list(values), values, holders, size)
        hits = [np.flatnonzero(draw.random(size) < HIT_SHARE) for _ in range(args.queries)]
        for _ in range(2):  # the second round is reported: every way's arrays read once before
            new, first = p50_of(by_pattern.counts, hits)
            old, second = p50_of(per_value.counts, hits)
            before, third = p50_of(indexed.counts, hits)
        if not first == second == third:
            raise SystemExit("the counts differ")
        found = f"{statistics.median(len(h) for h in hits):,.0f} hits of {size:,}"
        print(f"| facet counts of {found} | {new:.3f} ms | {old:.3f} ms | x{new / old:.2f} |")
        print(
            f"| the same, rows taken (against indexed) | {new:.3f} ms | {before:.3f} ms | "
            f"x{new / before:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
