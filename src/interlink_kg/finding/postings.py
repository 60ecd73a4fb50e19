"""Word postings read back from an FTS5 table, so that a search costs its words' postings.

FTS5 finds the rows matching ``"a" AND "b"*`` quickly, but ranking them computes ``bm25()`` for
every match: 10 ms for 16,000 hits, on every search for a common word. Here the table's own
tokens (``fts5vocab``, so the tokenizer is FTS5's and stays the one truth about words) become
NumPy arrays: for each token, the rows holding it and its occurrences weighted by column. A
query's words go through the same tokenizer (a scratch table), the last one expanded to every
token it begins (a prefix, as while typing); the rows holding every word and their BM25 scores,
exactly FTS5's formula, then come from a few array operations on those words' postings, so a
rare word costs next to nothing whatever the catalogue's size.

A word that the tokenizer cuts in several tokens (``survey_editor``) is an FTS5 phrase: for
those :meth:`Postings.search` answers None and the caller asks FTS5.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from interlink_kg.finding.bm25 import idf, norms, saturated

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Found:
    rows: Rows  # FTS5 rowids holding every word, ascending
    scores: npt.NDArray[np.float64]  # their BM25 scores (higher is better), same order


class Postings:
    """The postings of one FTS5 table (``table``), whose columns are weighted by ``weights``."""

    def __init__(
        self, db: sqlite3.Connection, table: str, tokenizer: str, weights: Mapping[str, float]
    ) -> None:
        self._db = db
        db.execute(
            f"CREATE VIRTUAL TABLE temp.{table}_terms USING fts5vocab(main, {table}, 'instance')"
        )
        weight_of = " ".join(f"WHEN '{c}' THEN {float(w)!r}" for c, w in weights.items())
        # Tokens are read as bytes: FTS5 cuts a token at 32 KB, maybe inside a character.
        terms: list[bytes] = []
        starts: list[int] = [0]
        rows: list[int] = []
        frequencies: list[float] = []
        for term, row, frequency in db.execute(
            f"SELECT CAST(term AS BLOB), doc, SUM(CASE col {weight_of} ELSE 1.0 END) "
            f"FROM {table}_terms GROUP BY term, doc ORDER BY term, doc"
        ):
            if not terms or terms[-1] != term:
                if terms:
                    starts.append(len(rows))
                terms.append(term)
            rows.append(int(row))
            frequencies.append(float(frequency))
        starts.append(len(rows))
        self._terms = terms  # sorted by SQLite's BINARY order: by bytes
        self._starts = np.array(starts, dtype=np.int64)
        self._rows = np.array(rows, dtype=np.int64)
        self._frequencies = np.array(frequencies, dtype=np.float64)
        lengths = dict(
            db.execute(f"SELECT doc, COUNT(*) FROM {table}_terms GROUP BY doc").fetchall()
        )
        self.count = int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        top = max([0, *lengths])
        size = np.zeros(top + 1, dtype=np.float64)
        for row, length in lengths.items():
            size[int(row)] = float(length)
        self._norm = norms(size, self.count)
        # Query words are cut by the same tokenizer, in a table of their own.
        db.execute(
            f"CREATE VIRTUAL TABLE temp.{table}_words USING fts5(word, tokenize = '{tokenizer}')"
        )
        db.execute(
            f"CREATE VIRTUAL TABLE temp.{table}_word_terms "
            f"USING fts5vocab(temp, {table}_words, 'instance')"
        )
        self._table = table

    def _tokens(self, words: Sequence[str]) -> list[list[bytes]]:
        """The tokens of each word, in order (the caller holds the index's lock)."""
        table = self._table
        self._db.execute(f"DELETE FROM {table}_words")
        self._db.executemany(
            f"INSERT INTO {table}_words (rowid, word) VALUES (?, ?)",
            [(i + 1, w) for i, w in enumerate(words)],
        )
        try:
            rows = self._db.execute(
                f"SELECT doc, CAST(term AS BLOB) FROM {table}_word_terms ORDER BY doc, offset"
            ).fetchall()
        finally:
            self._db.execute(f"DELETE FROM {table}_words")
            self._db.commit()
        tokens: list[list[bytes]] = [[] for _ in words]
        for row, term in rows:
            tokens[int(row) - 1].append(bytes(term))
        return tokens

    def _term(self, term: bytes) -> tuple[Rows, npt.NDArray[np.float64]]:
        at = bisect.bisect_left(self._terms, term)
        if at == len(self._terms) or self._terms[at] != term:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        start, end = self._starts[at], self._starts[at + 1]
        return self._rows[start:end], self._frequencies[start:end]

    def _prefix(self, prefix: bytes) -> tuple[Rows, npt.NDArray[np.float64]]:
        """Every token beginning with ``prefix``, as one: occurrences added up per row."""
        first = bisect.bisect_left(self._terms, prefix)
        last = bisect.bisect_left(self._terms, prefix + b"\xff")  # no UTF-8 byte is 0xff
        if first == last:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        start, end = self._starts[first], self._starts[last]
        if last == first + 1:
            return self._rows[start:end], self._frequencies[start:end]
        rows, inverse = np.unique(self._rows[start:end], return_inverse=True)
        return rows, np.bincount(inverse, weights=self._frequencies[start:end]).astype(np.float64)

    def search(self, words: Sequence[str]) -> Found | None:
        """The rows holding every word (the last one as a prefix) with their BM25 scores, or
        None when a word is a phrase of several tokens (ask FTS5)."""
        tokens = self._tokens(words)
        if any(len(t) != 1 for t in tokens):
            return None
        phrases = [self._term(t[0]) for t in tokens[:-1]] + [self._prefix(tokens[-1][0])]
        common = phrases[0][0]
        for rows, _ in phrases[1:]:
            common = np.intersect1d(common, rows, assume_unique=True)
        scores = np.zeros(len(common), dtype=np.float64)
        for rows, frequency in phrases:  # in the query's order, as FTS5 adds them up
            f = frequency[np.searchsorted(rows, common)]
            scores += idf(self.count, len(rows)) * saturated(f, self._norm[common])
        return Found(common, scores)
