"""The process that validates untrusted RDF for ``POST /validate``: parse, apply shapes, reply.

pySHACL on a large body costs seconds to minutes of CPU; run here it is killed at the time
limit, capped in memory, lower in priority than the server and sealed off the network. Shapes
are parsed once per worker (:class:`Warm` does it ahead of the first request).

* :class:`Warm` -> :class:`Warmed`
* :class:`Validate` -> :class:`Validated`
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import NamedTuple

from interlink_kg.errors import PayloadTooLargeError
from interlink_kg.model.report import ValidationReport
from interlink_kg.processes.child import ChildLimits, serve_messages
from interlink_kg.publishing import profiles
from interlink_kg.rdf.formats import by_media_type
from interlink_kg.rdf.untrusted import InputLimits, parse_untrusted
from interlink_kg.validation.engine import validator
from interlink_kg.validation.profiles import profile_shapes, validate_with


@dataclass(frozen=True)
class ValidationConfig:
    base_iri: str
    contact_email: str | None
    input_limits: InputLimits
    memory_bytes: int | None


class Warm(NamedTuple):
    """Parse every shape set now (start-up), so the first request does not wait for it."""


class Warmed(NamedTuple):
    pass


class Validate(NamedTuple):
    shapes: str  # the shape set's name
    body: bytes
    media_type: str


class Validated(NamedTuple):
    report: ValidationReport


def _warm(config: ValidationConfig) -> None:
    validator(config.base_iri)
    for name in profiles.PROFILES:
        profile_shapes(name)


def main(conn: Connection) -> None:
    config: ValidationConfig = conn.recv()

    def handle(message: Warm | Validate) -> Warmed | Validated:
        if isinstance(message, Warm):
            _warm(config)
            return Warmed()
        fmt = by_media_type(message.media_type)
        graph = parse_untrusted(message.body, fmt, config.base_iri, config.input_limits)
        report = validate_with(
            message.shapes, config.base_iri, graph, contact_email=config.contact_email
        )
        return Validated(report)

    limits = ChildLimits(config.memory_bytes, sealed=True, name="validation")
    too_big = PayloadTooLargeError("validating this body needs too much memory; send less data")
    serve_messages(conn, limits, handle, too_big)


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: the messages the server sends
    # are instances of the imported module's classes.
    import importlib

    importlib.import_module("interlink_kg.validation.worker").main(Connection(int(sys.argv[1])))
