"""Walking the INTERLINKERs breadth by breadth (finding/breadth_groups.py) finds the best by
``match * focus``, their scores and matches to the last bit, of adding every posting up."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding import scatter
from interlink_kg.finding.breadth_groups import BreadthGroups
from interlink_kg.finding.top import best_first, likely_best

PROFILES = [f"p{n}" for n in range(12)]


def _catalogue(
    rng: np.random.Generator, size: int, popular: float
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Breadth 1 to 8 (more of the narrow ones), profiles of uneven popularity."""
    popularity = np.array([popular**n for n in range(len(PROFILES))])
    popularity /= popularity.sum()
    held: dict[str, list[int]] = {p: [] for p in PROFILES}
    breadth = np.zeros(size)
    for at in range(size):
        width = min(len(PROFILES), 1 + int(rng.geometric(0.4)) - 1)
        chosen = rng.choice(len(PROFILES), size=width, replace=False, p=popularity)
        breadth[at] = width
        for n in chosen:
            held[PROFILES[n]].append(at)
    postings = {p: np.array(a, dtype=np.int32) for p, a in held.items() if a}
    return breadth, 2.0 / (1.0 + breadth), postings


def _at_once(
    breadth: np.ndarray,
    focus: np.ndarray,
    postings: dict[str, np.ndarray],
    used: list[tuple[str, float]],
    keep: np.ndarray | None,
    limit: int,
) -> list[tuple[int, float, float]]:
    used = [(p, w) for p, w in used if p in postings]
    if not used:
        return []
    match = scatter.summed(
        [(postings[p], None) for p, _ in used], [w for _, w in used], len(breadth)
    )
    scores = match * focus
    if keep is not None:
        scores[~keep] = 0.0
    hits = likely_best(scores, limit)
    chosen = hits[best_first(hits, scores[hits], limit)]
    return [(int(at), float(scores[at]), float(match[at])) for at in chosen]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.integers(min_value=1, max_value=3000),
    st.sampled_from([1.0, 0.8, 0.5]),
    st.lists(
        st.tuples(st.sampled_from(PROFILES), st.sampled_from([1.0, 0.5, 0.25, 2.0])),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([None, 0.9, 0.3, 0.01]),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_best_are_those_of_adding_every_posting(
    size: int,
    popular: float,
    asked: list[tuple[str, float]],
    passing: float | None,
    limit: int,
    seed: int,
) -> None:
    """Any catalogue (few or many ties: equal popularity gives equal weights), any profiles
    (some given twice, some held by nobody), with or without a filter: the same places,
    scores and matches."""
    rng = np.random.default_rng(seed)
    breadth, focus, postings = _catalogue(rng, size, popular)
    df = {p: len(a) for p, a in postings.items()}
    used = [(p, s / df[p]) for p, s in asked if p in df]
    keep = None if passing is None else rng.random(size) < passing
    groups = BreadthGroups(breadth, focus, postings)
    at, scores, match = groups.best(used, keep, limit)
    found = [(int(a), float(s), float(m)) for a, s, m in zip(at, scores, match, strict=True)]
    assert found == _at_once(breadth, focus, postings, used, keep, limit)


def test_the_broad_ones_are_not_read_when_they_cannot_reach_the_best(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enough INTERLINKERs of breadth 1 hold the rarest profile asked for: no broader group
    can reach them, so only the first group's postings are added up."""
    rng = np.random.default_rng(2)
    breadth, focus, postings = _catalogue(rng, 20_000, 0.8)
    groups = BreadthGroups(breadth, focus, postings)
    df = {p: len(a) for p, a in postings.items()}
    used = [(p, 1.0 / df[p]) for p in ("p0", "p1", "p9")]
    sizes: list[int] = []
    original = scatter.summed

    def counting(columns: list[tuple[np.ndarray, None]], factors: list[float], n: int) -> object:
        sizes.append(n)
        return original(columns, factors, n)

    monkeypatch.setattr(scatter, "summed", counting)
    at, scores, match = groups.best(used, None, 20)
    assert sizes == [int(np.count_nonzero(breadth == 1))]
    monkeypatch.undo()
    expected = _at_once(breadth, focus, postings, used, None, 20)
    assert [(int(a), float(s), float(m)) for a, s, m in zip(at, scores, match, strict=True)] == (
        expected
    )
