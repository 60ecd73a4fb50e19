"""What teams did, as the ranking reads it: the registry of use and the ratings, kept in memory.

The co-production side publishes them as one graph of aggregates, rewritten whole after each
write with a new usage stamp (``coproduction/publication.py``): per INTERLINKER and schema task
the teams that selected it (``ilk:UsageSummary``), per INTERLINKER the number and mean of its
ratings. Their size follows what teams did, not the catalogue, so they are read whole once per
stamp (content or usage, :func:`~interlink_kg.store.generation.latest_generation`) instead of
being asked for per recommendation: on a SPARQL server each question cost a round trip and a
walk of every schema task's problems (5 ms at 100k INTERLINKERs). Which tasks raise which
profiles comes from :mod:`interlink_kg.finding.schema_tasks`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from interlink_kg.finding.cache import PerGeneration
from interlink_kg.finding.schema_tasks import schema_tasks
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation


@dataclass(frozen=True)
class Uses:
    """Teams that selected an INTERLINKER for the task itself (``same``) and for other tasks
    raising one of the asked problem profiles (``related``)."""

    same: int = 0
    related: int = 0


@dataclass(frozen=True)
class Ratings:
    count: int = 0
    average: float = 0.0


NO_USES = Uses()
NO_RATINGS = Ratings()


def _number(text: str | None) -> float | None:
    """The finite number ``text`` spells (a literal's lexical form), else None: a malformed
    aggregate is left out rather than failing every recommendation."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


class UseFigures:
    """The published usage summaries and ratings of one store, as read at one stamp."""

    def __init__(self, store: Store) -> None:
        # task -> summaries of it, as (summary IRI, INTERLINKER, teams)
        self._by_task: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for summary, item, task, teams in store.select_values(query("usage-summaries")):
            selected = _number(teams)
            if summary and item and task and selected is not None:
                self._by_task[task].append((summary, item, int(selected)))
        self._store = store
        self._ratings: dict[str, Ratings] = {}
        for item, ratings, average in store.select_values(query("rating-aggregates")):
            n, mean = _number(ratings), _number(average)
            if item and n is not None and mean is not None:
                self._ratings[item] = Ratings(int(n), mean)

    def uses(self, task: str | None, problems: Iterable[str]) -> dict[str, Uses]:
        """Per INTERLINKER, the teams that selected it for ``task`` and for the other schema
        tasks raising one of ``problems`` (on the task or its objective); without a task (a
        free set of problem profiles) every task counts as other. INTERLINKERs with none are
        left out."""
        same: dict[str, int] = defaultdict(int)
        related: dict[str, int] = defaultdict(int)
        if task is not None:
            for _, item, teams in self._by_task.get(task, ()):
                same[item] += teams
        # The tasks as the content is now (their own stamp), not as when these were read.
        others = schema_tasks(self._store).raising(problems) - {task}
        seen: set[str] = set()
        for other in sorted(others):
            for summary, item, teams in self._by_task.get(other, ()):
                if summary not in seen:  # a summary counts once, whatever matched it
                    seen.add(summary)
                    related[item] += teams
        return {item: Uses(same.get(item, 0), related.get(item, 0)) for item in {*same, *related}}

    def ratings(self, item: str) -> Ratings:
        return self._ratings.get(item, NO_RATINGS)


_FIGURES = PerGeneration(UseFigures, latest_generation)


def use_figures(store: Store) -> UseFigures:
    """The registry of use and the ratings of ``store`` as they are now."""
    return _FIGURES.get(store)
