"""The candidates of a recommendation, chosen in memory from arrays kept per catalogue generation.

Choosing the best INTERLINKERs by ``match * focus`` in SPARQL walks every INTERLINKER that
addresses one of the task's profiles: at 100k INTERLINKERs tens of thousands of rows, grouped
and sorted for each request (about 400 ms). Here the same choice is a sum over posting arrays
(for each profile, the positions of the INTERLINKERs addressing it), a mask per hard filter and
a partial sort, in NumPy: a few milliseconds at that size. Only the chosen candidates go to the
store, for their preferences (``recommend-preferences.rq``).

The arrays are read from the store with four queries, as plain text (``select_values``), when
the catalogue's content generation changes (:mod:`interlink_kg.store.generation`), like the
search index and the page keys; a second worker process builds its own. The scores are those
the SPARQL ranking computed: ``match`` sums ``strength / df`` over the matched profiles (df
from the statistics graph), ``focus = 2 / (1 + breadth)``, ties go to the smaller IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from interlink_kg.finding.bm25 import best_first
from interlink_kg.finding.per_generation import PerGeneration
from interlink_kg.queries import query
from interlink_kg.store.base import Store

# The hard filters the index applies: those by notation (kind, licence category, difficulty,
# purpose), the language by IRI, and the target group by IRI with its broader and narrower
# groups.
FACETS = ("kind", "licence", "difficulty", "purpose", "language", "target")
Positions = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Candidate:
    item: str  # IRI
    match: float  # sum of strength / df over the matched profiles
    matched: int  # how many of the given profiles it addresses
    breadth: int  # how many profiles it addresses
    focus: float


def _holds(positions: Positions, at: int) -> bool:
    """Whether the sorted ``positions`` hold ``at``."""
    found = int(np.searchsorted(positions, at))
    return found < len(positions) and int(positions[found]) == at


class CandidateIndex:
    """The arrays of one catalogue generation."""

    def __init__(self, store: Store) -> None:
        breadths: dict[str, float] = {}
        for item, breadth in store.select_values(query("candidate-items")):
            if item is not None and breadth is not None:
                breadths[item] = float(breadth)
        self.items: tuple[str, ...] = tuple(sorted(breadths))  # code-point order, as SPARQL's
        self._position = {item: i for i, item in enumerate(self.items)}
        self.breadth = np.array([breadths[i] for i in self.items], dtype=np.float64)
        self.focus = 2.0 / (1.0 + self.breadth)

        postings: dict[str, list[int]] = defaultdict(list)
        self._df: dict[str, float] = {}
        for problem, df, item in store.select_values(query("candidate-postings")):
            at = self._position.get(item or "")
            if at is None or problem is None or df is None:
                continue
            postings[problem].append(at)
            self._df[problem] = float(df)
        self._postings = {p: np.unique(np.array(a, dtype=np.int32)) for p, a in postings.items()}

        values: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        for item, facet, value in store.select_values(query("candidate-facets")):
            at = self._position.get(item or "")
            if at is not None and facet in values and value is not None:
                values[facet][value].append(at)
        self._facets = {
            facet: {v: np.unique(np.array(a, dtype=np.int32)) for v, a in found.items()}
            for facet, found in values.items()
        }
        self._broader: dict[str, set[str]] = defaultdict(set)
        self._narrower: dict[str, set[str]] = defaultdict(set)
        for concept, broader in store.select_values(query("concept-broader")):
            if concept is not None and broader is not None:
                self._broader[concept].add(broader)
                self._narrower[broader].add(concept)

    def __len__(self) -> int:
        return len(self.items)

    def _closure(self, start: str, links: Mapping[str, set[str]]) -> set[str]:
        seen = {start}
        todo = [start]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _fitting(self, facet: str, value: str) -> Iterable[Positions]:
        found = self._facets[facet]
        if facet != "target":
            return [found[value]] if value in found else []
        # The group asked for, its broader groups and its narrower ones (skos:broader* both
        # ways, as the preferences query reads an audience).
        groups = self._closure(value, self._broader) | self._closure(value, self._narrower)
        return [found[g] for g in sorted(groups) if g in found]

    def allowed(self, filters: Mapping[str, str]) -> npt.NDArray[np.bool_]:
        """A mask of the INTERLINKERs that pass every hard filter (``facet -> value``)."""
        mask = np.ones(len(self.items), dtype=np.bool_)
        for facet, value in filters.items():
            passing = np.zeros(len(self.items), dtype=np.bool_)
            for positions in self._fitting(facet, value):
                passing[positions] = True
            mask &= passing
        return mask

    def best(
        self,
        profiles: Sequence[tuple[str, float]],
        filters: Mapping[str, str],
        limit: int,
    ) -> list[Candidate]:
        """The ``limit`` best INTERLINKERs by ``match * focus`` for weighted profiles
        (``(IRI, strength)``) among those passing ``filters``; ties to the smaller IRI."""
        used = [(p, s) for p, s in profiles if p in self._postings]
        if not used or not self.items:
            return []
        size = len(self.items)
        positions = np.concatenate([self._postings[p] for p, _ in used])
        weights = np.concatenate(
            [np.full(len(self._postings[p]), s / self._df[p]) for p, s in used]
        )
        match = np.bincount(positions, weights=weights, minlength=size)
        distinct = dict.fromkeys(p for p, _ in used)  # a profile given twice matches once
        matched = np.bincount(np.concatenate([self._postings[p] for p in distinct]), minlength=size)
        keep = matched > 0
        if filters:
            keep &= self.allowed(filters)
        chosen = np.flatnonzero(keep)
        best = chosen[best_first(chosen, match[chosen] * self.focus[chosen], limit)]
        return [self._candidate(int(at), float(match[at]), int(matched[at])) for at in best]

    def passing(self, items: Iterable[str], filters: Mapping[str, str]) -> list[str]:
        """The INTERLINKERs of ``items`` the index knows that pass ``filters``, in order (a
        binary search per item and filter: no mask over the whole catalogue for a few)."""
        fitting = {facet: list(self._fitting(facet, value)) for facet, value in filters.items()}
        return [
            item
            for item in items
            if (at := self._position.get(item)) is not None
            and all(any(_holds(p, at) for p in arrays) for arrays in fitting.values())
        ]

    def addressed(self, items: Sequence[str], profiles: Sequence[str]) -> dict[str, list[str]]:
        """For each of ``items``, which of ``profiles`` it addresses (in the given order)."""
        positions = {item: self._position[item] for item in items if item in self._position}
        found: dict[str, list[str]] = defaultdict(list)
        if not positions:
            return found
        wanted = np.array(sorted(positions.values()), dtype=np.int32)
        by_position = {at: item for item, at in positions.items()}
        for profile in dict.fromkeys(profiles):
            posting = self._postings.get(profile)
            if posting is None:
                continue
            hits = np.minimum(np.searchsorted(posting, wanted), len(posting) - 1)
            for at in wanted[posting[hits] == wanted]:
                found[by_position[int(at)]].append(profile)
        return found

    def candidate(self, item: str) -> Candidate | None:
        """``item`` as a candidate matching no profile (found by its words)."""
        at = self._position.get(item)
        return None if at is None else self._candidate(at, 0.0, 0)

    def _candidate(self, at: int, match: float, matched: int) -> Candidate:
        return Candidate(
            self.items[at], match, matched, round(float(self.breadth[at])), float(self.focus[at])
        )


_INDEX = PerGeneration(CandidateIndex)


def candidate_index(store: Store) -> CandidateIndex:
    """The candidate index of ``store``'s current content generation."""
    return _INDEX.get(store)
