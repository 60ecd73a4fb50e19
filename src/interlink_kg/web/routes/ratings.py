"""/interlinkers/{id}/ratings: ratings by the people who selected an INTERLINKER."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg.model.roles import Role
from interlink_kg.web.negotiation import wants_json
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.request_body import json_body
from interlink_kg.web.state import state

bp = Blueprint("ratings", __name__)


@bp.post("/interlinkers/<identifier>/ratings")
def rate(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    rating, new = state().ratings.rate(account, identifier, json_body(request))
    base = state().settings.base_iri
    response = jsonify(rating.to_dict(base))
    response.status_code = 201 if new else 200
    response.headers["Location"] = f"{base}interlinkers/{identifier}/ratings/{rating.id}"
    return response


@bp.get("/interlinkers/<identifier>/ratings")
def ratings(identifier: str) -> Response:
    if wants_page(request) or not wants_json(request, rdf_offered=True):
        return rdf_response(state().ratings.rdf(identifier), suffix_urls=False)
    found = state().ratings.of(identifier)
    base = state().settings.base_iri
    values = [r.value for r in found]
    return jsonify(
        {
            "interlinker": identifier,
            "count": len(found),
            "average": round(sum(values) / len(values), 2) if values else None,
            "items": [r.to_dict(base) for r in found],
        }
    )
