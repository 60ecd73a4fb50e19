"""Computed answers and values kept for one generation of the catalogue: a small thread-safe LRU
cache of answers (:class:`AnswerCache`), one value per store (:class:`PerGeneration`), and
values per key (:class:`Remembered`, or :class:`RememberedMany` for keys read many at a time).

Each answer is kept under the catalogue generation (:mod:`interlink_kg.store.generation`) read
before it was computed: once the catalogue changes, in this process or another, the old answers
are never served again (and are dropped at the first look after the change).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import Executor, Future
from typing import Generic, TypeVar

from interlink_kg.store.base import Store
from interlink_kg.store.generation import generation, latest_generation, newer

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


class PerGeneration(Generic[T]):
    """One value per store (and ``key``), built again when the store's stamp moves: ``stamp``
    reads the content's generation, or the latest of the content's and what teams did. Data
    never written through a change has no stamp: its value is built at every call.

    For what is small enough to read whole after a change, where patching
    (:mod:`interlink_kg.finding.maintained`) would not pay. One build at a time per value (the
    others wait for it, then use it); a value is only ever served for the stamp it was built
    at. Kept weakly: a closed store takes its values with it."""

    def __init__(self, build: Callable[..., T], stamp: Callable[[Store], str] = generation) -> None:
        self._build = build
        self._stamp = stamp
        self._reading = threading.Lock()  # guards _known alone
        self._building = threading.Lock()
        self._known: weakref.WeakKeyDictionary[Store, tuple[str, Hashable, T]] = (
            weakref.WeakKeyDictionary()
        )

    def _kept(self, store: Store, stamp: str, key: Hashable) -> tuple[T] | None:
        with self._reading:
            known = self._known.get(store)
        return (known[2],) if stamp and known is not None and known[:2] == (stamp, key) else None

    def get(self, store: Store, *key: Hashable) -> T:
        """The value for ``store``'s current stamp; ``key`` (hashable) is passed to the build
        after the store and kept with the value: another key builds again."""
        stamp = self._stamp(store)
        kept = self._kept(store, stamp, key)
        if kept is not None:
            return kept[0]
        with self._building:
            kept = self._kept(store, stamp, key)  # built by another thread meanwhile
            if kept is not None:
                return kept[0]
            value = self._build(store, *key)
            if stamp:
                with self._reading:
                    self._known[store] = (stamp, key, value)
        return value


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Memo(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.values: OrderedDict[K, V] = OrderedDict()
        # Keys being computed, and the thread computing each: the others wait for it.
        self.pending: dict[K, tuple[Future[V], int]] = {}


class Remembered(Generic[K, V]):
    """Values computed per key (a task, say), kept for one stamp of a store and all dropped
    when it moves; at most ``size`` per store, the least recently used dropped first. For
    what is asked again and again between changes and costs a round trip each time (a task's
    path and words). Data never stamped is computed at every call; a failed computation
    (unknown key) is not kept. A key asked for while another thread computes it waits for that
    computation (its value, or its error) instead of computing it again, so a value fetched
    ahead (:meth:`prefetch`: a sibling task's word matches) is computed once."""

    def __init__(
        self,
        compute: Callable[[Store, K], V],
        stamp: Callable[[Store], str] = generation,
        size: int = 4096,
    ) -> None:
        self._compute = compute
        self._size, self._stamp = size, stamp
        self._memos: PerGeneration[_Memo[K, V]] = PerGeneration(lambda store: _Memo(size), stamp)

    def clear(self) -> None:
        """Forget every value kept, for every store (their stamps unchanged: for a bench or a
        test that changes what the computation depends on besides the store)."""
        self._memos = PerGeneration(lambda store: _Memo(self._size), self._stamp)

    def get(self, store: Store, key: K) -> V:
        value = self._get(store, key, wait=True)
        assert value is not None  # waited for
        return value[0]

    def prefetch(self, executor: Executor, store: Store, keys: Iterable[K]) -> None:
        """Start computing on ``executor`` each of ``keys`` neither kept nor being computed (a
        value about to be asked for); nothing for data never stamped, where nothing is kept.
        A job that finds its key being computed by then returns at once (no thread held)."""
        if not self._stamp(store):
            return
        memo = self._memos.get(store)
        for key in keys:
            with memo.lock:
                if key in memo.values or key in memo.pending:
                    continue
            executor.submit(self._get, store, key, wait=False)

    def _get(self, store: Store, key: K, *, wait: bool) -> tuple[V] | None:
        """The value of ``key``: kept, computed by another thread (waited for, unless
        ``wait`` is False: None), or computed here."""
        memo = self._memos.get(store)
        with memo.lock:
            if key in memo.values:
                memo.values.move_to_end(key)
                return (memo.values[key],)
            pending = memo.pending.get(key)
            if pending is None:
                computing: Future[V] = Future()
                memo.pending[key] = (computing, threading.get_ident())
        if pending is not None:
            future, owner = pending
            if owner == threading.get_ident():
                raise RuntimeError(f"{key!r} asked for again while it is computed")
            return (future.result(),) if wait else None
        try:
            value = self._compute(store, key)  # read after the stamp: never older than it
            with memo.lock:
                memo.values[key] = value
                memo.values.move_to_end(key)
                while len(memo.values) > memo.size:
                    memo.values.popitem(last=False)
        except BaseException as error:
            computing.set_exception(error)
            raise
        else:
            computing.set_result(value)
            return (value,)
        finally:
            with memo.lock:
                memo.pending.pop(key, None)


class RememberedMany(Generic[K, V]):
    """Values per key like :class:`Remembered`, computed many at a time: the keys asked for
    that are not kept are computed in one call (one round trip for a page's dozens of
    concepts), the others served from memory. Kept for one stamp of a store, at most ``size``
    per store, the least recently used dropped first; at every call for data never stamped.
    Two threads missing the same key may both compute it (the same value: the later one is
    kept)."""

    def __init__(
        self,
        compute: Callable[[Store, list[K]], Mapping[K, V]],
        stamp: Callable[[Store], str] = generation,
        size: int = 4096,
    ) -> None:
        self._compute = compute
        self._size = size
        self._memos: PerGeneration[_Memo[K, V]] = PerGeneration(lambda store: _Memo(size), stamp)

    def get(self, store: Store, keys: Iterable[K]) -> dict[K, V]:
        """The value of each of ``keys`` (``compute`` must give one for each key it is asked).
        More keys than may be kept are computed without looking at or touching those kept."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        if len(wanted) > self._size:
            return dict(self._compute(store, wanted))
        memo = self._memos.get(store)  # its stamp read before anything is computed
        found: dict[K, V] = {}
        missing: list[K] = []
        with memo.lock:
            for key in wanted:
                if key in memo.values:
                    memo.values.move_to_end(key)
                    found[key] = memo.values[key]
                else:
                    missing.append(key)
        if not missing:
            return found
        computed = self._compute(store, missing)
        left_out = [key for key in missing if key not in computed]
        if left_out:  # nothing of this computation is kept
            raise KeyError(f"no value computed for {left_out[:3]!r}")
        with memo.lock:
            for key in missing:
                found[key] = memo.values[key] = computed[key]
                memo.values.move_to_end(key)
            while len(memo.values) > memo.size:
                memo.values.popitem(last=False)
        return found
