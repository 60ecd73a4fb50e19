"""What is derived from a store's catalogue and kept in memory until its content changes.

Each value remembers the content generation (:mod:`interlink_kg.store.generation`) it was built
for and is rebuilt, once, by the first caller that finds the stamp moved: a write by any process
(the stamp lives in the store) makes every process rebuild on its next use. Kept per store,
weakly (a closed store takes its values with it).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from interlink_kg.store.base import Store
from interlink_kg.store.generation import generation

T = TypeVar("T")


class PerGeneration(Generic[T]):
    def __init__(self, build: Callable[[Store], T]) -> None:
        self._build = build
        self._known: weakref.WeakKeyDictionary[Store, tuple[str, T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # one build at a time: the others wait for it

    def get(self, store: Store) -> T:
        """The value for ``store``'s current content generation."""
        stamp = generation(store)
        with self._lock:
            known = self._known.get(store)
            if known is not None and known[0] == stamp:
                return known[1]
            built = self._build(store)
            self._known[store] = (stamp, built)
            return built
