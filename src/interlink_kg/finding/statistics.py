"""Statistics the ranking needs, precomputed after every change of the catalogue.

Counting, at query time, how many INTERLINKERs address each profile and how many profiles each
INTERLINKER addresses made one recommendation cost O(catalogue): ~0.6 s at 10k INTERLINKERs.
Stored as triples in their own graph, the ranking reads them for its candidates only.

Derived graphs must never silently fall behind the data (issue 9: a crash between an approval
and its refresh left items out of the recommendations for good). So every write that changes
the data also writes a *stale marker* graph, in the same transaction; the refresh writes the
new statistics and drops the marker in one transaction too. A marker found at start-up means a
refresh was missed: :func:`refresh_if_stale` makes it.
"""

from __future__ import annotations

import pyoxigraph as ox

from interlink_kg.model import iris
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store
from interlink_kg.store.generation import new_generation

STALE_MARKER = f"{INTERNAL_PREFIX}state/derived-stale"
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_INTERLINKER_COUNT = ox.NamedNode("https://w3id.org/interlink-kg/ontology#interlinkerCount")
_PROBLEM_COUNT = ox.NamedNode("https://w3id.org/interlink-kg/ontology#problemCount")
_MARKER_TRIPLE = f'<{STALE_MARKER}> <{INTERNAL_PREFIX}derivedStale> "true" .\n'.encode()


def statistics_graph(base_iri: str) -> str:
    return base_iri + iris.STATISTICS_GRAPH


def stale_marker(base_iri: str) -> dict[str, GraphPayload]:
    """The marker graph, to put in the same ``replace_graphs`` as any change of the data."""
    return {STALE_MARKER: GraphPayload(_MARKER_TRIPLE, NTRIPLES, base_iri, "stale marker")}


def change_markers(base_iri: str) -> dict[str, GraphPayload]:
    """What every write that changes the published data also writes, in its transaction: the
    stale marker of the derived graphs and a new generation stamp."""
    return {**stale_marker(base_iri), **new_generation(base_iri)}


def derived_are_stale(store: Store) -> bool:
    return store.ask("ASK { ?s ?p ?o }", graphs=[STALE_MARKER])


def _statistics_triples(store: Store, graphs: list[str]) -> list[ox.Triple]:
    """The statistics as triples, counted by the engine and written without rdflib (at 100k
    INTERLINKERs a CONSTRUCT read into rdflib and serialised again took 7.7 s)."""
    triples = []
    for problem, item, count in store.select_values(query("statistics-counts"), graphs=graphs):
        if count is None:
            continue
        number = ox.Literal(count, datatype=_INTEGER)
        if problem is not None:
            triples.append(ox.Triple(ox.NamedNode(problem), _INTERLINKER_COUNT, number))
        elif item is not None:
            triples.append(ox.Triple(ox.NamedNode(item), _PROBLEM_COUNT, number))
    return triples


def refresh_statistics(store: Store, base_iri: str) -> int:
    """Recompute the statistics graph from the other graphs and clear the stale marker, in one
    write; returns the statistics' size in triples."""
    name = statistics_graph(base_iri)
    others = [g for g in store.data_graphs() if g != name]
    triples = _statistics_triples(store, others) if others else []
    # The statistics are published data too (the SPARQL endpoint serves them): a new generation.
    stamp = new_generation(base_iri)
    if not triples:
        store.replace_graphs(stamp, drop=[name, STALE_MARKER])
        return 0
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    store.replace_graphs(
        {name: GraphPayload(data, NTRIPLES, base_iri, "statistics"), **stamp},
        drop=[STALE_MARKER],
    )
    return len(triples)


def refresh_if_stale(store: Store, base_iri: str) -> bool:
    """Make a refresh that a crash prevented; True when one was needed."""
    if not derived_are_stale(store):
        return False
    refresh_statistics(store, base_iri)
    return True
