"""GET /problem-profiles."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg.services.catalogue import list_problem_profiles
from interlink_kg.web.app import get_store
from interlink_kg.web.negotiation import choose_language

bp = Blueprint("problem_profiles", __name__)


@bp.get("/problem-profiles")
def index() -> Response:
    lang = choose_language(request)
    profiles = list_problem_profiles(get_store(), lang=lang)
    response = jsonify(
        {"items": [p.to_dict() for p in profiles], "total": len(profiles), "language": lang}
    )
    response.headers["Vary"] = "Accept-Language"
    return response
