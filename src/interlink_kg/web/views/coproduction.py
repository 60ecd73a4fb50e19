"""A team's pages: its processes, a process's guide, a task of the process (status, dates,
selecting INTERLINKERs with a note, rating them), and the forms behind them."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, redirect, request, url_for

from interlink_kg.coproduction.guide import build_guide, item_dict
from interlink_kg.errors import InterlinkKGError, NotFoundError
from interlink_kg.finding.catalogue import list_schemas
from interlink_kg.model.processes import Process
from interlink_kg.model.roles import Role
from interlink_kg.web.cached_recommendations import recommend_for
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.pages import LANGUAGE_NAMES, render_page, viewer
from interlink_kg.web.redirects import local_path
from interlink_kg.web.state import state

STATUS_NAMES = {"todo": "To do", "in_progress": "In progress", "done": "Done"}


def _can_change(process: Process) -> bool:
    account = viewer()
    return account is not None and (
        state().processes.is_member(account, process) or account.can(Role.ADMIN)
    )


def listing() -> Response:
    s = state()
    account = viewer()
    processes = s.processes.visible(account)
    teams = s.teams.of(account) if account is not None else []
    return render_page(
        "processes.html",
        title=_("Co-production processes"),
        processes=processes,
        teams=teams,
        schemas=list_schemas(s.store, lang=g.lang),
        chosen_schema=request.args.get("schema", "default"),
        process_languages=[(code, name) for code, name in LANGUAGE_NAMES.items()],
        status_names=STATUS_NAMES,
    )


def guide(identifier: str) -> Response:
    s = state()
    account = viewer()
    process = s.processes.get(account, identifier)
    members = account is not None and (
        account.can(Role.CURATOR) or s.processes.is_member(account, process)
    )
    with s.expensive.slot():
        body = build_guide(
            process,
            s.store,
            s.settings.base_iri,
            g.lang,
            recommend_for,
            limit=3,
            with_users=members,
        )
    return render_page(
        "process.html",
        title=process.title,
        process=process,
        guide=body,
        can_change=_can_change(process),
        status_names=STATUS_NAMES,
    )


def task(identifier: str, task_id: str) -> Response:
    s = state()
    account = viewer()
    process = s.processes.get(account, identifier)
    item = process.item(task_id)
    if item is None:
        raise NotFoundError(f"no item {task_id!r} in process {identifier!r}")
    if item.level != "task":
        return redirect(url_for("processes.show", identifier=identifier), code=303)  # type: ignore[return-value]
    members = account is not None and (
        account.can(Role.CURATOR) or s.processes.is_member(account, process)
    )
    guide_body = build_guide(
        process, s.store, s.settings.base_iri, g.lang, recommend_for, limit=10, with_users=members
    )
    entry = next(
        t
        for p in guide_body["phases"]
        for o in p["objectives"]
        for t in o["tasks"]
        if t["id"] == task_id
    )
    history = s.processes.selections(account, identifier, task_id, history=True)[1]
    rated = set()
    if account is not None:
        for selection in process.selections:
            if selection.user == account.user:
                rated.add(selection.interlinker)
    return render_page(
        "process_task.html",
        title=entry["title"] or task_id,
        process=process,
        task=entry,
        item=item_dict(process, item, s.settings.base_iri, g.lang),
        ended=[h for h in history if h.ended is not None],
        can_change=_can_change(process),
        can_rate=sorted(rated),
        status_names=STATUS_NAMES,
    )


# -- forms ------------------------------------------------------------------------------------


def _back(identifier: str, task_id: str | None = None) -> Response:
    if task_id:
        target = url_for("processes.show_item", identifier=identifier, item=task_id)
    else:
        target = url_for("processes.show", identifier=identifier)
    return redirect(target, code=303)  # type: ignore[return-value]


def _run(action: Any, done: str) -> bool:
    try:
        action()
    except InterlinkKGError as error:
        flash(error.message, "error")
        return False
    flash(done, "ok")
    return True


def create() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    body = {
        "title": request.form.get("title", ""),
        "schema": request.form.get("schema", ""),
        "teams": request.form.getlist("teams"),
        "visibility": request.form.get("visibility", "private"),
        "language": request.form.get("language", g.lang),
    }
    try:
        process = state().processes.create(account, body)
    except InterlinkKGError as error:
        flash(error.message, "error")
        return redirect(url_for("processes.listing"), code=303)  # type: ignore[return-value]
    flash(_("The process is ready: start with one of the suggested tasks."), "ok")
    return _back(process.id)


def change_item(identifier: str, item: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    body: dict[str, object] = {}
    if request.form.get("status"):
        body["status"] = request.form["status"]
    for name in ("start", "end"):
        if name in request.form:
            body[name] = request.form[name] or None
    _run(
        lambda: state().processes.update_item(account, identifier, item, body),
        _("Saved."),
    )
    return _back(identifier, item)


def select(identifier: str, task_id: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    body = {
        "interlinker": request.form.get("interlinker", ""),
        "note": request.form.get("note") or None,
    }
    _run(
        lambda: state().processes.select(account, identifier, task_id, body),
        _("Selected for this task."),
    )
    return _back(identifier, task_id)


def end(identifier: str, task_id: str, selection: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    _run(
        lambda: state().processes.end_selection(account, identifier, task_id, selection),
        _("The selection is ended; it stays in the history."),
    )
    return _back(identifier, task_id)


def rate(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    raw = request.form.get("value", "")
    body = {
        "value": int(raw) if raw.isascii() and raw.isdigit() else raw,
        "text": request.form.get("text") or None,
        "language": g.lang,
    }
    _run(lambda: state().ratings.rate(account, identifier, body), _("Thank you for rating it."))
    back = local_path(request.form.get("back"))
    if back.startswith("/processes/"):
        return redirect(back, code=303)  # type: ignore[return-value]
    return redirect(url_for("interlinkers.show", identifier=identifier), code=303)  # type: ignore[return-value]


def visibility(identifier: str) -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    body = {"visibility": request.form.get("visibility", "")}
    _run(lambda: state().processes.update(account, identifier, body), _("Saved."))
    return _back(identifier)
