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

from interlink_kg.finding.bm25 import average_length, idf, norm, saturated
from interlink_kg.finding.sorted_positions import located

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
        self.lengths = size  # words per row, by rowid
        self.total = float(size.sum())
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
        first, last = self._range(prefix)
        if first == last:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        start, end = self._starts[first], self._starts[last]
        if last == first + 1:
            return self._rows[start:end], self._frequencies[start:end]
        rows, inverse = np.unique(self._rows[start:end], return_inverse=True)
        return rows, np.bincount(inverse, weights=self._frequencies[start:end]).astype(np.float64)

    def words(self, words: Sequence[str]) -> Lookup | None:
        """For each word, the rows holding it and its weighted occurrences there (the last word
        as a prefix), or None when a word is a phrase of several tokens (ask FTS5)."""
        tokens = self._tokens(words)
        if any(len(t) != 1 for t in tokens):
            return None
        last = tokens[-1][0]
        first, end = self._range(last)
        single = self._terms[first] if len(words) == 1 and end == first + 1 else None
        found = [self._term(t[0]) for t in tokens[:-1]] + [self._prefix(last)]
        return Lookup(found, single)

    def _range(self, prefix: bytes) -> tuple[int, int]:
        """The tokens beginning with ``prefix``: their range in the sorted tokens."""
        first = bisect.bisect_left(self._terms, prefix)
        return first, bisect.bisect_left(self._terms, prefix + b"\xff")  # no UTF-8 byte is 0xff

    def common(self, holding: int) -> list[tuple[bytes, Rows, npt.NDArray[np.float64]]]:
        """The tokens held by at least ``holding`` rows, with those rows and the token's
        weighted occurrences there."""
        sizes = np.diff(self._starts)
        out = []
        for at in np.flatnonzero(sizes >= holding):
            start, end = self._starts[at], self._starts[at + 1]
            out.append((self._terms[at], self._rows[start:end], self._frequencies[start:end]))
        return out

    def rows_of(self, token: bytes) -> Rows:
        return self._term(token)[0]

    def search(self, words: Sequence[str]) -> Found | None:
        """The rows holding every word (the last one as a prefix) with their BM25 scores, or
        None when a word is a phrase of several tokens (ask FTS5)."""
        found = self.words(words)
        if found is None:
            return None
        return scored([Layer(found.postings, self.lengths)], self.count, self.total)[0]


@dataclass(frozen=True)
class Lookup:
    """A query's words in one table: each word's rows and weighted occurrences; ``single``, the
    one token a one-word query stands for when its prefix covers no other."""

    postings: list[tuple[Rows, npt.NDArray[np.float64]]]
    single: bytes | None


@dataclass(frozen=True)
class Layer:
    """One table's postings of a query's words, and what the table's rows are now: ``removed``
    (by rowid) masks the rows a change replaced, whose new selves are in another layer."""

    words: list[tuple[Rows, npt.NDArray[np.float64]]]
    lengths: npt.NDArray[np.float64]  # words per row, by rowid
    removed: npt.NDArray[np.bool_] | None = None


def scored(layers: Sequence[Layer], count: int, total: float) -> list[Found]:
    """For each layer, the rows holding every word and their BM25 scores with the statistics
    of all layers together (``count`` rows, ``total`` words): one table's scores when the
    layers are a table and the rows a change put in place of some of its own."""
    average = average_length(total, count)
    holding = [0] * (len(layers[0].words) if layers else 0)
    for layer in layers:
        for n, (rows, _) in enumerate(layer.words):
            gone = int(np.count_nonzero(layer.removed[rows])) if layer.removed is not None else 0
            holding[n] += len(rows) - gone
    out = []
    for layer in layers:
        common = layer.words[0][0]
        # Per word, where each row of ``common`` is in its rows (the first word's: all of them,
        # in order, until a second word leaves some out).
        where: list[npt.NDArray[np.intp]] = []
        for rows, _ in layer.words[1:]:
            in_common, in_rows = held_by_both(common, rows, len(layer.lengths))
            where = [at.take(in_common) for at in where] if where else [in_common]
            where.append(in_rows)
            common = common.take(in_common)
        where = where or [np.arange(len(common))]
        if layer.removed is not None:
            live = np.flatnonzero(~layer.removed[common])
            where = [at.take(live) for at in where]
            common = common.take(live)
        scores = np.zeros(len(common), dtype=np.float64)
        norms = norm(layer.lengths[common], average)
        for n, (_, frequency) in enumerate(layer.words):  # in the query's order, as FTS5
            scores += idf(count, holding[n]) * saturated(frequency[where[n]], norms)
        out.append(Found(common, scores))
    return out


SEARCHED_UNDER = 1 / 64  # the share of the table under which the fewer rows are searched for


def held_by_both(
    first: Rows, second: Rows, size: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The rows both ``first`` and ``second`` hold (each sorted, distinct, below ``size``),
    ascending, as their places in ``first`` and their places in ``second``. The fewer rows are
    searched for in the others when they are few; else the others are read into a mask and a
    table of their places. The places are taken once, not each array cut by a mask of all its
    rows (on the 1M search layer, a two-word search's rows and scores: 4.3 against 2.5 ms,
    ``bench/RESULTS.md``, twenty-third session; NumPy's ``intersect1d`` sorts both together,
    ``bench/pruning_bench.py``).
    """
    nowhere = np.zeros(0, dtype=np.intp)
    if len(first) == 0 or len(second) == 0:
        return nowhere, nowhere
    if len(second) < len(first) and len(second) < SEARCHED_UNDER * size:
        found, places = located(first, second)
        return places, np.flatnonzero(found)
    if len(first) < SEARCHED_UNDER * size:
        found, places = located(second, first)
        return np.flatnonzero(found), places
    holds = np.zeros(size, dtype=np.bool_)
    holds[second] = True
    in_first = np.flatnonzero(holds[first])
    # Read only where ``holds`` is set; four bytes a place: half the memory written at random
    # (bench/RESULTS.md, twenty-second session).
    place = np.empty(size, dtype=np.int32 if len(second) < 2**31 else np.intp)
    place[second] = np.arange(len(second), dtype=place.dtype)
    return in_first, place.take(first.take(in_first)).astype(np.intp)
