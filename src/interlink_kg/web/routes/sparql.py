"""/sparql: the public SPARQL 1.1 Protocol endpoint (read-only) and its service description.

This module only reads the protocol (which parameters, which body, which media type) and
negotiates the result format; checking and running the query is the endpoint service's job.
"""

from __future__ import annotations

from flask import Blueprint, Request, Response, request

from interlink_kg.errors import BadRequestError, UnsupportedFormatError
from interlink_kg.sparql.analysis import UpdateRefusedError
from interlink_kg.sparql.formats import BY_KIND, by_name
from interlink_kg.sparql.worker import QueryJob
from interlink_kg.web.negotiation import SUFFIX_RULE, SUFFIXES
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state
from interlink_kg.web.views import sparql as sparql_views

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is not accepted"
)


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequestError(
            f"the request carries {len(values)} '{name}' parameters; send exactly one",
            details={"parameter": name},
        )
    return values[0] if values else None


def _direct_body(req: Request) -> str:
    charset = req.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise UnsupportedFormatError(
            f"a query sent as {DIRECT} must be UTF-8, not {charset}",
            details={"offered": [f"{DIRECT}; charset=utf-8"]},
        )
    try:
        return req.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError(f"the query is not valid UTF-8: {exc}") from exc


def read_query(req: Request) -> str | None:
    """The query text of a protocol request; None for a GET with no query (the description)."""
    if req.method == "GET":
        if "update" in req.args:
            raise UpdateRefusedError(READ_ONLY)
        return _one(req.args.getlist("query"), "query")
    if req.mimetype == FORM:
        if "update" in req.form:
            raise UpdateRefusedError(READ_ONLY)
        text = _one(req.form.getlist("query") + req.args.getlist("query"), "query")
        if text is None:
            raise BadRequestError("the form carries no 'query' parameter")
        return text
    if req.mimetype == DIRECT:
        if "query" in req.args:
            raise BadRequestError(
                f"a query sent as {DIRECT} goes in the body only, not also in the URL"
            )
        return _direct_body(req)
    if req.mimetype == UPDATE:
        raise UpdateRefusedError(READ_ONLY)
    raise UnsupportedFormatError(
        f"send a query as {DIRECT} or as a {FORM} form with a 'query' field "
        f"(got {req.mimetype or 'no media type'})",
        details={"offered": [DIRECT, FORM]},
    )


def _dataset(req: Request, name: str) -> tuple[str, ...] | None:
    values = req.args.getlist(name) + (req.form.getlist(name) if req.mimetype == FORM else [])
    return tuple(values) if values else None


def _explicit_accept(req: Request) -> bool:
    return any("*" not in value for value, quality in req.accept_mimetypes if quality > 0)


def choose_media(req: Request, kind: str) -> str | None:
    """The result media type for ``kind``: ``Accept`` first, then ``format=``/``output=``."""
    formats = BY_KIND[kind]
    hint = req.values.get("format") or req.values.get("output")
    if req.headers.get("Accept") and _explicit_accept(req):
        candidates = {f.media_type: f for f in formats}
        for fmt in formats:
            for alias in fmt.aliases:
                if "/" in alias:
                    candidates.setdefault(alias, fmt)
        best = req.accept_mimetypes.best_match(list(candidates))
        if best is not None:
            return candidates[best].media_type
        hinted = by_name(kind, hint) if hint else None
        return hinted.media_type if hinted else None
    if hint:
        hinted = by_name(kind, hint)
        if hinted is not None:
            return hinted.media_type
    return formats[0].media_type


@bp.route("/sparql", methods=["GET", "POST"])
@bp.get("/sparql" + SUFFIX_RULE)
def endpoint(suffix: str | None = None) -> Response:
    endpoint = state().sparql
    text = None if suffix else read_query(request)
    if (
        request.method == "GET"
        and not suffix
        and not request.values.get("format")
        and not request.values.get("output")
        and wants_page(request)
    ):
        return sparql_views.page(text)
    if text is None:
        if _dataset(request, "default-graph-uri") or _dataset(request, "named-graph-uri"):
            raise BadRequestError(
                "default-graph-uri and named-graph-uri choose the dataset of a query: "
                "send them with a 'query'"
            )
        return rdf_response(endpoint.description(), SUFFIXES[suffix] if suffix else None)
    job = QueryJob(
        query=text,
        media={kind: choose_media(request, kind) for kind in BY_KIND},
        default_graphs=_dataset(request, "default-graph-uri"),
        named_graphs=_dataset(request, "named-graph-uri"),
    )
    with state().expensive.slot():
        media_type, body = endpoint.query(job)
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    return response
