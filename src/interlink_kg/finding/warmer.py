"""Precompute the default recommendations of every task in every language, after start-up and
after each change.

First it brings up to date what the catalogue's content feeds (the candidate index, the word
relevance, the search index, the page keys): built at start-up (seconds to minutes at 100k-1M
INTERLINKERs), then patched with what each change touched (:mod:`interlink_kg.finding.maintained`),
so that the requests after a change made here find them ready. The answers land
in the app's answer cache under the same key a request without filters uses (10 items, in each
of the four languages, English first: the guide's pages ask for these), so those requests are
served from memory; the rankings of the tasks of each objective, which each answer compares
(:mod:`interlink_kg.finding.siblings`), are then kept too. Runs in one background thread; a
change while it runs starts it again.

A server's warmer also settles the heap once, after its first complete pass
(``settle_when_ready``): see :func:`settle_heap`.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Sequence
from itertools import product

from interlink_kg.finding import recommendations
from interlink_kg.finding.cache import AnswerCache
from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = FALLBACK_LANGUAGE
# English first: it is every page's fallback and the API's default.
WARMED_LANGUAGES = (
    DEFAULT_LANGUAGE,
    *(lang for lang in SUPPORTED_LANGUAGES if lang != DEFAULT_LANGUAGE),
)
DEFAULT_LIMIT = recommendations.DEFAULT_LIMIT


def task_key(schema: str, task: str, lang: str, limit: int, filters: object) -> tuple[object, ...]:
    return ("task", schema, task, lang, limit, filters)


# Collect young objects every 10,000 net allocations instead of 700: building a page allocates
# about 100,000, so the default ran some 11 collections a page, each walking what the page had
# built so far; measured on a walk of 150 pages at 100k, the collector's time went from 7.7 to
# 2.7 ms a page and the page from 64-70 to 53 ms (``bench/RESULTS.md``). The garbage waits
# longer, a few megabytes at most.
COLLECT_THRESHOLDS = (10_000, 50, 100)


def settle_heap() -> None:
    """Put everything alive now out of the cyclic garbage collector's sight, for good, and
    collect young objects less often (:data:`COLLECT_THRESHOLDS`).

    After start-up the heap holds tens of thousands of long-lived containers (modules, the
    indexes just built); each full collection walked them all, and building pages creates
    enough cyclic garbage (an rdflib graph and its namespace manager refer to each other) to
    run one every few pages: 4.4 ms a page of 100 on average at 100k, in a process holding far
    less than a server (``bench/RESULTS.md``). Frozen objects are still freed when their last
    reference goes. What is in a reference cycle when frozen is never collected: the start-up's
    cyclic garbage is collected first; what stays is bounded and made once (the first
    generation's indexes, when a change replaces them, and the pages being built at that
    moment). Indexes built after later changes are walked by full collections again.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECT_THRESHOLDS)


class Warmer:
    def __init__(
        self,
        store: Store,
        base_iri: str,
        cache: AnswerCache[object],
        indexes: Sequence[Callable[[], object]] = (),
        *,
        settle_when_ready: bool = False,
    ) -> None:
        self._settle = settle_when_ready
        self._store = store
        self._indexes = indexes
        self._base = base_iri
        self._cache = cache
        self._lock = threading.Lock()
        self._again = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()

    def start(self) -> None:
        """(Re)compute in the background; safe to call often."""
        self.ready.clear()
        self._again.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="warmup", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._again.clear()
            for build in self._indexes:
                if self._again.is_set():
                    break
                try:
                    build()
                except Exception:  # a request will build it (and report the failure) itself
                    log.exception("rebuilding an index failed")
            try:
                rows = self._store.select(query("all-tasks"))
                for lang, row in product(WARMED_LANGUAGES, rows):
                    if self._again.is_set():
                        break
                    self._warm(str(row["schemaId"]), str(row["taskId"]), lang)
            except Exception:  # a failed warm-up must never take the server down
                log.exception("precomputing recommendations failed")
            if self._settle and not self._again.is_set():
                # Once, the first time the indexes are all built; outside the lock, so that a
                # start() meanwhile is seen below (the collection takes seconds at 1M).
                self._settle = False
                settle_heap()
            with self._lock:  # a start() from here on either sees this thread alive or not
                if not self._again.is_set():
                    self.ready.set()
                    self._thread = None
                    return

    def _warm(self, schema: str, task: str, lang: str) -> None:
        filters = recommendations.Filters()

        def compute() -> object:
            return recommendations.for_task(
                self._store,
                self._base,
                schema,
                task,
                lang=lang,
                limit=DEFAULT_LIMIT,
                filters=filters,
            )

        self._cache.get(task_key(schema, task, lang, DEFAULT_LIMIT, filters), compute)
