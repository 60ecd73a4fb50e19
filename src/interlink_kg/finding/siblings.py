"""Distinct first three for the tasks of one objective. Pure.

Two tasks of one objective ("Create awareness" and "Communicate the benefit", say) are often
ranked on nearly the same words and profiles. When their first three recommendations are the
same three INTERLINKERs, the team sees the same advice twice and nothing of what sets the tasks
apart. So, for each set of tasks of an objective whose first three are the same set:

- a task may keep its first three, or raise into third place an INTERLINKER from lower in its
  first :data:`DEPTH` whose place there makes its first three differ from those of every other
  task of the objective; its third then comes just below it;
- raising costs the task the gap between its third's score and the raised one's, relative to
  its best score (its *loss*);
- of every way to choose, the one taken leaves the fewest tasks sharing their first three
  (none while enough alternatives exist), then costs the least in total; among equals, the
  tasks with the smaller IRIs keep. At least one task keeps the three.

Scores do not change: the raised INTERLINKER passes its task's third (and any between them), and
both explanations say why (:func:`sentence`). Everything is decided from the tasks' own rankings
(their first :data:`DEPTH`), the same for every task of the objective whichever is asked first.
A set of tasks sharing their first three is rarely more than two or three; the choice is
searched exhaustively with a bound, in a few thousand steps at most for six tasks.
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


def _options(
    ranked: Ranked, taken: Counter[frozenset[str]]
) -> list[tuple[str, frozenset[str], float]]:
    """Each INTERLINKER below the third (within :data:`DEPTH`) whose place in the first three
    makes them differ from every top in ``taken``: (IRI, the new first three, the loss)."""
    top = _top(ranked)
    third, third_score = ranked.items[TOP - 1]
    best = ranked.items[0][1]
    options = []
    for item, score in ranked.items[TOP:DEPTH]:
        new = (top - {third}) | {item}
        if taken[new] == 0:
            options.append((item, new, (third_score - score) / best if best > 0 else 0.0))
    return options


_KEEP = -1  # a task's choice: keep its first three, or the index of one of its options


def _choose(options: list[list[tuple[str, frozenset[str], float]]]) -> tuple[int, ...]:
    """For tasks sharing one first three (their options, in IRI order), the choice of each:
    fewest tasks left sharing, then least loss in total, then the first in the order tried (a
    smaller IRI keeps); at least one keeps."""
    best: list[tuple[tuple[int, float], tuple[int, ...]]] = []
    chosen: list[int] = []
    used: set[frozenset[str]] = set()

    def walk(at: int, kept: int, loss: float) -> None:
        shared = kept if kept > 1 else 0
        if best and (shared, loss) > best[0][0]:
            return  # what is still to choose can only add
        if at == len(options):
            if kept and (not best or (shared, round(loss, 9)) < best[0][0]):
                best[:] = [((shared, round(loss, 9)), tuple(chosen))]
            return
        chosen.append(_KEEP)
        walk(at + 1, kept + 1, loss)
        chosen.pop()
        for n, (_, new, cost) in enumerate(options[at]):
            if new in used:
                continue
            used.add(new)
            chosen.append(n)
            walk(at + 1, kept, loss + cost)
            chosen.pop()
            used.discard(new)

    walk(0, 0, 0.0)
    return best[0][1]


def distinct_tops(rankings: Sequence[Ranked]) -> dict[str, Move]:
    """The moves that give every task of ``rankings`` (the tasks of one objective) first three
    of their own where alternatives allow; by task IRI, tasks that keep theirs left out."""
    full = [r for r in rankings if len(r.items) >= TOP]
    groups: dict[frozenset[str], list[Ranked]] = {}
    for ranked in sorted(full, key=lambda r: r.task):
        groups.setdefault(_top(ranked), []).append(ranked)
    taken = Counter(_top(r) for r in full)
    moves: dict[str, Move] = {}
    for top, members in sorted(groups.items(), key=lambda kv: kv[1][0].task):
        if len(members) < 2:
            continue
        options = [_options(m, taken) for m in members]
        choice = _choose(options)
        keeper = next(m for m, c in zip(members, choice, strict=True) if c == _KEEP)
        for member, picked, found in zip(members, choice, options, strict=True):
            if picked == _KEEP:
                continue
            raised, new, _ = found[picked]
            taken[top] -= 1
            taken[new] += 1
            moves[member.task] = Move(keeper.task, raised, member.items[TOP - 1][0])
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
    "first three, and this is the best match below them that sets this task's apart.",
    "es": " Subido a los tres primeros: la tarea «{task}» del mismo objetivo tiene los mismos "
    "tres primeros, y este es el que mejor encaja por debajo de ellos y distingue los de esta.",
    "it": " Portato tra i primi tre: il compito «{task}» dello stesso obiettivo ha gli stessi "
    "primi tre, e questo è il più adatto sotto di loro che distingue quelli di questo compito.",
    "lv": " Pacelts pirmajā trijniekā: tā paša mērķa uzdevumam “{task}” ir tas pats pirmais "
    "trijnieks, un šis ir labākais zem tiem, kas šī uzdevuma trijnieku padara atšķirīgu.",
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
