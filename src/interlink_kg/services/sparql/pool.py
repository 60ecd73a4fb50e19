"""A small pool of worker processes that run public queries under a time limit.

* concurrency: at most ``size`` queries run at once; a request waits ``queue_wait`` seconds
  for a free worker, then gets a 503;
* time limit: a query still running after ``time_limit`` seconds has its process killed (the
  work really stops) and a fresh worker takes its place;
* crashes: a worker that dies under a query (memory cap, engine failure) is replaced too.

Loading a new snapshot is not counted in a query's time.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from interlink_kg.services.sparql.errors import (
    BY_CODE,
    EndpointBusyError,
    QueryCrashedError,
    QueryFailedError,
    QueryTimeoutError,
)
from interlink_kg.services.sparql.snapshot import Snapshots
from interlink_kg.services.sparql.worker import QueryJob, WorkerConfig

WORKER_MODULE = "interlink_kg.services.sparql.worker"


@dataclass(frozen=True)
class PoolLimits:
    size: int = 2
    time_limit: float = 10.0
    queue_wait: float = 5.0
    load_timeout: float = 300.0


class _Worker:
    """One worker: a fresh interpreter (not a fork of the serving process, which holds open
    stores and threads) talking over a socket pair."""

    def __init__(self, config: WorkerConfig) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(ours.detach())
        self.conn.send(config)
        self.generation: int | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()


class QueryPool:
    def __init__(self, snapshots: Snapshots, config: WorkerConfig, limits: PoolLimits) -> None:
        self.snapshots = snapshots
        self.config = config
        self.limits = limits
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self.started = False
        self._closed = False
        self._lock = threading.Lock()
        self.killed = 0  # workers ended for the time limit (visible to tests and health checks)

    def start(self) -> None:
        """Start the workers (done by the first query if not earlier)."""
        with self._lock:
            if self.started or self._closed:
                return
            self.started = True
            for _ in range(self.limits.size):
                self._idle.put(_Worker(self.config))

    def _replace(self, broken: _Worker) -> None:
        """End ``broken``; a fresh worker loads the current snapshot in the background and
        joins the pool when ready, so no query waits for that load."""
        broken.stop()
        if not self._closed:
            threading.Thread(target=self._spawn_ready, daemon=True).start()

    def _spawn_ready(self) -> None:
        fresh = _Worker(self.config)
        if not self._load(fresh):
            fresh.stop()
            fresh = _Worker(self.config)  # holds no data yet: its first query loads it
        if self._closed:
            fresh.stop()
        else:
            self._idle.put(fresh)

    def _load(self, handle: _Worker) -> bool:
        """Bring ``handle`` to the current snapshot. False when it failed or took too long:
        the worker may still be busy with it, so it must not be used again."""
        try:
            generation, path = self.snapshots.current()
            if handle.generation == generation:
                return True
            loaded = self._exchange(
                handle, ("load", generation, str(path)), self.limits.load_timeout
            )
        except Exception:
            return False
        if loaded is None:
            return False
        handle.generation = generation
        return True

    def preload(self) -> None:
        """Load the current snapshot into each idle worker (after a catalogue change), one at a
        time, so that queries find workers already holding the new data."""
        for _ in range(self.limits.size):
            try:
                handle = self._idle.get(timeout=self.limits.queue_wait)
            except queue.Empty:
                return
            if self._load(handle):
                self._idle.put(handle)
            else:
                self._replace(handle)

    def run(self, job: QueryJob) -> tuple[str, bytes]:
        """The answer's media type and bytes, or the error the worker reported."""
        self.start()
        try:
            handle = self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise EndpointBusyError(
                f"all {self.limits.size} query slots are busy; try again in a few seconds",
                details={"max_concurrent_queries": self.limits.size},
            ) from None
        try:
            reply = self._ask(handle, job)
        except BaseException:
            self._replace(handle)
            raise
        self._idle.put(handle)
        return self._answer(reply)

    def _ask(self, handle: _Worker, job: QueryJob) -> tuple[Any, ...]:
        if not self._load(handle):
            raise QueryFailedError("the published data could not be loaded for this query")
        reply = self._exchange(handle, ("query", job), self.limits.time_limit)
        if reply is None:
            self.killed += 1
            raise QueryTimeoutError(
                f"the query ran longer than the {self.limits.time_limit:g} s limit and was "
                "stopped; simplify it or add LIMIT",
                details={"time_limit_seconds": self.limits.time_limit},
            )
        return reply

    @staticmethod
    def _exchange(
        handle: _Worker, message: tuple[Any, ...], timeout: float
    ) -> tuple[Any, ...] | None:
        try:
            handle.conn.send(message)
            if not handle.conn.poll(timeout):
                return None
            reply: tuple[Any, ...] = handle.conn.recv()
        except (EOFError, OSError) as exc:
            raise QueryCrashedError(
                "the query stopped the process that ran it (it probably needed too much "
                "memory); simplify it or add LIMIT"
            ) from exc
        if reply[0] == "error" and message[0] == "load":
            raise QueryFailedError(f"the published data could not be loaded: {reply[2]}")
        return reply

    @staticmethod
    def _answer(reply: tuple[Any, ...]) -> tuple[str, bytes]:
        if reply[0] == "ok":
            return str(reply[1]), bytes(reply[2])
        _, code, message, details = reply
        error_class = BY_CODE.get(code, QueryFailedError)
        raise error_class(message, details=details)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        self.snapshots.close()
