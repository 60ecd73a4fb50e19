"""Checks of the JSON bodies of co-production requests: each failure is a 400 naming the field."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date

import pyoxigraph as ox

from interlink_kg.errors import BadRequestError, ConflictError
from interlink_kg.model import iris
from interlink_kg.rdf.untrusted import unstorable_character

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_IRI_CHARS = 2000


def text(value: object, what: str, limit: int, *, required: bool) -> str | None:
    """A trimmed string of at most ``limit`` characters (None when absent and optional)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not visible(value)):
        raise BadRequestError(
            f"{what} must be a string with something to read in it", details={"field": what}
        )
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise BadRequestError(f"{what} has more than {limit} characters", details={"field": what})
    problem = unstorable_character(cleaned)
    if problem:
        raise BadRequestError(f"{what} holds {problem}; remove it", details={"field": what})
    return cleaned if visible(cleaned) else None


def visible(text: str) -> bool:
    """True when ``text`` has a character one can see (not only spaces, controls or
    zero-width format characters)."""
    return any(unicodedata.category(c)[0] not in {"Z", "C"} for c in text)


def iri(value: object, what: str) -> str:
    """An absolute http(s) IRI that RDF and XML can carry (checked by the engine's parser)."""
    if not isinstance(value, str) or len(value) > MAX_IRI_CHARS:
        raise BadRequestError(
            f"{what} must be an http(s) IRI of at most {MAX_IRI_CHARS} characters",
            details={"field": what},
        )
    problem = unstorable_character(value)
    try:
        ox.NamedNode(value)
        valid = problem is None and not any(c.isspace() for c in value)
    except ValueError:
        valid = False
    if not valid or not re.match(r"https?://[^/?#]", value):
        raise BadRequestError(
            f"{what} must be an absolute http(s) IRI (no spaces or control characters)",
            details={"field": what},
        )
    return value


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
    if isinstance(value, str) and _DAY.fullmatch(value):
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


def slug(text: str, fallback: str) -> str:
    """ASCII letters, digits and ``-`` from ``text`` (at most 40 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    return made or fallback


MAX_CHOSEN_ID_CHARS = 100


def new_identifier(
    body: dict[str, object], name: str, fallback: str, taken: Callable[[str], bool]
) -> str:
    """The id of a new team or process: the one the body chooses (``id``; 409 when taken), or
    the name's slug with a random suffix, so that an id never tells whether another, perhaps
    private, one with the same name exists."""
    if "id" in body:
        wanted = identifier(body["id"], "id")
        if len(wanted) > MAX_CHOSEN_ID_CHARS:
            raise BadRequestError(
                f"id has more than {MAX_CHOSEN_ID_CHARS} characters", details={"field": "id"}
            )
        if taken(wanted):
            raise ConflictError(
                f"the id {wanted!r} is taken: choose another, or leave id out to get a new one",
                details={"id": wanted},
            )
        return wanted
    base = slug(name, fallback)
    while True:
        candidate = f"{base}-{secrets.token_hex(3)}"
        if not taken(candidate):
            return candidate
