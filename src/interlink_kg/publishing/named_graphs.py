"""The published named graphs, one by one (what ``/graphs/{name}`` serves)."""

from __future__ import annotations

from rdflib import Graph

from interlink_kg.errors import NotFoundError
from interlink_kg.store.base import Store


def published_graph(store: Store, iri: str) -> Graph:
    """The triples of one published graph; 404 for a name the catalogue does not publish (the
    store's internal graphs included)."""
    if iri not in store.data_graphs():
        raise NotFoundError(f"no published graph is named {iri}", details={"graph": iri})
    return store.graph(iri)
