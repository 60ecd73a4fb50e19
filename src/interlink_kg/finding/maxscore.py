"""The best documents for weighted words without adding up the postings of words too weak to
decide (after MaxScore, Turtle and Flood 1995), the answer that of adding them all, to the bit.

A query's scores are sums over its words of each word's part of a document's score times the
word's weight. A word held by most documents (one in every description, say) has a long posting
and a tiny part everywhere: at 1M INTERLINKERs such words were two thirds of the postings a
query added up, and decided nothing but the order of documents whose other words tied.

Each word's largest part times its weight bounds what it can add to any document. So:

1. The weakest words, whose bounds add up to at most :data:`WEAK_SHARE` of the strongest
   word's, are **set aside**; the others' postings are added up in one pass
   (:mod:`interlink_kg.finding.scatter`). Each document's sum is at most its score (the parts
   are not negative, and rounding is monotonic).
2. So the ``limit``-th best sum is a **floor** under the ``limit``-th best score, and a
   document whose sum plus the bounds set aside stays under the floor is not among the best.
3. The documents left get their exact scores, every word looked up in its posting in the
   query's order, as the one pass adds them; the best of those are the answer.

The caller adds up everything instead (None) when the words set aside would spare less than
:data:`WORTH_SPARING` of the postings, when they could lift a document holding none of the
others to the floor, or when more than :data:`MOST_LEFT` documents per place asked for are left.
Pure NumPy; no state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from interlink_kg.finding import scatter
from interlink_kg.finding.sorted_positions import located
from interlink_kg.finding.top import best_first, likely_best

Positions = npt.NDArray[np.int32]
Values = npt.NDArray[np.float64]

PRUNED_FROM = 100_000  # postings of a query from which words may be set aside
WEAK_SHARE = 0.25  # the bounds set aside add up to at most this share of the strongest one
WORTH_SPARING = 0.25  # set words aside only when they hold this share of the postings or more
MOST_LEFT = 32  # documents left to score exactly, per place asked for, at most
# Rounding: every sum here adds at most a few dozen doubles, each off by 2^-53 of it at most;
# the cut is lowered by this share of the scores compared, far more than their rounding.
MARGIN = 1e-9


def best(
    parts: Sequence[tuple[Positions, Values]],
    weights: Sequence[float],
    bounds: Sequence[float],
    size: int,
    limit: int,
) -> tuple[npt.NDArray[np.intp], Values] | None:
    """The positions of the ``limit`` best of ``size`` documents, best first (ties to the
    smaller position), and their scores; the scores those of ``scatter.summed(parts,
    weights, size)``. ``parts``: each word's sorted positions and parts, ``weights`` its
    weight, ``bounds`` its largest part times its weight. None: nothing set aside."""
    total = sum(len(at) for at, _ in parts)
    if limit <= 0 or total < PRUNED_FROM:
        return None
    aside = _aside(bounds)
    if sum(len(parts[n][0]) for n in aside) < WORTH_SPARING * total:
        return None
    kept = [n for n in range(len(parts)) if n not in aside]
    spare = sum(bounds[n] for n in aside)
    partial = scatter.summed([parts[n] for n in kept], [weights[n] for n in kept], size)
    hits = likely_best(partial, limit)
    if len(hits) < limit:
        return None
    sums = partial[hits]
    cut = _cut(float(np.partition(sums, len(sums) - limit)[len(sums) - limit]), spare)
    if cut <= 0:
        return None
    left = hits[sums >= cut] if cut >= float(sums.min()) else np.flatnonzero(partial >= cut)
    if len(left) > MOST_LEFT * limit:
        return None
    at = left.astype(np.int32)
    scores = gathered(parts, weights, at)
    chosen = best_first(at, scores, limit)
    return at[chosen].astype(np.intp), scores[chosen]


def _aside(bounds: Sequence[float]) -> set[int]:
    """The words (indexes) set aside: the weakest first, while their bounds add up to at most
    :data:`WEAK_SHARE` of the strongest one's."""
    aside: set[int] = set()
    spare = 0.0
    strongest = max(bounds, default=0.0)
    for n in sorted(range(len(bounds)), key=lambda n: bounds[n]):
        if spare + bounds[n] > WEAK_SHARE * strongest:
            break
        spare += bounds[n]
        aside.add(n)
    return aside


def _cut(floor: float, spare: float) -> float:
    """The least sum of the words kept that a document among the best can have: its score is
    at least ``floor`` and the words set aside add at most ``spare`` to it."""
    return floor - spare - MARGIN * (floor + spare)


def gathered(
    parts: Sequence[tuple[Positions, Values]], weights: Sequence[float], at: Positions
) -> Values:
    """The scores of the sorted documents ``at``: each word's part looked up in its posting
    (binary searches) times its weight, added in the words' order, as ``scatter.summed``
    adds them (the same floats, to the last bit)."""
    scores = np.zeros(len(at), dtype=np.float64)
    for (positions, values), weight in zip(parts, weights, strict=True):
        if len(positions) == 0 or len(at) == 0:
            continue
        held, where = located(positions, at)
        part = values[where]
        scores[held] += part if weight == 1.0 else part * weight
    return scores
