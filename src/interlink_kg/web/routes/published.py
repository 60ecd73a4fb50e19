"""The API's own description and whole-catalogue downloads: /openapi.json and /dump."""

from __future__ import annotations

from collections.abc import Iterator

import yaml
from flask import Blueprint, Response, jsonify, request

from interlink_kg import resources
from interlink_kg.publishing.void import void_graph
from interlink_kg.rdf.formats import NTRIPLES, TURTLE
from interlink_kg.web.negotiation import negotiate
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state

bp = Blueprint("published", __name__)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document kept in ``api/openapi.yaml``, as JSON."""
    return jsonify(yaml.safe_load(resources.openapi_file().read_text(encoding="utf-8")))


@bp.get("/.well-known/void")
def void() -> Response:
    """The VoID description of the published catalogue."""
    return rdf_response(void_graph(state().store, state().settings.base_iri))


@bp.get("/dump")
def dump() -> Response:
    """Every published triple, as N-Triples (default) or Turtle, sent in chunks."""
    offered = [NTRIPLES.media_type, TURTLE.media_type, "text/plain"]
    best = negotiate(request, offered, listed=offered[:2])
    fmt = TURTLE if best == TURTLE.media_type else NTRIPLES
    with state().expensive.slot():
        body = state().store.dump(fmt)

    def chunks() -> Iterator[bytes]:
        step = 1 << 16
        for start in range(0, len(body), step):
            yield body[start : start + step]

    response = Response(chunks(), content_type=f"{fmt.media_type}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="interlink-kg.{fmt.name}"'
    response.headers["Vary"] = "Accept"
    return response
