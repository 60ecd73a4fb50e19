"""The SPARQL page for browsers: an editor with the example queries of ``docs/sparql``, results
as a table (or the graph as Turtle), and links to download them in every format."""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlencode

from flask import Response

from interlink_kg import resources
from interlink_kg.errors import InterlinkKGError
from interlink_kg.sparql.formats import BY_KIND
from interlink_kg.sparql.worker import QueryJob
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.pages import render_page
from interlink_kg.web.state import state

MAX_ROWS_SHOWN = 500
FALLBACK_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"


@cache
def examples() -> tuple[tuple[str, str, str], ...]:
    """(name, what it asks, query text) of each example query."""
    out = []
    for path in sorted(resources.sparql_examples_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        out.append((path.stem, title, text))
    return tuple(out)


def page(text: str | None) -> Response:
    context: dict[str, Any] = {
        "query": text
        or (examples()[0][2] if examples() else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
        "examples": [
            {"name": n, "title": t, "href": "/sparql?" + urlencode({"query": q})}
            for n, t, q in examples()
        ],
        "columns": [],
        "rows": [],
        "boolean": None,
        "graph": None,
        "error": None,
        "downloads": [],
        "truncated": 0,
    }
    status = 200
    if text:
        job = QueryJob(
            query=text,
            media={kind: formats[0].media_type for kind, formats in BY_KIND.items()},
            default_graphs=None,
            named_graphs=None,
        )
        try:
            with state().expensive.slot():
                media_type, body = state().sparql.query(job)
            _show(context, media_type, body)
            kinds = BY_KIND["graph"] if context["graph"] is not None else BY_KIND["select"]
            names = [_format_name(f.aliases) for f in kinds]
            context["downloads"] = [
                (name, "/sparql?" + urlencode({"query": text, "format": name})) for name in names
            ]
        except InterlinkKGError as error:
            context["error"] = error.message
            status = error.status
    return render_page(
        "sparql.html", title=_("Query the catalogue with SPARQL"), status=status, **context
    )


def _show(context: dict[str, Any], media_type: str, body: bytes) -> None:
    if media_type.startswith("application/sparql-results+json"):
        data = json.loads(body)
        if "boolean" in data:
            context["boolean"] = bool(data["boolean"])
            return
        columns = list(data.get("head", {}).get("vars", []))
        bindings = data.get("results", {}).get("bindings", [])
        context["columns"] = columns
        context["truncated"] = max(0, len(bindings) - MAX_ROWS_SHOWN)
        context["rows"] = [[row.get(c) for c in columns] for row in bindings[:MAX_ROWS_SHOWN]]
    else:
        context["graph"] = body.decode("utf-8", "replace")


def _format_name(aliases: tuple[str, ...]) -> str:
    """The short ``format=`` name among a result format's aliases (``json``, ``csv``...)."""
    return next((a for a in aliases if "/" not in a), aliases[0])
