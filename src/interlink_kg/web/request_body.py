"""Read RDF from a request: a raw body with its Content-Type, or a multipart file upload."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Request

from interlink_kg.errors import BadRequestError, UnsupportedFormatError
from interlink_kg.rdf.formats import RdfFormat, by_media_type, by_path
from interlink_kg.rdf.untrusted import check_json_depth

MAX_JSON_DEPTH = 32


def rdf_body(request: Request) -> tuple[bytes, RdfFormat]:
    """The RDF bytes and their format; 415 for an unknown type, 400 for an empty body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequestError("a multipart upload needs a part named 'file'")
        data = upload.read()
        if upload.mimetype and upload.mimetype != "application/octet-stream":
            fmt = by_media_type(upload.mimetype)
        elif upload.filename:
            fmt = by_path(PurePosixPath(upload.filename))
        else:
            raise UnsupportedFormatError("the uploaded file has neither a media type nor a name")
    else:
        if not request.mimetype:
            raise UnsupportedFormatError(
                "send a Content-Type: text/turtle, application/ld+json, application/rdf+xml "
                "or application/n-triples"
            )
        fmt = by_media_type(request.mimetype)
        data = request.get_data(cache=False)
    if not data.strip():
        raise BadRequestError("the request has no RDF in it")
    return data, fmt


def json_body(request: Request) -> object | None:
    """The request's JSON body (None when it has none or it is not JSON); nesting deeper than
    :data:`MAX_JSON_DEPTH` is refused before parsing (Python's parser would recurse until the
    interpreter's limit)."""
    if not request.is_json:
        return None
    check_json_depth(request.get_data(cache=True), MAX_JSON_DEPTH)
    return request.get_json(silent=True)
