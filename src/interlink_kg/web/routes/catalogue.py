"""GET /catalogue: the harvestable catalogue, paged by number (``?page=N&per_page=M``) or by key
(``?after=ID``: constant cost per page, however deep), in a profile
(``?profile=dcat-ap-3|dcat-ap-2.1.1|adms-ap``), optionally only what changed since a moment
(``?modified_since=`` ISO 8601)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from interlink_kg.errors import BadRequestError
from interlink_kg.model.iris import is_identifier
from interlink_kg.publishing import profiles
from interlink_kg.publishing.catalogue_pages import PageRequest, catalogue_page
from interlink_kg.web.conditional import conditional
from interlink_kg.web.negotiation import (
    SUFFIX_RULE,
    SUFFIXES,
    accepted_profiles,
    canonical_query,
    page_args,
)
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state

bp = Blueprint("catalogue", __name__)


def parse_moment(raw: str) -> datetime:
    """An ISO 8601 date or date-time; one without a time zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise BadRequestError(
            f"modified_since must be an ISO 8601 date or date-time "
            f"(e.g. 2026-11-01 or 2026-11-01T08:00:00Z), got {raw!r}",
            details={"parameter": "modified_since"},
        ) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _after_key() -> str | None:
    """``?after=ID``: a page by key (the INTERLINKERs whose identifier comes after ``ID``)."""
    raw = request.args.get("after")
    if raw is None:
        return None
    if "page" in request.args:
        raise BadRequestError(
            "ask for a page by number (page=) or by key (after=), not both",
            details={"parameter": "after"},
        )
    if not is_identifier(raw):
        raise BadRequestError(
            "after must be an INTERLINKER identifier (letters, digits, '_', '.', '-'; at most "
            "200 characters), as the previous page's next link gives it",
            details={"parameter": "after"},
        )
    return raw


CHEAP_PAGE = 100  # items per page


@bp.get("/catalogue")
@bp.get("/catalogue" + SUFFIX_RULE)
@conditional(vary="Accept, Accept-Profile")
def show(suffix: str | None = None) -> Response:
    settings = state().settings
    profile = _chosen_profile()
    profiles.require_contact_email(profile, settings.contact_email)
    page, per_page = page_args(request, settings.page_size, settings.max_page_size)
    since_text = request.args.get("modified_since")
    after = _after_key()
    page_request = PageRequest(
        page=page,
        per_page=per_page,
        default_per_page=settings.page_size,
        profile=profile,
        modified_since=parse_moment(since_text) if since_text is not None else None,
        modified_since_text=since_text,
        after=after,
    )
    requested = settings.base_iri + request.path.lstrip("/") + canonical_query(request)
    # A page of 1000 costs ~0.5 s of CPU: larger pages wait on the bound of expensive work.
    # Up to CHEAP_PAGE items, a page is cut from the sorted keys at any depth (~40 ms at 100,
    # bench/catalogue_bench.py), a cheap read like a recommendation.
    bound = state().expensive.slot() if per_page > CHEAP_PAGE else nullcontext()
    with bound:
        graph = catalogue_page(
            state().store,
            settings.base_iri,
            page_request,
            requested_url=requested,
            contact_email=settings.contact_email,
        )
        response = rdf_response(graph, SUFFIXES[suffix] if suffix else None)
    response.headers["Link"] += f', <{profile.standard}>; rel="profile"'
    response.headers["Content-Profile"] = f"<{profile.standard}>"
    response.headers["Vary"] += ", Accept-Profile"
    return response


def _chosen_profile() -> profiles.Profile:
    """``?profile=`` wins; else the first ``Accept-Profile`` entry we serve; else DCAT-AP 3."""
    if "profile" in request.args:
        return profiles.by_name(request.args["profile"])
    for iri in accepted_profiles(request):
        found = profiles.by_standard(iri)
        if found is not None:
            return found
    return profiles.DEFAULT
