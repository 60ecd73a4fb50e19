"""Full-text search with facets over the published INTERLINKERs.

The index (:mod:`interlink_kg.finding.search_layer`: FTS5, its postings, facet arrays) is built
once from the catalogue store, then patched per change (:mod:`interlink_kg.finding.maintained`):
the INTERLINKERs a change touched are indexed again in a small layer of their own, whose rows
stand in for their old ones in the first layer (masked out there). Hits, BM25 scores (with the
statistics of both layers together: FTS5's formula, as one index built again would give them),
facet counts and pages come from both; a merge builds one layer again off the request threads
when the second has grown (:data:`MERGE_AT`). Words FTS5 reads as phrases (``survey_editor``)
are asked of each layer's FTS5, whose scores use that layer's statistics.
"""

from __future__ import annotations

import heapq
import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from interlink_kg.errors import BadRequestError
from interlink_kg.finding.bm25 import best_first
from interlink_kg.finding.maintained import Maintained
from interlink_kg.finding.postings import Layer, scored
from interlink_kg.finding.search_layer import FACETS, Counts, Positions, SearchLayer

__all__ = ["FACETS", "SearchIndex", "SearchRequest", "SearchResult", "facets_to_dict"]
from interlink_kg.store.base import Store

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 32  # words of one search (each must be found: more only costs)
MAX_WORD_CHARS = 200
MERGE_AT = 1000  # INTERLINKERs changed since the first build that make the warmer build again


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


def _added(counts: Counts, more: Counts, sign: int = 1) -> Counts:
    out = {facet: dict(values) for facet, values in counts.items()}
    for facet, values in more.items():
        found = out.setdefault(facet, {})
        for value, n in values.items():
            total = found.get(value, 0) + sign * n
            if total:
                found[value] = total
            else:
                found.pop(value, None)
    return out


class _Layers:
    """The first layer, the positions of it a change replaced, and the layer of the changed."""

    def __init__(
        self,
        store: Store,
        *,
        base: SearchLayer | None = None,
        changed: frozenset[str] = frozenset(),
    ) -> None:
        self.base = base if base is not None else SearchLayer(store)
        self.overlay: SearchLayer | None = None
        if changed:
            # One row per identifier: INTERLINKERs sharing one with a changed one (before or
            # now) are indexed again with it.
            changed = self._with_namesakes(store, changed)
        self.changed = changed
        removed = np.zeros(len(self.base.ids), dtype=np.bool_)
        for item in changed:
            removed[self.base.held_by.get(item, [])] = True
        self.removed = removed if removed.any() else None
        # The same, by FTS5 rowid (position + 1), and the positions left: worked out once.
        self.removed_rows = None if self.removed is None else np.concatenate([[False], removed])
        self.live = None if self.removed is None else np.flatnonzero(~removed)
        layers = self.layers()
        self.count = sum(
            int(np.count_nonzero(layer.indexed & ~gone))
            if gone is not None
            else layer.postings.count
            for layer, gone in layers
        )
        self.total = sum(
            float(layer.lengths[1:][~gone].sum()) if gone is not None else layer.postings.total
            for layer, gone in layers
        )
        self.all_counts = self.base.all_counts
        if self.removed is not None:
            self.all_counts = _added(
                self.all_counts, self.base.counts(np.flatnonzero(self.removed)), -1
            )
        if self.overlay is not None:
            self.all_counts = _added(self.all_counts, self.overlay.all_counts)

    def _with_namesakes(self, store: Store, changed: frozenset[str]) -> frozenset[str]:
        """``changed`` and the INTERLINKERs of the first layer sharing an identifier with one
        of them; the second layer is built of those."""
        while True:
            self.overlay = SearchLayer(store, sorted(changed))
            rows = {at for item in changed for at in self.base.held_by.get(item, ())}
            rows |= {self.base.position[i] for i in self.overlay.ids if i in self.base.position}
            namesakes = {item for at in rows for item in self.base.holders_of.get(at, ())}
            if namesakes <= changed:
                return changed
            changed = changed | namesakes

    def layers(self) -> list[tuple[SearchLayer, npt.NDArray[np.bool_] | None]]:
        """Each layer with its replaced positions (None: none)."""
        first: list[tuple[SearchLayer, npt.NDArray[np.bool_] | None]] = [(self.base, self.removed)]
        return first + ([(self.overlay, None)] if self.overlay is not None else [])

    def patched(self, store: Store, subjects: frozenset[str]) -> _Layers:
        """These layers with the INTERLINKERs among ``subjects`` indexed again."""
        return _Layers(store, base=self.base, changed=self.changed | subjects)

    def needs_merge(self) -> bool:
        return len(self.changed) > MERGE_AT

    def knows(self, subject: str) -> bool:
        return subject in self.base.held_by or (
            self.overlay is not None and subject in self.overlay.held_by
        )

    def holders(self, facet: str, value: str) -> list[Positions]:
        """Per layer, the positions holding ``value`` of ``facet`` now."""
        out = []
        for layer, gone in self.layers():
            found = layer.holders.get((facet, value), np.zeros(0, dtype=np.int64))
            out.append(found[~gone[found]] if gone is not None else found)
        return out

    def values(self, facet: str) -> list[str]:
        """The values of ``facet`` some INTERLINKER holds now."""
        return sorted(self.all_counts.get(facet, {}))

    def found(
        self, words: list[str]
    ) -> tuple[list[tuple[Positions, npt.NDArray[np.float64]]], bytes | None]:
        """Per layer, the positions holding every word, ascending, and their BM25 scores; and
        the one token a one-word search stands for, when it has one."""
        layers = self.layers()
        looked = [layer.postings.words(words) for layer, _ in layers]
        if all(lookup is not None for lookup in looked):
            rows = [
                Layer(lookup.postings, layer.lengths, self.removed_rows if n == 0 else None)
                for n, ((layer, _), lookup) in enumerate(zip(layers, looked, strict=True))
                if lookup is not None
            ]
            found = [(f.rows - 1, f.scores) for f in scored(rows, self.count, self.total)]
            tokens = {lookup.single for lookup in looked if lookup is not None}
            return found, (tokens.pop() if len(tokens) == 1 else None)
        out = []
        for layer, gone in layers:
            hits, scores = layer.phrase_search(words)
            if gone is not None:
                kept = ~gone[hits]
                hits, scores = hits[kept], scores[kept]
            out.append((hits, scores))
        return out, None

    def facets_of(
        self, found: list[tuple[Positions, npt.NDArray[np.float64]]], token: bytes | None
    ) -> Counts:
        """The facet counts of all the hits: from the first layer's count table when the hits
        are the rows holding one common token (less its replaced rows, plus the second layer's
        hits), else counted over the hits."""
        table = self.base.token_counts.get(token) if token is not None else None
        if table is None:
            return _summed(
                [layer.counts(h) for (layer, _), (h, _) in zip(self.layers(), found, strict=True)]
            )
        counts = {f: dict(c) for f, c in table.items()}
        if self.removed is not None:
            rows = self.base.postings.rows_of(token) - 1  # type: ignore[arg-type]
            counts = _added(counts, self.base.counts(rows[self.removed[rows]]), -1)
        if self.overlay is not None:
            counts = _added(counts, self.overlay.counts(found[1][0]))
        return counts


class SearchIndex:
    """The search index of one catalogue store, patched as its content changes."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()  # FTS5's scratch tables take one search at a time
        self._index: Maintained[_Layers] = Maintained(_Layers)

    def current(self) -> _Layers:
        """The index of the current content."""
        return self._index.get(self._store)

    def warm(self) -> None:
        """Bring the index up to date now (the warmer calls it after a change)."""
        with self._lock:
            self.current()

    def search(self, request: SearchRequest) -> SearchResult:
        unknown = sorted(set(request.filters) - set(FACETS))
        if unknown:
            raise BadRequestError(
                f"unknown filter {unknown[0]!r}; use: {', '.join(FACETS)}",
                details={"allowed": list(FACETS)},
            )
        words = _WORD.findall(request.text)
        if len(words) > MAX_WORDS:
            raise BadRequestError(
                f"the search text has more than {MAX_WORDS} words", details={"parameter": "q"}
            )
        if any(len(w) > MAX_WORD_CHARS for w in words):
            raise BadRequestError(
                f"a word of the search text has more than {MAX_WORD_CHARS} characters",
                details={"parameter": "q"},
            )
        with self._lock:
            return _answer(self.current(), request, words)


def _answer(index: _Layers, request: SearchRequest, words: list[str]) -> SearchResult:
    """One page of hits and the facet counts of all of them, from every layer."""
    start = (request.page - 1) * request.per_page
    end = start + request.per_page
    layers = index.layers()
    chosen: list[Positions] | None = None  # per layer; None: no filter
    for facet, value in sorted(request.filters.items()):
        holders = index.holders(facet, value)
        if not any(len(h) for h in holders):
            raise BadRequestError(
                f"unknown {facet} {value!r}",
                details={"parameter": facet, "allowed": index.values(facet)},
            )
        chosen = (
            holders
            if chosen is None
            else [
                np.intersect1d(a, b, assume_unique=True)
                for a, b in zip(chosen, holders, strict=True)
            ]
        )
    if not words:
        if chosen is None:
            hits = [index.base.everyone if index.live is None else index.live]
            hits += [layer.everyone for layer, _ in layers[1:]]
            facets = {f: dict(c) for f, c in index.all_counts.items()}  # the kept ones stay
        else:
            hits = chosen
            facets = _summed([layer.counts(h) for (layer, _), h in zip(layers, hits, strict=True)])
        in_order = heapq.merge(
            *[_ids(layer, h) for (layer, _), h in zip(layers, hits, strict=True)]
        )
        ids = tuple(itertools.islice(in_order, start, end))
        return SearchResult(ids, sum(len(h) for h in hits), facets, {})
    found, token = index.found(words)
    if chosen is not None:
        found = [
            (h[kept], sc[kept])
            for (h, sc), allowed in zip(found, chosen, strict=True)
            for kept in [np.isin(h, allowed, assume_unique=True)]
        ]
        token = None  # filtered: the table counts more than the hits
    facets = index.facets_of(found, token)
    ranked: list[tuple[float, str]] = []
    for (layer, _), (h, sc) in zip(layers, found, strict=True):
        best = best_first(h, sc, end)
        ranked += [(-float(sc[i]), layer.ids[int(h[i])]) for i in best]
    ranked.sort()
    page = ranked[start:end]
    return SearchResult(
        tuple(ident for _, ident in page),
        sum(len(h) for h, _ in found),
        facets,
        {ident: round(-score, 6) for score, ident in page},
    )


def _ids(layer: SearchLayer, positions: Positions) -> Iterator[str]:
    """The identifiers at ``positions`` of ``layer``, in order, as they are asked for."""
    return (layer.ids[int(at)] for at in positions)


def _summed(counts: list[Counts]) -> Counts:
    out: Counts = {}
    for more in counts:
        out = _added(out, more) if out else {f: dict(c) for f, c in more.items()}
    return out


def facets_to_dict(result: SearchResult) -> dict[str, Any]:
    return {"facets": result.facets, "total": result.total}
