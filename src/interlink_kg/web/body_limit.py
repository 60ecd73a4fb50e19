"""Refuse a request body over the size limit, however it is sent.

Werkzeug stops reading a body without ``Content-Length`` (chunked transfer) at
``MAX_CONTENT_LENGTH`` and hands the first part over as if it were the whole: a truncated
upload could then parse, validate or even be stored. Before any route runs, a body of unknown
length is read here in full, up to one byte over the limit; over it, the request is refused
with 413, otherwise the route reads the buffered copy with its length known.
"""

from __future__ import annotations

import io

from flask import Flask, request

from interlink_kg.errors import PayloadTooLargeError

_CHUNK = 64 * 1024


def too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"the request body is larger than {limit} bytes",
        details={"max_bytes": limit},
    )


def _buffer_body_of_unknown_length() -> None:
    limit = request.max_content_length
    if limit is None or request.content_length is not None:
        return  # a declared length is checked by Werkzeug itself
    if not request.environ.get("wsgi.input_terminated") and "chunked" not in (
        request.headers.get("Transfer-Encoding", "").lower()
    ):
        return  # no body can follow
    raw = request.environ["wsgi.input"]
    parts: list[bytes] = []
    size = 0
    while True:
        part = raw.read(min(_CHUNK, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
        if size > limit:
            raise too_large(limit)
    body = b"".join(parts)
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["CONTENT_LENGTH"] = str(len(body))
    request.environ.pop("wsgi.input_terminated", None)
    request.environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is no longer chunked


def install_body_limit(app: Flask) -> None:
    app.before_request(_buffer_body_of_unknown_length)
