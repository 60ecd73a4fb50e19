"""Our ranking against the original INTERLINK filter, on the 4 real schemas (109 tasks).

The upstream platform listed every INTERLINKER sharing at least one of the task's effective
problem profiles, in no particular order (reproduced here in identifier order). For each method:
- tasks with at least 3 recommendations (goal: all 109);
- share of top-5 slots taken by catch-all INTERLINKERs (those addressing 20+ profiles);
- distinct INTERLINKERs appearing in some top-5 (diversity).

Then the effect of the registry of use on a simulated one (:func:`registry_effect`): teams run
processes on the real schemas and select INTERLINKERs through the same services as the API;
the aggregates are published as the server does; the ranking is compared before and after.

Run: ``python bench/recommend_eval.py`` (prints Markdown tables; ``--write`` replaces this
benchmark's section of ``bench/RESULTS.md``). ``tests/test_recommendations.py`` checks the
invariants in CI.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rdflib import URIRef

from interlink_kg.coproduction.environment import coproduction
from interlink_kg.curation.loading import load_bundled
from interlink_kg.finding import ranking, recommendations
from interlink_kg.model.processes import Selection, process_graph
from interlink_kg.model.roles import Account, Role
from interlink_kg.queries import bind, query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload

BASE = "http://127.0.0.1:8080/"
CATCH_ALL_PROFILES = 20
TOP = 5

SHARING = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?id WHERE {
  #bind ?p
  ?i ilk:kind ?k ; ilk:addressesProblem ?p ; dct:identifier ?id .
}"""

BREADTH = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?id (COUNT(DISTINCT ?p) AS ?n) WHERE {
  ?i ilk:kind ?k ; dct:identifier ?id ; ilk:addressesProblem ?p .
} GROUP BY ?id"""


@dataclass(frozen=True)
class Figures:
    tasks: int
    with_three: int
    catch_all_share: float
    diversity: int


def upstream_filter(store: Store, schema: str, task: str) -> list[str]:
    """Every INTERLINKER sharing an effective profile (task's own + objective's), by id."""
    iri = recommendations.task_iri(store, schema, task)
    rows = store.select(query("task-context", {"task": [iri]}))
    effective = {str(r["problem"]) for r in rows if str(r["source"]) in {"task", "objective"}}
    if not effective:
        return []
    rows = store.select(bind(SHARING, {"p": [URIRef(p) for p in sorted(effective)]}))
    return sorted({str(r["id"]) for r in rows})


def evaluate(store: Store, langs: tuple[str, ...] = ()) -> dict[str, Figures]:
    """Coverage, catch-all share and diversity of the upstream filter and of the ranking (in
    English, then in each of ``langs`` too)."""
    tasks = [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]
    catch_alls = {
        str(r["id"]) for r in store.select(BREADTH) if int(str(r["n"])) >= CATCH_ALL_PROFILES
    }
    lists = {
        "upstream filter": [upstream_filter(store, s, t) for s, t in tasks],
        "interlink-kg ranking": [
            [r.id for r in recommendations.for_task(store, BASE, s, t, limit=10).items]
            for s, t in tasks
        ],
    }
    for lang in langs:
        lists[f"interlink-kg ranking ({lang})"] = [
            [r.id for r in recommendations.for_task(store, BASE, s, t, lang=lang).items]
            for s, t in tasks
        ]
    out = {}
    for name, results in lists.items():
        tops = [r[:TOP] for r in results]
        slots = sum(len(t) for t in tops)
        out[name] = Figures(
            tasks=len(tasks),
            with_three=sum(1 for r in results if len(r) >= 3),
            catch_all_share=(sum(1 for t in tops for i in t if i in catch_alls) / slots)
            if slots
            else 0.0,
            diversity=len({i for t in tops for i in t}),
        )
    return out


def table(figures: dict[str, Figures]) -> str:
    lines = [
        "| method | tasks | tasks with 3+ recommendations | top-5 slots taken by catch-alls "
        "| distinct INTERLINKERs in some top-5 |",
        "|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        lines.append(
            f"| {name} | {f.tasks} | {f.with_three} | {f.catch_all_share:.1%} | {f.diversity} |"
        )
    return "\n".join(lines) + "\n"


JUDGED = Path(__file__).with_name("judged_tasks.tsv")
# Judged after the weights were chosen and before the activity thesaurus was written; never
# used to choose anything: how well what was tuned on JUDGED carries over.
HELD_OUT = Path(__file__).with_name("judged_tasks_holdout.tsv")


@dataclass(frozen=True)
class Judgement:
    schema: str
    task: str
    expected: frozenset[str]
    reason: str


def judged_set(path: Path = JUDGED) -> list[Judgement]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        schema, task, expected, reason = line.split("\t")
        out.append(Judgement(schema, task, frozenset(expected.split()), reason))
    return out


@dataclass(frozen=True)
class Relevance:
    judged: int
    hit_at_3: float
    ndcg_at_5: float
    identical_sibling_pairs: int
    sibling_pairs: int
    held_out: int = 0
    held_out_hit_at_3: float = 0.0
    held_out_ndcg_at_5: float = 0.0


def _dcg(ranked: list[str], relevant: frozenset[str], depth: int) -> float:
    return sum(1 / math.log2(i + 2) for i, item in enumerate(ranked[:depth]) if item in relevant)


def relevance(lists: dict[tuple[str, str], list[str]], judged: list[Judgement]) -> Relevance:
    """hit@3 and nDCG@5 on the judged set; sibling tasks (one objective) with the same top 3."""
    hits, gains = 0, 0.0
    for j in judged:
        ranked = lists.get((j.schema, j.task), [])
        hits += any(item in j.expected for item in ranked[:3])
        ideal = _dcg(sorted(j.expected), j.expected, 5)
        gains += _dcg(ranked, j.expected, 5) / ideal if ideal else 0.0
    return Relevance(len(judged), hits / len(judged), gains / len(judged), 0, 0)


def sibling_pairs(store: Store) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Every pair of tasks under one objective, by (schema, task)."""
    rows = store.select(SIBLINGS)
    by_objective: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        by_objective.setdefault(str(row["objective"]), []).append(
            (str(row["schemaId"]), str(row["taskId"]))
        )
    pairs = []
    for tasks in by_objective.values():
        tasks.sort()
        pairs += [(a, b) for i, a in enumerate(tasks) for b in tasks[i + 1 :]]
    return pairs


SIBLINGS = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?objective ?schemaId ?taskId WHERE {
  ?task a ilk:Task ; dct:isPartOf ?objective ; dct:identifier ?taskId ;
        ilk:inSchema/dct:identifier ?schemaId .
}"""


@contextmanager
def ranking_constants(**values: object) -> Iterator[None]:
    """The ranking with some of its constants (``finding/ranking.py``) set to ``values``; the
    rankings kept are forgotten on the way in and out (they were ranked with the others)."""
    saved = {name: getattr(ranking, name) for name in values}
    for name, value in values.items():
        setattr(ranking, name, value)
    recommendations.forget_rankings()
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(ranking, name, value)
        recommendations.forget_rankings()


def profiles_only() -> AbstractContextManager[None]:
    """The ranking as it was before text relevance: problem profiles alone."""
    return ranking_constants(
        GRAPH_WEIGHT=1.0, TEXT_WEIGHT=0.0, TEXT_CANDIDATES=0, COMPARE_SIBLINGS=False
    )


def siblings_not_compared() -> AbstractContextManager[None]:
    """The ranking without setting sibling tasks' first three apart (finding/siblings.py)."""
    return ranking_constants(COMPARE_SIBLINGS=False)


def without_thesaurus() -> AbstractContextManager[None]:
    """The text relevance on the task's own words only (no activity thesaurus)."""
    return ranking_constants(THESAURUS_WEIGHT=0.0)


def ranked_lists(store: Store, lang: str) -> dict[tuple[str, str], list[str]]:
    tasks = [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]
    return {
        (s, t): [r.id for r in recommendations.for_task(store, BASE, s, t, lang=lang).items]
        for s, t in tasks
    }


def evaluate_relevance(
    store: Store, langs: tuple[str, ...] = ("en", "es", "it", "lv"), *, baselines: bool = True
) -> dict[str, Relevance]:
    """The judged-set figures (tuning set, held-out set, identical sibling top-3s) of the
    upstream filter, the previous ranking (profiles only), the ranking on the task's own words
    (no thesaurus) and the ranking with text relevance, in each of ``langs``."""
    judged = judged_set()
    held_out = judged_set(HELD_OUT)
    pairs = sibling_pairs(store)
    tasks = [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]
    out: dict[str, Relevance] = {}

    def figures(lists: dict[tuple[str, str], list[str]]) -> Relevance:
        tuned, kept = relevance(lists, judged), relevance(lists, held_out)
        with_pairs = _with_siblings(tuned, lists, pairs)
        return replace(
            with_pairs,
            held_out=kept.judged,
            held_out_hit_at_3=kept.hit_at_3,
            held_out_ndcg_at_5=kept.ndcg_at_5,
        )

    if baselines:
        upstream = {t: upstream_filter(store, *t) for t in tasks}
        out["upstream filter"] = figures(upstream)
        with profiles_only():
            out["previous ranking: problem profiles only (en)"] = figures(ranked_lists(store, "en"))
        with without_thesaurus():
            out["text relevance without the activity thesaurus (en)"] = figures(
                ranked_lists(store, "en")
            )
    for lang in langs:
        out[f"ranking with text relevance ({lang})"] = figures(ranked_lists(store, lang))
    if baselines:
        with siblings_not_compared():
            for lang in langs:
                out[f"the same, sibling tasks not compared ({lang})"] = figures(
                    ranked_lists(store, lang)
                )
    return out


def _with_siblings(
    figures: Relevance,
    lists: dict[tuple[str, str], list[str]],
    pairs: list[tuple[tuple[str, str], tuple[str, str]]],
) -> Relevance:
    same = sum(1 for a, b in pairs if lists.get(a, [])[:3] == lists.get(b, [])[:3] and lists.get(a))
    return Relevance(figures.judged, figures.hit_at_3, figures.ndcg_at_5, same, len(pairs))


def relevance_table(figures: dict[str, Relevance]) -> str:
    held = next(iter(figures.values())).held_out if figures else 0
    lines = [
        f"| method | hit@3 | nDCG@5 | held-out hit@3 ({held} tasks) | held-out nDCG@5 "
        "| sibling pairs with the same top 3 |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        lines.append(
            f"| {name} | {f.hit_at_3:.2f} | {f.ndcg_at_5:.2f} | {f.held_out_hit_at_3:.2f} | "
            f"{f.held_out_ndcg_at_5:.2f} | {f.identical_sibling_pairs} of {f.sibling_pairs} |"
        )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RegistryFigures:
    teams: int
    selections: int
    tasks_with_a_favourite: int
    favourite_in_top3_before: int
    favourite_in_top3_after: int
    mean_rank_before: float
    mean_rank_after: float
    top3_lists_changed: int
    best_match_buried: int
    spammed_catch_all_in_top3_before: int
    spammed_catch_all_in_top3_after: int


TEAMS = 40
TASKS_PER_TEAM = 15
FAVOURITE_SHARE = 0.6  # how often a team picks the task's favourite rather than a top-3 one
SPAM_CLICKS = 50  # one team selecting the same catch-all again and again, for every task
SEED = 11


def _ranked(store: Store, schema: str, task: str) -> list[recommendations.Recommendation]:
    return list(recommendations.for_task(store, BASE, schema, task, limit=20).items)


def registry_effect(store: Store, seed: int = SEED) -> RegistryFigures:
    """Simulate a registry of use and measure what it does to the ranking.

    Each task gets a *favourite*: an INTERLINKER ranked 4th to 10th before (useful, but missed
    by the problem-profile match). Teams (40) work on 15 random tasks each and select the
    favourite 60% of the time, else one of the current top 3. One more team selects a catch-all
    INTERLINKER for every task it has, 50 times each. Measured before and after: whether the
    favourite reaches the top 3, its mean rank, how many top-3 lists change, how often the best
    match (by match x focus) leaves the top 3 to something matching less than 2/3 as well
    ("buried"), and where the spammed catch-all ranks.
    """
    rng = random.Random(seed)
    workspace = open_store("memory:")
    services = coproduction(
        store, workspace, BASE, user_exists=lambda user: True, is_deprecated=lambda i: False
    )
    tasks = [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]
    before = {t: _ranked(store, *t) for t in tasks}
    favourites = {t: rng.choice(r[3:10]).id for t, r in before.items() if len(r) >= 10}
    catch_alls = {
        str(r["id"]) for r in store.select(BREADTH) if int(str(r["n"])) >= CATCH_ALL_PROFILES
    }
    spam = sorted(catch_alls)[0]
    clock = datetime(2026, 1, 1, tzinfo=UTC)
    selections = 0
    for number in range(TEAMS + 1):
        user = f"user{number}"
        account = Account(user, Role.CONTRIBUTOR)
        team = services.teams.create(account, {"name": f"Team {number}", "type": "citizens"})
        chosen = rng.sample(sorted(favourites), TASKS_PER_TEAM)
        spammer = number == TEAMS
        processes = {}
        for schema, task in chosen:
            if schema not in processes:
                body = {
                    "title": f"Process {number} {schema}",
                    "schema": schema,
                    "teams": [team.identifier],
                }
                processes[schema] = services.processes.create(account, body)
            process = processes[schema]
            if spammer:
                picks = [spam] * SPAM_CLICKS
            elif rng.random() < FAVOURITE_SHARE:
                picks = [favourites[(schema, task)]]
            else:
                picks = [rng.choice(before[(schema, task)][:3]).id]
            for pick in picks:
                clock += timedelta(seconds=1)
                selection = Selection(
                    id=f"s{len(process.selections) + 1}",
                    task=task,
                    interlinker=f"{BASE}interlinkers/{pick}",
                    team=team.identifier,
                    user=user,
                    started=clock,
                )
                process = process.with_selection(selection)
                selections += 1
            processes[schema] = process
        # Written straight to the workspace as the service would (one graph per process):
        # validating thousands of selections one by one would only slow the benchmark down.
        for process in processes.values():
            graph = process_graph(process, BASE)
            name = services.publication.process_graph_name(process.id)
            workspace.replace_graphs(
                {name: GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, BASE)}
            )
    services.publication.reconcile()
    after = {t: _ranked(store, *t) for t in tasks}

    def rank(items: list[recommendations.Recommendation], wanted: str) -> int:
        ids = [i.id for i in items]
        return ids.index(wanted) + 1 if wanted in ids else 21

    def strength(item: recommendations.Recommendation) -> float:
        """How well it matches the task, before what teams did: the score without usage,
        related uses and rating."""
        c = item.components
        return item.score / (1 + c["usage"] + c["related"] + c["rating"])

    buried = 0
    for task, old in before.items():
        new_top = after[task][:3]
        best = max(old, key=strength, default=None)
        if best is None or best.id in {i.id for i in new_top}:
            continue
        if any(strength(i) < strength(best) * 2 / 3 for i in new_top):
            buried += 1
    spam_tasks = tasks
    return RegistryFigures(
        teams=TEAMS + 1,
        selections=selections,
        tasks_with_a_favourite=len(favourites),
        favourite_in_top3_before=sum(rank(before[t], f) <= 3 for t, f in favourites.items()),
        favourite_in_top3_after=sum(rank(after[t], f) <= 3 for t, f in favourites.items()),
        mean_rank_before=sum(rank(before[t], f) for t, f in favourites.items()) / len(favourites),
        mean_rank_after=sum(rank(after[t], f) for t, f in favourites.items()) / len(favourites),
        top3_lists_changed=sum(
            [i.id for i in before[t][:3]] != [i.id for i in after[t][:3]] for t in tasks
        ),
        best_match_buried=buried,
        spammed_catch_all_in_top3_before=sum(rank(before[t], spam) <= 3 for t in spam_tasks),
        spammed_catch_all_in_top3_after=sum(rank(after[t], spam) <= 3 for t in spam_tasks),
    )


def registry_table(f: RegistryFigures) -> str:
    return (
        f"Simulated registry: {f.teams} teams, {f.selections} selections (one team selecting one "
        f"catch-all {SPAM_CLICKS} times for each of its tasks), seed {SEED}.\n\n"
        "| measure | before | after |\n|---|---|---|\n"
        f"| tasks whose favourite is in the top 3 (of {f.tasks_with_a_favourite}) "
        f"| {f.favourite_in_top3_before} | {f.favourite_in_top3_after} |\n"
        f"| mean rank of the favourite (21 = not in the top 20) "
        f"| {f.mean_rank_before:.2f} | {f.mean_rank_after:.2f} |\n"
        f"| tasks with the spammed catch-all in the top 3 "
        f"| {f.spammed_catch_all_in_top3_before} | {f.spammed_catch_all_in_top3_after} |\n"
        f"| top-3 lists changed | | {f.top3_lists_changed} |\n"
        f"| best match buried (left the top 3 for one matching < 2/3 as well, before usage) | | "
        f"{f.best_match_buried} |\n"
    )


SECTION = "# Recommendation evaluation"


def main() -> None:
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    text = table(evaluate(store, ("es", "it", "lv")))
    judged = relevance_table(evaluate_relevance(store))
    with profiles_only():
        before = (
            table(evaluate(store))
            .splitlines()[-1]
            .replace("interlink-kg ranking", "previous ranking (profiles only)")
        )
    text = text.rstrip("\n") + "\n" + before + "\n"
    effect = registry_table(registry_effect(store))
    print(text)
    print(judged)
    print(effect)
    if "--write" in sys.argv:
        target = Path(__file__).with_name("RESULTS.md")
        section = (
            f"{SECTION}\n\n"
            "On the 4 real INTERLINK schemas (109 tasks) and the 78 INTERLINKERs of "
            "`catalogue_data/`; catch-alls are INTERLINKERs addressing 20 or more problem "
            "profiles (7 of them). Produced by `python bench/recommend_eval.py --write`.\n\n"
            + text
            + "\n## Relevance on the judged set\n\n"
            + f"{len(judged_set())} real tasks across the 4 schemas with the INTERLINKERs a "
            "facilitator would expect in the top three (`bench/judged_tasks.tsv`, one reason per "
            "line), on which the weights were chosen, and "
            f"{len(judged_set(HELD_OUT))} more judged the same way but held out "
            "(`bench/judged_tasks_holdout.tsv`: written before the activity thesaurus, never "
            "used to choose anything). hit@3: "
            "share of tasks with an expected INTERLINKER in the top 3; nDCG@5 with binary gains; "
            "sibling pairs: tasks of one objective whose top 3 are identical. Weights of the "
            f"ranking: graph {ranking.GRAPH_WEIGHT}, text {ranking.TEXT_WEIGHT}, text damped by "
            f"focus ** {ranking.TEXT_FOCUS_EXPONENT}, related words of the activity thesaurus "
            f"{ranking.THESAURUS_WEIGHT}, words shared with sibling tasks' titles "
            f"{ranking.SIBLING_SHARED_WEIGHT}, {ranking.TEXT_CANDIDATES} text candidates "
            "(`src/interlink_kg/finding/ranking.py`, chosen on this table). The tasks of one "
            "objective are compared, and where their first three are the same, all but one "
            "raise another INTERLINKER into third place, the choice costing least score "
            "(`src/interlink_kg/finding/siblings.py`); the previous ranking does not, and the "
            "rows 'sibling tasks not compared' show the ranking without it.\n\n"
            + judged
            + "\n## The registry of use\n\n"
            + effect
            + "\n"
        )
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        rest = (
            old[old.index("\n# ", 1) + 1 :] if old.startswith(SECTION) and "\n# " in old[1:] else ""
        )
        target.write_text(section + rest, encoding="utf-8")


if __name__ == "__main__":
    main()
