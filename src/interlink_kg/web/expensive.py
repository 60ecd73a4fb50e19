"""Keep application threads for cheap reads: at most a few requests at a time may wait on
expensive work (a public query, a validation, a catalogue page, the dump), whoever sends them.

The work itself runs in worker processes with their own limits; what this bounds is the
threads that wait for it. Over the bound a request is answered at once with 503 and
``Retry-After``, instead of queueing behind the others and taking the last free thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from interlink_kg.errors import InterlinkKGError

# Threads never given to expensive work, so health checks and page reads always find one.
RESERVED_FOR_CHEAP_READS = 2


class ServerBusyError(InterlinkKGError):
    code = "server_busy"
    status = 503
    retry_after = 5


class ExpensiveWork:
    def __init__(self, threads: int) -> None:
        self.slots = max(1, threads - RESERVED_FOR_CHEAP_READS)
        self._free = threading.BoundedSemaphore(self.slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise ServerBusyError(
                f"the server is busy with {self.slots} expensive requests (queries, "
                "validations, catalogue pages, dumps); try again in a few seconds",
                details={"max_expensive_requests": self.slots},
            )
        try:
            yield
        finally:
            self._free.release()
