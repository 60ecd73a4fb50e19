"""Recommendations for a task of a process, through the answer cache (the guide's and the
pages' one source): a copied task is ranked as its schema task, a team's own task by its
problem profiles, and a task without either gets none."""

from __future__ import annotations

from interlink_kg.finding import recommendations as ranking
from interlink_kg.finding import untasked
from interlink_kg.finding.ranking import RecommendationList
from interlink_kg.finding.warmer import task_key
from interlink_kg.model.processes import Item, Process
from interlink_kg.web.state import state


def recommend_for(process: Process, task: Item, lang: str) -> RecommendationList | None:
    s = state()
    base = s.settings.base_iri
    filters = ranking.Filters()
    found: RecommendationList
    if task.derived_from:
        found = s.answers.get(
            task_key(process.schema_id, task.id, lang, ranking.DEFAULT_LIMIT, filters),
            lambda: ranking.for_task(
                s.store, base, process.schema_id, task.id, lang=lang, filters=filters
            ),
        )
        return found
    if task.problem_profiles:
        ids = sorted(p.rsplit("/", 1)[-1] for p in task.problem_profiles)
        found = s.answers.get(
            ("profiles", tuple(ids), lang, ranking.DEFAULT_LIMIT),
            lambda: untasked.for_profiles(s.store, base, ids, lang=lang),
        )
        return found
    return None
