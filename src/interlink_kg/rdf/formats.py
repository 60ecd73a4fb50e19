"""The RDF formats we read and write: names, file extensions and media types in one table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import pyoxigraph as ox

from interlink_kg.errors import UnsupportedFormatError


@dataclass(frozen=True)
class RdfFormat:
    name: str  # our short name, used on the command line
    media_type: str
    extensions: tuple[str, ...]
    rdflib_name: str
    oxigraph: ox.RdfFormat
    quads: bool = False


TURTLE = RdfFormat("ttl", "text/turtle", (".ttl",), "turtle", ox.RdfFormat.TURTLE)
NTRIPLES = RdfFormat("nt", "application/n-triples", (".nt",), "nt", ox.RdfFormat.N_TRIPLES)
JSONLD = RdfFormat(
    "jsonld", "application/ld+json", (".jsonld", ".json"), "json-ld", ox.RdfFormat.JSON_LD
)
RDFXML = RdfFormat(
    "xml", "application/rdf+xml", (".rdf", ".xml", ".owl"), "xml", ox.RdfFormat.RDF_XML
)
NQUADS = RdfFormat("nq", "application/n-quads", (".nq",), "nquads", ox.RdfFormat.N_QUADS, True)
TRIG = RdfFormat("trig", "application/trig", (".trig",), "trig", ox.RdfFormat.TRIG, True)

FORMATS: tuple[RdfFormat, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)
_ALIASES = {
    "turtle": TURTLE,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "json-ld": JSONLD,
    "rdfxml": RDFXML,
    "rdf/xml": RDFXML,
    "nquads": NQUADS,
}


def by_name(name: str) -> RdfFormat:
    """A format by its short name (``ttl``, ``nt``, ``jsonld``, ``xml``, ``nq``, ``trig``)."""
    key = name.strip().lower()
    for fmt in FORMATS:
        if fmt.name == key:
            return fmt
    if key in _ALIASES:
        return _ALIASES[key]
    known = ", ".join(f.name for f in FORMATS)
    raise UnsupportedFormatError(f"unknown RDF format {name!r}; use one of: {known}")


def by_media_type(media_type: str) -> RdfFormat:
    """A format by its media type; parameters such as ``charset`` are ignored."""
    key = media_type.split(";", 1)[0].strip().lower()
    for fmt in FORMATS:
        if fmt.media_type == key:
            return fmt
    if key in {"application/x-turtle", "application/turtle"}:
        return TURTLE
    if key in {"text/plain"}:
        return NTRIPLES
    if key in {"application/xml", "text/xml"}:
        return RDFXML
    offered = ", ".join(f.media_type for f in FORMATS)
    raise UnsupportedFormatError(
        f"unsupported media type {media_type!r}; send one of: {offered}",
        details={"offered": [f.media_type for f in FORMATS]},
    )


def by_path(path: PurePath) -> RdfFormat:
    """A format by file extension."""
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(ext for f in FORMATS for ext in f.extensions)
    raise UnsupportedFormatError(
        f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
        f"use one of: {known}"
    )


def served_suffix(identifier: str) -> str | None:
    """The file extension ``identifier`` ends in, if it is one the service answers to (then
    ``ID.ttl`` would be read as the Turtle form of ``ID``)."""
    lowered = identifier.lower()
    for fmt in FORMATS:
        for extension in fmt.extensions:
            if lowered.endswith(extension) and len(lowered) > len(extension):
                return extension
    return None
