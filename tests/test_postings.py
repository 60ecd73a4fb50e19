"""Search postings read back from FTS5 find the rows FTS5 finds, with FTS5's BM25 scores, for
generated documents and queries (accents, case, stems, prefixes, words FTS5 reads as phrases)."""

from __future__ import annotations

import math
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from interlink_kg.finding.postings import Postings

TOKENIZER = "porter unicode61 remove_diacritics 2"
WEIGHTS = {"title": 10.0, "body": 1.0, "keywords": 4.0}
VOCABULARY = [
    "Stakeholders",
    "stakeholder",
    "stake",
    "mapping",
    "map",
    "maps",
    "Encuesta",
    "encuestas",
    "Ūdens",
    "udens",
    "accesibilità",
    "survey",
    "surveys",
    "x",
]
TEXT = st.lists(st.sampled_from(VOCABULARY), max_size=5).map(" ".join)
DOCUMENT = st.tuples(TEXT, TEXT, TEXT)
QUERY_WORD = st.sampled_from(
    [*VOCABULARY, "stak", "ma", "enc", "ūd", "survey_map", "zzz", "ACCESIBILITA", "_"]
)


def _table(documents: list[tuple[str, str, str]]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5(title, body, keywords, tokenize = '{TOKENIZER}')"
    )
    db.executemany(
        "INSERT INTO docs (rowid, title, body, keywords) VALUES (?, ?, ?, ?)",
        [(i + 1, *fields) for i, fields in enumerate(documents)],
    )
    return db


def _fts5(db: sqlite3.Connection, words: list[str]) -> dict[int, float]:
    match = " AND ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
    rows = db.execute(
        "SELECT rowid, bm25(docs, 10.0, 1.0, 4.0) FROM docs WHERE docs MATCH ?", (match,)
    ).fetchall()
    return {int(rowid): -float(score) for rowid, score in rows}


@settings(max_examples=200, deadline=None)
@given(st.lists(DOCUMENT, min_size=1, max_size=20), st.lists(QUERY_WORD, min_size=1, max_size=3))
def test_the_postings_find_what_fts5_finds(
    documents: list[tuple[str, str, str]], words: list[str]
) -> None:
    db = _table(documents)
    postings = Postings(db, "docs", TOKENIZER, WEIGHTS)
    found = postings.search(words)
    if found is None:  # a word FTS5 reads as a phrase of several tokens: FTS5 answers
        assert any(w in {"survey_map", "_"} for w in words)
        return
    expected = _fts5(db, words)
    assert sorted(int(r) for r in found.rows) == sorted(expected)
    assert list(found.rows) == sorted(found.rows)
    for row, score in zip(found.rows, found.scores, strict=True):
        assert math.isclose(score, expected[int(row)], rel_tol=1e-9, abs_tol=1e-12)


def test_queries_leave_no_trace_between_searches() -> None:
    db = _table([("stakeholder map", "", ""), ("survey", "", "")])
    postings = Postings(db, "docs", TOKENIZER, WEIGHTS)
    first = postings.search(["stakeholders"])
    again = postings.search(["stakeholders"])
    assert first is not None
    assert again is not None
    assert list(first.rows) == list(again.rows) == [1]
    other = postings.search(["surv"])
    assert other is not None
    assert list(other.rows) == [2]


def test_a_token_cut_inside_a_character_breaks_nothing() -> None:
    """FTS5 cuts a token at 32 KB, maybe inside a multi-byte character: the postings read
    tokens as bytes, so such a document neither breaks the index nor other searches."""
    db = _table([("a" + "ж" * 16384, "map", ""), ("ж" * 16384, "", ""), ("maps", "", "")])
    postings = Postings(db, "docs", TOKENIZER, WEIGHTS)
    found = postings.search(["map"])
    assert found is not None
    assert sorted(int(r) for r in found.rows) == sorted(_fts5(db, ["map"]))
    prefix = postings.search(["жжж"])
    assert prefix is not None
    assert sorted(int(r) for r in prefix.rows) == sorted(_fts5(db, ["жжж"]))
