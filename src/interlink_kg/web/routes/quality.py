"""GET /quality: what needs curator attention (curators)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg.curation.quality import quality_report
from interlink_kg.model.roles import Role
from interlink_kg.web.negotiation import negotiate
from interlink_kg.web.pages import wants_page
from interlink_kg.web.state import state
from interlink_kg.web.views import curation as curation_views

bp = Blueprint("quality", __name__)


@bp.get("/quality")
def show() -> Response:
    if wants_page(request):
        return curation_views.quality()
    state().auth.require(request, Role.CURATOR)
    report = quality_report(state().store, state().settings.base_iri)
    if negotiate(request, ["application/json", "text/plain"], fallback=True) == "text/plain":
        return Response(report.to_text(), content_type="text/plain; charset=utf-8")
    return jsonify(report.to_dict())
