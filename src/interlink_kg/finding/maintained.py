"""What is derived from a store's catalogue and kept in memory, patched as the content changes.

Each value remembers the content generation (:mod:`interlink_kg.store.generation`) it is up to
date with and the change-log entries (:mod:`interlink_kg.store.changes`) it has seen. When the
stamp moves (a write by any process: the stamp and the log live in the store), the first caller
reads the entries it has not seen and asks the value to patch the resources they name, which
costs the size of the change, not of the catalogue. It is built again from the whole catalogue
only when it has never been built, when an entry says everything changed (a load of files), when
the log was pruned past what it saw, when a stamp has no entry (written by other code), or
when a changed resource is not an INTERLINKER but something others point to (a concept, a
problem profile: what it changes is not listed).

A patched value may ask to be merged (its changes kept beside the first build have grown): a
background thread (:meth:`Maintained.merge`) builds it again from the whole catalogue and swaps
it in, while requests keep using the patched one.

Kept per store, weakly (a closed store takes its values with it).
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from interlink_kg.store.base import Store
from interlink_kg.store.changes import KEEP, Entry, describes_others, read_log
from interlink_kg.store.generation import generation

logger = logging.getLogger(__name__)

MAX_PATCH = 5000  # subjects changed since the last look above which a new build is cheaper


class Patchable(Protocol):
    def patched(self, store: Store, subjects: frozenset[str]) -> Patchable:
        """A value with ``subjects`` (IRIs) read again from ``store``; ``self`` unchanged."""
        ...

    def needs_merge(self) -> bool:
        """True when the patches kept so far cost more than a new build would save."""
        ...

    def knows(self, subject: str) -> bool:
        """True when ``subject`` is one of the INTERLINKERs the value is made of (as first
        built or as patched since): a change of it is patched in."""
        ...


T = TypeVar("T", bound=Patchable)


@dataclass(frozen=True)
class _Known(Generic[T]):
    stamp: str
    value: T
    seen: frozenset[str]  # names of the log entries the value includes


class Maintained(Generic[T]):
    def __init__(self, build: Callable[[Store], T]) -> None:
        self._build = build
        self._known: weakref.WeakKeyDictionary[Store, _Known[T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # one build or patch at a time: the others wait for it
        self._merging = threading.Lock()
        self._reading = threading.Lock()  # guards _known alone: held for no build or patch

    def get(self, store: Store) -> T:
        """The value for ``store``'s current content generation."""
        stamp = generation(store)
        with self._lock:
            known = self._look(store)
            if known is not None and known.stamp == stamp:
                return known.value
            log = read_log(store)  # read before the data: a later change is seen again
            value = self._patched(store, known, stamp, log) if known is not None else None
            if value is None:
                value = self._build(store)
            self._keep(store, _Known(stamp, value, frozenset(e.name for e in log)))
        if value.needs_merge():
            self._merge_soon(store)
        return value

    def current(self, store: Store) -> T | None:
        """The value if it is up to date with ``store``'s content, else None: nothing is built
        or patched (for a caller with a cheaper way while the value is being brought up to
        date); it never waits for a build or patch under way. Data never stamped is never
        current."""
        stamp = generation(store)
        known = self._look(store)
        return known.value if stamp and known is not None and known.stamp == stamp else None

    def _look(self, store: Store) -> _Known[T] | None:
        with self._reading:
            return self._known.get(store)

    def _keep(self, store: Store, known: _Known[T]) -> None:
        with self._reading:
            self._known[store] = known

    def _merge_soon(self, store: Store) -> None:
        """Start a merge in the background unless one runs."""
        if self._merging.locked():
            return
        threading.Thread(target=self._merge_quietly, args=(store,), daemon=True).start()

    def _merge_quietly(self, store: Store) -> None:
        try:
            self.merge(store)
        except Exception:  # the patched value keeps serving; the next change tries again
            logger.exception("merging the changes into a new build failed")

    def _patched(self, store: Store, known: _Known[T], stamp: str, log: list[Entry]) -> T | None:
        names = {e.name for e in log}
        if len(log) >= KEEP and not names & known.seen:
            return None  # pruned past what this value saw
        if stamp and stamp not in {e.stamp for e in log}:
            return None  # a stamp written without its entry: nothing says what changed
        subjects: set[str] = set()
        for entry in log:
            if entry.name in known.seen:
                continue
            if entry.subjects is None:
                return None
            subjects |= entry.subjects
        if len(subjects) > MAX_PATCH:
            return None
        if not subjects:
            return known.value
        unknown = [s for s in subjects if not known.value.knows(s)]
        if unknown and describes_others(store, unknown, subjects):
            return None  # a concept or profile changed: what depends on it is not listed
        patched = known.value.patched(store, frozenset(subjects))
        return patched  # type: ignore[return-value]  # a value patches into its own type

    def merge(self, store: Store) -> bool:
        """Build the value again from the whole catalogue if its patches ask for it, without
        holding up requests meanwhile; True when it did."""
        known = self._look(store)
        if known is None or not known.value.needs_merge():
            return False
        if not self._merging.acquire(blocking=False):
            return False  # one merge at a time
        try:
            stamp = generation(store)
            entries = read_log(store)
            value = self._build(store)
            with self._lock:
                # Even if the content changed meanwhile: the next get patches it forward.
                self._keep(store, _Known(stamp, value, frozenset(e.name for e in entries)))
        finally:
            self._merging.release()
        return True
