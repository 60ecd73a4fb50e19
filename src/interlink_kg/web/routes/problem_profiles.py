"""GET /problem-profiles."""

from __future__ import annotations

from flask import Blueprint, Response, request

from interlink_kg.finding.catalogue import list_problem_profiles
from interlink_kg.web.listing import listing_response
from interlink_kg.web.negotiation import choose_language
from interlink_kg.web.state import state

bp = Blueprint("problem_profiles", __name__)


@bp.get("/problem-profiles")
def index() -> Response:
    lang = choose_language(request)
    return listing_response(list_problem_profiles(state().store, lang=lang), lang)
