"""GET /interlinkers and /interlinkers/{id}."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from interlink_kg.errors import GoneError, NotFoundError
from interlink_kg.finding.catalogue import describe, interlinker_iri, summaries
from interlink_kg.finding.search import FACETS, SearchRequest
from interlink_kg.model import iris
from interlink_kg.model.catalogue import Page
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.web.conditional import conditional
from interlink_kg.web.negotiation import choose_language, page_args, split_suffix
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state
from interlink_kg.web.views import catalogue as catalogue_views

bp = Blueprint("interlinkers", __name__)


def page_links(endpoint: str, page: Page, **params: Any) -> dict[str, str | None]:
    def link(number: int) -> str:
        return url_for(endpoint, page=number, per_page=page.per_page, _external=False, **params)

    return {
        "self": link(page.page),
        "first": link(1),
        "last": link(page.last_page),
        "next": link(page.page + 1) if page.page < page.last_page else None,
        "prev": link(page.page - 1) if page.page > 1 else None,
    }


@bp.get("/interlinkers")
def index() -> Response:
    """The catalogue's INTERLINKERs: all in identifier order, or searched (``q``) by relevance,
    filtered by facets, with facet counts over the result (a search page for browsers)."""
    if wants_page(request):
        return catalogue_views.search()
    settings = state().settings
    lang = choose_language(request)
    number, per_page = page_args(request, settings.page_size, settings.max_page_size)
    text = request.args.get("q", "")
    filters = {f: request.args[f] for f in FACETS if f in request.args}
    found = state().search.search(SearchRequest(text, filters, number, per_page))
    store = state().store
    iris_found = [
        iris.absolute(settings.base_iri, iris.interlinker(identifier)) for identifier in found.ids
    ]
    items = []
    for summary in summaries(store, list(iris_found), lang):
        item = summary.to_dict()
        if text:
            item["relevance"] = found.scores.get(summary.id, 0.0)
        items.append(item)
    page = Page(tuple(items), number, per_page, found.total)
    extra = {k: v for k, v in request.args.items() if k not in {"page", "per_page"}}
    response = jsonify(
        {
            "items": items,
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "language": lang,
            "facets": found.facets,
            "links": page_links("interlinkers.index", page, **extra),
        }
    )
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/interlinkers/<identifier>")
@conditional(vary="Accept")
def show(identifier: str) -> Response:
    store = state().store
    stripped, suffix_format = split_suffix(identifier)
    attempts: list[tuple[str, RdfFormat | None]] = [(identifier, None)]
    if suffix_format is not None:
        attempts.append((stripped, suffix_format))
    for name, forced in attempts:
        try:
            iri = interlinker_iri(store, name)
        except NotFoundError:
            continue
        if forced is None and wants_page(request):
            return catalogue_views.interlinker(name, iri)
        return rdf_response(describe(store, iri), forced)
    name = attempts[-1][0]
    if state().workspace.is_deprecated(name):
        raise GoneError(
            f"the INTERLINKER {name!r} has been deprecated; its record stays at "
            f"/interlinkers/{name}/record",
            details={"id": name},
        )
    raise NotFoundError(f"no INTERLINKER with id {name!r}", details={"id": name})
