"""The best positions by score: a guessed threshold that spares sorting every hit, and a partial
sort of the few left, ties to the smaller position (shared by the word relevance, the search
and the candidates by profile). Pure NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

SAMPLE_STRIDE = 64  # one score in so many read to guess where the best ones start


def likely_best(scores: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.intp]:
    """The positions (ascending) of every document with a positive score that may be among the
    ``limit`` best: those at or above a threshold guessed from every
    :data:`SAMPLE_STRIDE`-th score when at least ``limit`` documents reach it (so the
    ``limit``-th best score and its ties are all above it; one pass over the scores and a sort
    of a few hundred), else every positive one. Exact either way; the guess only saves sorting
    the hits of common words (most documents at 1M)."""
    wanted = 2 * (limit // SAMPLE_STRIDE) + 8  # sampled scores above the threshold
    if limit > 0 and len(scores) // SAMPLE_STRIDE >= 4 * wanted:
        sample = scores[::SAMPLE_STRIDE]
        threshold = float(np.partition(sample, len(sample) - wanted)[len(sample) - wanted])
        if threshold > 0:
            above = np.flatnonzero(scores >= threshold)
            if len(above) >= limit:
                return above
    return np.flatnonzero(scores > 0)


def best_of(scores: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.intp]:
    """The positions of the ``limit`` best positive ``scores``, best first, ties to the smaller
    position (:func:`likely_best`, then :func:`best_first` among those)."""
    hits = likely_best(scores, limit)
    return hits[best_first(hits, scores[hits], limit)]


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
