"""Build RDF responses: negotiated format, deterministic body, Vary and Link headers."""

from __future__ import annotations

from flask import Response, request
from rdflib import Graph

from interlink_kg.rdf.serialize import serialize
from interlink_kg.web.app import get_settings
from interlink_kg.web.negotiation import RDF_FORMATS, choose_rdf_format


def rdf_response(graph: Graph) -> Response:
    fmt = choose_rdf_format(request)
    body = serialize(graph, fmt)
    textual = fmt.media_type.startswith("text/") or fmt.media_type.endswith("+json")
    content_type = f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type
    response = Response(body, content_type=content_type)
    response.headers["Vary"] = "Accept"
    iri = get_settings().base_iri + request.path.lstrip("/")
    response.headers["Link"] = ", ".join(
        f'<{iri}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS
    )
    return response
