"""Which named graphs a SPARQL server holds that are the store's: the query that lists them, the
one that works where it does not, and the graphs a server keeps for itself. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef

from interlink_kg.store.base import Row

# Every named graph, read from the server's graph index (no walk over the data on Oxigraph).
GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
# The same, for a server that answers the query above with one solution and ?g unbound (Virtuoso
# 7 matches an empty group once, not in each named graph). GROUP BY, not DISTINCT: Virtuoso 7
# takes seconds for DISTINCT ?g over a few thousand quads, milliseconds for this.
GRAPH_NAMES_OF_TRIPLES = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Graphs a server keeps for itself in its one dataset, never the catalogue's, never to be
# dropped: Virtuoso 7's, present from its first start (its RDF views' definitions, about 2,500
# triples; the LDP vocabulary; URIQA's settings).
SERVER_GRAPHS = frozenset(
    {
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://localuriqaserver/sparql",
    }
)


def skipped_empty_group(rows: Sequence[Row]) -> bool:
    """Whether :data:`GRAPH_NAMES` was answered as by a server that does not match an empty
    group in each named graph (a solution with ``?g`` unbound): list them from their triples
    instead."""
    return any("g" not in row for row in rows)


def store_graphs(rows: Sequence[Row]) -> list[Row]:
    """The rows that name one of the store's graphs: IRIs, the server's own left out."""
    return [
        row
        for row in rows
        if isinstance(row.get("g"), URIRef) and str(row["g"]) not in SERVER_GRAPHS
    ]
