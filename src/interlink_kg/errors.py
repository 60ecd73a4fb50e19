"""The one error family of interlink-kg.

Every error the library raises on purpose is an :class:`InterlinkKGError`. Each subclass
carries a stable machine ``code`` and the HTTP status it maps to; the HTTP adapter turns
any of them into the one JSON error shape, the CLI into a one-line message and exit code.
"""

from __future__ import annotations

from typing import Any, ClassVar


class InterlinkKGError(Exception):
    """Base of every deliberate error; ``details`` is JSON-serialisable context."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 500
    # Seconds after which trying again may succeed (sent as ``Retry-After``); None: no advice.
    retry_after: ClassVar[int | None] = None

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "details": self.details,
        }


class NotFoundError(InterlinkKGError):
    code = "not_found"
    status = 404


class BadRequestError(InterlinkKGError):
    code = "bad_request"
    status = 400


class ParseError(BadRequestError):
    """RDF (or another input) could not be parsed."""

    code = "parse_error"


class UnsupportedFormatError(InterlinkKGError):
    code = "unsupported_format"
    status = 415


class NotAcceptableError(InterlinkKGError):
    code = "not_acceptable"
    status = 406


class ConfigurationError(InterlinkKGError):
    code = "configuration_error"
    status = 500


class StoreError(InterlinkKGError):
    code = "store_error"
    status = 503


class StoreUnavailableError(StoreError):
    """The store cannot be reached or did not answer in time (a remote SPARQL server that is
    down, slow or overloaded); trying again later may succeed."""

    code = "store_unavailable"
    retry_after = 5


class StoreInUseError(StoreError):
    """An on-disk store is open in another process (one process at a time may open it)."""

    code = "store_in_use"
    status = 409


class StoreHeldError(StoreInUseError):
    """A change to an on-disk store that ``interlink-kg serve`` holds: it must be made through
    the server, or with the server stopped (reads go through the server)."""

    code = "store_held_by_server"


class SeedImportError(InterlinkKGError):
    """An upstream INTERLINK seed could not be converted."""

    code = "import_error"
    status = 400


class UnauthorizedError(InterlinkKGError):
    """No valid bearer token."""

    code = "unauthorized"
    status = 401


class ForbiddenError(InterlinkKGError):
    """Authenticated, but the role or ownership does not allow this."""

    code = "forbidden"
    status = 403


class ConflictError(InterlinkKGError):
    code = "conflict"
    status = 409


class PayloadTooLargeError(InterlinkKGError):
    code = "payload_too_large"
    status = 413


class UnprocessableError(InterlinkKGError):
    """Well-formed input that cannot be accepted as it is (e.g. it breaks the shapes)."""

    code = "unprocessable"
    status = 422


class GoneError(InterlinkKGError):
    """The resource was published once and has been deprecated."""

    code = "gone"
    status = 410


def _family(cls: type[InterlinkKGError]) -> list[type[InterlinkKGError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_family(sub))
    return found


def rebuild_error(code: str, message: str, details: dict[str, Any]) -> InterlinkKGError:
    """The error a worker process reported (by its code), raised again in the serving process.

    Codes are looked up among the classes of the family loaded here; an unknown code becomes
    a generic 500 (the worker's own log says more)."""
    for cls in _family(InterlinkKGError):
        if cls.code == code:
            return cls(message, details=details)
    return InterlinkKGError(message, details={**details, "code": code})
