"""The serving side: worker processes and a bounded pool of them.

A worker is a fresh interpreter (not a fork of the serving process, which holds open stores
and threads) running ``python -m MODULE FD`` and talking over a socket pair. The pool runs at
most ``size`` jobs at once; a job that waits longer than ``queue_wait`` for a free worker is
refused as busy (503 with Retry-After), and a worker still busy at the time limit is killed
(the work really stops) and replaced in the background.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from interlink_kg.errors import InterlinkKGError

Reply = Any  # a named tuple of the worker's module


class PoolClosedError(InterlinkKGError):
    code = "shutting_down"
    status = 503
    retry_after = 5


class WorkerDiedError(Exception):
    """The worker process ended while it had a job (memory cap, crash, kill)."""


class WorkerProcess:
    def __init__(self, module: str, config: object) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", module, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.conn = Connection(ours.detach())
        self.conn.send(config)
        self.generation: str | None = None  # which data it holds, for pools that load data
        self._stopping = threading.Lock()
        self._stopped = False

    def exchange(self, message: tuple[Any, ...], timeout: float) -> Reply | None:
        """Send ``message`` and wait for the reply; None when ``timeout`` passed first (the
        worker is then still busy and must be stopped, not reused)."""
        try:
            self.conn.send(message)
            if not self.conn.poll(timeout):
                return None
            reply: Reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerDiedError from exc
        return reply

    def stop(self) -> None:
        """End the process and close the connection; safe to call more than once, from any
        thread (only the first call closes)."""
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()


@dataclass(frozen=True)
class PoolLimits:
    size: int
    time_limit: float
    queue_wait: float
    load_timeout: float = 300.0  # loading a worker's data (not counted in a job's time)


class ProcessPool:
    """``size`` workers of one module; ``prepare`` readies a fresh worker (load its data)
    before it joins the pool, returning False when that failed."""

    def __init__(
        self,
        module: str,
        config: object,
        limits: PoolLimits,
        busy: Callable[[], InterlinkKGError],
        prepare: Callable[[WorkerProcess], bool] | None = None,
    ) -> None:
        self.module = module
        self.config = config
        self.limits = limits
        self._busy = busy
        self._prepare = prepare
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        self.started = False
        self._closed = False
        self._lock = threading.Lock()
        self._spawners: list[threading.Thread] = []
        self._alive: set[WorkerProcess] = set()  # every worker started and not yet stopped
        self._alive_lock = threading.Lock()
        self.killed = 0  # workers ended for the time limit (visible to tests and health checks)

    def spawn(self) -> WorkerProcess:
        worker = WorkerProcess(self.module, self.config)
        with self._alive_lock:
            self._alive.add(worker)
        return worker

    def start(self) -> None:
        """Start the workers (done by the first job if not earlier)."""
        with self._lock:
            if self.started or self._closed:
                return
            self.started = True
            for _ in range(self.limits.size):
                self._idle.put(self.spawn())

    def acquire(self) -> WorkerProcess:
        """A free worker, or the pool's busy error after ``queue_wait`` seconds."""
        if self._closed:
            raise PoolClosedError("the server is shutting down; try again shortly")
        self.start()
        try:
            return self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise self._busy() from None

    def release(self, worker: WorkerProcess) -> None:
        with self._lock:
            if not self._closed:
                self._idle.put(worker)
                return
        self._stop(worker)

    def replace(self, broken: WorkerProcess) -> None:
        """End ``broken``; a fresh worker is readied in the background and joins the pool
        when ready, so no job waits for its start."""
        self._stop(broken)
        with self._lock:
            if self._closed:
                return
            self._spawners = [t for t in self._spawners if t.is_alive()]
            spawner = threading.Thread(target=self._spawn_ready, daemon=True)
            self._spawners.append(spawner)
            spawner.start()

    def _spawn_ready(self) -> None:
        fresh = self._spawn_unless_closed()
        if fresh is None:
            return
        if self._prepare is not None and not self._prepare(fresh):
            self._stop(fresh)
            fresh = self._spawn_unless_closed()  # holds no data yet: its first job prepares it
            if fresh is None:
                return
        with self._lock:
            if not self._closed:
                self._idle.put(fresh)
                return
        self._stop(fresh)

    def _spawn_unless_closed(self) -> WorkerProcess | None:
        with self._lock:
            return None if self._closed else self.spawn()

    def _stop(self, worker: WorkerProcess) -> None:
        worker.stop()
        with self._alive_lock:
            self._alive.discard(worker)

    def idle_pids(self) -> set[int]:
        """The process ids of the workers waiting for a job (for health checks and tests)."""
        with self._idle.mutex:
            return {worker.process.pid for worker in self._idle.queue}

    def _alive_now(self) -> list[WorkerProcess]:
        with self._alive_lock:
            return list(self._alive)

    def run(
        self,
        message: tuple[Any, ...],
        timed_out: Callable[[], InterlinkKGError],
        before: Callable[[WorkerProcess], None] | None = None,
    ) -> Reply:
        """One job on a free worker under the time limit; the worker's reply. ``before``
        readies the worker first (it may raise; its time is not the job's). A worker that
        fails, dies or runs out of time is replaced."""
        worker = self.acquire()
        try:
            if before is not None:
                before(worker)
            reply = worker.exchange(message, self.limits.time_limit)
        except BaseException:
            self.replace(worker)
            raise
        if reply is None:
            with self._lock:
                self.killed += 1
            self.replace(worker)
            raise timed_out()
        self.release(worker)
        return reply

    def each_idle(self, visit: Callable[[WorkerProcess], bool]) -> None:
        """Visit up to ``size`` idle workers, one at a time (under concurrent use one may be
        visited twice and another not at all: a head start, not a guarantee); a visit that
        fails replaces the worker."""
        for _ in range(self.limits.size):
            try:
                worker = self._idle.get(timeout=self.limits.queue_wait)
            except queue.Empty:
                return
            if visit(worker):
                self._idle.put(worker)
            else:
                self.replace(worker)

    def close(self) -> None:
        """Stop every worker: idle, busy (its job fails), or a replacement being readied."""
        with self._lock:
            self._closed = True
            spawners = list(self._spawners)
        for worker in self._alive_now():
            if worker.process.poll() is None:
                worker.process.kill()
        for spawner in spawners:
            spawner.join(timeout=30)
        for worker in self._alive_now():
            self._stop(worker)
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
