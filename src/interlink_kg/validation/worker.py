"""The process that validates untrusted RDF for ``POST /validate``: parse, apply shapes, reply.

pySHACL on a large body costs seconds to minutes of CPU; run here it is killed at the time
limit, capped in memory, lower in priority than the server and sealed off the network. Shapes
are parsed once per worker (``("warm",)`` does it ahead of the first request).

* ``("warm",)`` -> ``("ok", None)``
* ``("validate", shapes, body, media_type)`` -> ``("ok", ValidationReport)``
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from interlink_kg.errors import PayloadTooLargeError
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


def _warm(config: ValidationConfig) -> None:
    validator(config.base_iri)
    for name in profiles.PROFILES:
        profile_shapes(name)


def main(conn: Connection) -> None:
    config: ValidationConfig = conn.recv()

    def handle(message: tuple[Any, ...]) -> tuple[Any, ...]:
        if message[0] == "warm":
            _warm(config)
            return ("ok", None)
        _, shapes, body, media_type = message
        graph = parse_untrusted(
            body, by_media_type(media_type), config.base_iri, config.input_limits
        )
        report = validate_with(shapes, config.base_iri, graph, contact_email=config.contact_email)
        return ("ok", report)

    limits = ChildLimits(config.memory_bytes, sealed=True, name="validation")
    too_big = PayloadTooLargeError("validating this body needs too much memory; send less data")
    serve_messages(conn, limits, handle, too_big)


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])))
