"""/processes: co-production processes, their items, guide, selections and public service
(see coproduction/processes.py for who may do what)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from rdflib import Graph, URIRef

from interlink_kg.coproduction.guide import (
    DEFAULT_GUIDE_LIMIT,
    build_guide,
    interlinker_titles,
    item_dict,
    process_dict,
    selection_dict,
)
from interlink_kg.coproduction.services import service_part
from interlink_kg.errors import BadRequestError, NotFoundError
from interlink_kg.finding import recommendations as ranking
from interlink_kg.model.processes import Item, Process, item_iri, selection_iri
from interlink_kg.model.roles import Account, Role
from interlink_kg.rdf.formats import TRIG
from interlink_kg.rdf.serialize import serialize_named
from interlink_kg.web.cached_recommendations import recommend_for
from interlink_kg.web.negotiation import RDF_FORMATS, choose_language, negotiate, wants_json
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.request_body import json_body
from interlink_kg.web.state import state
from interlink_kg.web.views import coproduction as coproduction_views

bp = Blueprint("processes", __name__)


def _account() -> Account | None:
    return state().auth.account(request)


def _with_users(account: Account | None, process: Process) -> bool:
    """Who did what is shown to the process's members, curators and admins only."""
    return account is not None and (
        account.can(Role.CURATOR) or state().processes.is_member(account, process)
    )


def _process_json(account: Account | None, process: Process, status: int = 200) -> Response:
    s = state()
    body = process_dict(
        process,
        s.store,
        s.settings.base_iri,
        choose_language(request),
        with_users=_with_users(account, process),
    )
    response = jsonify(body)
    response.status_code = status
    response.headers["Vary"] = "Accept, Accept-Language, Authorization"
    return response


@bp.post("/processes")
def create() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    process = state().processes.create(account, json_body(request))
    response = _process_json(account, process, 201)
    response.headers["Location"] = f"{state().settings.base_iri}processes/{process.id}"
    return response


@bp.get("/processes")
def listing() -> Response:
    if wants_page(request):
        return coproduction_views.listing()
    account = _account()
    found = state().processes.visible(account)
    base = state().settings.base_iri
    items = [
        {
            "id": p.id,
            "iri": f"{base}processes/{p.id}",
            "title": p.title,
            "schema": p.schema_id,
            "teams": list(p.teams),
            "visibility": p.visibility,
            "progress": p.progress().to_dict(),
        }
        for p in found
    ]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/processes/<identifier>")
def show(identifier: str) -> Response:
    """JSON; RDF by Accept; TriG: the process in its named graph (one document to export);
    its guide as a page for browsers."""
    if wants_page(request):
        return coproduction_views.guide(identifier)
    account = _account()
    if (
        "application/trig" in request.accept_mimetypes.values()
        and negotiate(
            request, ["application/json", *(f.media_type for f in RDF_FORMATS), TRIG.media_type]
        )
        == TRIG.media_type
    ):
        graph = state().processes.rdf(account, identifier)
        name = state().publication.process_graph_name(identifier)
        response = Response(
            serialize_named(graph, name), content_type=f"{TRIG.media_type}; charset=utf-8"
        )
        response.headers["Vary"] = "Accept, Authorization"
        return response
    if wants_json(request, rdf_offered=True):
        return _process_json(account, state().processes.get(account, identifier))
    return rdf_response(state().processes.rdf(account, identifier), suffix_urls=False)


@bp.patch("/processes/<identifier>")
def update(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    process = state().processes.update(account, identifier, json_body(request))
    return _process_json(account, process)


def _item_json(process: Process, item: Item, status: int = 200) -> Response:
    s = state()
    body = item_dict(process, item, s.settings.base_iri, choose_language(request))
    body["parent"] = item.parent
    response = jsonify(body)
    response.status_code = status
    return response


def _item_rdf(account: Account | None, process: Process, subject: str) -> Response:
    graph = state().processes.rdf(account, process.id)
    own = Graph()
    for triple in graph.triples((URIRef(subject), None, None)):
        own.add(triple)
    return rdf_response(own, suffix_urls=False)


@bp.get("/processes/<identifier>/items/<item>")
def show_item(identifier: str, item: str) -> Response:
    if wants_page(request):
        return coproduction_views.task(identifier, item)
    account = _account()
    process = state().processes.get(account, identifier)
    found = process.item(item)
    if found is None:
        raise NotFoundError(f"no item {item[:100]!r} in process {identifier!r}")
    if wants_json(request, rdf_offered=True):
        return _item_json(process, found)
    iri = item_iri(state().settings.base_iri, process.id, found.id)
    return _item_rdf(account, process, str(iri))


@bp.patch("/processes/<identifier>/items/<item>")
def update_item(identifier: str, item: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    changed = state().processes.update_item(account, identifier, item, json_body(request))
    process = state().processes.get(account, identifier)
    return _item_json(process, process.item(changed.id) or changed)


@bp.post("/processes/<identifier>/items/<objective>/tasks")
def add_task(identifier: str, objective: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    task = state().processes.add_task(account, identifier, objective, json_body(request))
    process = state().processes.get(account, identifier)
    response = _item_json(process, task, 201)
    response.headers["Location"] = str(item_iri(state().settings.base_iri, identifier, task.id))
    return response


def _guide_limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_GUIDE_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= ranking.DEFAULT_LIMIT:
        raise BadRequestError(
            f"limit must be a whole number from 0 to {ranking.DEFAULT_LIMIT}",
            details={"parameter": "limit"},
        )
    return int(raw)


@bp.get("/processes/<identifier>/guide")
def guide(identifier: str) -> Response:
    account = _account()
    process = state().processes.get(account, identifier)
    limit = _guide_limit()
    lang = choose_language(request) if request.args.get("lang") else process.language
    with state().expensive.slot():
        body = build_guide(
            process,
            state().store,
            state().settings.base_iri,
            lang,
            recommend_for,
            limit=limit,
            with_users=_with_users(account, process),
        )
    response = jsonify(body)
    response.headers["Vary"] = "Accept, Authorization"
    return response


@bp.post("/processes/<identifier>/tasks/<task>/selections")
def select(identifier: str, task: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    selection = state().processes.select(account, identifier, task, json_body(request))
    process = state().processes.get(account, identifier)
    base = state().settings.base_iri
    titles = interlinker_titles(state().store, process, choose_language(request))
    response = jsonify(selection_dict(process, selection, base, titles, with_user=True))
    response.status_code = 201
    response.headers["Location"] = str(
        selection_iri(base, process.id, selection.task, selection.id)
    )
    return response


@bp.get("/processes/<identifier>/tasks/<task>/selections")
def selections(identifier: str, task: str) -> Response:
    account = _account()
    history = request.args.get("history", "false")
    if history not in {"true", "false"}:
        raise BadRequestError("history must be true or false", details={"parameter": "history"})
    process, found = state().processes.selections(
        account, identifier, task, history=history == "true"
    )
    base = state().settings.base_iri
    titles = interlinker_titles(state().store, process, choose_language(request))
    users = _with_users(account, process)
    items = [selection_dict(process, s, base, titles, with_user=users) for s in found]
    return jsonify({"task": task, "items": items, "total": len(items)})


@bp.get("/processes/<identifier>/tasks/<task>/selections/<selection>")
def show_selection(identifier: str, task: str, selection: str) -> Response:
    account = _account()
    process, found = state().processes.selections(account, identifier, task, history=True)
    match = next((s for s in found if s.id == selection), None)
    if match is None:
        raise NotFoundError(f"no selection {selection[:100]!r} for task {task[:100]!r}")
    base = state().settings.base_iri
    if wants_json(request, rdf_offered=True):
        titles = interlinker_titles(state().store, process, choose_language(request))
        users = _with_users(account, process)
        return jsonify(selection_dict(process, match, base, titles, with_user=users))
    return _item_rdf(account, process, str(selection_iri(base, process.id, task, selection)))


@bp.delete("/processes/<identifier>/tasks/<task>/selections/<selection>")
def end_selection(identifier: str, task: str, selection: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    ended = state().processes.end_selection(account, identifier, task, selection)
    process = state().processes.get(account, identifier)
    base = state().settings.base_iri
    titles = interlinker_titles(state().store, process, choose_language(request))
    return jsonify(selection_dict(process, ended, base, titles, with_user=True))


@bp.get("/processes/<identifier>/service")
def service(identifier: str) -> Response:
    account = _account()
    process = state().processes.get(account, identifier)
    if process.service is None:
        raise NotFoundError(
            f"the process {identifier!r} describes no public service yet (PUT one)",
            details={"id": identifier},
        )
    base = state().settings.base_iri
    iri = f"{base}processes/{process.id}/service"
    if wants_json(request, rdf_offered=True):
        used = sorted({s.interlinker for s in process.selections if s.active})
        return jsonify(process.service.to_dict(iri, used))
    part, _ = service_part(state().processes.rdf(account, identifier), process, base)
    return rdf_response(part, suffix_urls=False)


@bp.put("/processes/<identifier>/service")
def set_service(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    process = state().processes.set_service(account, identifier, json_body(request))
    base = state().settings.base_iri
    iri = f"{base}processes/{process.id}/service"
    used = sorted({s.interlinker for s in process.selections if s.active})
    assert process.service is not None
    return jsonify(process.service.to_dict(iri, used))
