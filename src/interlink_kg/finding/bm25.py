"""BM25 over documents of weighted fields, with every word's contribution computed up front.

The scores are those of SQLite FTS5's ``bm25()`` (which the text relevance used before): for a
query word w and a document d,

    idf(w) * f * (k1 + 1) / (f + k1 * (1 - b + b * |d| / avgdl))

where f sums, over the fields, the field's weight times the word's occurrences in it, |d| counts
the words of all fields, idf(w) = ln((N - n + 0.5) / (n + 0.5)) (1e-6 when not positive; n: the
documents holding w) and k1 = 1.2, b = 0.75. A document's score is the sum over the distinct
query words. Since each word's part depends on the word and the document only, it is computed
once per word and document when the index is built; a query then adds up the posting arrays of
its words (NumPy) and keeps the best: no per-query scoring of every matching document, which at
100k documents sharing common words cost FTS5 over 100 ms. Ties go to the document added first.
Pure: no I/O.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75
MIN_IDF = 1e-6  # FTS5's floor for a word in more than half of the documents


def idf(documents: int, holding: int) -> float:
    """The inverse document frequency of a word held by ``holding`` of ``documents``."""
    value = math.log((documents - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else MIN_IDF


def norms(lengths: npt.NDArray[np.float64], documents: int) -> npt.NDArray[np.float64]:
    """Each document's length norm, ``k1 * (1 - b + b * |d| / avgdl)`` (lengths in words;
    ``documents`` counts those of no words too)."""
    total = float(lengths.sum())
    average = total / documents if documents and total > 0 else 1.0
    return K1 * (1 - B + B * lengths / average)


def saturated(f: Any, norm: Any) -> Any:
    """A word's weighted frequency ``f`` saturated against a document's norm (numbers or
    arrays alike)."""
    return f * (K1 + 1) / (f + norm)


class Bm25:
    """An immutable BM25 index: documents are added in order, then :meth:`top` answers."""

    def __init__(
        self, documents: Sequence[tuple[str, Sequence[Sequence[str]]]], weights: Sequence[float]
    ) -> None:
        """``documents``: (key, one list of words per field), ``weights``: one per field."""
        self.keys: tuple[str, ...] = tuple(key for key, _ in documents)
        frequencies: list[dict[str, float]] = []
        lengths = np.zeros(len(documents), dtype=np.float64)
        holding: Counter[str] = Counter()
        for at, (_, fields) in enumerate(documents):
            weighted: dict[str, float] = defaultdict(float)
            for words, weight in zip(fields, weights, strict=True):
                lengths[at] += len(words)
                for word in words:
                    weighted[word] += weight
            frequencies.append(weighted)
            holding.update(weighted.keys())  # every word it holds, whatever its field's weight
        count = len(documents)
        norm = norms(lengths, count)
        positions: dict[str, list[int]] = defaultdict(list)
        parts: dict[str, list[float]] = defaultdict(list)
        for at, document in enumerate(frequencies):
            for word, f in document.items():
                if f <= 0:
                    continue
                positions[word].append(at)
                parts[word].append(saturated(f, norm[at]))
        self._postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {}
        for word, found in positions.items():
            self._postings[word] = (
                np.array(found, dtype=np.int32),
                np.array(parts[word], dtype=np.float64) * idf(count, holding[word]),
            )

    def __len__(self) -> int:
        return len(self.keys)

    def top(self, words: Sequence[str], limit: int) -> dict[str, float]:
        """The ``limit`` best documents for the distinct ``words`` (those matching at least
        one), key -> score, best first."""
        found = [self._postings[w] for w in dict.fromkeys(words) if w in self._postings]
        if not found or limit <= 0:
            return {}
        positions = np.concatenate([p for p, _ in found])
        scores = np.bincount(
            positions, weights=np.concatenate([s for _, s in found]), minlength=len(self.keys)
        )
        present = np.zeros(len(self.keys), dtype=np.bool_)
        present[positions] = True
        hits = np.flatnonzero(present)  # sorted, unlike a sort of the positions: O(documents)
        best = best_first(hits, scores[hits], limit)
        return {self.keys[int(at)]: float(scores[at]) for at in hits[best]}


def best_first(
    positions: npt.NDArray[Any], scores: npt.NDArray[Any], limit: int
) -> npt.NDArray[np.intp]:
    """Indexes into ``positions`` of the ``limit`` best by score, best first, ties to the
    smaller position; a partial sort (``limit`` is usually far below the number of hits)."""
    if limit <= 0:
        return np.zeros(0, dtype=np.intp)
    chosen = np.arange(len(positions))
    if len(positions) > limit:
        # The limit-th best score; all above it, then the smallest positions among equals
        # (positions come sorted, so the first ones).
        threshold = -np.partition(-scores, limit - 1)[limit - 1]
        above = np.flatnonzero(scores > threshold)
        equal = np.flatnonzero(scores == threshold)
        equal = equal[np.argsort(positions[equal], kind="stable")][: limit - len(above)]
        chosen = np.concatenate([above, equal])
    order = np.lexsort((positions[chosen], -scores[chosen]))
    return chosen[order]
