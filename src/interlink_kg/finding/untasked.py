"""Recommendations for callers without a task: for a free set of problem profiles and/or free
text, and the INTERLINKERs related to one (its profiles and its own words), ranked and
explained as a task's are (:mod:`interlink_kg.finding.recommendations`)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from interlink_kg.errors import BadRequestError
from interlink_kg.finding.catalogue import interlinker_iri, list_problem_profiles
from interlink_kg.finding.filters import Filters
from interlink_kg.finding.ranking import RecommendationList, WeightedProfile
from interlink_kg.finding.recommendations import (
    DEFAULT_LIMIT,
    WORD_MATCHING,
    checked_limit,
    recommend,
)
from interlink_kg.finding.relevance import text_relevance
from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import ILK

MAX_TEXT_CHARS = 2000  # free text given instead of (or besides) problem profiles


def for_profiles(
    store: Store,
    base_iri: str,
    profile_ids: list[str],
    *,
    lang: str = "en",
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    text: str | None = None,
) -> RecommendationList:
    """Recommendations for a free set of problem profiles and/or free text (for callers
    without a task): the text is matched as a task's title would be."""
    if lang not in SUPPORTED_LANGUAGES:
        raise BadRequestError(
            f"unknown language {lang[:20]!r}; use one of: {', '.join(SUPPORTED_LANGUAGES)}",
            details={"parameter": "lang", "allowed": list(SUPPORTED_LANGUAGES)},
        )
    known = {p.id: p.iri for p in list_problem_profiles(store, lang="en")}
    unknown = sorted(set(profile_ids) - set(known))
    words = text.strip() if text else ""
    if unknown or not (profile_ids or words):
        raise BadRequestError(
            "give one or more known problem profile ids, or a text"
            + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            details={"allowed": sorted(known)},
        )
    if len(words) > MAX_TEXT_CHARS:
        raise BadRequestError(
            f"text has more than {MAX_TEXT_CHARS} characters", details={"field": "text"}
        )
    profiles = [WeightedProfile(known[i], "given", 1.0) for i in sorted(set(profile_ids))]
    return recommend(
        store,
        [profiles] if profiles else [],
        lang=lang,
        limit=limit,
        filters=filters or Filters(),
        text=text_relevance(store).for_text(words, lang) if words else None,
    )


def related(
    store: Store,
    base_iri: str,
    identifier: str,
    *,
    lang: str = "en",
    limit: int = DEFAULT_LIMIT,
    described: tuple[URIRef, Graph] | None = None,
) -> RecommendationList:
    """INTERLINKERs that address problems like those of ``identifier`` or whose words match
    its title and description (itself excluded). ``described``: its IRI and description
    (:func:`~interlink_kg.finding.catalogue.describe`) when the caller has read them: its
    problems and words are then taken from there, not asked for again."""
    if described is None:
        iri = interlinker_iri(store, identifier)
        rows = store.select(query("interlinker-problems", {"item": [iri]}))
        problems = {str(r["problem"]) for r in rows}
    else:
        iri, graph = described
        problems = {
            str(p) for p in graph.objects(iri, ILK.addressesProblem) if isinstance(p, URIRef)
        }
    profiles = [WeightedProfile(p, "given", 1.0) for p in sorted(problems)]
    limit = checked_limit(limit)  # before any work is handed to another thread
    # Its words are matched while the candidates by profile are chosen (both sums release the
    # GIL: finding/scatter.py), as for a task's ranking.
    words = WORD_MATCHING.submit(
        text_relevance(store).for_interlinker,
        iri,
        lang,
        described[1] if described is not None else None,
    )
    return recommend(
        store,
        [profiles] if profiles else [],
        lang=lang,
        limit=limit,
        filters=Filters(),
        exclude={str(iri)},
        subject={"interlinker": identifier},
        text=words,
    )
