"""One layer of the search index: the INTERLINKERs of the first build, or those changed since.

An in-process SQLite index (FTS5, standard library) of the layer's titles, descriptions and
keywords in every language, with ``porter unicode61 remove_diacritics 2``: case- and
accent-insensitive, with English stemming (the same transform applies to queries, so words in
the other languages still match themselves). Its tokens become posting arrays
(:mod:`interlink_kg.finding.postings`); facet values become NumPy arrays by position (the
INTERLINKERs in identifier order: a position + 1 is the FTS5 rowid), one array of holders per
value and each INTERLINKER's values of every facet as bits in one row of bytes
(:mod:`interlink_kg.finding.facet_counts`), so that counting the facets of any set of hits
costs their number, not the catalogue's; the tokens most INTERLINKERs hold have their counts
in a table and their rows in impact groups (:mod:`interlink_kg.finding.impacts`): a one-word
search for a common word reads its counts and its best groups, not all its hits.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from interlink_kg.finding.facet_counts import Counts, FacetCounts
from interlink_kg.finding.impacts import Impacts
from interlink_kg.finding.postings import Postings
from interlink_kg.queries import query
from interlink_kg.store.base import Store

FACETS = (
    "kind",
    "purpose",
    "licence",
    "language",
    "target",
    "difficulty",
    "problem_profile",
    "group",
)
TOKENIZER = "porter unicode61 remove_diacritics 2"
# The columns of the index (title, description, keywords), in order, with their BM25 weights.
WEIGHTS = {"title": 10.0, "body": 1.0, "keywords": 4.0}
BM25 = f"bm25(docs, {', '.join(str(w) for w in WEIGHTS.values())})"  # the columns' order

# A token held by at least this many INTERLINKERs (and 1% of them) gets a count table.
COUNT_TABLE_MIN = 2000
Positions = npt.NDArray[np.int64]


class SearchLayer:
    """The index of every INTERLINKER, or of ``items`` (IRIs) only."""

    def __init__(self, store: Store, items: Sequence[str] | None = None) -> None:
        bound = {"item": [URIRef(i) for i in items]} if items is not None else None
        texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for ident, field_name, text in store.select_values(query("search-texts", bound)):
            if ident is not None and field_name is not None and text is not None:
                texts[ident][field_name].append(text)
        facet_holders = _facet_holders(store, bound)
        # Every INTERLINKER in identifier order; its position + 1 is its FTS5 rowid, so the
        # rowid order is the identifier order (ties of a ranking go to the smaller one).
        faceted = (i for found in facet_holders.values() for held in found.values() for i in held)
        self.ids: tuple[str, ...] = tuple(sorted(texts.keys() | set(faceted)))
        self.position = {ident: at for at, ident in enumerate(self.ids)}
        # Which positions each INTERLINKER (IRI) holds: a change names IRIs.
        self.held_by: dict[str, list[int]] = defaultdict(list)
        self.holders_of: dict[int, list[str]] = defaultdict(list)  # position -> IRIs
        for item, ident in store.select_values(query("interlinker-keys", bound)):
            at = self.position.get(ident or "")
            if item is not None and at is not None:
                self.held_by[item].append(at)
                self.holders_of[at].append(item)
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5(title, body, keywords, tokenize = '{TOKENIZER}')"
        )
        self.db.executemany(
            "INSERT INTO docs (rowid, title, body, keywords) VALUES (?, ?, ?, ?)",
            (
                (
                    self.position[ident] + 1,
                    " \n".join(fields["title"]),
                    " \n".join(fields["description"]),
                    " \n".join(fields["keyword"]),
                )
                for ident, fields in texts.items()
            ),
        )
        self.db.commit()
        self.indexed = np.zeros(len(self.ids), dtype=np.bool_)  # has a row in FTS5
        self.indexed[[self.position[i] for i in texts]] = True
        del texts
        self.postings = Postings(self.db, "docs", TOKENIZER, WEIGHTS)
        # Words per position (rows without text have none), for the length norms.
        self.lengths = np.zeros(len(self.ids) + 1, dtype=np.float64)
        self.lengths[: len(self.postings.lengths)] = self.postings.lengths[: len(self.ids) + 1]
        self.values: dict[str, tuple[str, ...]] = {}
        self.holders: dict[tuple[str, str], Positions] = {}
        for facet in FACETS:
            found = facet_holders.pop(facet)
            self.values[facet] = tuple(sorted(found))
            for value in self.values[facet]:
                self.holders[(facet, value)] = np.unique(
                    np.fromiter((self.position[i] for i in found.pop(value)), dtype=np.int64)
                )
        self.facet_counts = FacetCounts(FACETS, self.values, self.holders, len(self.ids))
        self.everyone: Positions = np.arange(len(self.ids), dtype=np.int64)
        self.all_counts = self.counts(self.everyone)
        # Count tables: the facet counts of the rows holding each common token, counted once
        # (a search for a common word then reads its counts instead of walking its hits).
        # Its rows are kept in impact groups too: its best rows come group by group.
        holding = max(COUNT_TABLE_MIN, len(self.ids) // 100)
        self.token_counts: dict[bytes, Counts] = {}
        self.token_impacts: dict[bytes, Impacts] = {}
        for token, rows, frequencies in self.postings.common(holding):
            self.token_counts[token] = self.counts(rows - 1)
            self.token_impacts[token] = Impacts.of(rows, frequencies, self.lengths)

    def counts(self, positions: Positions) -> Counts:
        """Facet counts over the INTERLINKERs at ``positions``: work in their number only
        (:mod:`interlink_kg.finding.facet_counts`)."""
        return self.facet_counts.counts(positions)

    def phrase_search(self, words: list[str]) -> tuple[Positions, npt.NDArray[np.float64]]:
        """The positions holding every word, ascending, and FTS5's BM25 scores (for words FTS5
        reads as phrases: every word a quoted string, no operators from users, all required,
        the last one also as a prefix so that results come while typing)."""
        terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
        rows = self.db.execute(
            f"SELECT rowid, {BM25} FROM docs WHERE docs MATCH ? ORDER BY rowid",
            (" AND ".join(terms),),
        ).fetchall()
        return (
            np.array([r[0] - 1 for r in rows], dtype=np.int64),
            np.array([-float(r[1]) for r in rows], dtype=np.float64),
        )

    def close(self) -> None:
        self.db.close()


def _facet_holders(
    store: Store, bound: dict[str, list[URIRef]] | None
) -> dict[str, dict[str, list[str]]]:
    """The identifiers holding each value of each facet, as the store answers them (at 1M
    INTERLINKERs some 14 million rows: kept as a tuple each, beside the store's own rows, they
    took gigabytes; here each row costs one reference to the identifier's one string)."""
    holding: dict[str, dict[str, list[str]]] = {facet: {} for facet in FACETS}
    for ident, facet, value in store.select_values(query("search-facets", bound)):
        found = holding.get(facet or "")
        if ident is None or found is None or value is None:
            continue
        idents = found.get(value)
        if idents is None:
            idents = found[value] = []
        idents.append(ident)
    return holding
