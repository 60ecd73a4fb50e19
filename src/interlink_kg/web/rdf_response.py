"""Build RDF responses: negotiated format, deterministic body, Vary and Link headers."""

from __future__ import annotations

from flask import Response, request
from rdflib import Graph, URIRef

from interlink_kg.finding.catalogue import display_labels
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.serialize import serialize
from interlink_kg.web import html_view
from interlink_kg.web.negotiation import (
    RDF_FORMATS,
    SUFFIXES,
    canonical_query,
    choose_language,
    choose_rdf_format,
    prefers_html,
)
from interlink_kg.web.state import state


def rdf_response(
    graph: Graph, fmt: RdfFormat | None = None, *, suffix_urls: bool = True
) -> Response:
    """``graph`` in ``fmt`` (from a suffix URL), or in the format ``Accept`` prefers: an RDF
    syntax, or a readable HTML page for browsers.

    ``suffix_urls=False`` for resources whose own name ends like a suffix (named graphs such as
    ``.../catalogue.ttl``): no suffix is stripped and no suffix alternates are linked."""
    path = request.path.lstrip("/")
    if suffix_urls:
        for suffix in SUFFIXES:
            if path.endswith(suffix):
                path = path[: -len(suffix)]
    base_iri = state().settings.base_iri
    iri = base_iri + path
    keep = canonical_query(request)  # a catalogue page's alternates: the same page
    alternates = (
        {f.media_type: f"{iri}{f.extensions[0]}{keep}" for f in RDF_FORMATS} if suffix_urls else {}
    )
    if fmt is None and prefers_html(request):
        referenced = {t for triple in graph for t in triple[1:] if isinstance(t, URIRef)}
        names = display_labels(state().store, referenced)
        page = html_view.render(graph, names, iri, choose_language(request), base_iri, alternates)
        response = Response(page, content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept, Accept-Language"
    else:
        fmt = fmt or choose_rdf_format(request, html_offered=True)
        body = serialize(graph, fmt)
        textual = fmt.media_type.startswith("text/") or fmt.media_type.endswith("+json")
        content_type = f"{fmt.media_type}; charset=utf-8" if textual else fmt.media_type
        response = Response(body, content_type=content_type)
        response.headers["Vary"] = "Accept"
    if alternates:
        response.headers["Link"] = ", ".join(
            f'<{href}>; rel="alternate"; type="{media_type}"'
            for media_type, href in alternates.items()
        )
    return response
