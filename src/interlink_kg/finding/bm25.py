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
100k documents sharing common words cost FTS5 over 100 ms. Words too weak to change which are
the best are set aside when that spares many postings (:mod:`interlink_kg.finding.maxscore`:
the same answer). Ties go to the document added first. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from interlink_kg.finding import maxscore, scatter
from interlink_kg.finding.top import best_of

K1 = 1.2
B = 0.75
MIN_IDF = 1e-6  # FTS5's floor for a word in more than half of the documents


def idf(documents: int, holding: int) -> float:
    """The inverse document frequency of a word held by ``holding`` of ``documents``."""
    value = math.log((documents - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else MIN_IDF


def average_length(total: float, documents: int) -> float:
    """The average length of ``documents`` holding ``total`` words (those of no words count)."""
    return total / documents if documents and total > 0 else 1.0


def norm(lengths: Any, average: float) -> Any:
    """Each document's length norm, ``k1 * (1 - b + b * |d| / avgdl)`` (lengths in words;
    numbers or arrays alike)."""
    return K1 * (1 - B + B * lengths / average)


def saturated(f: Any, norm: Any) -> Any:
    """A word's weighted frequency ``f`` saturated against a document's norm (numbers or
    arrays alike)."""
    return f * (K1 + 1) / (f + norm)


class Bm25:
    """An immutable BM25 index of documents added in their keys' order (ascending, so that ties
    go to the smaller key); :meth:`top` answers, alone or with the documents of a change in
    place of some of its own (:meth:`layered`)."""

    def __init__(
        self, documents: Sequence[tuple[str, Sequence[Sequence[str]]]], weights: Sequence[float]
    ) -> None:
        """``documents``: (key, one list of words per field), ``weights``: one per field."""
        self.keys: tuple[str, ...] = tuple(key for key, _ in documents)
        if any(a >= b for a, b in zip(self.keys, self.keys[1:], strict=False)):
            raise ValueError("documents come in ascending order of their keys, once each")
        self.position = {key: at for at, key in enumerate(self.keys)}
        self.lengths = np.zeros(len(documents), dtype=np.float64)
        positions: dict[str, list[int]] = defaultdict(list)
        frequencies: dict[str, list[float]] = defaultdict(list)
        for at, (_, fields) in enumerate(documents):
            weighted: dict[str, float] = defaultdict(float)
            for words, weight in zip(fields, weights, strict=True):
                self.lengths[at] += len(words)
                for word in words:
                    weighted[word] += weight
            for word, f in weighted.items():
                # Every word it holds counts for df, whatever its field's weight; only those of
                # a positive weight score.
                positions[word].append(at)
                frequencies[word].append(f)
        self.postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {
            word: (np.array(found, dtype=np.int32), np.array(frequencies[word]))
            for word, found in positions.items()
        }
        # Each posting's document length, gathered once (a query then reads them in order).
        self.lengths_at = {word: self.lengths[at] for word, (at, _) in self.postings.items()}
        self.weighted = all(w > 0 for w in weights)  # every word held scores
        self.total = float(self.lengths.sum())

    def __len__(self) -> int:
        return len(self.keys)

    def top(self, words: Sequence[str] | Mapping[str, float], limit: int) -> dict[str, float]:
        """The ``limit`` best documents for the distinct ``words`` (those matching at least
        one), key -> score, best first; see :meth:`Layered.top`."""
        return Layered(self).top(words, limit)


class Layered:
    """A :class:`Bm25` whose documents ``replaced`` (keys) give way to those of ``overlay``:
    the scores, idf and average length included, are those of one index holding both."""

    def __init__(
        self, base: Bm25, replaced: Iterable[str] = (), overlay: Bm25 | None = None
    ) -> None:
        self.base = base
        self.overlay = overlay
        self.removed = np.zeros(len(base), dtype=np.bool_)
        for key in replaced:
            at = base.position.get(key)
            if at is not None:
                self.removed[at] = True
        self.count = len(base) - int(self.removed.sum()) + (len(overlay) if overlay else 0)
        total = base.total - float(base.lengths[self.removed].sum())
        total += overlay.total if overlay else 0.0
        self.average = average_length(total, self.count)
        self._any_removed = bool(self.removed.any())
        # Each word's scored postings, per layer, worked out on first use (idf and the average
        # length are fixed for this pair of indexes): a query then only adds them up.
        self._parts: dict[str, list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]]] = {}
        self._largest: dict[str, list[float]] = {}  # per word and layer, its largest part

    def _layers(self) -> list[tuple[Bm25, npt.NDArray[np.bool_] | None]]:
        first: list[tuple[Bm25, npt.NDArray[np.bool_] | None]] = [
            (self.base, self.removed if self._any_removed else None)
        ]
        return first + ([(self.overlay, None)] if self.overlay else [])

    def _scored(self, word: str) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]]:
        """Per layer, the documents holding ``word`` now and its part of their scores."""
        known = self._parts.get(word)
        if known is not None:
            return known
        layers = self._layers()
        held = [index.postings.get(word) for index, _ in layers]
        holding = 0
        for (_, removed), posting in zip(layers, held, strict=True):
            if posting is not None:
                gone = int(np.count_nonzero(removed[posting[0]])) if removed is not None else 0
                holding += len(posting[0]) - gone
        empty = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))
        parts = [empty for _ in layers]
        if holding:
            weight = idf(self.count, holding)
            for n, ((index, removed), posting) in enumerate(zip(layers, held, strict=True)):
                if posting is None:
                    continue
                at, f = posting
                lengths = index.lengths_at[word]
                if removed is not None:
                    kept = ~removed[at]
                    at, f, lengths = at[kept], f[kept], lengths[kept]
                if not index.weighted:
                    scoring = f > 0
                    at, f, lengths = at[scoring], f[scoring], lengths[scoring]
                parts[n] = (at, saturated(f, norm(lengths, self.average)) * weight)
        self._largest[word] = [float(scores.max()) if len(scores) else 0.0 for _, scores in parts]
        self._parts[word] = parts
        return parts

    def top(self, words: Sequence[str] | Mapping[str, float], limit: int) -> dict[str, float]:
        """The ``limit`` best documents of both for the distinct ``words``, best first, ties to
        the smaller key. Given as a mapping, each word's part of a score is multiplied by its
        weight (one pass for the words of several weighted texts, where a query per text would
        walk the postings of their common words once per text); weights of 0 or less count
        for nothing."""
        if limit <= 0:
            return {}
        weighted = (
            {w: c for w, c in words.items() if c > 0}
            if isinstance(words, Mapping)
            else dict.fromkeys(words, 1.0)
        )
        layers = self._layers()
        found: list[list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]]] = [
            [] for _ in layers
        ]
        factors: list[list[float]] = [[] for _ in layers]
        bounds: list[list[float]] = [[] for _ in layers]
        for word, weight in weighted.items():
            for n, (at, scores) in enumerate(self._scored(word)):
                if len(at):
                    found[n].append((at, scores))
                    factors[n].append(weight)
                    bounds[n].append(self._largest[word][n] * weight)
        best: list[tuple[float, str]] = []
        for (index, _), parts, weights, most in zip(layers, found, factors, bounds, strict=True):
            if not parts:
                continue
            chosen, scores = _best(parts, weights, most, len(index), limit)
            best += [(-float(s), index.keys[int(at)]) for at, s in zip(chosen, scores, strict=True)]
        best.sort()
        return {key: -score for score, key in best[:limit]}


def _best(
    parts: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]],
    weights: list[float],
    bounds: list[float],
    size: int,
    limit: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """The positions of the ``limit`` best of one layer's ``size`` documents, best first, and
    their scores: the words too weak to decide set aside where that spares many postings
    (finding/maxscore.py), else one pass over every word's postings with the GIL released
    (finding/scatter.py). The same sums to the last bit either way, as adding word by word."""
    pruned = maxscore.best(parts, weights, bounds, size, limit)
    if pruned is not None:
        return pruned
    scores = scatter.summed(parts, weights, size)
    chosen = best_of(scores, limit)
    return chosen, scores[chosen]
