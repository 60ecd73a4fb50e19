"""The precomputed BM25 arrays score as SQLite FTS5's ``bm25()`` does (the text relevance's
reference before them), on generated documents of weighted fields."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding.bm25 import Bm25, Layered, best_first

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
    first index, give the scores and order of one index built again with them."""
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
    for limit in (1, 3, 50):
        found = Layered(base, touched, overlay).top(words, limit)
        expected = rebuilt.top(words, limit)
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
