"""The pool of worker processes that run public queries, each holding the published data.

Built on :class:`ProcessPool` (concurrency limit, busy answer, kill at the time limit,
replacement); this module adds the data: each worker loads the current snapshot of the
published graphs before a query, and a catalogue change loads the new one into idle workers
in the background. Loading a snapshot is not counted in a query's time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from interlink_kg.processes.messages import Failed
from interlink_kg.processes.parent import (
    PoolLimits,
    ProcessPool,
    WorkerDiedError,
    WorkerProcess,
)
from interlink_kg.sparql.errors import (
    EndpointBusyError,
    PublishedDataUnavailableError,
    QueryCrashedError,
    QueryFailedError,
    QueryTimeoutError,
)
from interlink_kg.sparql.snapshot import Snapshots
from interlink_kg.sparql.worker import Answer, Load, Loaded, Query, QueryJob, WorkerConfig

WORKER_MODULE = "interlink_kg.sparql.worker"
_LOG = logging.getLogger(__name__)

__all__ = ["PoolLimits", "QueryPool"]


class QueryPool:
    def __init__(self, snapshots: Snapshots, config: WorkerConfig, limits: PoolLimits) -> None:
        self.snapshots = snapshots
        self.config = config
        self.limits = limits
        self.processes = ProcessPool(
            WORKER_MODULE, config, limits, busy=self._busy, prepare=self._load
        )

    @property
    def started(self) -> bool:
        return self.processes.started

    @property
    def killed(self) -> int:
        """Workers ended for the time limit (visible to tests and health checks)."""
        return self.processes.killed

    def start(self) -> None:
        self.processes.start()

    def _busy(self) -> EndpointBusyError:
        return EndpointBusyError(
            f"all {self.limits.size} query slots are busy; try again in a few seconds",
            details={"max_concurrent_queries": self.limits.size},
        )

    def _load(self, worker: WorkerProcess) -> bool:
        """Bring ``worker`` to the current snapshot. False when it failed or took too long:
        the worker may still be busy with it, so it must not be used again."""
        path = None
        try:
            generation, path = self.snapshots.current()
            if worker.generation == generation:
                return True
            reply = worker.exchange(Load(generation, str(path)), self.limits.load_timeout)
        except (WorkerDiedError, OSError) as exc:
            self._could_not_load(path, type(exc).__name__)
            return False
        if not isinstance(reply, Loaded):
            self._could_not_load(path, type(reply).__name__)
            return False
        worker.generation = generation
        return True

    def _could_not_load(self, path: Path | None, why: str) -> None:
        size = path.stat().st_size if path is not None and path.exists() else 0
        cap = self.config.memory_bytes
        _LOG.warning(
            "a public SPARQL query process could not load the published data (%s, snapshot "
            "of %.0f MB; memory cap %s, load time limit %g s): if the catalogue has grown, "
            "raise INTERLINK_KG_SPARQL_MEMORY_MB",
            why,
            size / 1e6,
            f"{cap / 2**20:.0f} MB" if cap else "none",
            self.limits.load_timeout,
        )

    def preload(self) -> None:
        """Load the current snapshot into each idle worker (after a catalogue change), one at a
        time, so that queries find workers already holding the new data."""
        self.processes.each_idle(self._load)

    def run(self, job: QueryJob) -> tuple[str, bytes]:
        """The answer's media type and bytes, or the error the worker reported."""
        try:
            reply = self.processes.run(Query(job), self._timed_out, before=self._ready)
        except WorkerDiedError:
            raise QueryCrashedError(
                "the query stopped the process that ran it (it probably needed too much "
                "memory); simplify it or add LIMIT"
            ) from None
        if isinstance(reply, Answer):
            return reply.media_type, reply.body
        if isinstance(reply, Failed):
            raise reply.error()
        raise QueryFailedError("the query worker answered something unexpected")

    def _ready(self, worker: WorkerProcess) -> None:
        if not self._load(worker):
            raise PublishedDataUnavailableError(
                "the published data could not be loaded to answer queries; try again later "
                "(the server's log says why)"
            )

    def _timed_out(self) -> QueryTimeoutError:
        return QueryTimeoutError(
            f"the query ran longer than the {self.limits.time_limit:g} s limit and was "
            "stopped; simplify it or add LIMIT",
            details={"time_limit_seconds": self.limits.time_limit},
        )

    def close(self) -> None:
        self.processes.close()
        self.snapshots.close()
