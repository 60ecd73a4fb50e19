"""Pages for people: server-rendered HTML with Jinja, in the visitor's language.

Routes answer browsers (``Accept`` ranking HTML first) with a page and everyone else as before
(JSON or RDF). The language is ``?lang=`` (remembered in the session), else the one remembered,
else ``Accept-Language``, else English.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Request, Response, g, render_template, request, session

from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES
from interlink_kg.model.roles import Account, Role
from interlink_kg.web import browser_session, i18n
from interlink_kg.web.negotiation import choose_language, prefers_html
from interlink_kg.web.state import state

LANGUAGE_NAMES = {"en": "English", "es": "Español", "it": "Italiano", "lv": "Latviešu"}
# No script or style from elsewhere; pages may not be framed by other sites.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def wants_page(req: Request) -> bool:
    """True for a browser (``Accept`` ranks HTML above JSON and every RDF syntax)."""
    if not req.headers.get("Accept"):
        return False
    best = req.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and prefers_html(req)


def page_language(req: Request) -> str:
    asked = req.args.get("lang", "").strip().lower()[:2]
    if asked in SUPPORTED_LANGUAGES:
        return asked
    kept = session.get("lang")
    if isinstance(kept, str) and kept in SUPPORTED_LANGUAGES:
        return kept
    best = req.accept_languages.best_match(SUPPORTED_LANGUAGES)
    return best or FALLBACK_LANGUAGE


def _remember_language() -> None:
    """The page's language; only browsers' requests read or write the session (an API
    answer must not vary with a cookie)."""
    if not wants_page(request):
        g.lang = choose_language(request)
        return
    g.lang = page_language(request)
    asked = request.args.get("lang", "").strip().lower()[:2]
    if asked in SUPPORTED_LANGUAGES and session.get("lang") != asked:
        session["lang"] = asked


def language_links() -> list[dict[str, Any]]:
    """The current page in each language."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return [
        {
            "code": code,
            "name": name,
            "href": f"{request.path}?{urlencode({**args, 'lang': code})}",
            "current": code == g.get("lang"),
        }
        for code, name in LANGUAGE_NAMES.items()
    ]


def viewer() -> Account | None:
    return state().auth.account(request)


def render_page(template: str, *, title: str, status: int = 200, **context: Any) -> Response:
    account = viewer()
    body = render_template(
        template,
        title=title,
        lang=g.get("lang", FALLBACK_LANGUAGE),
        languages=language_links(),
        account=account,
        is_curator=account is not None and account.can(Role.CURATOR),
        csrf_token=browser_session.csrf_token(),
        csrf_field=browser_session.CSRF_FIELD,
        path=request.path,
        **context,
    )
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    response.headers["Content-Language"] = str(g.get("lang", FALLBACK_LANGUAGE))
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers.update(SECURITY_HEADERS)
    return response


def web_link(value: object) -> str:
    """``value`` when it is an http(s) address (a link), else empty: no ``javascript:`` or
    ``data:`` link ever reaches a page, whatever the data says."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else ""


def install(app: Flask) -> None:
    i18n.install(app)
    app.jinja_env.filters["web_link"] = web_link
    app.before_request(_remember_language)
