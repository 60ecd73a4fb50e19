"""Sibling tasks' first three set apart, through the service and HTTP (finding/siblings.py for
the rule itself: tests/test_siblings.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef
from support import BASE
from test_recommendations import interlinker, make_store, write_stamped

from interlink_kg.finding import candidates, ranking
from interlink_kg.finding import recommendations as rec
from interlink_kg.finding.candidates import candidate_index
from interlink_kg.finding.relevance import TextRelevance, TextScores
from interlink_kg.store import Store

SIBLING = """
<schemas/s/tasks/t> dct:title "Kestrel"@en, "Cernícalo"@es .
<schemas/s/tasks/u> a ilk:Task ; dct:identifier "u" ; dct:isPartOf <schemas/s/objectives/o> ;
    ilk:inSchema <schemas/s> ; ilk:order 2 ; ilk:addressesProblem <problem-profiles/ORG_PROBLEM_2> ;
    dct:title "Kestrel"@en .
"""
# Both tasks have the same words and profile: the same ranking, so the same first three.
ITEMS = [
    interlinker("a_first", ["ORG_PROBLEM_2"]),
    interlinker("b_second", ["ORG_PROBLEM_2", "ORG_PROBLEM_3"]),
    interlinker("c_third", ["ORG_PROBLEM_2", "ORG_PROBLEM_3", "ORG_PROBLEM_4"]),
    interlinker("d_fourth", ["ORG_PROBLEM_2", "ORG_PROBLEM_3", "ORG_PROBLEM_4", "ORG_PROBLEM_5"]),
]
PAIR = ("hackathon", "task-communicate_benefit_for_stakeholders")
OTHER = ("hackathon", "task-create_awareness_and_communication")


def ids(store: Store, schema: str, task: str, **kwargs: object) -> list[str]:
    return [i.id for i in rec.for_task(store, BASE, schema, task, **kwargs).items]


@pytest.fixture
def twins() -> Iterator[Store]:
    store = make_store(SIBLING, *ITEMS)
    yield store
    store.close()


def test_two_tasks_ranked_alike_get_different_first_threes(twins: Store) -> None:
    with_rule = {task: ids(twins, "s", task) for task in ("t", "u")}
    assert with_rule["t"] == ["a_first", "b_second", "c_third", "d_fourth"]
    # equal losses: the smaller IRI (t) keeps its list, u raises its fourth
    assert with_rule["u"] == ["a_first", "b_second", "d_fourth", "c_third"]
    raised, lowered = rec.for_task(twins, BASE, "s", "u").items[2:4]
    assert raised.sibling is not None
    assert raised.sibling.raised
    assert lowered.sibling is not None
    assert not lowered.sibling.raised
    assert raised.score < lowered.score  # the scores are left as they were
    assert "“Kestrel”" in raised.reason
    assert "Raised into the first three" in raised.reason
    assert "Placed fourth" in lowered.reason
    explained = raised.to_dict()["explanation"]["sibling_task"]
    assert explained == {
        "change": "raised",
        "schema": "s",
        "task": "t",
        "task_title": "Kestrel",
    }
    assert all(i.sibling is None for i in rec.for_task(twins, BASE, "s", "t").items)


def test_the_sibling_title_is_given_in_the_asked_language(twins: Store) -> None:
    items = rec.for_task(twins, BASE, "s", "u", lang="es").items
    assert "«Cernícalo»" in items[2].reason
    assert "Subido a los tres primeros" in items[2].reason


def test_without_the_rule_both_lists_are_the_same(
    twins: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking, "COMPARE_SIBLINGS", False)
    assert ids(twins, "s", "t") == ids(twins, "s", "u")


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_a_shorter_list_is_the_start_of_the_longer_one(twins: Store, limit: int) -> None:
    assert ids(twins, "s", "u", limit=limit) == ids(twins, "s", "u")[:limit]


def test_a_change_to_the_catalogue_is_ranked_at_once() -> None:
    """The rankings kept for the siblings' requests go with the stamp they were read at."""
    store = make_store(SIBLING)
    try:
        write_stamped(store, "items", "".join(ITEMS))
        assert ids(store, "s", "u")[2] == "d_fourth"
        write_stamped(store, "more", interlinker("e_better", ["ORG_PROBLEM_2"]))
        # e_better ties a_first (both address only the task's profile): first by score
        assert ids(store, "s", "t")[:3] == ["a_first", "e_better", "b_second"]
        assert ids(store, "s", "u")[:3] == ["a_first", "e_better", "c_third"]
    finally:
        store.close()


def test_the_italian_hackathon_pair_differs_whichever_is_asked_first(
    catalogue_store: Store,
) -> None:
    """The pair that stayed identical before the rule (bench/RESULTS.md)."""
    rec.forget_rankings()
    first = {key: ids(catalogue_store, *key, lang="it") for key in (PAIR, OTHER)}
    rec.forget_rankings()
    second = {key: ids(catalogue_store, *key, lang="it") for key in (OTHER, PAIR)}
    assert first == second
    assert first[PAIR][:3] != first[OTHER][:3]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranking, "COMPARE_SIBLINGS", False)
        before = {key: ids(catalogue_store, *key, lang="it") for key in (PAIR, OTHER)}
    assert before[PAIR][:3] == before[OTHER][:3]  # what the rule changes
    assert set(first[PAIR]) == set(before[PAIR])  # ... is the order alone


def test_the_move_is_in_the_http_answer(client: FlaskClient) -> None:
    schema, task = PAIR
    reply = client.get(f"/schemas/{schema}/tasks/{task}/recommendations?lang=it")
    assert reply.status_code == 200
    items = reply.get_json()["items"]
    changes = [i["explanation"]["sibling_task"] for i in items]
    assert [c["change"] if c else None for c in changes[:4]] == [None, None, "raised", "lowered"]
    assert changes[2]["task"] == OTHER[1]
    assert changes[2]["task_title"] == "Crea consapevolezza e informazione"
    assert "Crea consapevolezza e informazione" in items[2]["explanation"]["reason"]


def test_a_request_with_filters_reads_the_word_matches_and_pools_kept(
    catalogue_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The word matches of a task and the candidate pools do not depend on the filters: once a
    default request ranked the task and its siblings (as the warmer does), a request with
    filters ranks them all again without matching words, and gives what it gives with nothing
    kept."""
    rec.forget_rankings()
    candidate_index(catalogue_store).forget_pools()
    matched: list[tuple[str, str]] = []
    real = TextRelevance.for_task

    def counted(self: TextRelevance, task: URIRef, lang: str) -> TextScores:
        matched.append((str(task), lang))
        return real(self, task, lang)

    monkeypatch.setattr(TextRelevance, "for_task", counted)
    rec.for_task(catalogue_store, BASE, *PAIR, lang="es")
    assert len(matched) == len(set(matched)) > 1  # the task and its siblings, once each
    before = list(matched)
    filters = rec.Filters(kind="knowledge")
    kept = rec.for_task(catalogue_store, BASE, *PAIR, lang="es", filters=filters)
    assert matched == before
    rec.forget_rankings()
    candidate_index(catalogue_store).forget_pools()
    monkeypatch.setattr(candidates, "POOL", 0)  # afresh: the arrays walked, no pool
    afresh = rec.for_task(catalogue_store, BASE, *PAIR, lang="es", filters=filters)
    assert len(matched) > len(before)
    assert kept.to_dict() == afresh.to_dict()
    assert kept.items
