"""The guide of a co-production schema: its tree in order, and each task with its ranked,
explained recommendations and filters."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, g, request

from interlink_kg.errors import InterlinkKGError, NotFoundError
from interlink_kg.finding import recommendations as ranking
from interlink_kg.finding.browse import facet_labels
from interlink_kg.finding.catalogue import list_schemas, schema_tree
from interlink_kg.finding.warmer import task_key
from interlink_kg.model.catalogue import SchemaNode
from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.pages import render_page
from interlink_kg.web.state import state

TASK_FILTERS = ("kind", "language", "audience")


def schemas() -> Response:
    lang = g.lang
    return render_page(
        "schemas.html",
        title=_("Co-production guides"),
        schemas=list_schemas(state().store, lang=lang),
    )


def schema(identifier: str) -> Response:
    tree = schema_tree(state().store, identifier, lang=g.lang)
    return render_page("schema.html", title=tree.title or identifier, tree=tree)


def _find(tree: SchemaNode, task_id: str) -> tuple[SchemaNode, SchemaNode, SchemaNode] | None:
    for phase in tree.children:
        for objective in phase.children:
            for task in objective.children:
                if task.id == task_id:
                    return phase, objective, task
    return None


def task(schema_id: str, task_id: str) -> Response:
    s = state()
    lang = g.lang
    tree = schema_tree(s.store, schema_id, lang=lang)
    found = _find(tree, task_id)
    if found is None:
        raise NotFoundError(f"no task {task_id!r} in schema {schema_id!r}")
    phase, objective, node = found
    chosen = {f: request.args[f] for f in TASK_FILTERS if request.args.get(f)}
    error = None
    try:
        filters = ranking.Filters(**chosen)
        result = s.answers.get(
            task_key(schema_id, task_id, lang, ranking.DEFAULT_LIMIT, filters),
            lambda: ranking.for_task(
                s.store, s.settings.base_iri, schema_id, task_id, lang=lang, filters=filters
            ),
        )
        items = list(result.items)
    except InterlinkKGError as problem:
        items, error = [], problem.message
    labels = facet_labels(s.store, lang)
    options = {
        "kind": sorted(labels["kind"].items(), key=lambda kv: kv[1]),
        "language": [(code, labels["language"][code]) for code in SUPPORTED_LANGUAGES],
        "audience": sorted(labels["target"].items(), key=lambda kv: kv[1]),
    }
    return render_page(
        "task.html",
        title=node.title or task_id,
        tree=tree,
        phase=phase,
        objective=objective,
        task=node,
        items=items,
        error=error,
        chosen=chosen,
        options=options,
        filter_titles={"kind": _("Kind"), "language": _("Available in"), "audience": _("For")},
        clear=request.path + ("?" + urlencode({"lang": lang})),
    )
