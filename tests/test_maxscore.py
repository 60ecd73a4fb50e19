"""Setting weak words aside (finding/maxscore.py) gives the best documents, and their scores to
the last bit, of adding every word's postings up."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding import maxscore, scatter
from interlink_kg.finding.bm25 import Bm25, Layered
from interlink_kg.finding.top import best_first, likely_best

Part = tuple[np.ndarray, np.ndarray]


def _every_word(parts: list[Part], weights: list[float], size: int, limit: int) -> list[tuple]:
    scores = scatter.summed(parts, weights, size)
    hits = likely_best(scores, limit)
    chosen = hits[best_first(hits, scores[hits], limit)]
    return [(int(at), float(scores[at])) for at in chosen]


def _parts(rng: np.random.Generator, size: int, shares: list[float], levels: int) -> list[Part]:
    """One posting per share (that share of the documents), parts of few distinct values
    (ties) scaled by the word's rarity, as BM25's are."""
    parts = []
    for share in shares:
        at = np.flatnonzero(rng.random(size) < share).astype(np.int32)
        scale = np.log(1 + 1 / max(share, 1e-9))
        parts.append((at, rng.integers(1, levels + 1, len(at)) * scale / levels))
    return parts


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    st.integers(min_value=50, max_value=4000),
    st.lists(st.sampled_from([0.001, 0.01, 0.1, 0.3, 0.9, 1.0]), min_size=1, max_size=7),
    st.lists(st.sampled_from([1.0, 0.6, 0.3, 1.6, 1e-6]), min_size=7, max_size=7),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_best_are_those_of_adding_every_word(
    size: int,
    shares: list[float],
    weights: list[float],
    limit: int,
    levels: int,
    seed: int,
) -> None:
    """Whatever the postings (long and short, many ties, weights down to 1e-6), the places and
    the scores are those of every word added up, when words are set aside at all."""
    rng = np.random.default_rng(seed)
    parts = _parts(rng, size, shares, levels)
    used = weights[: len(parts)]
    bounds = [float(v.max()) * w if len(v) else 0.0 for (_, v), w in zip(parts, used, strict=True)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(maxscore, "PRUNED_FROM", 0)
        found = maxscore.best(parts, used, bounds, size, limit)
    if found is not None:
        at, scores = found
        assert [(int(a), float(s)) for a, s in zip(at, scores, strict=True)] == _every_word(
            parts, used, size, limit
        )


def test_a_word_every_document_holds_is_set_aside() -> None:
    """The common weak word is not added up (the answer is found without it: the words kept
    hold fewer postings than the threshold), yet its tiny parts still order the ties."""
    rng = np.random.default_rng(3)
    size = 200_000
    parts = _parts(rng, size, [0.05, 0.05, 0.05], 2)
    every = np.arange(size, dtype=np.int32)
    parts.append((every, 1e-6 * rng.random(size)))  # decides between equal sums only
    weights = [1.0, 0.6, 1.0, 0.6]
    bounds = [float(v.max()) * w for (_, v), w in zip(parts, weights, strict=True)]
    summed: list[int] = []
    original = scatter.summed

    def counting(columns: list[Part], factors: list[float], n: int) -> np.ndarray:
        summed.append(sum(len(at) for at, _ in columns))
        return original(columns, factors, n)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scatter, "summed", counting)
        found = maxscore.best(parts, weights, bounds, size, 50)
    assert found is not None
    assert summed == [sum(len(at) for at, _ in parts[:3])]
    at, scores = found
    assert [(int(a), float(s)) for a, s in zip(at, scores, strict=True)] == _every_word(
        parts, weights, size, 50
    )


@pytest.mark.parametrize(
    ("shares", "why"),
    [
        ([0.5, 0.5], "no word is weak beside the others"),
        ([0.0005, 1.0], "the strong word holds fewer documents than places asked for"),
    ],
)
def test_nothing_is_set_aside_when_it_cannot_decide_alone(shares: list[float], why: str) -> None:
    rng = np.random.default_rng(5)
    size = 300_000
    parts = _parts(rng, size, shares, 3)
    if shares[1] == 1.0:  # the common word weak beside the rare one
        parts[1] = (parts[1][0], parts[1][1] * 1e-3)
    bounds = [float(v.max()) for _, v in parts]
    assert maxscore.best(parts, [1.0, 1.0], bounds, size, 200) is None, why


def test_a_layered_index_with_a_boilerplate_word_answers_as_word_by_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the BM25 index: every description holds "synthetic", which is set aside, and
    the best (places and scores) are those of the words' parts added one after the other."""
    monkeypatch.setattr(maxscore, "PRUNED_FROM", 1000)
    rng = np.random.default_rng(11)
    words = ["persona", "journey", "map", "canvas", "consent", "budget", "survey", "plan"]
    words += ["api", "cloud", "data", "open", "guide"]
    documents = [
        (f"doc{i:05d}", [list(rng.choice(words, 3)), [], [], ["synthetic", *rng.choice(words, 2)]])
        for i in range(6000)
    ]
    index = Bm25(documents, (4.0, 2.0, 1.0, 2.0))
    layered = Layered(index)
    query = {"persona": 1.6, "map": 1.0, "budget": 0.6, "synthetic": 0.6}
    totals = np.zeros(len(index))
    for word, weight in query.items():
        ((at, part),) = layered._scored(word)
        totals[at] += part * weight
    calls: list[object] = []
    original = maxscore.best

    def spying(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        calls.append(found)
        return found

    monkeypatch.setattr(maxscore, "best", spying)
    found = layered.top(query, 40)
    assert calls
    assert calls[0] is not None  # the weak word was set aside
    expected = sorted(range(len(index)), key=lambda at: (-totals[at], at))[:40]
    assert list(found) == [index.keys[at] for at in expected]
    assert list(found.values()) == [float(totals[at]) for at in expected]
