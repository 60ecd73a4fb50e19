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

from interlink_kg.model import iris
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store
from interlink_kg.store.generation import new_generation

STALE_MARKER = f"{INTERNAL_PREFIX}state/derived-stale"
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


def refresh_statistics(store: Store, base_iri: str) -> int:
    """Recompute the statistics graph from the other graphs and clear the stale marker, in one
    write; returns the statistics' size in triples."""
    name = statistics_graph(base_iri)
    others = [g for g in store.data_graphs() if g != name]
    graph = store.construct(query("statistics"), graphs=others) if others else None
    # The statistics are published data too (the SPARQL endpoint serves them): a new generation.
    stamp = new_generation(base_iri)
    if graph is None or len(graph) == 0:
        store.replace_graphs(stamp, drop=[name, STALE_MARKER])
        return 0
    store.replace_graphs(
        {name: GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, base_iri), **stamp},
        drop=[STALE_MARKER],
    )
    return len(graph)


def refresh_if_stale(store: Store, base_iri: str) -> bool:
    """Make a refresh that a crash prevented; True when one was needed."""
    if not derived_are_stale(store):
        return False
    refresh_statistics(store, base_iri)
    return True
