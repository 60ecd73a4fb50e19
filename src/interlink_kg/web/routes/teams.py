"""/teams: co-production teams and their members (signed-in users; see coproduction/teams.py)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from interlink_kg.errors import NotFoundError
from interlink_kg.model.roles import Role
from interlink_kg.model.teams import Team, team_graph
from interlink_kg.web.negotiation import wants_json
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.request_body import json_body
from interlink_kg.web.state import state

bp = Blueprint("teams", __name__)


def _team_json(team: Team, status: int = 200) -> Response:
    response = jsonify(team.to_dict(state().settings.base_iri))
    response.status_code = status
    return response


@bp.post("/teams")
def create() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    team = state().teams.create(account, json_body(request))
    response = _team_json(team, 201)
    response.headers["Location"] = f"{state().settings.base_iri}teams/{team.identifier}"
    return response


@bp.get("/teams")
def mine() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    teams = state().teams.of(account)
    base = state().settings.base_iri
    return jsonify({"items": [t.to_dict(base) for t in teams], "total": len(teams)})


@bp.get("/teams/<identifier>")
def show(identifier: str) -> Response:
    """A team and its members for its members, curators and admins; to anyone else, the public
    view of a team that takes part in a public process (name, type, no members), or 404."""
    account = state().auth.account(request)
    if account is not None:
        try:
            team = state().teams.get(account, identifier)
        except NotFoundError:
            team = None
        if team is not None:
            if wants_json(request, rdf_offered=True) and not wants_page(request):
                return _team_json(team)
            return rdf_response(state().teams.rdf(account, identifier), suffix_urls=False)
    public = state().publication.public_team(identifier)
    if public is None:
        raise NotFoundError(f"no team {identifier[:100]!r}", details={"id": identifier[:100]})
    if wants_json(request, rdf_offered=True) and not wants_page(request):
        return _team_json(public)
    return rdf_response(team_graph(public, state().settings.base_iri), suffix_urls=False)


@bp.post("/teams/<identifier>/members")
def set_member(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    team, new = state().teams.set_member(account, identifier, json_body(request))
    return _team_json(team, 201 if new else 200)


@bp.delete("/teams/<identifier>/members/<user>")
def remove_member(identifier: str, user: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    return _team_json(state().teams.remove_member(account, identifier, user))
