"""POST /validate: check RDF against a named shape set; nothing is stored."""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.errors import BadRequestError
from interlink_kg.rdf.untrusted import parse_untrusted
from interlink_kg.services.profile_validation import SHAPE_SETS, validate_with
from interlink_kg.web.app import get_settings, get_workspace
from interlink_kg.web.report_response import report_response
from interlink_kg.web.request_body import rdf_body

bp = Blueprint("validation", __name__)


@bp.post("/validate")
def validate() -> Response:
    shapes = request.args.get("shapes", "interlink")
    if shapes not in SHAPE_SETS:
        raise BadRequestError(
            f"unknown shape set {shapes!r}; use one of: {', '.join(SHAPE_SETS)}",
            details={"allowed": list(SHAPE_SETS)},
        )
    data, fmt = rdf_body(request)
    settings = get_settings()
    graph = parse_untrusted(data, fmt, settings.base_iri, get_workspace().limits)
    report = validate_with(shapes, settings.base_iri, graph, contact_email=settings.contact_email)
    return report_response(request, report)
