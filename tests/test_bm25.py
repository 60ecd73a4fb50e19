"""The precomputed BM25 arrays score as SQLite FTS5's ``bm25()`` does (the text relevance's
reference before them), on generated documents of weighted fields."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding import scatter
from interlink_kg.finding.bm25 import Bm25, Layered
from interlink_kg.finding.top import SAMPLE_STRIDE, best_first, likely_best

WEIGHTS = (4.0, 2.0, 1.0, 2.0)
WORDS = st.sampled_from(["persona", "journey", "map", "canvas", "consent", "budget", "ūdens"])
FIELD = st.lists(WORDS, max_size=6)
DOCUMENT = st.tuples(FIELD, FIELD, FIELD, FIELD).filter(lambda fields: any(fields))


def _fts5(documents: list[list[list[str]]], words: list[str]) -> dict[str, float]:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(item UNINDEXED, a, b, c, d, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
        [(f"doc{i:03d}", *(" ".join(f) for f in fields)) for i, fields in enumerate(documents)],
    )
    match = " OR ".join(f'"{w}"' for w in sorted(set(words)))
    rows = db.execute(
        "SELECT item, -bm25(docs, 0, 4.0, 2.0, 1.0, 2.0) FROM docs WHERE docs MATCH ?", (match,)
    ).fetchall()
    return {str(item): float(score) for item, score in rows}


@settings(max_examples=150, deadline=None)
@given(st.lists(DOCUMENT, min_size=1, max_size=25), st.lists(WORDS, min_size=1, max_size=4))
def test_scores_are_those_of_fts5(documents: list[list[list[str]]], words: list[str]) -> None:
    index = Bm25([(f"doc{i:03d}", fields) for i, fields in enumerate(documents)], WEIGHTS)
    found = index.top(words, len(documents))
    expected = _fts5(documents, words)
    assert set(found) == set(expected)
    for key, score in expected.items():
        assert math.isclose(found[key], score, rel_tol=1e-9, abs_tol=1e-12), key


def test_the_best_come_first_and_ties_go_to_the_smaller_key() -> None:
    same = [["map"], [], [], []]
    index = Bm25(
        [("a", same), ("b", [["map", "map"], [], [], []]), ("c", same), ("d", [[], [], [], []])],
        WEIGHTS,
    )
    assert list(index.top(["map"], 10)) == ["b", "a", "c"]
    assert list(index.top(["map"], 2)) == ["b", "a"]
    assert list(index.top(["map", "map"], 1)) == ["b"]  # a word given twice counts once
    with pytest.raises(ValueError, match="ascending"):
        Bm25([("b", same), ("a", same)], WEIGHTS)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(DOCUMENT, min_size=1, max_size=20),
    st.data(),
    st.lists(WORDS, min_size=1, max_size=4),
)
def test_a_layered_index_scores_as_one_rebuilt(
    documents: list[list[list[str]]], data: st.DataObject, words: list[str]
) -> None:
    """Documents replaced, removed and added by a change, indexed on their own beside the
    first index, give the scores and order of one index built again with them (words alone
    or weighted)."""
    keys = [f"doc{i:03d}" for i in range(len(documents))]
    base = Bm25(list(zip(keys, documents, strict=True)), WEIGHTS)
    touched = data.draw(st.sets(st.sampled_from([*keys, "new1", "new2"]), max_size=6))
    now = {k: d for k, d in zip(keys, documents, strict=True) if k not in touched}
    changed = {}
    for key in sorted(touched):
        fields = data.draw(st.one_of(st.none(), DOCUMENT))  # None: removed
        if fields is not None:
            changed[key] = fields
    now.update(changed)
    overlay = Bm25(sorted(changed.items()), WEIGHTS)
    rebuilt = Bm25(sorted(now.items()), WEIGHTS)
    weighted = {word: (0.3, 0.6, 1.0)[n % 3] for n, word in enumerate(dict.fromkeys(words))}
    for query in (words, weighted):
        for limit in (1, 3, 50):
            found = Layered(base, touched, overlay).top(query, limit)
            expected = rebuilt.top(query, limit)
            assert list(found) == list(expected)
            for key, score in expected.items():
                assert math.isclose(found[key], score, rel_tol=1e-12), key


def test_best_first_keeps_the_limit() -> None:
    positions = np.arange(5)
    scores = np.array([3.0, 1.0, 2.0, 2.0, 0.5])
    assert list(best_first(positions, scores, 0)) == []
    assert list(best_first(positions, scores, 3)) == [0, 2, 3]
    assert list(best_first(positions, scores, 9)) == [0, 2, 3, 1, 4]


def test_unknown_words_and_an_empty_index_find_nothing() -> None:
    index = Bm25([("a", [["map"], [], [], []])], WEIGHTS)
    assert index.top(["nothing"], 5) == {}
    assert index.top([], 5) == {}
    assert index.top(["map"], 0) == {}
    assert Bm25([], WEIGHTS).top(["map"], 5) == {}


def test_a_word_in_a_field_of_no_weight_counts_for_df_but_does_not_score() -> None:
    documents = [(f"d{i}", [["tree"], []]) for i in range(8)]
    index = Bm25([("a", [["map"], ["map"]]), ("b", [[], ["map"]]), *documents], (1, 0))
    found = index.top(["map"], 5)
    assert list(found) == ["a"]  # "b" holds it in the field of no weight only
    alone = Bm25([("a", [["map"], ["map"]]), *documents], (1, 0)).top(["map"], 5)
    assert found["a"] < alone["a"]  # held by two of ten: a smaller idf than by one of nine


@settings(max_examples=150, deadline=None)
@given(
    st.lists(DOCUMENT, min_size=1, max_size=25),
    st.lists(
        st.tuples(st.lists(WORDS, min_size=1, max_size=3), st.sampled_from([0.3, 0.6, 1.0])),
        min_size=1,
        max_size=4,
    ),
)
def test_weighted_words_score_as_the_weighted_sum_of_one_query_per_text(
    documents: list[list[list[str]]], texts: list[tuple[list[str], float]]
) -> None:
    """One pass over words weighted by the texts they come from gives what summing one query
    per text, times its weight, gives (a word in two texts counts at both weights)."""
    index = Bm25([(f"doc{i:03d}", fields) for i, fields in enumerate(documents)], WEIGHTS)
    expected: dict[str, float] = {}
    weights: dict[str, float] = {}
    for words, weight in texts:
        for key, score in index.top(words, len(documents)).items():
            expected[key] = expected.get(key, 0.0) + weight * score
        for word in set(words):
            weights[word] = weights.get(word, 0.0) + weight
    found = index.top(weights, len(documents))
    assert set(found) == set(expected)
    for key, score in expected.items():
        assert math.isclose(found[key], score, rel_tol=1e-9, abs_tol=1e-12), key
    assert index.top({"map": 0.0, "persona": -1.0}, 5) == {}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=12 * SAMPLE_STRIDE * 40),
    st.integers(min_value=1, max_value=300),
    st.sampled_from([0.0, 0.5, 0.95]),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_guessed_threshold_keeps_every_document_of_the_best(
    size: int, limit: int, zeros: float, levels: int, seed: int
) -> None:
    """Whatever the scores (few distinct values: many ties; mostly zero: few hits), the best
    documents picked among those above the guessed threshold are those of a full sort."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, levels + 1, size).astype(np.float64) / 3
    scores[rng.random(size) < zeros] = 0.0
    hits = likely_best(scores, limit)
    assert np.all(np.diff(hits) > 0)
    assert np.all(scores[hits] > 0)
    picked = hits[best_first(hits, scores[hits], limit)]
    positive = np.flatnonzero(scores > 0)
    expected = sorted(positive.tolist(), key=lambda at: (-scores[at], at))[:limit]
    assert picked.tolist() == expected


def test_a_large_index_with_common_words_takes_the_guessed_threshold() -> None:
    """At this size the guess is taken (a few hundred hits sorted, not all of them), and the
    answer is that of the scores worked out word by word."""
    rng = np.random.default_rng(7)
    words = ["persona", "journey", "map", "canvas"]
    documents = [
        (f"doc{i:06d}", [list(rng.choice(words, 2)), [], [], list(rng.choice(words, 3))])
        for i in range(20_000)
    ]
    index = Bm25(documents, WEIGHTS)
    layered = Layered(index)
    totals = np.zeros(len(index))
    for word in words:
        ((at, part),) = layered._scored(word)
        totals[at] += part
    assert 0 < len(likely_best(totals, 50)) < len(index) // 10
    expected = sorted(range(len(index)), key=lambda at: (-totals[at], at))[:50]
    assert list(layered.top(words, 50)) == [index.keys[at] for at in expected]


def test_a_sample_that_overrates_the_scores_falls_back_to_every_hit() -> None:
    """Every sampled score is high but few others are: too few documents reach the guessed
    threshold, so the best are picked among every hit."""
    scores = np.ones(SAMPLE_STRIDE * 40)
    scores[::SAMPLE_STRIDE] = 5.0  # the 40 sampled scores, and only they, are high
    hits = likely_best(scores, 100)
    picked = hits[best_first(hits, scores[hits], 100)]
    assert len(picked) == 100
    assert picked[:40].tolist() == list(range(0, SAMPLE_STRIDE * 40, SAMPLE_STRIDE))
    assert picked[40:].tolist() == [at for at in range(100) if at % SAMPLE_STRIDE][:60]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.sets(st.integers(0, 199), max_size=120),
            st.sampled_from([1.0, 0.5, 0.3, 2.0, 1e-6]),
        ),
        max_size=8,
    ),
    st.integers(0, 2**32 - 1),
)
def test_one_pass_over_the_words_sums_as_word_by_word(
    words: list[tuple[set[int], float]], seed: int
) -> None:
    """The words' parts summed in one pass (finding/scatter.py) give each document the same
    float, to the last bit, as adding word by word (the order of a document's parts kept)."""
    rng = np.random.default_rng(seed)
    parts = [(np.array(sorted(at), dtype=np.int32), rng.random(len(at)) * 10.0) for at, _ in words]
    weights = [weight for _, weight in words]
    by_word = np.zeros(200, dtype=np.float64)
    for (at, part), weight in zip(parts, weights, strict=True):
        by_word[at] += part if weight == 1.0 else part * weight
    assert np.array_equal(scatter.summed(parts, weights, 200), by_word)
