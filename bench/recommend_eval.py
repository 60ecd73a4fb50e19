"""Our ranking against the original INTERLINK filter, on the 4 real schemas (109 tasks).

The upstream platform listed every INTERLINKER sharing at least one of the task's effective
problem profiles, in no particular order (reproduced here in identifier order). For each method:
- tasks with at least 3 recommendations (goal: all 109);
- share of top-5 slots taken by catch-all INTERLINKERs (those addressing 20+ profiles);
- distinct INTERLINKERs appearing in some top-5 (diversity).

Run: ``python bench/recommend_eval.py`` (prints a Markdown table; ``--write`` updates
``bench/RESULTS.md``). ``tests/test_recommend_eval.py`` checks the invariants in CI.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from interlink_kg.curation.loading import load_bundled
from interlink_kg.finding import recommendations
from interlink_kg.queries import bind, query
from interlink_kg.store import Store, open_store

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


def evaluate(store: Store) -> dict[str, Figures]:
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


def main() -> None:
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    text = table(evaluate(store))
    print(text)
    if "--write" in sys.argv:
        target = Path(__file__).with_name("RESULTS.md")
        target.write_text(
            "# Recommendation evaluation\n\n"
            "On the 4 real INTERLINK schemas (109 tasks) and the 78 INTERLINKERs of "
            "`catalogue_data/`; catch-alls are INTERLINKERs addressing 20 or more problem "
            "profiles (7 of them). Produced by `python bench/recommend_eval.py --write`.\n\n"
            + text,
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
