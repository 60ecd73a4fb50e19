"""``POST /validate`` off the request threads: validation jobs in worker processes, under a
time limit and a concurrency limit (busy: 503 with Retry-After)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from interlink_kg.errors import InterlinkKGError
from interlink_kg.model.report import ValidationReport
from interlink_kg.processes.messages import Failed
from interlink_kg.processes.parent import (
    PoolLimits,
    ProcessPool,
    WorkerDiedError,
    WorkerProcess,
)
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.rdf.untrusted import InputLimits
from interlink_kg.validation.worker import (
    Validate,
    Validated,
    ValidationConfig,
    Warm,
    Warmed,
)

WORKER_MODULE = "interlink_kg.validation.worker"


class ValidationBusyError(InterlinkKGError):
    code = "validation_busy"
    status = 503
    retry_after = 5


class ValidationTimeoutError(InterlinkKGError):
    code = "validation_timeout"
    status = 503


class ValidationCrashedError(InterlinkKGError):
    code = "validation_too_expensive"
    status = 503


@dataclass(frozen=True)
class ValidationLimits:
    """The validation workers' limits (time, workers and memory come from the settings)."""

    time_limit: float
    max_concurrent: int
    memory_bytes: int | None
    queue_wait: float = 2.0  # a validation is refused as busy after this wait for a worker


class ValidationPool:
    def __init__(
        self,
        base_iri: str,
        contact_email: str | None,
        input_limits: InputLimits,
        limits: ValidationLimits,
    ) -> None:
        self.limits = limits
        config = ValidationConfig(base_iri, contact_email, input_limits, limits.memory_bytes)
        self.processes = ProcessPool(
            WORKER_MODULE,
            config,
            PoolLimits(limits.max_concurrent, limits.time_limit, limits.queue_wait),
            busy=self._busy,
            prepare=self._warm,
        )

    def _busy(self) -> ValidationBusyError:
        return ValidationBusyError(
            f"all {self.limits.max_concurrent} validation slots are busy; try again shortly",
            details={"max_concurrent_validations": self.limits.max_concurrent},
        )

    def _timed_out(self) -> ValidationTimeoutError:
        return ValidationTimeoutError(
            f"validation took longer than the {self.limits.time_limit:g} s limit and was "
            "stopped; send a smaller description",
            details={"time_limit_seconds": self.limits.time_limit},
        )

    def _warm(self, worker: WorkerProcess) -> bool:
        try:
            reply = worker.exchange(Warm(), self.processes.limits.load_timeout)
        except WorkerDiedError:
            return False
        return isinstance(reply, Warmed)

    def warm(self) -> None:
        """Start the workers and parse the shapes in them, in the background (start-up)."""
        self.processes.start()
        threading.Thread(target=self.processes.each_idle, args=(self._warm,), daemon=True).start()

    def validate(self, shapes: str, body: bytes, fmt: RdfFormat) -> ValidationReport:
        try:
            reply = self.processes.run(
                Validate(shapes, body, fmt.media_type), timed_out=self._timed_out
            )
        except WorkerDiedError:
            raise ValidationCrashedError(
                "validating this body stopped the process that ran it (too much memory); "
                "send a smaller description"
            ) from None
        if isinstance(reply, Validated):
            return reply.report
        if isinstance(reply, Failed):
            raise reply.error()
        raise ValidationCrashedError("the validation worker answered something unexpected")

    def close(self) -> None:
        self.processes.close()
