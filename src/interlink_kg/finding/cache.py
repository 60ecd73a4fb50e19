"""A small thread-safe LRU cache of computed answers, valid for one generation of the catalogue.

Each answer is kept under the catalogue generation (:mod:`interlink_kg.store.generation`) read
before it was computed: once the catalogue changes, in this process or another, the old answers
are never served again (and are dropped at the first look after the change).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation, newer

T = TypeVar("T")


class AnswerCache(Generic[T]):
    def __init__(self, store: Store, size: int = 1024) -> None:
        self._store = store
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, Hashable], T] = OrderedDict()
        self._generation: str | None = None
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        stamp = latest_generation(self._store)  # rankings count uses too
        full = (stamp, key)
        with self._lock:
            if self._generation is None or newer(stamp, self._generation):
                self._items.clear()
                self._generation = stamp
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full]
        value = compute()  # outside the lock: a slow answer does not block the others
        with self._lock:
            self.misses += 1
            self._items[full] = value
            self._items.move_to_end(full)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
