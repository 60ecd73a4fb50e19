"""The arrays a candidate index is made of (:mod:`interlink_kg.finding.candidates`): for some
INTERLINKERs (every one, or those a change touched), each profile's posting (the sorted
positions of those addressing it), each facet value's positions, and each one's breadth and
focus; and the best of them by ``match * focus`` for weighted profiles, over the whole arrays
breadth by breadth (:meth:`Arrays.best`, :mod:`interlink_kg.finding.breadth_groups`) or among
the few positions a filter lets pass (:meth:`Arrays.best_among`).
Pure NumPy over what three queries read; no state but the masks kept per facet value.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from interlink_kg.finding import scatter
from interlink_kg.finding.breadth_groups import BreadthGroups
from interlink_kg.finding.sorted_positions import located
from interlink_kg.finding.top import best_first, likely_best
from interlink_kg.queries import query
from interlink_kg.store.base import Store

# The hard filters the index applies: those by notation (kind, licence category, difficulty,
# purpose), the language by IRI, and the target group by IRI with its broader and narrower
# groups; and whether an INTERLINKER has an identifier (IDENTIFIED: only those are recommended).
FACETS = ("kind", "licence", "difficulty", "purpose", "language", "target", "identified")
IDENTIFIED = {"identified": "yes"}
Positions = npt.NDArray[np.int32]

# Positions checked against a facet value: from MASKED_FROM of them (and a 256th of the
# arrays' positions) on, against a mask of the value, else by binary searches. Masks are kept
# per set of arrays, a byte per INTERLINKER each, MASK_BYTES in all at most (the last values
# asked for: 32 masks at 1M INTERLINKERs). A profile's posting is read against a mask of the
# positions scored when it holds at most GATHERED_UP_TO times as many.
MASKED_FROM = 512
# The best by profile are found breadth by breadth (finding/breadth_groups.py) from so many
# INTERLINKERs on; below, one sum over the whole arrays costs less (measured with NumPy: at
# 100k 0.52 against 0.66 ms, at 300k 1.52 against 0.86, at 1M 5.10 against 2.64).
GROUPED_FROM = 150_000
MASK_BYTES = 32 * 2**20
GATHERED_UP_TO = 32


def holds(positions: Positions, at: int) -> bool:
    """Whether the sorted ``positions`` hold ``at``. (The key is given in the array's own type:
    a Python int would have NumPy cast the whole array to int64 first, a copy per call that
    made this O(N): 0.2 ms at 1M INTERLINKERs, some 180 calls per recommendation.)"""
    found = int(np.searchsorted(positions, positions.dtype.type(at)))
    return found < len(positions) and int(positions[found]) == at


def _held_among(
    positions: Positions, among: Positions, inside: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.bool_]:
    """:func:`_held` for ``among``, whose mask over every position is ``inside``: when
    ``positions`` are not many more, reading each of them against the mask costs less than a
    binary search for each of ``among``."""
    if inside is None or len(positions) > GATHERED_UP_TO * len(among):
        return _held(positions, among)
    held = np.zeros(len(among), dtype=np.bool_)
    held[np.searchsorted(among, positions[inside[positions]])] = True
    return held


def _held(positions: Positions, at: Positions) -> npt.NDArray[np.bool_]:
    """For each of ``at``, whether the sorted ``positions`` hold it: one binary search for all,
    in NumPy (``at`` of the same type: no copy of ``positions``)."""
    return located(positions, at)[0]


class Arrays:
    """Postings and filter positions of some INTERLINKERs: all of them, or those a change
    touched (``items``); positions follow the IRIs' code-point order, as SPARQL's."""

    def __init__(self, store: Store, items: Sequence[str] | None = None) -> None:
        bound = {"item": [URIRef(i) for i in items]} if items is not None else None
        addressed: dict[str, set[str]] = defaultdict(set)
        for item, problem in store.select_values(query("candidate-postings", bound)):
            if item is not None and problem is not None:
                addressed[item].add(problem)
        self.items: tuple[str, ...] = tuple(sorted(addressed))
        self.position = {item: i for i, item in enumerate(self.items)}
        self.breadth = np.array([len(addressed[i]) for i in self.items], dtype=np.float64)
        self.focus = 2.0 / (1.0 + self.breadth)
        postings: dict[str, list[int]] = defaultdict(list)
        for number, item in enumerate(self.items):  # positions ascending
            for problem in addressed[item]:
                postings[problem].append(number)
        self.postings = {p: np.array(a, dtype=np.int32) for p, a in postings.items()}
        values: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        for item, facet, value in store.select_values(query("candidate-facets", bound)):
            found_at = self.position.get(item or "")
            if found_at is not None and facet in values and value is not None:
                values[facet][value].append(found_at)
        self.facets = {
            facet: {v: np.unique(np.array(a, dtype=np.int32)) for v, a in found.items()}
            for facet, found in values.items()
        }
        self._masks: OrderedDict[tuple[str, str], npt.NDArray[np.bool_]] = OrderedDict()
        self._masks_lock = threading.Lock()
        self.groups = (
            BreadthGroups(self.breadth, self.focus, self.postings)
            if len(self.items) >= GROUPED_FROM
            else None
        )

    def best(
        self,
        profiles: Sequence[tuple[str, float]],
        df: Mapping[str, int],
        keep: npt.NDArray[np.bool_] | None,
        limit: int,
    ) -> list[tuple[float, str, float, int]]:
        """(-score, item, match, matched) of the ``limit`` best among the positions ``keep``
        allows (None: all), best first, ties to the smaller IRI."""
        used = self._used(profiles, df)
        if not used or not self.items:
            return []
        distinct = list(dict.fromkeys(p for p, _ in used))  # a profile given twice matches once
        positive = all(s > 0 for _, s in used)
        if positive and self.groups is not None:
            # Every INTERLINKER addressing one of them scores above 0, and only those: the
            # best are found breadth by breadth, the focused first, the broader ones only
            # while they can still reach the best found (finding/breadth_groups.py).
            best, scores, match = self.groups.best([(p, s / df[p]) for p, s in used], keep, limit)
        else:
            size = len(self.items)
            match = scatter.summed(
                [(self.postings[p], None) for p, _ in used], [s / df[p] for p, s in used], size
            )
            scores = match * self.focus
            if positive:
                # The same INTERLINKERs score above 0: the best are among the few above a
                # guessed threshold (top.likely_best). A filter multiplies (far cheaper than
                # assigning through a mask).
                chosen = likely_best(scores if keep is None else scores * keep, limit)
            else:
                addressing = np.zeros(size, dtype=np.bool_)
                for problem in distinct:
                    addressing[self.postings[problem]] = True
                chosen = np.flatnonzero(addressing if keep is None else addressing & keep)
            best = chosen[best_first(chosen, scores[chosen], limit)]
            scores, match = scores[best], match[best]
        matched = self._matched(best, distinct)
        return [
            (-float(score), self.items[at], float(found), int(count))
            for at, score, found, count in zip(best, scores, match, matched, strict=True)
        ]

    def best_among(
        self,
        profiles: Sequence[tuple[str, float]],
        df: Mapping[str, int],
        among: Positions,
        limit: int,
    ) -> list[tuple[float, str, float, int]]:
        """:meth:`best` among the sorted positions ``among`` only (a filter few pass): each
        profile's posting searched for them, or read against a mask of them when it is not much
        longer (then the one array as long as the catalogue). The same
        sums in the same order as :meth:`best`, so the same scores to the last bit."""
        used = self._used(profiles, df)
        if not used or len(among) == 0:
            return []
        match = np.zeros(len(among), dtype=np.float64)
        distinct = list(dict.fromkeys(p for p, _ in used))
        inside = None
        if any(len(self.postings[p]) <= GATHERED_UP_TO * len(among) for p in distinct):
            inside = np.zeros(len(self.items), dtype=np.bool_)
            inside[among] = True
        held = {p: _held_among(self.postings[p], among, inside) for p in distinct}
        for problem, strength in used:
            match[held[problem]] += strength / df[problem]
        scores = match * self.focus[among]
        if all(s > 0 for _, s in used):
            chosen = np.flatnonzero(scores > 0)
        else:
            chosen = np.flatnonzero(np.logical_or.reduce(list(held.values())))
        best = chosen[best_first(among[chosen], scores[chosen], limit)]
        at = among[best].astype(np.intp)
        matched = self._matched(at, list(held))
        return [
            (-float(scores[n]), self.items[a], float(match[n]), int(count))
            for n, a, count in zip(best, at, matched, strict=True)
        ]

    def _used(
        self, profiles: Sequence[tuple[str, float]], df: Mapping[str, int]
    ) -> list[tuple[str, float]]:
        """The weighted profiles these arrays score: those some INTERLINKER here addresses and
        some anywhere does (df), in the order given, a profile given twice kept twice."""
        return [(p, s) for p, s in profiles if p in self.postings and df.get(p)]

    def narrowed(self, filters: Mapping[str, Iterable[str]], most: int) -> Positions | None:
        """The sorted positions passing ``filters`` when the facet fewest hold holds at most
        ``most`` (searched for in the others' arrays); else None."""
        narrowest: tuple[str, list[Positions]] | None = None
        for facet, values in filters.items():
            arrays = [a for v in values if (a := self.facets[facet].get(v)) is not None]
            if narrowest is None or sum(map(len, arrays)) < sum(map(len, narrowest[1])):
                narrowest = (facet, arrays)
        if narrowest is None or sum(map(len, narrowest[1])) > most:
            return None
        start, arrays = narrowest
        if not arrays:
            return np.zeros(0, dtype=np.int32)
        at = arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
        return at[self.passing(at, {f: v for f, v in filters.items() if f != start})]

    def _matched(self, positions: npt.NDArray[np.intp], problems: Sequence[str]) -> list[int]:
        """How many of ``problems`` each of ``positions`` addresses."""
        counts = np.zeros(len(positions), dtype=np.int64)
        for problem in problems:
            posting = self.postings[problem]
            counts += located(posting, positions.astype(posting.dtype))[0]  # no int64 copy
        return [int(c) for c in counts]

    def fitting(self, filters: Mapping[str, Iterable[str]]) -> npt.NDArray[np.bool_]:
        """A mask of the positions holding, for every facet, one of its values: read-only,
        the mask kept for the value when one facet and one value are asked for (the usual
        filter: no pass over the catalogue)."""
        mask: npt.NDArray[np.bool_] | None = None
        for facet, values in filters.items():
            passing: npt.NDArray[np.bool_] | None = None
            for value in values:
                found = self._value_mask(facet, value)
                if found is not None:
                    passing = found if passing is None else passing | found
            if passing is None:
                passing = np.zeros(len(self.items), dtype=np.bool_)
            mask = passing if mask is None else mask & passing
        if mask is None:
            mask = np.ones(len(self.items), dtype=np.bool_)
        mask.flags.writeable = False
        return mask

    def passing(self, at: Positions, filters: Mapping[str, Iterable[str]]) -> npt.NDArray[np.bool_]:
        """For each of the positions ``at``, whether it holds, for every facet, one of its
        values."""
        mask = np.ones(len(at), dtype=np.bool_)
        for facet, values in filters.items():
            passing = np.zeros(len(at), dtype=np.bool_)
            for value in values:
                if len(at) >= max(MASKED_FROM, len(self.items) // 256):
                    found = self._value_mask(facet, value)
                    if found is not None:
                        passing |= found[at]
                    continue
                positions = self.facets[facet].get(value)
                if positions is not None:
                    passing |= _held(positions, at)
            mask &= passing
        return mask

    def _value_mask(self, facet: str, value: str) -> npt.NDArray[np.bool_] | None:
        """A mask of the positions holding ``value`` of ``facet`` (None: none does), made on
        first use and kept, read-only (the last asked for, :data:`MASK_BYTES` in all)."""
        key = (facet, value)
        with self._masks_lock:
            found = self._masks.get(key)
            if found is not None:
                self._masks.move_to_end(key)
                return found
        positions = self.facets[facet].get(value)
        if positions is None:
            return None
        mask = np.zeros(len(self.items), dtype=np.bool_)
        mask[positions] = True
        mask.flags.writeable = False
        kept = max(1, MASK_BYTES // max(1, len(self.items)))
        with self._masks_lock:
            self._masks[key] = mask
            while len(self._masks) > kept:
                self._masks.popitem(last=False)
        return mask
