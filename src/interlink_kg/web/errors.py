"""The one place where errors become HTTP responses, all in one JSON shape.

``{"code": ..., "message": ..., "status": ..., "details": {...}}``; browsers get the same as a
readable page (with a search box, and a sign-in link where signing in would help).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException

from interlink_kg.errors import InterlinkKGError
from interlink_kg.web.i18n import gettext
from interlink_kg.web.pages import render_page, wants_page

log = logging.getLogger(__name__)


def error_response(code: str, message: str, status: int, details: dict[str, Any]) -> Response:
    if has_request_context() and wants_page(request):
        try:
            return _error_page(code, message, status)
        except Exception:  # the page needs the store; an error must still be answered
            log.exception("the error page could not be rendered")
    response = jsonify({"code": code, "message": message, "status": status, "details": details})
    response.status_code = status
    return response


_TITLES = {
    400: "This request cannot be answered",
    401: "Please sign in",
    403: "You may not do this",
    404: "Page not found",
    405: "This page does not take that",
    406: "This format is not available",
    409: "This clashes with what is already there",
    410: "This is no longer in the catalogue",
    413: "That is too large",
    415: "This format is not accepted",
    422: "This could not be done",
    503: "The service is busy",
}


def _error_page(code: str, message: str, status: int) -> Response:
    title = gettext(_TITLES.get(status, "Something went wrong"))
    shown = message if status < 500 else gettext("Please try again in a moment.")
    return render_page("error.html", title=title, status=status, message=shown, code=code)


def _project_error(exc: InterlinkKGError) -> Response:
    response = error_response(exc.code, exc.message, exc.status, exc.details)
    if exc.status == 406 or exc.status == 415:
        response.headers["Vary"] = "Accept"
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _http_error(exc: HTTPException) -> Response:
    code = (exc.name or "error").lower().replace(" ", "_")
    status = exc.code or 500
    response = error_response(code, exc.description or exc.name or "error", status, {})
    if status == 405 and exc.response is None:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return error_response("internal_error", "an unexpected error occurred", 500, {})


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(InterlinkKGError, _project_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
