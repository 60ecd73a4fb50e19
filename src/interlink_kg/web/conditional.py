"""Conditional GET (RFC 9110, section 13) for what follows the catalogue store alone: an
INTERLINKER's description, the catalogue's pages and every other resource read from that store
by ``describe`` or the profile views (decision 0022).

Their answer is a function of the catalogue's content and of what teams published (both
generation stamps, :func:`~interlink_kg.store.generation.both_generations`), of the request
(its path and query, and the headers it is negotiated by: ``Accept``, ``Accept-Profile``) and
of the service (its version, base IRI, contact address and page sizes). A weak ``ETag`` is a
digest of all of these, so it is known before the store is read: a request whose
``If-None-Match`` names it is answered ``304 Not Modified`` from the stamps alone, and a
harvester that walks the catalogue again after no change reads nothing but them. Pages for
people are left out (they carry a session's own form tokens), as is content never stamped
(whose changes no stamp records).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Response, request

from interlink_kg import __version__
from interlink_kg.store.generation import both_generations
from interlink_kg.web.negotiation import prefers_html
from interlink_kg.web.state import state

P = ParamSpec("P")


def _tag(vary: str) -> str | None:
    """The weak validator of the representation this request asks for (negotiated by the
    headers ``vary`` names), or None when the catalogue's content was never stamped."""
    stamps = both_generations(state().store)
    if not stamps.partition(" ")[0]:  # no content stamp: its changes would not move the tag
        return None
    settings = state().settings
    parts = (
        __version__,
        settings.base_iri,
        settings.contact_email or "",
        f"{settings.page_size} {settings.max_page_size}",
        stamps,
        request.full_path,
        *(f"{name}: {request.headers.get(name, '')}" for name in vary.split(", ")),
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def _unchanged(tag: str, vary: str) -> Response:
    unchanged = Response(status=304)
    unchanged.set_etag(tag, weak=True)
    unchanged.headers["Vary"] = vary
    return unchanged


def conditional(vary: str) -> Callable[[Callable[P, Response]], Callable[P, Response]]:
    """Make a view of catalogue RDF answer conditional requests; ``vary`` is the ``Vary`` its
    answers carry, repeated on a ``304``."""

    def decorate(view: Callable[P, Response]) -> Callable[P, Response]:
        @wraps(view)
        def answer(*args: P.args, **kwargs: P.kwargs) -> Response:
            if prefers_html(request):  # a page for people, or one who might get it
                return view(*args, **kwargs)
            tag = _tag(vary)
            if tag is None:
                return view(*args, **kwargs)
            wanted = request.if_none_match
            # "*" matches only a representation that exists: the view finds out
            if wanted.contains_weak(tag) and not wanted.star_tag:
                return _unchanged(tag, vary)
            response = view(*args, **kwargs)
            if response.status_code != 200:
                return response
            if wanted.star_tag:
                return _unchanged(tag, vary)
            response.set_etag(tag, weak=True)
            return response

        answer.conditional_vary = vary  # type: ignore[attr-defined]  # for the contract test
        return answer

    return decorate
