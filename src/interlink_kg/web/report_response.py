"""A validation report in the format the client asks for: JSON, RDF or plain text."""

from __future__ import annotations

from flask import Request, Response, jsonify

from interlink_kg.model.report import ValidationReport
from interlink_kg.rdf.formats import JSONLD, TURTLE
from interlink_kg.rdf.serialize import serialize
from interlink_kg.validation.report_rdf import report_graph
from interlink_kg.web.negotiation import negotiate

JSON = "application/json"
TEXT = "text/plain"
_OFFERED = [JSON, TURTLE.media_type, JSONLD.media_type, TEXT]
SHACL = {"sh": "http://www.w3.org/ns/shacl#"}


def report_response(request: Request, report: ValidationReport, status: int = 200) -> Response:
    best = negotiate(request, _OFFERED)
    if best == JSON:
        response = jsonify(report.to_dict())
    elif best == TEXT:
        response = Response(report.to_text(), content_type="text/plain; charset=utf-8")
    else:
        fmt = TURTLE if best == TURTLE.media_type else JSONLD
        body = serialize(report_graph(report), fmt, SHACL)
        response = Response(body, content_type=f"{fmt.media_type}; charset=utf-8")
    response.status_code = status
    response.headers["Vary"] = "Accept"
    return response
