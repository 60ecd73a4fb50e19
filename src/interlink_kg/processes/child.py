"""The worker side: set the process's limits, then answer one message at a time.

Messages and replies are named tuples of the worker's own module; any failure is sent back as
a :class:`~interlink_kg.processes.messages.Failed`: a project error as it is, anything
unexpected as a generic message (its text is logged to the worker's stderr, never sent, since it
could quote data the client should not see).
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from interlink_kg.errors import InterlinkKGError
from interlink_kg.processes.messages import Failed
from interlink_kg.processes.sandbox import SandboxError, seal_network

Handler = Callable[[Any], Any]

# Workers yield the CPU to the serving process: cheap reads stay fast while they compute.
NICENESS = 10


class SandboxUnavailableError(InterlinkKGError):
    """The worker could not be sealed off the network, so it does nothing."""

    code = "sandbox_unavailable"
    status = 503


@dataclass(frozen=True)
class ChildLimits:
    memory_bytes: int | None
    sealed: bool  # no network at all
    name: str  # for the operator's log


def _cap_memory(limit: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit if hard == resource.RLIM_INFINITY else min(hard, limit)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def enter_limits(limits: ChildLimits) -> SandboxError | None:
    """Apply the limits to this process; the sandbox failure, if sealing was impossible."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(NICENESS)
    if limits.memory_bytes:
        _cap_memory(limits.memory_bytes)
    if not limits.sealed:
        return None
    try:
        seal_network()
    except SandboxError as exc:
        sys.stderr.write(f"interlink-kg {limits.name} worker: {exc}; refusing all work\n")
        return exc
    return None


def serve_messages(
    conn: Connection, limits: ChildLimits, handle: Handler, memory_error: InterlinkKGError
) -> None:
    """Apply ``limits``, then answer messages with ``handle`` until the parent hangs up."""
    unsealed = enter_limits(limits)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if unsealed is not None:
                raise SandboxUnavailableError(
                    f"the {limits.name} service is unavailable: its sandbox could not be set up "
                    "on this server (the operator's log says why)"
                )
            conn.send(handle(message))
        except InterlinkKGError as exc:
            conn.send(Failed.of(exc))
        except MemoryError:
            conn.send(Failed.of(memory_error))
        except Exception as exc:
            sys.stderr.write(f"interlink-kg {limits.name} worker: unexpected {exc!r}\n")
            conn.send(Failed("worker_failed", f"the {limits.name} failed unexpectedly", {}))
