"""The guide of a process: what a team reads first.

Its tree in order with status and progress; for every task its top recommendations (the
catalogue's ranking, explained) and the INTERLINKERs already selected for it; and the next
tasks to work on (enabled, not done, prerequisites satisfied).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import URIRef

from interlink_kg.finding.catalogue import summaries
from interlink_kg.finding.ranking import RecommendationList
from interlink_kg.model.labels import pick
from interlink_kg.model.processes import (
    Item,
    Process,
    Selection,
    item_iri,
    selection_iri,
    utc_text,
)
from interlink_kg.store.base import Store

# (process, task, language) -> the task's recommendations (None: nothing to rank it by)
Recommender = Callable[[Process, Item, str], RecommendationList | None]
DEFAULT_GUIDE_LIMIT = 3  # recommendations per task in the guide


def selection_dict(
    process: Process,
    selection: Selection,
    base_iri: str,
    titles: dict[str, tuple[str | None, str]],
    *,
    with_user: bool,
) -> dict[str, Any]:
    title, identifier = titles.get(selection.interlinker, (None, selection.interlinker))
    out: dict[str, Any] = {
        "id": selection.id,
        "iri": str(selection_iri(base_iri, process.id, selection.task, selection.id)),
        "task": selection.task,
        "interlinker": {"id": identifier, "iri": selection.interlinker, "title": title},
        "team": selection.team,
        "note": selection.note,
        "started": utc_text(selection.started),
        "ended": utc_text(selection.ended) if selection.ended else None,
    }
    if with_user:
        out["user"] = selection.user
    return out


def interlinker_titles(
    store: Store, process: Process, lang: str
) -> dict[str, tuple[str | None, str]]:
    """IRI -> (title in ``lang``, id) for every INTERLINKER the process selected."""
    used = sorted({s.interlinker for s in process.selections})
    found = summaries(store, [URIRef(i) for i in used], lang)
    return {s.iri: (s.title, s.id) for s in found}


def item_dict(process: Process, item: Item, base_iri: str, lang: str) -> dict[str, Any]:
    title, title_lang = pick(dict(item.titles), lang)
    description, _ = pick(dict(item.descriptions), lang)
    return {
        "id": item.id,
        "iri": str(item_iri(base_iri, process.id, item.id)),
        "level": item.level,
        "title": title,
        "title_language": title_lang,
        "description": description,
        "order": item.order,
        "derived_from": item.derived_from,
        "custom": item.custom,
        "prerequisites": list(item.prerequisites),
        "problem_profiles": list(item.problem_profiles),
        "disabled": item.disabled,
        "disabled_by_parent": process.disabled(item) and not item.disabled,
        "start": item.start.isoformat() if item.start else None,
        "end": item.end.isoformat() if item.end else None,
        **process.progress(item).to_dict(),
    }


def build_guide(
    process: Process,
    store: Store,
    base_iri: str,
    lang: str,
    recommend: Recommender,
    *,
    limit: int = DEFAULT_GUIDE_LIMIT,
    with_users: bool = False,
) -> dict[str, Any]:
    titles = interlinker_titles(store, process, lang)

    def task_entry(task: Item) -> dict[str, Any]:
        entry = item_dict(process, task, base_iri, lang)
        ranked = recommend(process, task, lang)
        entry["recommendations"] = (
            [r.to_dict() for r in ranked.items[:limit]] if ranked is not None else []
        )
        entry["selected"] = [
            selection_dict(process, s, base_iri, titles, with_user=with_users)
            for s in process.selected_for(task.id)
        ]
        return entry

    phases = []
    for phase in process.children(None):
        objectives = []
        for objective in process.children(phase.id):
            entry = item_dict(process, objective, base_iri, lang)
            entry["tasks"] = [task_entry(t) for t in process.children(objective.id)]
            objectives.append(entry)
        phases.append({**item_dict(process, phase, base_iri, lang), "objectives": objectives})
    next_tasks = []
    for task in process.suggested():
        parent = process.item(task.parent) if task.parent else None
        entry = item_dict(process, task, base_iri, lang)
        entry["objective"] = parent.id if parent else None
        entry["phase"] = parent.parent if parent else None
        next_tasks.append(entry)
    return {
        "process": {
            "id": process.id,
            "iri": f"{base_iri}processes/{process.id}",
            "title": process.title,
            "schema": process.schema_id,
            "visibility": process.visibility,
            "language": process.language,
        },
        "language": lang,
        "progress": process.progress().to_dict(),
        "next_tasks": next_tasks,
        "phases": phases,
    }


def process_dict(
    process: Process, store: Store, base_iri: str, lang: str, *, with_users: bool
) -> dict[str, Any]:
    """A process as JSON: its settings, progress, items in tree order and selections."""
    titles = interlinker_titles(store, process, lang)
    ordered: list[Item] = []

    def walk(parent: str | None) -> None:
        for child in process.children(parent):
            ordered.append(child)
            walk(child.id)

    walk(None)
    out: dict[str, Any] = {
        "id": process.id,
        "iri": f"{base_iri}processes/{process.id}",
        "title": process.title,
        "schema": process.schema_id,
        "schema_iri": process.schema_iri,
        "teams": list(process.teams),
        "visibility": process.visibility,
        "language": process.language,
        "created": utc_text(process.created),
        "modified": utc_text(process.modified),
        "progress": process.progress().to_dict(),
        "items": [{**item_dict(process, i, base_iri, lang), "parent": i.parent} for i in ordered],
        "selections": [
            selection_dict(process, s, base_iri, titles, with_user=with_users)
            for s in process.selections
        ],
        "service": f"{base_iri}processes/{process.id}/service" if process.service else None,
    }
    if with_users:
        out["creator"] = process.creator
    return out
