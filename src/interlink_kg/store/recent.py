"""Answers a store keeps for :meth:`~interlink_kg.store.base.Store.select_recent`: each one
until the store object that read it writes, and at most ``lifetime`` seconds when other
processes may write too (a SPARQL server). Pure apart from the clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from interlink_kg.store.base import Row

MAX_KEPT = 64  # answers kept at most (the generation stamps are two queries)


@dataclass(frozen=True)
class _Kept:
    read_at: float  # taken before reading: an answer is never younger than said
    writes: int  # writes through the store object when it was read
    rows: list[Row]


class RecentAnswers:
    def __init__(self, lifetime: float | None = None) -> None:
        self._lifetime = lifetime  # None: until the next write through the object
        self._kept: dict[tuple[str, tuple[str, ...]], _Kept] = {}
        self._lock = threading.Lock()
        self._writes = 0

    def wrote(self) -> None:
        """A write went through the store object (applied or not known): read again."""
        with self._lock:
            self._writes += 1

    def answer(self, key: tuple[str, tuple[str, ...]], read: Callable[[], list[Row]]) -> list[Row]:
        """The kept answer to ``key`` while it holds, else ``read()`` (then kept)."""
        now = time.monotonic()
        with self._lock:
            writes = self._writes  # before reading: a write after this makes the answer old
            known = self._kept.get(key)
        if (
            known is not None
            and known.writes == writes
            and (self._lifetime is None or now - known.read_at < self._lifetime)
        ):
            return list(known.rows)
        rows = read()
        with self._lock:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            kept = self._kept.get(key)
            if kept is None or kept.read_at <= now:  # a slower, older read never replaces a newer
                self._kept[key] = _Kept(now, writes, rows)
        return list(rows)
