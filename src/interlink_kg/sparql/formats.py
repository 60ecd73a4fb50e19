"""The result formats of the endpoint, by query form: one table, read by negotiation and writers."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from interlink_kg.rdf.formats import JSONLD, NTRIPLES, RDFXML, TURTLE


@dataclass(frozen=True)
class ResultFormat:
    media_type: str
    aliases: tuple[str, ...]  # other media types and ``format=``/``output=`` names that mean it
    w3c: str  # the IRI in http://www.w3.org/ns/formats/ (service description)
    results: ox.QueryResultsFormat | None = None  # for SELECT and ASK
    graph: ox.RdfFormat | None = None  # for CONSTRUCT and DESCRIBE


SPARQL_JSON = ResultFormat(
    "application/sparql-results+json",
    ("application/json", "json", "text/javascript", "application/javascript"),
    "SPARQL_Results_JSON",
    results=ox.QueryResultsFormat.JSON,
)
SPARQL_XML = ResultFormat(
    "application/sparql-results+xml",
    ("application/xml", "text/xml", "xml"),
    "SPARQL_Results_XML",
    results=ox.QueryResultsFormat.XML,
)
SPARQL_CSV = ResultFormat("text/csv", ("csv",), "SPARQL_Results_CSV", ox.QueryResultsFormat.CSV)
SPARQL_TSV = ResultFormat(
    "text/tab-separated-values", ("tsv",), "SPARQL_Results_TSV", ox.QueryResultsFormat.TSV
)
GRAPH_TURTLE = ResultFormat(
    TURTLE.media_type,
    ("application/x-turtle", "application/turtle", "turtle", "ttl", "n3", "text/n3"),
    "Turtle",
    graph=TURTLE.oxigraph,
)
GRAPH_NTRIPLES = ResultFormat(
    NTRIPLES.media_type, ("text/plain", "nt", "ntriples"), "N-Triples", graph=NTRIPLES.oxigraph
)
GRAPH_JSONLD = ResultFormat(
    JSONLD.media_type,
    ("application/json", "json-ld", "jsonld", "json"),
    "JSON-LD",
    graph=JSONLD.oxigraph,
)
GRAPH_RDFXML = ResultFormat(
    RDFXML.media_type,
    ("application/xml", "text/xml", "rdf+xml", "xml"),
    "RDF_XML",
    graph=RDFXML.oxigraph,
)

# The first of each list is the default when the client states no preference.
BY_KIND: dict[str, tuple[ResultFormat, ...]] = {
    "select": (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV),
    "ask": (SPARQL_JSON, SPARQL_XML),
    "graph": (GRAPH_TURTLE, GRAPH_NTRIPLES, GRAPH_JSONLD, GRAPH_RDFXML),
}
ALL_FORMATS: tuple[ResultFormat, ...] = (*BY_KIND["select"], *BY_KIND["graph"])


def kind_of(form: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE) for a query form."""
    return "graph" if form in {"construct", "describe"} else form


def by_media_type(media_type: str) -> ResultFormat:
    return next(f for f in ALL_FORMATS if f.media_type == media_type)


def by_name(kind: str, name: str) -> ResultFormat | None:
    """A format of ``kind`` named by a ``format=``/``output=`` value or a media type."""
    key = name.strip().lower()
    for fmt in BY_KIND[kind]:
        if key == fmt.media_type or key in fmt.aliases:
            return fmt
    return None
