"""GET /: where to start, for API clients (each entry point with its address and purpose)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg import __version__
from interlink_kg.web.pages import wants_page
from interlink_kg.web.state import state
from interlink_kg.web.views import catalogue as catalogue_views

bp = Blueprint("entry_points", __name__)

ENTRY_POINTS = {
    "catalogue": (
        "catalogue",
        "the DCAT-AP catalogue for harvesters (DCAT-AP 3, 2.1.1, ADMS-AP)",
    ),
    "interlinkers": ("interlinkers", "INTERLINKERs: list, search (q=) and facets"),
    "problem_profiles": ("problem-profiles", "the problem profiles INTERLINKERs address"),
    "schemas": ("schemas", "co-production schemas: phases, objectives, tasks"),
    "recommendations": ("recommendations", "POST problem profiles, get ranked INTERLINKERs"),
    "validate": ("validate", "POST an INTERLINKER description, get a SHACL report"),
    "sparql": ("sparql", "the public SPARQL 1.1 endpoint (GET it for its service description)"),
    "void": (".well-known/void", "the VoID description of the dataset"),
    "dump": ("dump", "every published triple as N-Triples"),
    "openapi": ("openapi.json", "this API's OpenAPI description"),
    "health": ("health", "service status and catalogue sizes"),
}


@bp.get("/")
def index() -> Response:
    """The home page for browsers; where to start, as JSON, for API clients."""
    if wants_page(request):
        return catalogue_views.home()
    base = state().settings.base_iri
    return jsonify(
        {
            "name": "interlink-kg",
            "version": __version__,
            "description": "A linked-data catalogue of INTERLINKERs for the co-production of "
            "public services.",
            "links": {
                name: {"href": base + path, "title": title}
                for name, (path, title) in ENTRY_POINTS.items()
            },
        }
    )
