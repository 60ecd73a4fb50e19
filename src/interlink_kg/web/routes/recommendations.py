"""Recommendations: for a schema task, for a free set of problem profiles, and related ones."""

from __future__ import annotations

import json

from flask import Blueprint, Request, Response, jsonify, request

from interlink_kg.errors import BadRequestError
from interlink_kg.finding import recommendations as service
from interlink_kg.finding import untasked
from interlink_kg.finding.ranking import RecommendationList
from interlink_kg.finding.warmer import task_key
from interlink_kg.web.negotiation import choose_language, negotiate
from interlink_kg.web.recommendation_jsonld import recommendation_jsonld
from interlink_kg.web.request_body import json_body
from interlink_kg.web.state import state

bp = Blueprint("recommendations", __name__)
_FILTERS = ("kind", "licence", "difficulty", "purpose", "language", "target", "audience")


def _limit(raw: object) -> int:
    if raw is None:
        return service.DEFAULT_LIMIT
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    raise BadRequestError(
        f"limit must be an integer from 1 to {service.MAX_LIMIT}", details={"parameter": "limit"}
    )


def _filters(source: dict[str, object]) -> service.Filters:
    values: dict[str, str | None] = {}
    for name in _FILTERS:
        value = source.get(name)
        if value is not None and not isinstance(value, str):
            raise BadRequestError(f"{name} must be a string", details={"parameter": name})
        values[name] = value if isinstance(value, str) else None
    return service.Filters(**values)


def _answer(result: RecommendationList) -> Response:
    """JSON by default; JSON-LD (a schema.org ItemList) when the client prefers it."""
    best = negotiate(request, ["application/json", "application/ld+json"])
    if best == "application/ld+json":
        response = Response(
            json.dumps(recommendation_jsonld(result), ensure_ascii=False, indent=2),
            content_type="application/ld+json; charset=utf-8",
        )
    else:
        response = jsonify(result.to_dict())
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _args(req: Request) -> dict[str, object]:
    return dict(req.args.items())


@bp.get("/schemas/<schema>/tasks/<task>/recommendations")
def for_task(schema: str, task: str) -> Response:
    args = _args(request)
    lang = choose_language(request)
    limit = _limit(args.get("limit"))
    filters = _filters(args)
    result = state().answers.get(
        task_key(schema, task, lang, limit, filters),
        lambda: service.for_task(
            state().store,
            state().settings.base_iri,
            schema,
            task,
            lang=lang,
            limit=limit,
            filters=filters,
        ),
    )
    return _answer(result)


@bp.post("/recommendations")
def for_profiles() -> Response:
    body = json_body(request)
    if not isinstance(body, dict):
        raise BadRequestError(
            'send JSON such as {"problem_profiles": ["ORG_PROBLEM_2"], "text": "...", '
            '"lang": "en", "limit": 10}'
        )
    profiles = body.get("problem_profiles", [])
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        raise BadRequestError("problem_profiles must be a list of problem profile ids")
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise BadRequestError("text must be a string", details={"field": "text"})
    lang = body.get("lang") if isinstance(body.get("lang"), str) else choose_language(request)
    result = untasked.for_profiles(
        state().store,
        state().settings.base_iri,
        profiles,
        lang=str(lang),
        limit=_limit(body.get("limit")),
        filters=_filters(body),
        text=text,
    )
    return _answer(result)


@bp.get("/interlinkers/<identifier>/related")
def related(identifier: str) -> Response:
    result = untasked.related(
        state().store,
        state().settings.base_iri,
        identifier,
        lang=choose_language(request),
        limit=_limit(request.args.get("limit")),
    )
    return _answer(result)
