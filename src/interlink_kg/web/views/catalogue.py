"""The home page, the catalogue (search with facets) and an INTERLINKER's page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from flask import Response, g, request
from rdflib import Literal, URIRef

from interlink_kg.finding import untasked
from interlink_kg.finding.browse import facet_labels, interlinker_view, recent
from interlink_kg.finding.catalogue import describe, list_schemas, summaries
from interlink_kg.finding.search import FACETS, SearchRequest
from interlink_kg.model import iris
from interlink_kg.model.catalogue import page_count
from interlink_kg.model.labels import pick
from interlink_kg.queries import query
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.negotiation import RDF_FORMATS
from interlink_kg.web.pages import render_page
from interlink_kg.web.state import state

PER_PAGE = 20
MOST_SHOWN = 10  # the most frequent problem profiles in the results (45 in all)
FACET_TITLES = {
    "kind": "Kind",
    "purpose": "Purpose",
    "group": "Problem area",
    "problem_profile": "Problem profile",
    "licence": "Licence",
    "language": "Language",
    "target": "For",
    "difficulty": "Difficulty",
}
FACT_TITLES = {
    "kind": "Kind",
    "purpose": "Purpose",
    "licence": "Licence",
    "languages": "Languages",
    "target": "For",
    "difficulty": "Difficulty",
    "scope": "Administrative scope",
    "form": "Form",
    "opened_with": "Opened with",
}


def home() -> Response:
    s = state()
    lang = g.lang
    labels = facet_labels(s.store, lang)
    return render_page(
        "home.html",
        title=_("Find the right tool for co-producing a public service"),
        purposes=sorted(labels["purpose"].items()),
        schemas=list_schemas(s.store, lang=lang),
        recent=recent(s.store, lang),
    )


def _href(args: dict[str, str]) -> str:
    return "/interlinkers?" + urlencode(args) if args else "/interlinkers"


def search() -> Response:
    s = state()
    lang = g.lang
    text = request.args.get("q", "").strip()[:200]
    filters = {f: request.args[f] for f in FACETS if request.args.get(f)}
    raw_page = request.args.get("page", "1")
    digits = raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 6
    number = int(raw_page) if digits and int(raw_page) > 0 else 1
    found = s.search.search(SearchRequest(text, filters, number, PER_PAGE))
    items = [iris.absolute(s.settings.base_iri, iris.interlinker(i)) for i in found.ids]
    results = summaries(s.store, list(items), lang)
    labels = facet_labels(s.store, lang)
    current = {k: v for k, v in request.args.items() if k in {"q", *FACETS} and v}
    facets = []
    for facet in (
        "kind",
        "purpose",
        "group",
        "problem_profile",
        "language",
        "licence",
        "target",
        "difficulty",
    ):
        counts = found.facets.get(facet, {})
        if not counts:
            continue
        values = []
        for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            chosen = filters.get(facet) == value
            args = {k: v for k, v in current.items() if k != facet}
            if not chosen:
                args[facet] = value
            values.append(
                {
                    "label": labels.get(facet, {}).get(value, value),
                    "count": count,
                    "href": _href(args),
                    "chosen": chosen,
                }
            )
        shown = values if facet != "problem_profile" or facet in filters else values[:MOST_SHOWN]
        facets.append({"name": facet, "title": _(FACET_TITLES[facet]), "options": shown})
    descriptions = _snippets(results, lang)
    pages = page_count(found.total, PER_PAGE)
    page_links = {
        "prev": _href({**current, "page": str(number - 1)}) if number > 1 else None,
        "next": _href({**current, "page": str(number + 1)}) if number < pages else None,
    }
    active = [
        {
            "title": _(FACET_TITLES[f]),
            "label": labels.get(f, {}).get(v, v),
            "remove": _href({k: x for k, x in current.items() if k != f}),
        }
        for f, v in filters.items()
        if f in FACET_TITLES
    ]
    return render_page(
        "interlinkers.html",
        title=_("Search results for “%(text)s”", text=text) if text else _("Catalogue"),
        text=text,
        results=[
            {
                **r.to_dict(),
                "snippet": descriptions.get(r.iri),
                "kind_label": labels["kind"].get(r.kind or "", r.kind),
            }
            for r in results
        ],
        total=found.total,
        facets=facets,
        active=active,
        page=number,
        pages=pages,
        page_links=page_links,
    )


def _snippets(results: list[Any], lang: str) -> dict[str, str]:
    """The beginning of each result's description, in ``lang``."""
    nodes = [URIRef(r.iri) for r in results]
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    if nodes:
        for row in state().store.select(query("interlinker-descriptions", {"item": nodes})):
            value = row["description"]
            if isinstance(value, Literal):
                texts[str(row["item"])].setdefault(value.language or "", str(value))
    out = {}
    for iri, found in texts.items():
        text = pick(found, lang)[0]
        if text:
            out[iri] = text if len(text) <= 220 else text[:217].rsplit(" ", 1)[0] + "…"
    return out


def interlinker(identifier: str, iri: URIRef) -> Response:
    """The page of the INTERLINKER ``identifier`` names (``iri``, looked up by the route): its
    description is read once, for the facts and for the related INTERLINKERs."""
    s = state()
    lang = g.lang
    described = (iri, describe(s.store, iri))
    view = interlinker_view(s.store, s.settings.base_iri, identifier, lang, described)
    related = untasked.related(
        s.store, s.settings.base_iri, identifier, lang=lang, limit=5, described=described
    )
    base = f"/interlinkers/{identifier}"
    formats = [(f.media_type, f"{base}{f.extensions[0]}", f.name) for f in RDF_FORMATS]
    return render_page(
        "interlinker.html",
        title=view.title or identifier,
        view=view,
        facts=[(_(FACT_TITLES[name]), links) for name, links in view.facts],
        related=related.items,
        formats=formats,
        alternates={media: href for media, href, _name in formats},
    )
