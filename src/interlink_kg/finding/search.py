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
from interlink_kg.finding.bm25 import average_length, idf, norm, saturated
from interlink_kg.finding.facet_counts import Counts
from interlink_kg.finding.maintained import Maintained
from interlink_kg.finding.postings import Layer, Lookup, scored
from interlink_kg.finding.search_layer import FACETS, Positions, SearchLayer
from interlink_kg.finding.top import best_first

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
        self.removed_at = np.flatnonzero(removed)  # ascending, few: a change's rows
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

    def lookups(self, words: list[str]) -> list[Lookup | None]:
        """Per layer, the postings of ``words`` (None: a word is a phrase; ask FTS5)."""
        return [layer.postings.words(words) for layer, _ in self.layers()]

    def found(
        self, words: list[str], looked: list[Lookup | None]
    ) -> list[tuple[Positions, npt.NDArray[np.float64]]]:
        """Per layer, the positions holding every word, ascending, and their BM25 scores
        (``looked``: :meth:`lookups` of ``words``)."""
        layers = self.layers()
        if all(lookup is not None for lookup in looked):
            rows = [
                Layer(lookup.postings, layer.lengths, self.removed_rows if n == 0 else None)
                for n, ((layer, _), lookup) in enumerate(zip(layers, looked, strict=True))
                if lookup is not None
            ]
            return [(f.rows - 1, f.scores) for f in scored(rows, self.count, self.total)]
        out = []
        for layer, gone in layers:
            hits, scores = layer.phrase_search(words)
            if gone is not None:
                kept = ~gone[hits]
                hits, scores = hits[kept], scores[kept]
            out.append((hits, scores))
        return out

    def facets_of(self, found: list[tuple[Positions, npt.NDArray[np.float64]]]) -> Counts:
        """The facet counts of all the hits, counted over them."""
        return _summed(
            [layer.counts(h) for (layer, _), (h, _) in zip(self.layers(), found, strict=True)]
        )

    def _tabled(self, token: bytes, gone: Positions, overlay_hits: Positions) -> Counts | None:
        """The facet counts of the rows holding ``token`` from the first layer's count table,
        less its replaced rows ``gone``, plus ``overlay_hits`` of the second; None without a
        table."""
        table = self.base.token_counts.get(token)
        if table is None:
            return None
        counts = {f: dict(c) for f, c in table.items()}
        if len(gone):
            counts = _added(counts, self.base.counts(gone), -1)
        if self.overlay is not None:
            counts = _added(counts, self.overlay.counts(overlay_hits))
        return counts

    def _removed_holding(self, token: bytes) -> Positions:
        """The replaced positions of the first layer that hold ``token`` (a change's few rows
        looked up in the token's, not the token's many rows in the mask)."""
        rows = self.base.postings.rows_of(token)  # rowids: positions + 1
        if not len(self.removed_at) or not len(rows):
            return self.removed_at[:0]
        wanted = self.removed_at + 1
        at = np.minimum(np.searchsorted(rows, wanted), len(rows) - 1)
        held: Positions = self.removed_at[rows[at] == wanted]
        return held

    def common_word(
        self, looked: list[Lookup | None], limit: int
    ) -> tuple[list[tuple[float, str]], int, Counts] | None:
        """The ``limit`` best hits of a one-word search for a common token (as ``(-score,
        identifier)``), their number and their facet counts, from the token's impact groups and
        count table in the first layer and its hits in the second (``looked``: the search's
        :meth:`lookups`; a one-word search has its one token there); None for other searches.
        The same answer as :meth:`found` and :meth:`facets_of` give, in time independent of
        the number of hits."""
        token = looked[0].single if looked[0] is not None else None
        impacts = self.base.token_impacts.get(token) if token is not None else None
        if token is None or impacts is None or any(lookup is None for lookup in looked[1:]):
            return None
        extra: list[tuple[Positions, npt.NDArray[np.float64]]] = [
            lookup.postings[0] for lookup in looked[1:] if lookup is not None
        ]
        gone = self._removed_holding(token)
        holding = len(impacts) - len(gone) + sum(len(r) for r, _ in extra)
        weight, average = idf(self.count, holding), average_length(self.total, self.count)
        rows, scores = impacts.best(weight, average, limit, self.removed_rows)
        ranked = [
            (-float(score), self.base.ids[int(row) - 1])
            for row, score in zip(rows, scores, strict=True)
        ]
        overlay_hits = np.zeros(0, dtype=np.int64)
        if self.overlay is not None and extra:
            found, frequency = extra[0]
            more = np.zeros(len(found), dtype=np.float64)
            more += weight * saturated(frequency, norm(self.overlay.lengths[found], average))
            overlay_hits = found - 1
            ranked += [
                (-float(more[i]), self.overlay.ids[int(overlay_hits[i])])
                for i in best_first(overlay_hits, more, limit)
            ]
        ranked.sort()
        facets = self._tabled(token, gone, overlay_hits)
        return (ranked, holding, facets) if facets is not None else None


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
    looked = index.lookups(words)  # the words are cut into tokens once per search
    quick = index.common_word(looked, end) if chosen is None else None
    if quick is not None:
        ranked, total, facets = quick
    else:
        found = index.found(words, looked)
        if chosen is not None:
            found = [
                (h[kept], sc[kept])
                for (h, sc), allowed in zip(found, chosen, strict=True)
                for kept in [np.isin(h, allowed, assume_unique=True)]
            ]
        facets, total, ranked = index.facets_of(found), sum(len(h) for h, _ in found), []
        for (layer, _), (h, sc) in zip(layers, found, strict=True):
            best = best_first(h, sc, end)
            ranked += [(-float(sc[i]), layer.ids[int(h[i])]) for i in best]
        ranked.sort()
    page = ranked[start:end]
    return SearchResult(
        tuple(ident for _, ident in page),
        total,
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
