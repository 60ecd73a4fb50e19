"""Distinct first three for the tasks of one objective. Pure.

Two tasks of one objective ("Create awareness" and "Communicate the benefit", say) are often
ranked on nearly the same words and profiles. When their first three recommendations are the
same three INTERLINKERs, the team sees the same advice twice and nothing of what sets the tasks
apart. So, among the tasks of an objective whose first three are the same set:

- the task that would lose most by changing keeps its list: the loss of a task is how much
  lower, relative to its best score, the next INTERLINKER that would make its first three
  differ from every other task's scores than its third (a task with no such INTERLINKER in
  the first :data:`DEPTH` loses everything);
- each of the others, the smallest loss first, raises that next INTERLINKER into third place
  and moves its third just below it.

Scores do not change; only those two trade places, and both explanations say why
(:func:`sentence`). Everything is decided from the tasks' own rankings (their first
:data:`DEPTH`), the same for every task of the objective whichever is asked first, so two
tasks never both give way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

DEPTH = 10  # how much of each task's ranking the comparison reads
TOP = 3  # the first places that must differ


@dataclass(frozen=True)
class Ranked:
    """A task's ranking before the comparison: (INTERLINKER IRI, score), best first."""

    task: str
    items: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Move:
    """The change made to one task's ranking: ``raised`` takes third place, ``lowered`` (its
    third, which the ``sibling`` task's first three also hold) goes just below it."""

    sibling: str  # the task (IRI) that keeps the first three both had
    raised: str
    lowered: str


def _top(ranked: Ranked) -> frozenset[str]:
    return frozenset(item for item, _ in ranked.items[:TOP])


def _alternative(ranked: Ranked, taken: Counter[frozenset[str]]) -> tuple[str, float] | None:
    """The first INTERLINKER below the third whose place in the first three makes them differ
    from every top in ``taken``, and what that costs relative to the best score; None if
    there is none within :data:`DEPTH`."""
    top = _top(ranked)
    third, third_score = ranked.items[TOP - 1]
    best = ranked.items[0][1]
    for item, score in ranked.items[TOP:DEPTH]:
        if taken[(top - {third}) | {item}] == 0:
            return item, (third_score - score) / best if best > 0 else 0.0
    return None


def _loss(ranked: Ranked, taken: Counter[frozenset[str]]) -> float:
    found = _alternative(ranked, taken)
    return float("inf") if found is None else found[1]


def distinct_tops(rankings: Sequence[Ranked]) -> dict[str, Move]:
    """The moves that give every task of ``rankings`` (the tasks of one objective) first three
    of their own where an alternative exists; by task IRI, tasks that keep theirs left out."""
    full = [r for r in rankings if len(r.items) >= TOP]
    groups: dict[frozenset[str], list[Ranked]] = {}
    for ranked in sorted(full, key=lambda r: r.task):
        groups.setdefault(_top(ranked), []).append(ranked)
    taken = Counter(_top(r) for r in full)
    moves: dict[str, Move] = {}
    for top, members in sorted(groups.items(), key=lambda kv: kv[1][0].task):
        if len(members) < 2:
            continue
        losses = {m.task: _loss(m, taken) for m in members}
        order = sorted(members, key=lambda m: (losses[m.task], m.task))
        keeper = min(members, key=lambda m: (-losses[m.task], m.task))  # ties: smaller IRI
        for member in order:
            if member is keeper:
                continue
            found = _alternative(member, taken)  # again: earlier moves took some tops
            if found is None:
                continue  # nothing in its first DEPTH tells it apart
            raised, third = found[0], member.items[TOP - 1][0]
            taken[top] -= 1
            taken[(top - {third}) | {raised}] += 1
            moves[member.task] = Move(keeper.task, raised, third)
    return moves


def reordered(items: Sequence[str], move: Move | None) -> list[str]:
    """``items`` (IRIs, best first) with ``move`` applied: its raised INTERLINKER in third
    place and the lowered one just below; unchanged without a move or when the list does not
    hold the lowered INTERLINKER in third place (a ranking changed meanwhile)."""
    order = list(items)
    if move is None or len(order) < TOP or order[TOP - 1] != move.lowered:
        return order
    if move.raised not in order:
        return order
    order.remove(move.raised)
    order.insert(TOP - 1, move.raised)
    return order


_RAISED = {
    "en": " Raised into the first three: the task “{task}” of the same objective has the same "
    "first three, and this is the next best match for this one.",
    "es": " Subido a los tres primeros: la tarea «{task}» del mismo objetivo tiene los mismos "
    "tres primeros, y este es el siguiente que mejor encaja con esta.",
    "it": " Portato tra i primi tre: il compito «{task}» dello stesso obiettivo ha gli stessi "
    "primi tre, e questo è il successivo più adatto a questo compito.",
    "lv": " Pacelts pirmajā trijniekā: tā paša mērķa uzdevumam “{task}” ir tas pats pirmais "
    "trijnieks, un šis ir nākamais, kas šim uzdevumam atbilst vislabāk.",
}
_LOWERED = {
    "en": " Placed fourth, below a match of its own: the task “{task}” of the same objective "
    "keeps it among its first three.",
    "es": " En cuarto lugar, tras uno propio de esta tarea: la tarea «{task}» del mismo "
    "objetivo lo mantiene entre sus tres primeros.",
    "it": " Al quarto posto, dopo uno proprio di questo compito: il compito «{task}» dello "
    "stesso obiettivo lo mantiene tra i suoi primi tre.",
    "lv": " Ceturtajā vietā, aiz šim uzdevumam atbilstoša: tā paša mērķa uzdevums “{task}” to "
    "patur savā pirmajā trijniekā.",
}


def sentence(raised: bool, sibling_title: str, lang: str) -> str:
    """Why an INTERLINKER was raised into (or moved out of) the first three, in ``lang``."""
    texts = _RAISED if raised else _LOWERED
    return texts.get(lang, texts["en"]).format(task=sibling_title)
