"""GET /problem-profiles."""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.finding.catalogue import list_problem_profiles
from interlink_kg.web.app import get_store
from interlink_kg.web.listing import listing_response
from interlink_kg.web.negotiation import choose_language

bp = Blueprint("problem_profiles", __name__)


@bp.get("/problem-profiles")
def index() -> Response:
    lang = choose_language(request)
    return listing_response(list_problem_profiles(get_store(), lang=lang), lang)
