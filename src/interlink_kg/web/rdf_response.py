"""Build RDF responses: negotiated format, deterministic body, Vary and Link headers."""

from __future__ import annotations

from flask import Response, request
from rdflib import Graph

from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.serialize import serialize
from interlink_kg.web.app import get_settings
from interlink_kg.web.negotiation import RDF_FORMATS, choose_rdf_format


def rdf_response(graph: Graph, fmt: RdfFormat | None = None) -> Response:
    """``graph`` in ``fmt`` (from a suffix URL) or in the format ``Accept`` prefers."""
    fmt = fmt or choose_rdf_format(request)
    body = serialize(graph, fmt)
    textual = fmt.media_type.startswith("text/") or fmt.media_type.endswith("+json")
    content_type = f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type
    response = Response(body, content_type=content_type)
    response.headers["Vary"] = "Accept"
    path = request.path.lstrip("/")
    for suffix in (".ttl", ".jsonld", ".rdf", ".nt"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    iri = get_settings().base_iri + path
    suffixes = {
        "text/turtle": ".ttl",
        "application/ld+json": ".jsonld",
        "application/rdf+xml": ".rdf",
        "application/n-triples": ".nt",
    }
    response.headers["Link"] = ", ".join(
        f'<{iri}{suffixes[f.media_type]}>; rel="alternate"; type="{f.media_type}"'
        for f in RDF_FORMATS
    )
    return response
