"""The candidates of a recommendation, chosen in memory from arrays kept per catalogue generation.

Choosing the best INTERLINKERs by ``match * focus`` in SPARQL walks every INTERLINKER that
addresses one of the task's profiles: at 100k INTERLINKERs tens of thousands of rows, grouped
and sorted for each request (about 400 ms). Here the same choice is a sum over posting arrays
(for each profile, the positions of the INTERLINKERs addressing it), a mask per hard filter and
a partial sort, in NumPy: a few milliseconds at that size. The chosen candidates' language and
audience are read from the same arrays (:meth:`CandidateIndex.passing`).

The arrays are read from the store with three queries, as plain text (``select_values``), once;
then each change of the catalogue is patched in (:mod:`interlink_kg.finding.maintained`): the
INTERLINKERs it touched are read again into small arrays of their own, and their old positions
in the first arrays are masked out, until a merge builds everything again (:data:`MERGE_AT`). A
second worker process keeps its own. The scores are those the SPARQL ranking computed:
``match`` sums ``strength / df`` over the matched profiles (df: how many INTERLINKERs address
the profile, counted here over both sets of arrays), ``focus = 2 / (1 + breadth)``, ties go to
the smaller IRI, so a patched index answers exactly as a new one would.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from interlink_kg.finding.candidate_arrays import Arrays, holds
from interlink_kg.finding.maintained import Maintained
from interlink_kg.queries import query
from interlink_kg.store.base import Store

MERGE_AT = 1000  # INTERLINKERs changed since the first build that make the warmer build again
# The best of all kept per profile set, from which a request with filters takes those that
# pass (CandidateIndex.best): four times the candidates a ranking takes (ranking.CANDIDATES);
# a pool is about 25 kB, so at most about 13 MB per index.
POOL = 240
POOLS_KEPT = 512
# Filters few pass. When the value(s) of one facet asked for hold at most NARROW_SHARE of the
# catalogue, the positions that pass are found from them (no mask built per facet for the whole
# catalogue); when, times the profiles asked for, those are at most SCORED_SHARE of it, they are
# scored one by one (each profile's posting searched for them or read against them) rather
# than over arrays as long as the catalogue. Where the two cost the same: about 0.15 (NumPy at
# 1M, this machine).
NARROW_SHARE = 0.25
SCORED_SHARE = 0.12
_Row = tuple[float, str, float, int]  # (-score, item, match, profiles matched)


@dataclass(frozen=True)
class Candidate:
    item: str  # IRI
    match: float  # sum of strength / df over the matched profiles
    matched: int  # how many of the given profiles it addresses
    breadth: int  # how many profiles it addresses
    focus: float


class CandidateIndex:
    """The candidate arrays of the catalogue: those of the first build, and those of the
    INTERLINKERs changed since (``patched``), which replace theirs."""

    def __init__(
        self,
        store: Store,
        *,
        base: Arrays | None = None,
        changed: frozenset[str] = frozenset(),
        broader: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None,
    ) -> None:
        self._base = base if base is not None else Arrays(store)
        self._changed = changed
        self._overlay = Arrays(store, sorted(changed)) if changed else None
        self._removed = np.zeros(len(self._base.items), dtype=np.bool_)
        for item in changed:
            at = self._base.position.get(item)
            if at is not None:
                self._removed[at] = True
        # df: INTERLINKERs addressing each profile, over both sets of arrays.
        self._df = {p: len(posting) for p, posting in self._base.postings.items()}
        if changed:
            if self._removed.any():
                for problem, posting in self._base.postings.items():
                    self._df[problem] -= int(np.count_nonzero(self._removed[posting]))
            assert self._overlay is not None
            for problem, posting in self._overlay.postings.items():
                self._df[problem] = self._df.get(problem, 0) + len(posting)
        if broader is None:
            up: dict[str, set[str]] = defaultdict(set)
            down: dict[str, set[str]] = defaultdict(set)
            for concept, wider in store.select_values(query("concept-broader")):
                if concept is not None and wider is not None:
                    up[concept].add(wider)
                    down[wider].add(concept)
            broader = (up, down)
        self._broader, self._narrower = broader
        # Each profile set's best of all, and whether they are all its candidates.
        self._pools: OrderedDict[tuple[tuple[str, float], ...], tuple[list[_Row], bool]] = (
            OrderedDict()
        )
        self._pools_lock = threading.Lock()

    def patched(self, store: Store, subjects: frozenset[str]) -> CandidateIndex:
        """This index with the INTERLINKERs among ``subjects`` read again; the target groups'
        hierarchy too when some are not INTERLINKERs it knows (a new group, pointed to by
        nothing yet: one that is pointed to makes everything be built again)."""
        known = all(self.knows(s) for s in subjects)
        return CandidateIndex(
            store,
            base=self._base,
            changed=self._changed | subjects,
            broader=(self._broader, self._narrower) if known else None,
        )

    def needs_merge(self) -> bool:
        return len(self._changed) > MERGE_AT

    def df(self, problem: str) -> int:
        """How many INTERLINKERs address ``problem``."""
        return self._df.get(problem, 0)

    def knows(self, subject: str) -> bool:
        return subject in self._base.position or (
            self._overlay is not None and subject in self._overlay.position
        )

    @cached_property
    def items(self) -> tuple[str, ...]:
        """Every INTERLINKER it can choose, in IRI order."""
        kept = (i for at, i in enumerate(self._base.items) if not self._removed[at])
        if self._overlay is None:
            return tuple(kept)
        return tuple(heapq.merge(kept, self._overlay.items))

    def __len__(self) -> int:
        return len(self.items)

    def _where(self, item: str) -> tuple[Arrays, int] | None:
        """The arrays holding ``item`` now, and its position there."""
        if self._overlay is not None and item in self._changed:
            at = self._overlay.position.get(item)
            return None if at is None else (self._overlay, at)
        at = self._base.position.get(item)
        return None if at is None else (self._base, at)

    def _closure(self, start: str, links: Mapping[str, set[str]]) -> set[str]:
        seen = {start}
        todo = [start]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _values(self, filters: Mapping[str, str]) -> dict[str, list[str]]:
        """Each filter's accepted values: its own, and for the target group asked for, its
        broader and narrower groups too (skos:broader* both ways; the ranking reads an
        audience the same way)."""
        out: dict[str, list[str]] = {}
        for facet, value in filters.items():
            if facet == "target":
                groups = self._closure(value, self._broader) | self._closure(value, self._narrower)
                out[facet] = sorted(groups)
            else:
                out[facet] = [value]
        return out

    def allowed(self, filters: Mapping[str, str]) -> npt.NDArray[np.bool_]:
        """A mask over :attr:`items` of the INTERLINKERs that pass every hard filter."""
        accepted = self._values(filters)
        passing = set(self.passing(self.items, filters)) if accepted else set(self.items)
        return np.array([item in passing for item in self.items], dtype=np.bool_)

    def best(
        self,
        profiles: Sequence[tuple[str, float]],
        filters: Mapping[str, str],
        limit: int,
    ) -> list[Candidate]:
        """The ``limit`` best INTERLINKERs by ``match * focus`` for weighted profiles
        (``(IRI, strength)``) among those passing ``filters``; ties to the smaller IRI.

        Filters keep the order: the best that pass are the first that pass in the order of all.
        So each profile set's :data:`POOL` best of all are kept (:meth:`_pool`), and a request
        with filters takes the first of them that pass, which costs no pass over the catalogue;
        only when fewer than ``limit`` of the pool pass (a filter few INTERLINKERs pass) are the
        arrays walked with the filters' masks."""
        if limit <= POOL:
            pool, whole = self._pool(tuple(profiles))
            rows = pool
            if filters:
                passed = set(self.passing([item for _, item, _, _ in pool], filters))
                rows = [row for row in pool if row[1] in passed]
            if len(rows) >= limit or whole:  # enough, or the pool holds every candidate
                return [self._candidate(item, match, n) for _, item, match, n in rows[:limit]]
        return [
            self._candidate(item, match, n)
            for _, item, match, n in self._rows(profiles, filters, limit)
        ]

    def forget_pools(self) -> None:
        """Forget the pools kept (a bench measuring a request that finds none)."""
        with self._pools_lock:
            self._pools.clear()

    def _pool(self, profiles: tuple[tuple[str, float], ...]) -> tuple[list[_Row], bool]:
        """The :data:`POOL` best of all for ``profiles`` and whether they are all of its
        candidates, kept (the last :data:`POOLS_KEPT` profile sets asked for; the index is
        replaced at each change, and its pools with it)."""
        with self._pools_lock:
            kept = self._pools.get(profiles)
            if kept is not None:
                self._pools.move_to_end(profiles)
                return kept
        rows = self._rows(profiles, {}, POOL + 1)  # one more: none left out, or some
        found = (rows[:POOL], len(rows) <= POOL)
        with self._pools_lock:
            self._pools[profiles] = found
            while len(self._pools) > POOLS_KEPT:
                self._pools.popitem(last=False)
        return found

    def _rows(
        self, profiles: Sequence[tuple[str, float]], filters: Mapping[str, str], limit: int
    ) -> list[_Row]:
        """(-score, item, match, matched) of the ``limit`` best passing ``filters``, walking
        the arrays."""
        accepted = self._values(filters)
        keep: npt.NDArray[np.bool_] | None = None
        narrow = None
        if accepted:
            size = len(self._base.items)
            narrow = self._base.narrowed(accepted, int(NARROW_SHARE * size))
            if narrow is None:
                keep = self._base.fitting(accepted)
            elif len(narrow) * max(1, len(profiles)) > SCORED_SHARE * size:
                keep = np.zeros(size, dtype=np.bool_)
                keep[narrow] = True
                narrow = None
        if narrow is not None:
            if self._overlay is not None:
                narrow = narrow[~self._removed[narrow]]
            found = self._base.best_among(profiles, self._df, narrow, limit)
        else:
            if self._overlay is not None:
                keep = ~self._removed if keep is None else keep & ~self._removed
            found = self._base.best(profiles, self._df, keep, limit)
        if self._overlay is not None:
            extra = self._overlay.fitting(accepted) if accepted else None
            found = list(heapq.merge(found, self._overlay.best(profiles, self._df, extra, limit)))
        return found[:limit]

    def passing(self, items: Iterable[str], filters: Mapping[str, str]) -> list[str]:
        """The INTERLINKERs of ``items`` the index knows that pass ``filters``, in order (binary
        searches of their positions, all at once: no mask over the whole catalogue for a few)."""
        accepted = self._values(filters)
        listed = list(items)
        where = [self._where(item) for item in listed]
        passed = np.zeros(len(listed), dtype=np.bool_)
        for arrays in (self._base, self._overlay):
            if arrays is None:
                continue
            found = [(n, w[1]) for n, w in enumerate(where) if w is not None and w[0] is arrays]
            if found:
                at = np.array([position for _, position in found], dtype=np.int32)
                passed[[n for n, _ in found]] = arrays.passing(at, accepted)
        return [item for item, ok in zip(listed, passed, strict=True) if ok]

    def addressed(self, items: Sequence[str], profiles: Sequence[str]) -> dict[str, list[str]]:
        """For each of ``items``, which of ``profiles`` it addresses (in the given order)."""
        found: dict[str, list[str]] = defaultdict(list)
        for item in items:
            where = self._where(item)
            if where is None:
                continue
            arrays, at = where
            for profile in dict.fromkeys(profiles):
                posting = arrays.postings.get(profile)
                if posting is not None and holds(posting, at):
                    found[item].append(profile)
        return found

    def candidate(self, item: str) -> Candidate | None:
        """``item`` as a candidate matching no profile (found by its words)."""
        return None if self._where(item) is None else self._candidate(item, 0.0, 0)

    def _candidate(self, item: str, match: float, matched: int) -> Candidate:
        where = self._where(item)
        assert where is not None
        arrays, at = where
        return Candidate(
            item, match, matched, round(float(arrays.breadth[at])), float(arrays.focus[at])
        )


_INDEX = Maintained(CandidateIndex)


def candidate_index(store: Store) -> CandidateIndex:
    """The candidate index of ``store``'s current content (patched per change)."""
    return _INDEX.get(store)
