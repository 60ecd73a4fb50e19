"""Impact groups: the rows holding one common token, grouped by what their score depends on.

A one-word search scores each row holding the word by BM25: ``idf * saturated(f, norm(length,
average))``, where only the row's weighted occurrences ``f`` and its length vary from row to
row. The rows of a token are few groups of equal ``(f, length)``, so the scores of a search
are one per group, and its best rows come group by group, best group first: a page costs the
groups it reads, not the rows holding the word. The grouping holds for any ``idf`` and
``average``, so the best rows are exact after a change as well (the statistics of both layers
of an index move the scores, not the groups). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from interlink_kg.finding.bm25 import norm, saturated
from interlink_kg.finding.top import best_first

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Impacts:
    """The rows of one token by group: group ``g`` holds ``rows[starts[g]:starts[g + 1]]``
    (ascending), each with weighted occurrences ``frequency[g]`` and length ``length[g]``."""

    frequency: npt.NDArray[np.float64]
    length: npt.NDArray[np.float64]
    starts: Rows
    rows: Rows

    @classmethod
    def of(
        cls, rows: Rows, frequencies: npt.NDArray[np.float64], lengths: npt.NDArray[np.float64]
    ) -> Impacts:
        """The groups of ``rows`` (rowids) with their ``frequencies``; ``lengths`` by rowid."""
        length = lengths[rows]
        order = np.lexsort((rows, length, frequencies))
        f, size, held = frequencies[order], length[order], rows[order]
        cut = np.flatnonzero((np.diff(f) != 0) | (np.diff(size) != 0)) + 1
        starts = np.concatenate([[0], cut, [len(held)]]).astype(np.int64)
        firsts = starts[:-1]
        return cls(f[firsts], size[firsts], starts, held)

    def __len__(self) -> int:
        return len(self.rows)

    def best(
        self,
        idf: float,
        average: float,
        limit: int,
        removed: npt.NDArray[np.bool_] | None = None,
    ) -> tuple[Rows, npt.NDArray[np.float64]]:
        """The ``limit`` best rows (less ``removed``, a mask by rowid) and their scores, best
        first, ties to the smaller row: the scores are those of :func:`postings.scored` for
        the one word (the same operations on the same numbers)."""
        if limit <= 0 or not len(self.rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        scores = np.zeros(len(self.frequency), dtype=np.float64)
        scores += idf * saturated(self.frequency, norm(self.length, average))
        order = np.argsort(-scores, kind="stable")
        taken: list[Rows] = []
        taken_scores: list[npt.NDArray[np.float64]] = []
        count, last = 0, None
        for group in order:
            score = scores[group]
            if count >= limit and score != last:
                break  # every group left scores less than the rows taken
            rows = self.rows[self.starts[group] : self.starts[group + 1]]
            if removed is not None:
                rows = rows[~removed[rows]]
            if len(rows):
                taken.append(rows)
                taken_scores.append(np.full(len(rows), score))
                count, last = count + len(rows), score
        if not taken:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        rows, found = np.concatenate(taken), np.concatenate(taken_scores)
        chosen = best_first(rows, found, limit)
        return rows[chosen], found[chosen]
