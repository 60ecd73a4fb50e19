"""Checks of the JSON bodies of co-production requests: each failure is a 400 naming the field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from interlink_kg.errors import BadRequestError
from interlink_kg.model import iris


def text(value: object, what: str, limit: int, *, required: bool) -> str | None:
    """A trimmed string of at most ``limit`` characters (None when absent and optional)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequestError(f"{what} must be a non-empty string", details={"field": what})
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise BadRequestError(f"{what} has more than {limit} characters", details={"field": what})
    return cleaned or None


def choice(value: object, what: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise BadRequestError(
            f"{what} must be one of: {', '.join(allowed)}",
            details={"field": what, "allowed": list(allowed)},
        )
    return value


def identifier(value: object, what: str) -> str:
    if not isinstance(value, str) or not iris.is_identifier(value):
        raise BadRequestError(
            f"{what} must be an identifier (letters, digits, _ . -)", details={"field": what}
        )
    return value


def identifiers(value: object, what: str, *, limit: int = 50) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > limit:
        raise BadRequestError(
            f"{what} must be a list of 1 to {limit} identifiers", details={"field": what}
        )
    return sorted({identifier(v, what) for v in value})


def day(value: object, what: str) -> date | None:
    """An ISO 8601 calendar date (``2026-12-01``), or None to clear it."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadRequestError(
        f"{what} must be a date such as 2026-12-01 (or null to clear it)", details={"field": what}
    )


def flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise BadRequestError(f"{what} must be true or false", details={"field": what})
    return value


def only(body: dict[str, object], allowed: Sequence[str]) -> None:
    """Refuse fields this request does not take (a typo must not pass silently)."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise BadRequestError(
            f"unknown field(s): {', '.join(k[:50] for k in unknown[:10])}; this request takes: "
            f"{', '.join(allowed)}",
            details={"unknown": [k[:50] for k in unknown[:10]], "allowed": list(allowed)},
        )


def json_object(body: object, example: str) -> dict[str, object]:
    if not isinstance(body, dict):
        raise BadRequestError(f"send a JSON object: {example}")
    return body
