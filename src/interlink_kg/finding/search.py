"""Full-text search with facets over the published INTERLINKERs.

An in-process SQLite index (FTS5, standard library) is built from the catalogue store by two
named queries and rebuilt after the catalogue changes. Titles, descriptions and keywords in
every language are indexed with ``porter unicode61 remove_diacritics 2``: case- and
accent-insensitive, with English stemming (the same transform applies to queries, so words in
the other languages still match themselves). Facet values live in a side table; counts are
computed over the filtered result set with SQL.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from interlink_kg.errors import BadRequestError
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.store.generation import generation

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
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    per_page: int = 100


@dataclass(frozen=True)
class SearchResult:
    ids: tuple[str, ...]
    total: int
    facets: dict[str, dict[str, int]]
    scores: dict[str, float]


class SearchIndex:
    """The FTS5 index of one catalogue store, rebuilt when the catalogue's generation changes
    (:mod:`interlink_kg.store.generation`)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._generation: str | None = None

    def _connection(self) -> sqlite3.Connection:
        """The index of the current generation (the caller holds the lock)."""
        stamp = generation(self._store)
        if self._db is None or stamp != self._generation:
            if self._db is not None:
                self._db.close()
            self._db = self._build()
            self._generation = stamp
        return self._db

    def _build(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, keywords, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        db.execute("CREATE TABLE facets (id TEXT, facet TEXT, value TEXT)")
        db.execute("CREATE INDEX facets_by_value ON facets (facet, value, id)")
        # Counting the facets of a result walks its hits, not every facet row.
        db.execute("CREATE INDEX facets_by_id ON facets (id, facet, value)")
        texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in self._store.select(query("search-texts")):
            texts[str(row["id"])][str(row["field"])].append(str(row["text"]))
        db.executemany(
            "INSERT INTO docs (id, title, body, keywords) VALUES (?, ?, ?, ?)",
            [
                (
                    ident,
                    " \n".join(fields["title"]),
                    " \n".join(fields["description"]),
                    " \n".join(fields["keyword"]),
                )
                for ident, fields in sorted(texts.items())
            ],
        )
        db.executemany(
            "INSERT INTO facets (id, facet, value) VALUES (?, ?, ?)",
            [
                (str(r["id"]), str(r["facet"]), str(r["value"]))
                for r in self._store.select(query("search-facets"))
            ],
        )
        # The counts of the whole catalogue (a search with no words and no filter), kept.
        db.execute(
            "CREATE TABLE all_counts AS SELECT facet, value, COUNT(*) AS n FROM facets "
            "GROUP BY facet, value"
        )
        db.commit()
        return db

    def search(self, request: SearchRequest) -> SearchResult:
        unknown = sorted(set(request.filters) - set(FACETS))
        if unknown:
            raise BadRequestError(
                f"unknown filter {unknown[0]!r}; use: {', '.join(FACETS)}",
                details={"allowed": list(FACETS)},
            )
        with self._lock:
            db = self._connection()
            ids, scores = self._matching(db, request.text)
            for facet, value in sorted(request.filters.items()):
                allowed = {
                    r[0]
                    for r in db.execute(
                        "SELECT id FROM facets WHERE facet = ? AND value = ?", (facet, value)
                    )
                }
                if not allowed and value not in self._values(db, facet):
                    raise BadRequestError(
                        f"unknown {facet} {value!r}",
                        details={"parameter": facet, "allowed": sorted(self._values(db, facet))},
                    )
                ids = [i for i in ids if i in allowed]
            everything = not request.filters and not _WORD.findall(request.text)
            facets = self._all_counts(db) if everything else self._counts(db, ids)
        start = (request.page - 1) * request.per_page
        page = ids[start : start + request.per_page]
        return SearchResult(
            tuple(page), len(ids), facets, {i: scores[i] for i in page if i in scores}
        )

    @staticmethod
    def _values(db: sqlite3.Connection, facet: str) -> set[str]:
        return {
            r[0] for r in db.execute("SELECT DISTINCT value FROM facets WHERE facet = ?", (facet,))
        }

    @staticmethod
    def _matching(db: sqlite3.Connection, text: str) -> tuple[list[str], dict[str, float]]:
        words = _WORD.findall(text)
        if not words:
            return sorted(r[0] for r in db.execute("SELECT id FROM docs")), {}
        # Every word as a quoted FTS5 string (no operators from users), all of them required,
        # the last one also as a prefix so that results come while typing.
        terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
        rows = db.execute(
            "SELECT id, bm25(docs, 0, 10.0, 1.0, 4.0) AS rank FROM docs WHERE docs MATCH ? "
            "ORDER BY rank, id",
            (" AND ".join(terms),),
        ).fetchall()
        return [r[0] for r in rows], {r[0]: round(-float(r[1]), 6) for r in rows}

    @staticmethod
    def _all_counts(db: sqlite3.Connection) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for facet, value, count in db.execute(
            "SELECT facet, value, n FROM all_counts ORDER BY facet, value"
        ):
            if facet in counts:
                counts[facet][value] = int(count)
        return counts

    @staticmethod
    def _counts(db: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS hits (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM hits")
        db.executemany("INSERT OR IGNORE INTO hits (id) VALUES (?)", ((i,) for i in ids))
        rows = db.execute(
            "SELECT f.facet, f.value, COUNT(*) FROM hits h CROSS JOIN facets f "
            "ON f.id = h.id GROUP BY f.facet, f.value ORDER BY f.facet, f.value"
        )
        for facet, value, count in rows:
            if facet in counts:
                counts[facet][value] = int(count)
        return counts


def facets_to_dict(result: SearchResult) -> dict[str, Any]:
    return {"facets": result.facets, "total": result.total}
