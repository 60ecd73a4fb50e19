"""The in-memory candidate index chooses what the engine's own ranking query chose.

``bench/engine_ranking.rq`` is the candidate choice as one SPARQL query (what the service ran
before the index): for every profile set and hard filter below, on the bundled catalogue and
on a synthetic one with catch-alls, rare profiles and ties, the index must give the same
INTERLINKERs in the same order with the same match.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Literal, URIRef
from support import BASE, ROOT, synthetic_module

from interlink_kg.finding import candidate_arrays, candidates
from interlink_kg.finding.candidates import CandidateIndex, candidate_index
from interlink_kg.finding.filters import Filters, check_filters
from interlink_kg.finding.recommendations import NOTHING
from interlink_kg.queries import bind
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.generation import new_generation

ENGINE_RANKING = (ROOT / "bench" / "engine_ranking.rq").read_text(encoding="utf-8")
FILTERS = [
    Filters(),
    Filters(kind="knowledge"),
    Filters(kind="software", language="es"),
    Filters(licence="permissive"),
    Filters(difficulty="2"),
    Filters(purpose="build_capacity"),
    Filters(target="citizens"),  # the group, its narrower groups and its broader ones
    Filters(target="expert_citizens"),
    Filters(language="lv"),
]


@pytest.fixture(scope="module")
def synthetic_store() -> Iterator[Store]:
    store = open_store("memory:")
    synthetic_module().load(store, 600)
    yield store
    store.close()


def _profile_sets(store: Store) -> list[list[tuple[str, float]]]:
    """Single profiles (the most and the least addressed), weighted mixes and a profile given
    twice."""
    rows = store.select(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT ?p ?df WHERE { ?p ilk:interlinkerCount ?df } ORDER BY DESC(?df) ?p"
    )
    profiles = [str(r["p"]) for r in rows]
    assert len(profiles) >= 6
    return [
        [(profiles[0], 1.0)],
        [(profiles[-1], 1.0)],
        [(profiles[1], 1.0), (profiles[2], 0.75), (profiles[-2], 0.3)],
        [(p, 0.75) for p in profiles[:8]],
        [(profiles[3], 1.0), (profiles[3], 1.0), (profiles[4], 0.5)],
        [(profiles[5], 0.0), (profiles[6], 1.0)],  # a profile of no strength still matches
    ]


def _engine(
    store: Store, profiles: list[tuple[str, float]], hard: dict[str, list[object]]
) -> list[tuple[str, float, int]]:
    text = bind(
        ENGINE_RANKING,
        {
            "problem strength": [(URIRef(p), Literal(s)) for p, s in profiles],
            "textItem": [URIRef(NOTHING)],
            **hard,
        },  # type: ignore[arg-type]
    )
    rows = store.select(text)
    ranked = sorted(
        rows,
        key=lambda r: (
            -float(r["match"].toPython()) * float(r["focus"].toPython()),
            str(r["item"]),
        ),
    )
    return [(str(r["item"]), float(r["match"].toPython()), int(r["matched"])) for r in ranked]


def _engine_filters(filters: Filters, store: Store) -> dict[str, list[object]]:
    """The filters as the engine's query binds them (notations as literals, IRIs)."""
    hard, _ = check_filters(store, filters)
    values: dict[str, list[object]] = {}
    for name, value in hard.items():
        term: object = URIRef(value) if name in {"target", "language"} else Literal(value)
        values["targetFilter" if name == "target" else f"{name}Filter"] = [term]
    return values


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_index_chooses_what_the_engine_chose(
    which: str, filters: Filters, catalogue_store: Store, synthetic_store: Store
) -> None:
    store = catalogue_store if which == "bundled" else synthetic_store
    index = candidate_index(store)
    hard, _ = check_filters(store, filters)
    compared = 0
    for profiles in _profile_sets(store):
        expected = _engine(store, profiles, _engine_filters(filters, store))
        compared += len(expected)
        found = [(c.item, c.match, c.matched) for c in index.best(profiles, hard, 60)]
        assert [i for i, _, _ in found] == [i for i, _, _ in expected], profiles
        for (_, match, matched), (_, want, want_matched) in zip(found, expected, strict=True):
            assert math.isclose(match, want, rel_tol=1e-12)
            assert matched == want_matched
    assert compared > 0  # every filter leaves some candidates to compare


def test_ties_at_the_limit_go_to_the_smaller_iri(synthetic_store: Store) -> None:
    index = candidate_index(synthetic_store)
    profiles = _profile_sets(synthetic_store)[0]  # the most addressed profile: many equal scores
    everything = index.best(profiles, {}, len(index))
    for limit in (1, 7, 60):
        assert index.best(profiles, {}, limit) == everything[:limit]
    scores = [c.match * c.focus for c in everything]
    assert scores == sorted(scores, reverse=True)


def test_unknown_profiles_and_an_empty_store_give_no_candidates(catalogue_store: Store) -> None:
    index = candidate_index(catalogue_store)
    assert index.best([("https://example.org/no-such-profile", 1.0)], {}, 60) == []
    empty = open_store("memory:")
    assert len(CandidateIndex(empty)) == 0
    assert CandidateIndex(empty).best([("https://example.org/p", 1.0)], {}, 60) == []


def test_words_only_candidates_pass_the_same_filters(catalogue_store: Store) -> None:
    index = candidate_index(catalogue_store)
    hard, _ = check_filters(catalogue_store, Filters(kind="software"))
    allowed = index.allowed(hard)
    chosen = index.passing([*index.items, "https://example.org/unknown"], hard)
    assert chosen == [item for at, item in enumerate(index.items) if allowed[at]]
    assert 0 < len(chosen) < len(index.items)
    found = index.candidate(chosen[0])
    assert found is not None
    assert found.match == 0.0
    assert found.matched == 0


@pytest.mark.parametrize("logged", [True, False], ids=["logged", "stamp-only"])
def test_a_catalogue_change_reaches_the_index(logged: bool) -> None:
    """A new INTERLINKER is a candidate at once: patched in when the change log names it,
    built again when a stamp came without its entry (a writer that does not log)."""
    store = open_store("memory:")
    from interlink_kg.curation.loading import load_bundled
    from interlink_kg.finding.statistics import change_markers

    load_bundled(store, BASE, validate=False)
    before = candidate_index(store)
    problem = URIRef(next(iter(before._base.postings)))  # any addressed profile
    new_item = f"{BASE}interlinkers/zz_fresh_tool"
    data = (
        "@prefix ilk: <https://w3id.org/interlink-kg/ontology#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        f'<{new_item}> a ilk:KnowledgeInterlinker ; dct:identifier "zz_fresh_tool" ;\n'
        f"  ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;\n"
        f"  ilk:addressesProblem <{problem}> .\n"
    ).encode()
    markers = change_markers(BASE, [new_item]) if logged else new_generation(BASE)
    store.replace_graphs({f"{BASE}graphs/fresh": GraphPayload(data, TURTLE, BASE), **markers})
    after = candidate_index(store)
    assert after is not before
    assert (after._base is before._base) is logged  # patched, not read again
    assert new_item in after.items
    assert new_item not in before.items
    assert new_item in {c.item for c in after.best([(str(problem), 1.0)], {}, len(after))}
    assert candidate_index(store) is after  # kept while the generation stays


def test_addressed_tells_which_profiles_each_addresses(catalogue_store: Store) -> None:
    index = candidate_index(catalogue_store)
    rows = catalogue_store.select(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT ?i ?p WHERE { ?i ilk:addressesProblem ?p ; ilk:kind ?k }"
    )
    truth: dict[str, set[str]] = {}
    for row in rows:
        truth.setdefault(str(row["i"]), set()).add(str(row["p"]))
    items = sorted(truth)[:25]
    profiles = sorted({p for i in items for p in truth[i]})[::2]
    found = index.addressed([*items, "https://example.org/unknown"], profiles)
    for item in items:
        assert found.get(item, []) == [p for p in profiles if p in truth[item]]
    assert "https://example.org/unknown" not in found
    assert any(found.values())


def test_an_interlinker_with_two_identifiers_is_recommended_once() -> None:
    """The store is the union of its graphs: a second dct:identifier from another graph gives
    two preference rows for one INTERLINKER, which must still be one recommendation."""
    from interlink_kg.curation.loading import load_bundled
    from interlink_kg.finding.untasked import for_profiles

    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    alias = (
        f'<{BASE}interlinkers/survey_editor> <http://purl.org/dc/terms/identifier> "alias_id" .\n'
    ).encode()
    store.replace_graphs(
        {f"{BASE}graphs/alias": GraphPayload(alias, TURTLE, BASE), **new_generation(BASE)}
    )
    found = for_profiles(store, BASE, [], text="survey editor questionnaire", limit=20)
    iris = [item.iri for item in found.items]
    assert f"{BASE}interlinkers/survey_editor" in iris
    assert len(iris) == len(set(iris))


@pytest.mark.parametrize("pool", [20, 240])
def test_filters_take_the_first_that_pass_from_the_kept_pool_as_the_arrays_would(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch, pool: int
) -> None:
    """The best that pass the filters are the first that pass in the order of all: taken from
    the pool kept per profile set, or, when too few of it pass, from the arrays; the same
    candidates either way, for every filter, limit and profile set (a small pool makes both
    ways happen)."""
    monkeypatch.setattr(candidates, "POOL", pool)
    index = CandidateIndex(synthetic_store)  # its own pools, of this size
    walked = 0
    for filters in FILTERS:
        hard, _ = check_filters(synthetic_store, filters)
        for profiles in _profile_sets(synthetic_store):
            for limit in (1, 3, 20, 60):
                direct = index._rows(profiles, hard, limit)
                found = index.best(profiles, hard, limit)
                assert [(c.item, c.match, c.matched) for c in found] == [
                    (item, match, matched) for _, item, match, matched in direct
                ], (filters, profiles, limit)
                pooled, _ = index._pool(tuple(profiles))
                passing = set(index.passing([row[1] for row in pooled], hard))
                walked += len([r for r in pooled if r[1] in passing]) < limit <= len(direct)
    assert walked > 0 or pool > 20  # with the small pool, some requests walked the arrays
    index.forget_pools()
    assert not index._pools


@pytest.mark.parametrize("patched", [False, True], ids=["built", "patched"])
@pytest.mark.parametrize(
    "lookups", [(10**9, 0), (0, 10**9)], ids=["searched", "masked and gathered"]
)
def test_a_filter_scores_the_same_over_masks_or_position_by_position(
    synthetic_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    patched: bool,
    lookups: tuple[int, int],
) -> None:
    """A filter few pass is scored among the positions that pass; others over masks as long as
    the catalogue (built per facet, or from the positions that pass). The same candidates,
    matches and order to the last bit every way, on an index built at once and on one patched
    since (some INTERLINKERs changed: their old positions left out); positions looked up in a
    facet's or a profile's array by binary searches, or read against masks."""
    monkeypatch.setattr(candidate_arrays, "MASKED_FROM", lookups[0])
    monkeypatch.setattr(candidate_arrays, "GATHERED_UP_TO", lookups[1])
    index = CandidateIndex(synthetic_store)
    if patched:
        changed = frozenset(index.items[::7])
        index = CandidateIndex(synthetic_store, base=index._base, changed=changed)
        assert index._overlay is not None
    scored: list[int] = []
    real = candidate_arrays.Arrays.best_among

    def counted(
        self: candidate_arrays.Arrays, *args: object
    ) -> list[tuple[float, str, float, int]]:
        scored.append(1)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(candidate_arrays.Arrays, "best_among", counted)
    checking: list[int] = []  # inside Arrays.passing
    masked: list[int] = []  # masks read there
    real_passing, real_mask = candidate_arrays.Arrays.passing, candidate_arrays.Arrays._value_mask

    def passing(self: candidate_arrays.Arrays, *args: Any) -> Any:
        checking.append(1)
        try:
            return real_passing(self, *args)
        finally:
            checking.pop()

    def value_mask(self: candidate_arrays.Arrays, *args: Any) -> Any:
        masked.extend(checking)
        return real_mask(self, *args)

    monkeypatch.setattr(candidate_arrays.Arrays, "passing", passing)
    monkeypatch.setattr(candidate_arrays.Arrays, "_value_mask", value_mask)
    ways = {"masks": (-1.0, 0.0), "positions, then a mask": (1.0, 0.0), "positions": (1.0, 1e9)}
    answers = {}
    for way, (narrow, by_position) in ways.items():
        monkeypatch.setattr(candidates, "NARROW_SHARE", narrow)
        monkeypatch.setattr(candidates, "SCORED_SHARE", by_position)
        scored.clear()
        answers[way] = [
            index._rows(profiles, check_filters(synthetic_store, filters)[0], limit)
            for filters in FILTERS[1:]
            for profiles in _profile_sets(synthetic_store)
            for limit in (1, 7, 60)
        ]
        assert (len(scored) > 0) is (way == "positions"), way
    assert answers["positions"] == answers["masks"]
    assert answers["positions, then a mask"] == answers["masks"]
    assert sum(map(len, answers["masks"])) > 100
    assert bool(masked) is (lookups[0] == 0)  # the way asked for was taken
    if lookups[0] == 0:  # room for one mask: each check evicts the last, the same answers
        monkeypatch.setattr(candidate_arrays, "MASK_BYTES", 1)
        index._base._masks.clear()
        again = [
            index._rows(profiles, check_filters(synthetic_store, filters)[0], 7)
            for filters in FILTERS[1:]
            for profiles in _profile_sets(synthetic_store)
        ]
        assert again == [rows for n, rows in enumerate(answers["positions"]) if n % 3 == 1]
        assert len(index._base._masks) == 1


@pytest.mark.parametrize("patched", [False, True], ids=["built", "patched"])
def test_breadth_groups_answer_as_one_sum_over_the_whole_arrays(
    synthetic_store: Store, monkeypatch: pytest.MonkeyPatch, patched: bool
) -> None:
    """From GROUPED_FROM INTERLINKERs on, the best by profile are found breadth by breadth:
    the same candidates, matches and order, to the last bit, as one sum over the arrays, with
    and without filters, on an index built at once and on one patched since."""
    whole = CandidateIndex(synthetic_store)
    monkeypatch.setattr(candidate_arrays, "GROUPED_FROM", 0)
    grouped = CandidateIndex(synthetic_store)
    assert whole._base.groups is None
    assert grouped._base.groups is not None
    if patched:
        changed = frozenset(whole.items[::7])
        whole = CandidateIndex(synthetic_store, base=whole._base, changed=changed)
        grouped = CandidateIndex(synthetic_store, base=grouped._base, changed=changed)
    compared = 0
    for filters in FILTERS:
        hard = check_filters(synthetic_store, filters)[0]
        for profiles in _profile_sets(synthetic_store):
            for limit in (1, 7, 60, 241):
                expected = whole._rows(profiles, hard, limit)
                assert grouped._rows(profiles, hard, limit) == expected
                compared += len(expected)
    assert compared > 1000
