"""Distinct first three for the tasks of one objective (finding/siblings.py)."""

from __future__ import annotations

import itertools

import pytest

from interlink_kg.finding.siblings import DEPTH, Move, Ranked, distinct_tops, reordered, sentence


def ranked(task: str, *items: tuple[str, float]) -> Ranked:
    return Ranked(task, tuple(items))


def top(ranking: Ranked, move: Move | None) -> frozenset[str]:
    return frozenset(reordered([i for i, _ in ranking.items], move)[:3])


def test_tasks_with_different_first_threes_keep_them() -> None:
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("w", 0.8), ("z", 0.7))
    c = ranked("t:c", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7))
    assert distinct_tops([a, b]) == {}
    # the same three in another order are the same three
    assert set(distinct_tops([a, c])) == {"t:a"} or set(distinct_tops([a, c])) == {"t:c"}


def test_the_task_that_loses_least_gives_way() -> None:
    # a's next best is nearly as good as its third; b's is far below
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.5), ("w", 0.49))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("v", 0.2))
    moves = distinct_tops([b, a])
    assert moves == {"t:a": Move("t:b", raised="w", lowered="z")}
    assert reordered(["x", "y", "z", "w"], moves["t:a"]) == ["x", "y", "w", "z"]
    # whichever task is asked first, the decision is the same
    assert distinct_tops([a, b]) == moves


def test_equal_losses_the_smaller_iri_keeps_its_list() -> None:
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7))
    assert distinct_tops([b, a]) == {"t:b": Move("t:a", "w", "z")}


def test_a_task_without_an_alternative_keeps_its_list_and_the_other_moves() -> None:
    short = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8))  # nothing below its third
    long = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.1))
    assert distinct_tops([short, long]) == {"t:b": Move("t:a", "w", "z")}


def test_two_without_an_alternative_stay_the_same() -> None:
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8))
    assert distinct_tops([a, b]) == {}


def test_a_move_never_lands_on_another_siblings_three() -> None:
    # b's next best (w) would give it c's first three: it takes v instead
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("q", 0.1))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.79), ("v", 0.78))
    c = ranked("t:c", ("x", 1.0), ("y", 0.9), ("w", 0.8))
    moves = distinct_tops([a, b, c])
    assert moves == {"t:b": Move("t:a", "v", "z")}


def test_three_tasks_with_one_first_three_all_end_apart() -> None:
    items = [("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7), ("v", 0.6), ("u", 0.5)]
    tasks = [ranked(f"t:{n}", *items) for n in "abc"]
    moves = distinct_tops(tasks)
    assert set(moves) == {"t:b", "t:c"}
    tops = {top(t, moves.get(t.task)) for t in tasks}
    assert len(tops) == 3


def test_only_the_first_depth_places_are_read() -> None:
    same = [("x", 1.0), ("y", 0.9), ("z", 0.8)]
    fillers = [(f"f{i}", 0.5) for i in range(DEPTH - 3)]
    a = ranked("t:a", *same)  # no alternative: it keeps its list
    b = ranked("t:b", *same, *fillers, ("deep", 0.4))  # "deep" is in place DEPTH + 1
    # every filler in b's third place would give it the first three of another task
    blockers = [ranked(f"t:c{i}", ("x", 1.0), ("y", 0.9), f) for i, f in enumerate(fillers)]
    assert distinct_tops([a, b, *blockers]) == {}
    # one filler free: b takes it
    assert distinct_tops([a, b, *blockers[1:]]) == {"t:b": Move("t:a", "f0", "z")}


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_the_decision_does_not_depend_on_the_order_the_tasks_come_in(
    order: tuple[int, ...],
) -> None:
    tasks = [
        ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.75), ("v", 0.7)),
        ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("v", 0.6)),
        ranked("t:c", ("y", 1.0), ("x", 0.95), ("z", 0.5), ("w", 0.45)),
        ranked("t:d", ("p", 1.0), ("q", 0.9), ("r", 0.8)),
    ]
    expected = distinct_tops(tasks)
    assert distinct_tops([tasks[i] for i in order]) == expected
    tops = [top(t, expected.get(t.task)) for t in tasks]
    assert len(set(tops)) == len(tops)


def test_a_stale_move_leaves_the_list_as_it_is() -> None:
    move = Move("t:a", raised="w", lowered="z")
    assert reordered(["x", "y", "q", "w"], move) == ["x", "y", "q", "w"]  # z not third
    assert reordered(["x", "y", "z"], move) == ["x", "y", "z"]  # w not there
    assert reordered(["x", "y", "z", "q", "w"], move) == ["x", "y", "w", "z", "q"]
    assert reordered(["x", "y", "z"], None) == ["x", "y", "z"]


@pytest.mark.parametrize("lang", ["en", "es", "it", "lv"])
def test_the_sentences_name_the_sibling_task_in_each_language(lang: str) -> None:
    raised, lowered = sentence(True, "Crea consapevolezza", lang), sentence(False, "X", lang)
    assert "Crea consapevolezza" in raised
    assert "X" in lowered
    assert raised != lowered
    assert raised.startswith(" ")
    assert sentence(True, "T", "fr") == sentence(True, "T", "en")


def test_one_task_taking_an_alternative_leaves_another_its_only_one() -> None:
    """c's only alternative is w; b has w and v: b takes v, so that all three differ."""
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.75), ("v", 0.7))
    c = ranked("t:c", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.5))
    moves = distinct_tops([a, b, c])
    assert moves == {"t:b": Move("t:a", "v", "z"), "t:c": Move("t:a", "w", "z")}


def test_the_least_total_loss_decides_who_keeps() -> None:
    """a would lose 0.5 by moving, b and c 0.1 each: a keeps, though its IRI is the smallest
    either way; with b's loss larger than a's and c's together, b keeps."""
    a = ranked("t:a", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("p", 0.3), ("q", 0.2))
    b = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.7))
    c = ranked("t:c", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("v", 0.7))
    assert set(distinct_tops([a, b, c])) == {"t:b", "t:c"}
    b_far = ranked("t:b", ("x", 1.0), ("y", 0.9), ("z", 0.8), ("w", 0.05))
    assert set(distinct_tops([a, b_far, c])) == {"t:a", "t:c"}


def test_six_tasks_with_one_first_three_are_set_apart_quickly() -> None:
    same = [("x", 1.0), ("y", 0.9), ("z", 0.8)]
    below = [(f"f{i}", 0.7 - i / 100) for i in range(DEPTH - 3)]
    tasks = [ranked(f"t:{n}", *same, *below) for n in "abcdef"]
    moves = distinct_tops(tasks)
    assert len(moves) == 5
    assert len({top(t, moves.get(t.task)) for t in tasks}) == 6
    # the one that keeps is the smallest IRI; the others take the next free alternatives
    assert "t:a" not in moves
    assert sorted(m.raised for m in moves.values()) == ["f0", "f1", "f2", "f3", "f4"]
