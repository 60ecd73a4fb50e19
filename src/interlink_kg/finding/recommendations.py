"""Ranked, explained recommendations of INTERLINKERs, from the in-memory indexes and named queries.

The path of a task gives weighted problem profiles (its own and its objective's; failing that,
its sibling tasks' and phase's; failing that, the phase's other objectives'); when fewer than
three INTERLINKERs match, profiles of the same group (SKOS ``broader``) join at a reduced
strength. The candidates come from the in-memory candidate index (``finding/candidates.py``:
the best by profile match and focus, after the hard filters) and from the words of the task
(``finding/relevance.py``). Their preferences are read in memory too: language and audience
from the candidate index, the registry of use and the ratings from ``finding/use_figures.py``.
The store is asked for the task's path and words and, for the explanation, the profiles'
identifiers and labels (``problem-names.rq``) and the recommended INTERLINKERs' titles.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.errors import BadRequestError, NotFoundError
from interlink_kg.finding import ranking
from interlink_kg.finding.cache import PerGeneration
from interlink_kg.finding.candidates import IDENTIFIED, CandidateIndex, candidate_index
from interlink_kg.finding.catalogue import interlinker_iri, list_problem_profiles, summaries
from interlink_kg.finding.filters import Filters as Filters  # the service's own filter type
from interlink_kg.finding.filters import check_filters, language_iri
from interlink_kg.finding.ranking import (
    MIN_CANDIDATES,
    MatchedProfile,
    Recommendation,
    RecommendationList,
    WeightedProfile,
    profile_tiers,
    reason,
    usage_reason,
    with_neighbours,
)
from interlink_kg.finding.relevance import TextScores, text_relevance
from interlink_kg.finding.task_table import path_of, task_table
from interlink_kg.finding.use_figures import NO_USES, Ratings, Uses, use_figures
from interlink_kg.model import iris
from interlink_kg.model.labels import SUPPORTED_LANGUAGES, pick
from interlink_kg.queries import query
from interlink_kg.store.base import Row, Store
from interlink_kg.store.generation import generation
from interlink_kg.vocab import ILK

DEFAULT_LIMIT = 10  # recommendations in an answer when the request names no limit
# The word matching (NumPy) runs in a thread while the candidates and their preferences are
# read.
_WORD_MATCHING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="word-matching")
Words = TextScores | Future[TextScores] | None
NOTHING = "urn:interlink-kg:no-problem-profile"  # binds a query variable to nothing (bench, tests)
MAX_LIMIT = 100


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequestError(
            f"limit must be from 1 to {MAX_LIMIT}", details={"parameter": "limit"}
        )
    return limit


def task_iri(store: Store, schema_id: str, task_id: str) -> URIRef:
    return _task(store, schema_id, task_id)[0]


def _task(store: Store, schema_id: str, task_id: str) -> tuple[URIRef, tuple[tuple[str, str], ...]]:
    """The task's IRI and the problem profiles on its path with where each comes from: from
    the table of every schema task, read once per content stamp; read for this task alone from
    a store without a stamp (404 when there is no such task)."""
    if not (iris.is_identifier(schema_id) and iris.is_identifier(task_id)):
        raise NotFoundError(f"no task {task_id!r} in schema {schema_id!r}")
    table = task_table(store)
    if table is None:
        return _read_task(store, (schema_id, task_id))
    found = table.task(schema_id, task_id)
    if found is None:
        raise _no_task(schema_id, task_id)
    return found


def _no_task(schema_id: str, task_id: str) -> NotFoundError:
    return NotFoundError(
        f"no task {task_id!r} in schema {schema_id!r}",
        details={"schema": schema_id, "task": task_id},
    )


def _read_task(store: Store, key: tuple[str, str]) -> tuple[URIRef, tuple[tuple[str, str], ...]]:
    schema_id, task_id = key
    rows = store.select(
        query("task-iri", {"schemaId taskId": [(Literal(schema_id), Literal(task_id))]})
    )
    if not rows:
        raise _no_task(schema_id, task_id)
    task = URIRef(str(rows[0]["task"]))
    path = store.select(query("task-context", {"task": [task]}))
    return task, path_of((str(r["problem"]), str(r["source"])) for r in path)


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


def _rank(
    store: Store,
    index: CandidateIndex,
    profiles: list[WeightedProfile],
    lang: str,
    limit: int,
    filters: tuple[dict[str, str], list[Node]],
    task: URIRef | None,
    exclude: set[str],
    usage_profiles: list[WeightedProfile],
    words: Words,
) -> tuple[list[Scored], TextScores | None]:
    """The candidates of one stage with every factor, scored (``ranking.combine``) and sorted,
    best first, ties to the smaller IRI; at most ``limit``, none of ``exclude``; and the word
    matches used.

    The candidates by profile come from the in-memory candidate index while the word matches
    may still be being computed (a future); their preferences too (language and audience are
    facets of the index; the registry of use and the ratings are read once per stamp,
    :mod:`interlink_kg.finding.use_figures`), so no query is asked here."""
    hard, audience = filters
    chosen = {
        c.item: c
        for c in index.best([(p.iri, p.strength) for p in profiles], hard, ranking.CANDIDATES)
    }
    text = words.result() if isinstance(words, Future) else words
    for item in index.passing(text_candidates(text, exclude), hard):
        if item not in chosen:
            found = index.candidate(item)
            if found is not None:
                chosen[item] = found
    # Those one cannot link to (no identifier) are not recommended; they still count as
    # addressing their profiles.
    named = set(index.passing([i for i in chosen if i not in exclude], IDENTIFIED))
    chosen = {item: c for item, c in chosen.items() if item in named}
    if not chosen:
        return [], text
    in_language = set(index.passing(chosen, {"language": str(language_iri(lang))}))
    fitting = set(index.passing(chosen, {"target": str(audience[0])})) if audience else None
    figures = use_figures(store)
    uses = figures.uses(str(task) if task is not None else None, [p.iri for p in usage_profiles])
    strongest = max((c.match * c.focus for c in chosen.values()), default=0)
    scored: list[Scored] = []
    for item, found in chosen.items():
        match = text.matches.get(item) if text is not None else None
        used = uses.get(item, NO_USES)
        rated = figures.ratings(item)
        factors = {
            "match": found.match,
            "focus": found.focus,
            "language": 1.0 if item in in_language else ranking.LANGUAGE_MISS,
            "target": 1.0 if fitting is None or item in fitting else ranking.AUDIENCE_MISS,
            "usage": ranking.usage_boost(used.same),
            "related": ranking.related_boost(used.related),
            "rating": ranking.rating_boost(rated.count, rated.average),
        }
        parts = ranking.combine(
            graph=found.match * found.focus,
            strongest=strongest,
            text=match.score if match else 0.0,
            focus=found.focus,
            language=factors["language"],
            target=factors["target"],
            boost=factors["usage"] + factors["related"] + factors["rating"],
        )
        if parts["score"] <= 0:
            continue
        scored.append(Scored(item, parts["score"], {**factors, **parts}, used, rated))
    scored.sort(key=lambda r: (-r.score, r.item))
    return scored[:limit], text


def text_candidates(text: TextScores | None, exclude: set[str]) -> list[str]:
    """The INTERLINKERs whose words match best (at most ``ranking.TEXT_CANDIDATES``, each at
    least ``ranking.TEXT_FLOOR``)."""
    if text is None:
        return []
    ranked = sorted((m.score, item) for item, m in text.matches.items() if item not in exclude)
    return [item for score, item in reversed(ranked) if score >= ranking.TEXT_FLOOR][
        : ranking.TEXT_CANDIDATES
    ]


def _recommend(
    store: Store,
    base_iri: str,
    tiers: list[list[WeightedProfile]],
    *,
    lang: str,
    limit: int,
    filters: Filters,
    task: URIRef | None = None,
    exclude: set[str] | None = None,
    subject: dict[str, str] | None = None,
    text: Words = None,
) -> RecommendationList:
    """Rank stage by stage: the first tier of profiles, then (while fewer than
    ``MIN_CANDIDATES`` INTERLINKERs were found) the next tiers, then same-group profiles.

    A later stage only adds INTERLINKERs after those already found, scored on its own
    profiles: weak evidence never lifts a candidate above one with stronger evidence, and
    cannot add up for INTERLINKERs that address everything.
    """
    limit = _check_limit(limit)
    checked = check_filters(store, filters)
    index = candidate_index(store)  # one generation for every stage and its explanation
    skip = set(exclude or ())
    wanted = max(limit, MIN_CANDIDATES)
    used: list[WeightedProfile] = []
    stages: list[tuple[list[Scored], list[WeightedProfile], TextScores | None]] = []
    usage_profiles = tiers[0] if tiers else []  # tasks sharing these count as related

    def run(profiles: list[WeightedProfile]) -> int:
        found = sum(len(rows) for rows, _, _ in stages)
        words = text if not stages else None  # words count in the first stage only
        rows, matches = _rank(
            store, index, profiles, lang, wanted - found, checked, task, skip, usage_profiles, words
        )
        stages.append((rows, profiles, matches))
        skip.update(r.item for r in rows)
        return found + len(rows)

    found = 0
    for tier in tiers or [[]]:  # without profiles, the words alone
        used.extend(tier)
        found = run(tier)
        if found >= MIN_CANDIDATES:
            break
    if used and found < MIN_CANDIDATES:
        pairs = store.select(
            query("problem-neighbours", {"problem": [URIRef(p.iri) for p in used]})
        )
        widened = with_neighbours(used, [(str(r["problem"]), str(r["neighbour"])) for r in pairs])
        extra = [p for p in widened if p.source == "hierarchy"]
        if extra:
            used.extend(extra)
            run(extra)
    items: list[Recommendation] = []
    for rows, profiles, words in stages:
        items.extend(_explain(store, index, rows, profiles, lang, words))
    return RecommendationList(
        lang, tuple(sorted(used, key=lambda p: p.iri)), tuple(items[:limit]), subject or {}
    )


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


def _explain(
    store: Store,
    index: CandidateIndex,
    rows: list[Scored],
    profiles: list[WeightedProfile],
    lang: str,
    text: TextScores | None = None,
) -> list[Recommendation]:
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


def for_task(
    store: Store,
    base_iri: str,
    schema_id: str,
    task_id: str,
    *,
    lang: str = "en",
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
) -> RecommendationList:
    """Recommendations for one task of a co-production schema."""
    task, path = _task(store, schema_id, task_id)
    tiers = profile_tiers(list(path))
    # The word matches are computed while the candidates by profile are queried.
    words = _WORD_MATCHING.submit(text_relevance(store).for_task, task, lang)
    return _recommend(
        store,
        base_iri,
        tiers,
        lang=lang,
        limit=limit,
        filters=filters or Filters(),
        task=task,
        subject={"schema": schema_id, "task": task_id, "task_iri": str(task)},
        text=words,
    )


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
    return _recommend(
        store,
        base_iri,
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
    return _recommend(
        store,
        base_iri,
        [profiles] if profiles else [],
        lang=lang,
        limit=limit,
        filters=Filters(),
        exclude={str(iri)},
        subject={"interlinker": identifier},
        text=text_relevance(store).for_interlinker(
            iri, lang, described[1] if described is not None else None
        ),
    )
