"""Parse RDF sent by people we do not trust: bounded, fetch-free, and with clear refusals.

Measured on pyoxigraph 0.5: its RDF/XML parser expands internal DTD entities (an entity bomb
grows exponentially) and its JSON-LD parser overflows the native stack on deeply nested input
(the whole process dies). So before parsing we refuse any DTD in XML and measure JSON nesting;
remote JSON-LD contexts are never fetched (the parser has no document loader). Limits on size,
triples and literal length keep one request from taking the machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph

from interlink_kg.errors import ParseError, PayloadTooLargeError, UnsupportedFormatError
from interlink_kg.rdf.formats import JSONLD, NTRIPLES, RDFXML, TURTLE, RdfFormat
from interlink_kg.rdf.parse import to_rdflib

TRIPLE_FORMATS: tuple[RdfFormat, ...] = (TURTLE, JSONLD, RDFXML, NTRIPLES)


@dataclass(frozen=True)
class InputLimits:
    max_bytes: int = 1_048_576
    max_triples: int = 10_000
    max_literal_chars: int = 50_000
    max_iri_chars: int = 4096
    max_language_tag_chars: int = 35  # the longest tags registries hand out stay well below
    max_json_depth: int = 64


def check_json_depth(data: bytes, limit: int) -> None:
    """Refuse JSON nested deeper than ``limit`` (an iterative scan: no recursion)."""
    depth = 0
    in_string = False
    escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
            continue
        if byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            if depth > limit:
                raise ParseError(
                    f"JSON nested deeper than {limit} levels is not accepted",
                    details={"limit": limit},
                )
        elif byte in (0x7D, 0x5D):
            depth -= 1


def check_no_dtd(data: bytes) -> None:
    """Refuse XML with a document type declaration (entities, external references)."""
    head = data.lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise ParseError(
            "RDF/XML with a DOCTYPE or ENTITY declaration is not accepted "
            "(entities could expand without bound or read local files)"
        )


def parse_untrusted(
    data: bytes,
    fmt: RdfFormat,
    base_iri: str,
    limits: InputLimits | None = None,
    source: str = "the request body",
) -> Graph:
    """Parse triples from an untrusted source into an rdflib graph, or refuse with a reason."""
    limits = limits or InputLimits()
    if fmt not in TRIPLE_FORMATS:
        offered = ", ".join(f.media_type for f in TRIPLE_FORMATS)
        raise UnsupportedFormatError(
            f"{fmt.media_type} is not accepted here; send one of: {offered}",
            details={"offered": [f.media_type for f in TRIPLE_FORMATS]},
        )
    if len(data) > limits.max_bytes:
        raise PayloadTooLargeError(
            f"{source} has {len(data)} bytes; the limit is {limits.max_bytes}",
            details={"limit": limits.max_bytes},
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{source} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    if fmt is RDFXML:
        check_no_dtd(data)
    if fmt is JSONLD:
        check_json_depth(data, limits.max_json_depth)
    graph = Graph()
    try:
        for count, quad in enumerate(ox.parse(data, format=fmt.oxigraph, base_iri=base_iri), 1):
            if count > limits.max_triples:
                raise PayloadTooLargeError(
                    f"{source} holds more than {limits.max_triples} triples",
                    details={"limit": limits.max_triples},
                )
            value = quad.object
            if isinstance(value, ox.Literal) and len(value.value) > limits.max_literal_chars:
                raise PayloadTooLargeError(
                    f"a literal of {len(value.value)} characters is longer than the limit of "
                    f"{limits.max_literal_chars}",
                    details={"limit": limits.max_literal_chars},
                )
            _check_iris(quad, limits.max_iri_chars)
            if isinstance(value, ox.Literal):
                _check_literal(value, limits.max_language_tag_chars)
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(value)))
    except SyntaxError as exc:
        message = str(exc)
        if "LoadDocumentCallback" in message or "remote context" in message.lower():
            raise ParseError(
                "remote JSON-LD contexts are never fetched: put the context inline "
                "(or use the terms' full IRIs)"
            ) from exc
        raise ParseError(f"{source} is not valid {fmt.name}: {message}") from exc
    if len(graph) == 0:
        raise ParseError(
            f"{source} is well-formed {fmt.name} but holds no triples",
            details={"format": fmt.name},
        )
    return graph


# Characters XML 1.0 cannot carry: one of them in a published literal would make every RDF/XML
# and SPARQL XML answer that includes it ill-formed (a harvester then rejects the whole page).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_character(text: str) -> str | None:
    """Why ``text`` cannot become a literal that every RDF syntax carries (a lone surrogate,
    which no UTF-8 encoder writes, or a character XML 1.0 forbids); None when it can."""
    if (found := _SURROGATE.search(text)) is not None:
        return f"a lone surrogate U+{ord(found.group()):04X}, which is not a character"
    if (found := _NOT_XML.search(text)) is not None:
        return (
            f"the control character U+{ord(found.group()):04X}, which RDF/XML and the XML "
            "results formats cannot carry"
        )
    return None


def _check_literal(value: ox.Literal, tag_limit: int) -> None:
    bad = _NOT_XML.search(value.value)
    if bad:
        raise ParseError(
            f"a literal holds the control character U+{ord(bad.group()):04X}, which RDF/XML and "
            "the XML results formats cannot carry; remove it",
            details={"literal_start": value.value[:100]},
        )
    if value.language is not None and len(value.language) > tag_limit:
        raise ParseError(
            f"a language tag of {len(value.language)} characters is longer than the limit of "
            f"{tag_limit}",
            details={"limit": tag_limit},
        )


def _check_iris(quad: ox.Quad, limit: int) -> None:
    """Refuse IRIs longer than ``limit`` characters (subject, predicate, object, datatype)."""
    value = quad.object
    iris = [quad.subject, quad.predicate, value]
    if isinstance(value, ox.Literal):
        iris[2] = value.datatype
    for term in iris:
        if isinstance(term, ox.NamedNode) and len(term.value) > limit:
            raise PayloadTooLargeError(
                f"an IRI of {len(term.value)} characters is longer than the limit of {limit}",
                details={"limit": limit, "iri_start": term.value[:100]},
            )
