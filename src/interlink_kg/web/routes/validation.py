"""POST /validate: check RDF against a named shape set; nothing is stored. The parse and the
validation run in a worker process (``validation/pool.py``)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.errors import BadRequestError
from interlink_kg.validation.profiles import SHAPE_SETS
from interlink_kg.web.report_response import report_response
from interlink_kg.web.request_body import rdf_body
from interlink_kg.web.state import state

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
    with state().expensive.slot():
        report = state().validation.validate(shapes, data, fmt)
    return report_response(request, report)
