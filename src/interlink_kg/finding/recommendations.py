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

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from types import MappingProxyType

from rdflib import Literal, URIRef
from rdflib.term import Node

from interlink_kg.errors import BadRequestError, NotFoundError
from interlink_kg.finding import ranking, siblings
from interlink_kg.finding.cache import Remembered
from interlink_kg.finding.candidate_arrays import IDENTIFIED
from interlink_kg.finding.candidates import CandidateIndex, candidate_index
from interlink_kg.finding.explanations import Scored, explain
from interlink_kg.finding.filters import Filters as Filters  # the service's own filter type
from interlink_kg.finding.filters import check_filters, language_iri
from interlink_kg.finding.ranking import (
    MIN_CANDIDATES,
    Recommendation,
    RecommendationList,
    SiblingChange,
    WeightedProfile,
    profile_tiers,
    with_neighbours,
)
from interlink_kg.finding.relevance import TextScores, text_relevance
from interlink_kg.finding.task_table import path_of, task_siblings, task_table, task_title
from interlink_kg.finding.use_figures import NO_USES, use_figures
from interlink_kg.model import iris
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation

DEFAULT_LIMIT = 10  # recommendations in an answer when the request names no limit
# The word matching (NumPy) runs in a thread while the candidates and their preferences are
# read.
WORD_MATCHING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="word-matching")
Words = TextScores | Future[TextScores] | None
NOTHING = "urn:interlink-kg:no-problem-profile"  # binds a query variable to nothing (bench, tests)
MAX_LIMIT = 100


def checked_limit(limit: int) -> int:
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


@dataclass(frozen=True)
class _Ranking:
    """One ranking before its explanation: its stages (each: rows, the profiles it ranked on,
    the word matches), the profiles used, and the candidate index it was read from."""

    index: CandidateIndex
    used: tuple[WeightedProfile, ...]
    stages: tuple[tuple[list[Scored], list[WeightedProfile], TextScores | None], ...]

    def order(self) -> list[tuple[str, float]]:
        """The ranked INTERLINKERs (IRI, score), best first."""
        return [(r.item, r.score) for rows, _, _ in self.stages for r in rows]


def _ranking(
    store: Store,
    tiers: list[list[WeightedProfile]],
    *,
    lang: str,
    wanted: int,
    filters: Filters,
    task: URIRef | None = None,
    exclude: set[str] | None = None,
    text: Words = None,
) -> _Ranking:
    """Rank stage by stage: the first tier of profiles, then (while fewer than
    ``MIN_CANDIDATES`` INTERLINKERs were found) the next tiers, then same-group profiles;
    ``wanted`` at most.

    A later stage only adds INTERLINKERs after those already found, scored on its own
    profiles: weak evidence never lifts a candidate above one with stronger evidence, and
    cannot add up for INTERLINKERs that address everything. The first places do not depend on
    ``wanted`` (at least ``MIN_CANDIDATES``): a longer ranking only goes on further.
    """
    checked = check_filters(store, filters)
    index = candidate_index(store)  # one generation for every stage and its explanation
    skip = set(exclude or ())
    wanted = max(wanted, MIN_CANDIDATES)
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
    # kept for the siblings' requests: the word matches of the ranked INTERLINKERs alone
    kept = tuple((rows, profiles, _only(words, rows)) for rows, profiles, words in stages)
    return _Ranking(index, tuple(sorted(used, key=lambda p: p.iri)), kept)


def _only(words: TextScores | None, rows: list[Scored]) -> TextScores | None:
    """``words`` with the matches of ``rows`` alone (what their explanation reads)."""
    if words is None:
        return None
    matches = {r.item: words.matches[r.item] for r in rows if r.item in words.matches}
    return replace(words, matches=MappingProxyType(matches))


def _explained(
    store: Store,
    ranked: _Ranking,
    *,
    lang: str,
    limit: int,
    subject: dict[str, str] | None = None,
    move: tuple[siblings.Move, SiblingChange] | None = None,
) -> RecommendationList:
    """The first ``limit`` of ``ranked``, explained; ``move``: the change that sets the task's
    first three apart from a sibling's, with what its raised INTERLINKER says (its lowered one
    says the same, lowered; said only when the list shown holds both where the move puts
    them)."""
    items: list[Recommendation] = []
    for rows, profiles, words in ranked.stages:
        items.extend(explain(store, ranked.index, rows, profiles, lang, words))
    if move is not None:
        shown = [r.iri for r in items]
        order = siblings.reordered(shown, move[0])
        if order != shown:
            notes = {move[0].raised: move[1], move[0].lowered: replace(move[1], raised=False)}
            by_iri = {r.iri: r for r in items}
            items = [_noted(by_iri[i], notes.get(i), lang) for i in order]
    return RecommendationList(lang, ranked.used, tuple(items[:limit]), subject or {})


def _noted(item: Recommendation, change: SiblingChange | None, lang: str) -> Recommendation:
    if change is None:
        return item
    return replace(item, sibling=change, reason=item.reason + change.sentence(lang))


def recommend(
    store: Store,
    tiers: list[list[WeightedProfile]],
    *,
    lang: str,
    limit: int,
    filters: Filters,
    exclude: set[str] | None = None,
    subject: dict[str, str] | None = None,
    text: Words = None,
) -> RecommendationList:
    """Ranked and explained, for callers without a task (``finding/untasked.py``)."""
    limit = checked_limit(limit)
    ranked = _ranking(
        store, tiers, lang=lang, wanted=limit, filters=filters, exclude=exclude, text=text
    )
    return _explained(store, ranked, lang=lang, limit=limit, subject=subject)


TaskKey = tuple[str, str, str, int, Filters]  # schema id, task id, language, depth, filters


def _task_words(store: Store, key: tuple[URIRef, str]) -> TextScores:
    task, lang = key
    return text_relevance(store).for_task(task, lang)


# A task's word matches in one language, kept until the catalogue or what teams did changes:
# they do not depend on the filters, so once the warmer has ranked every task's default
# request, a request with filters (and its sibling tasks' rankings) reads them from here. One
# holds at most relevance.MAX_SCORED matches per language tried (its own and English).
_TASK_WORDS: Remembered[tuple[URIRef, str], TextScores] = Remembered(
    _task_words, stamp=latest_generation, size=1024
)


def _rank_task(store: Store, key: TaskKey) -> tuple[URIRef, _Ranking]:
    schema_id, task_id, lang, depth, filters = key
    task, path = _task(store, schema_id, task_id)
    tiers = profile_tiers(list(path))
    # The word matches are computed (or read where kept) while the candidates by profile are
    # chosen; those of the sibling tasks too, whose rankings the comparison of the objective's
    # tasks asks for next (the sums release the GIL: finding/scatter.py).
    words = WORD_MATCHING.submit(_TASK_WORDS.get, store, (task, lang))
    if ranking.COMPARE_SIBLINGS:
        others = [(sibling.iri, lang) for sibling in task_siblings(store, task)]
        _TASK_WORDS.prefetch(WORD_MATCHING, store, others)
    ranked = _ranking(store, tiers, lang=lang, wanted=depth, filters=filters, task=task, text=words)
    return task, ranked


# A task's ranking is kept until the catalogue or what teams did changes: its sibling tasks'
# requests read it again (finding/siblings.py). One holds its first ten (or ``limit``) rows
# with their word matches: about 13 kB (measured on the catalogue), at most ~30 MB per store.
_TASK_RANKINGS: Remembered[TaskKey, tuple[URIRef, _Ranking]] = Remembered(
    _rank_task, stamp=latest_generation, size=2048
)


def forget_rankings(*, words: bool = True) -> None:
    """Forget the task rankings and (unless ``words`` is False) the word matches kept: for a
    bench or a test that changes the ranking's constants (``finding/ranking.py``) while the
    stores stay as they were."""
    _TASK_RANKINGS.clear()
    if words:
        _TASK_WORDS.clear()


def _sibling_move(
    store: Store, task: URIRef, ranked: _Ranking, lang: str, filters: Filters
) -> tuple[siblings.Move, SiblingChange] | None:
    """The change that sets the task's first three apart from those of the other tasks of its
    objective (ranked with the same language and filters), if it needs one."""
    others = task_siblings(store, task)
    if not others:
        return None
    rankings = [siblings.Ranked(str(task), tuple(ranked.order()[: siblings.DEPTH]))]
    for other in others:
        try:
            _, theirs = _TASK_RANKINGS.get(
                store, (other.schema, other.task, lang, siblings.DEPTH, filters)
            )
        except NotFoundError:  # a task of another schema's objective (not found by its schema)
            continue
        rankings.append(siblings.Ranked(str(other.iri), tuple(theirs.order()[: siblings.DEPTH])))
    move = siblings.distinct_tops(rankings).get(str(task))
    if move is None:
        return None
    sibling = next(o for o in others if str(o.iri) == move.sibling)
    title = task_title(store, sibling.iri, lang)
    return move, SiblingChange(True, sibling.schema, sibling.task, title)


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
    """Recommendations for one task of a co-production schema, its first three set apart from
    those of the other tasks of its objective (:mod:`interlink_kg.finding.siblings`)."""
    limit = checked_limit(limit)
    filters = filters or Filters()
    depth = max(limit, siblings.DEPTH)
    task, ranked = _TASK_RANKINGS.get(store, (schema_id, task_id, lang, depth, filters))
    return _explained(
        store,
        ranked,
        lang=lang,
        limit=limit,
        subject={"schema": schema_id, "task": task_id, "task_iri": str(task)},
        move=_sibling_move(store, task, ranked, lang, filters)
        if ranking.COMPARE_SIBLINGS
        else None,
    )
