"""The co-production services' clock: UTC, to the second (what RDF dates carry)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
