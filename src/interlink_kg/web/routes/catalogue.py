"""GET /catalogue: the harvestable DCAT-AP 3 catalogue, paged (``?page=N&per_page=M``)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.errors import BadRequestError
from interlink_kg.services.catalogue_pages import catalogue_page
from interlink_kg.web.app import get_settings, get_store
from interlink_kg.web.negotiation import SUFFIXES, page_args
from interlink_kg.web.rdf_response import rdf_response

bp = Blueprint("catalogue", __name__)
PROFILES = ("dcat-ap-3",)


@bp.get("/catalogue")
@bp.get("/catalogue<any('.ttl', '.jsonld', '.rdf', '.nt'):suffix>")
def show(suffix: str | None = None) -> Response:
    settings = get_settings()
    profile = request.args.get("profile", "dcat-ap-3")
    if profile not in PROFILES:
        raise BadRequestError(
            f"unknown profile {profile!r}; use one of: {', '.join(PROFILES)}",
            details={"allowed": list(PROFILES)},
        )
    page, per_page = page_args(request, settings.page_size, settings.max_page_size)
    query_string = request.query_string.decode("utf-8")
    path = request.path.lstrip("/")
    requested = settings.base_iri + path + (f"?{query_string}" if query_string else "")
    graph = catalogue_page(
        get_store(),
        settings.base_iri,
        page=page,
        per_page=per_page,
        default_per_page=settings.page_size,
        requested_url=requested,
    )
    return rdf_response(graph, SUFFIXES[suffix] if suffix else None)
