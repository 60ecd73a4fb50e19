"""Writes and the curators' workflow.

POST /interlinkers, PUT /interlinkers/{id}: contributors and curators send descriptions;
GET /submissions[?status=], GET /submissions/{id}: read them;
POST /submissions/{id}/approve | reject | deprecate: curators decide.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from interlink_kg.curation.submissions import Outcome
from interlink_kg.errors import BadRequestError
from interlink_kg.model.roles import Role
from interlink_kg.model.workflow import Status, SubmissionRecord
from interlink_kg.web.conditional import conditional
from interlink_kg.web.negotiation import wants_json
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.request_body import json_body, rdf_body
from interlink_kg.web.state import state
from interlink_kg.web.views import curation as curation_views

bp = Blueprint("submissions", __name__)


def _record_json(record: SubmissionRecord) -> dict[str, object]:
    body = record.to_dict()
    body["links"] = {
        "self": url_for("submissions.show", identifier=record.identifier),
        "interlinker": url_for("interlinkers.show", identifier=record.identifier),
    }
    return body


def _outcome_response(outcome: Outcome, status: int) -> Response:
    body = _record_json(outcome.record)
    body["validation"] = outcome.report.to_dict()
    response = jsonify(body)
    response.status_code = status
    response.headers["Location"] = url_for("submissions.show", identifier=outcome.record.identifier)
    return response


@bp.post("/interlinkers")
def create() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    data, fmt = rdf_body(request)
    return _outcome_response(state().workspace.submit(account, data, fmt), 201)


@bp.put("/interlinkers/<identifier>")
def replace(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    data, fmt = rdf_body(request)
    return _outcome_response(state().workspace.update(account, identifier, data, fmt), 200)


@bp.get("/submissions")
def index() -> Response:
    if wants_page(request):
        return curation_views.queue()
    account = state().auth.require(request, Role.CONTRIBUTOR)
    raw = request.args.get("status")
    status = None
    if raw is not None:
        try:
            status = Status(raw)
        except ValueError:
            allowed = [s.value for s in Status]
            raise BadRequestError(
                f"unknown status {raw!r}; use one of: {', '.join(allowed)}",
                details={"allowed": allowed},
            ) from None
    records = state().workspace.list(account, status)
    return jsonify({"items": [_record_json(r) for r in records], "total": len(records)})


@bp.get("/submissions/<identifier>")
def show(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    workspace = state().workspace
    record = workspace.visible_record(account, identifier)
    if wants_page(request) or not wants_json(request, rdf_offered=True, fallback=True):
        # its content, as RDF (a readable table for browsers)
        return rdf_response(workspace.content(identifier))
    return jsonify(_record_json(record))


@bp.post("/submissions/<identifier>/approve")
def approve(identifier: str) -> Response:
    account = state().auth.require(request, Role.CURATOR)
    return jsonify(_record_json(state().workspace.approve(account, identifier)))


@bp.post("/submissions/<identifier>/reject")
def reject(identifier: str) -> Response:
    account = state().auth.require(request, Role.CURATOR)
    body = json_body(request)
    reason = body.get("reason") if isinstance(body, dict) else request.form.get("reason")
    if not isinstance(reason, str):
        raise BadRequestError('send the reason as JSON {"reason": "..."} or a form field')
    return jsonify(_record_json(state().workspace.reject(account, identifier, reason)))


@bp.post("/submissions/<identifier>/deprecate")
def deprecate(identifier: str) -> Response:
    account = state().auth.require(request, Role.CURATOR)
    return jsonify(_record_json(state().workspace.deprecate(account, identifier)))


@bp.get("/interlinkers/<identifier>/record")
@conditional(vary="Accept")
def public_record(identifier: str) -> Response:
    return rdf_response(state().workspace.public_record(identifier))
