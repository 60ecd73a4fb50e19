"""The explanation of a ranking: which problem profiles each recommended INTERLINKER matched
(with their identifiers and labels), its words, and why, in the asked language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef

from interlink_kg.finding.cache import PerGeneration
from interlink_kg.finding.candidates import CandidateIndex
from interlink_kg.finding.catalogue import summaries
from interlink_kg.finding.ranking import (
    MatchedProfile,
    Recommendation,
    WeightedProfile,
    reason,
    usage_reason,
)
from interlink_kg.finding.relevance import TextScores
from interlink_kg.finding.use_figures import Ratings, Uses
from interlink_kg.model.labels import pick
from interlink_kg.queries import query
from interlink_kg.store.base import Row, Store
from interlink_kg.store.generation import generation

# The components an explanation shows, in its order.
COMPONENTS = ("match", "focus", "language", "target", "graph", "text", "usage", "related", "rating")


@dataclass(frozen=True)
class Scored:
    """A candidate of one stage with its score and every component of it."""

    item: str  # IRI
    score: float
    components: dict[str, float]
    uses: Uses
    ratings: Ratings


def _profile_names(
    store: Store, profiles: list[WeightedProfile], lang: str
) -> dict[str, tuple[str, str | None]]:
    """Each profile's identifier and its label in ``lang`` (or the fallback), by IRI; profiles
    without an identifier are left out."""
    if not profiles:
        return {}
    known = _PROFILE_NAMES.get(store) if generation(store) else {}
    missing = [URIRef(p.iri) for p in profiles if p.iri not in known]
    read = _names(store.select(query("problem-names", {"problem": missing}))) if missing else {}
    out = {}
    for profile in profiles:
        names = known.get(profile.iri) or read.get(profile.iri)
        if names is not None:
            out[profile.iri] = (names[0], pick(names[1], lang)[0])
    return out


def _names(rows: list[Row]) -> dict[str, tuple[str, dict[str, str]]]:
    """Each profile's identifier (the smallest) and labels by language tag, by IRI; profiles
    without an identifier are left out."""
    ids: dict[str, list[str]] = defaultdict(list)
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        problem, label = str(row["problem"]), row.get("label")
        if "problemId" in row:
            ids[problem].append(str(row["problemId"]))
        if isinstance(label, Literal):
            texts[problem].setdefault(label.language or "", str(label))
    return {iri: (min(found), texts[iri]) for iri, found in ids.items()}


# Every problem profile's names, read once per content stamp (a few hundred, whatever the size
# of the catalogue): on a SPARQL server, a round trip saved per recommendation.
_PROFILE_NAMES = PerGeneration(lambda store: _names(store.select(query("problem-names-all"))))


def explain(
    store: Store,
    index: CandidateIndex,
    rows: list[Scored],
    profiles: list[WeightedProfile],
    lang: str,
    text: TextScores | None = None,
) -> list[Recommendation]:
    """``rows`` as recommendations: the profiles each matched, its words, and why in
    ``lang``."""
    if not rows:
        return []
    items = [r.item for r in rows]
    by_profile = {p.iri: p for p in profiles}
    # Which of the profiles each addresses and how many address each: from the candidate index;
    # the profiles' identifiers and labels from the store.
    addressed = index.addressed(items, list(by_profile))
    names = _profile_names(store, profiles, lang)
    matched: dict[str, list[MatchedProfile]] = defaultdict(list)
    for item in items:
        for problem in addressed.get(item, []):
            if problem not in names:
                continue
            profile = by_profile[problem]
            identifier, label = names[problem]
            matched[item].append(
                MatchedProfile(
                    id=identifier,
                    iri=profile.iri,
                    label=label,
                    source=profile.source,
                    strength=profile.strength,
                    interlinkers_addressing=index.df(problem),
                    via=profile.via,
                )
            )
    summary = {s.iri: s for s in summaries(store, [URIRef(i) for i in items], lang)}
    out = []
    for row in rows:
        item = row.item
        found = tuple(
            sorted(
                matched[item], key=lambda m: (-m.strength / max(m.interlinkers_addressing, 1), m.id)
            )
        )
        info = summary.get(item)
        if info is None:  # its identifier is gone since the index was read
            continue
        available = row.components["language"] >= 1.0
        components = {name: round(row.components[name], 6) for name in COMPONENTS}
        words = text.matches.get(item) if text is not None else None
        uses, related_uses = row.uses.same, row.uses.related
        ratings = row.ratings.count
        average = round(row.ratings.average, 2) if ratings else None
        out.append(
            Recommendation(
                id=info.id,
                iri=item,
                title=info.title,
                title_language=info.title_language,
                kind=info.kind,
                score=round(row.score, 6),
                components=components,
                matched=found,
                language_available=available,
                uses=uses,
                reason=reason(found, lang, available, words)
                + usage_reason(uses, related_uses, ratings, average, lang),
                related_uses=related_uses,
                ratings=ratings,
                average_rating=average,
                text=words,
            )
        )
    return out
