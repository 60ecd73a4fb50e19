"""The one place where errors become HTTP responses, all in one JSON shape.

``{"code": ..., "message": ..., "status": ..., "details": {...}}``
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from interlink_kg.errors import InterlinkKGError

log = logging.getLogger(__name__)


def error_response(code: str, message: str, status: int, details: dict[str, Any]) -> Response:
    response = jsonify({"code": code, "message": message, "status": status, "details": details})
    response.status_code = status
    return response


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
