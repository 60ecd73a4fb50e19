"""GET /schemas and /schemas/{id} (the whole phase -> objective -> task tree)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg.errors import BadRequestError
from interlink_kg.finding.catalogue import list_schemas, schema_description, schema_tree
from interlink_kg.publishing.profiles import schema_skos
from interlink_kg.web.conditional import conditional
from interlink_kg.web.listing import listing_response
from interlink_kg.web.negotiation import choose_language, prefers_html, split_suffix, wants_json
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state
from interlink_kg.web.views import guide as guide_views

bp = Blueprint("schemas", __name__)


@bp.get("/schemas")
def index() -> Response:
    if wants_page(request):
        return guide_views.schemas()
    lang = choose_language(request)
    return listing_response(list_schemas(state().store, lang=lang), lang)


@bp.get("/schemas/<identifier>")
@conditional(vary="Accept, Accept-Language")
def show(identifier: str) -> Response:
    """The schema tree as JSON (the default), or its RDF (by Accept or suffix), or HTML;
    ``?profile=skos`` gives the SKOS view (RDF or HTML)."""
    store = state().store
    identifier, fmt = split_suffix(identifier)
    profile = request.args.get("profile")
    if profile not in (None, schema_skos.NAME):
        raise BadRequestError(
            f"unknown profile {profile!r}; /schemas/{{id}} offers: {schema_skos.NAME}",
            details={"allowed": [schema_skos.NAME]},
        )
    if profile is None and fmt is None and wants_page(request):
        return guide_views.schema(identifier)
    json_view = profile is None and fmt is None and not prefers_html(request)
    if json_view and wants_json(request, rdf_offered=True):
        lang = choose_language(request)
        response = jsonify(schema_tree(store, identifier, lang=lang).to_dict())
        response.headers["Vary"] = "Accept, Accept-Language"
        return response
    iri, graph = schema_description(store, identifier)
    if profile == schema_skos.NAME:
        graph = schema_skos.build(graph, iri)
    response = rdf_response(graph, fmt)
    response.headers["Vary"] = "Accept, Accept-Language"  # as the JSON tree: one Vary, one tag
    return response
