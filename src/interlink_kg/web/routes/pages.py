"""Pages for people that are not another view of an API resource: signing in and out, and the
forms that write (each carries the session's CSRF token; see web/browser_session.py)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from interlink_kg.web import browser_session
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.pages import render_page
from interlink_kg.web.redirects import local_path
from interlink_kg.web.state import state
from interlink_kg.web.views import coproduction as coproduction_views
from interlink_kg.web.views import curation as curation_views

bp = Blueprint("pages", __name__)


@bp.route("/signin", methods=["GET", "POST"])
def sign_in() -> Response:
    target = local_path(request.values.get("next"))
    if request.method == "POST":
        token = request.form.get("token", "")
        if token and len(token) <= 200 and state().auth.sign_in(token):
            return redirect(target, code=303)  # type: ignore[return-value]
        return render_page(
            "signin.html",
            title=_("Sign in"),
            status=401,
            target=target,
            error=_("That token is not valid. Check it, or ask an administrator for a new one."),
        )
    return render_page("signin.html", title=_("Sign in"), target=target, error=None)


@bp.post("/signout")
def sign_out() -> Response:
    browser_session.sign_out()
    return redirect("/", code=303)  # type: ignore[return-value]


@bp.route("/curate", methods=["GET", "POST"])
def curate() -> Response:
    return curation_views.curate()


@bp.post("/curate/submissions/<identifier>/<any(approve, reject, deprecate):action>")
def decide(identifier: str, action: str) -> Response:
    return curation_views.decide(identifier, action)


@bp.post("/forms/processes")
def create_process() -> Response:
    return coproduction_views.create()


@bp.post("/forms/processes/<identifier>/visibility")
def process_visibility(identifier: str) -> Response:
    return coproduction_views.visibility(identifier)


@bp.post("/forms/processes/<identifier>/items/<item>")
def change_item(identifier: str, item: str) -> Response:
    return coproduction_views.change_item(identifier, item)


@bp.post("/forms/processes/<identifier>/tasks/<task>/selections")
def select(identifier: str, task: str) -> Response:
    return coproduction_views.select(identifier, task)


@bp.post("/forms/processes/<identifier>/tasks/<task>/selections/<selection>/end")
def end_selection(identifier: str, task: str, selection: str) -> Response:
    return coproduction_views.end(identifier, task, selection)


@bp.post("/forms/interlinkers/<identifier>/ratings")
def rate(identifier: str) -> Response:
    return coproduction_views.rate(identifier)
