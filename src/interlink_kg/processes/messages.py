"""What a worker may answer besides its own replies: a failure, named (no positional tuples)."""

from __future__ import annotations

from typing import Any, NamedTuple

from interlink_kg.errors import InterlinkKGError, rebuild_error


class Failed(NamedTuple):
    """The job failed: a project error's code, message and details, to be raised again."""

    code: str
    message: str
    details: dict[str, Any]

    @classmethod
    def of(cls, error: InterlinkKGError) -> Failed:
        return cls(error.code, error.message, error.details)

    def error(self) -> InterlinkKGError:
        return rebuild_error(self.code, self.message, self.details)


class WorkerFailedError(InterlinkKGError):
    """Something unexpected went wrong inside a worker (its log says what)."""

    code = "worker_failed"
    status = 500
