"""The catalogue's generation: a stamp that changes with every change of the published data.

Every write that changes the catalogue puts a new stamp in an internal graph of the same store,
in the same transaction (:func:`new_generation`). Whatever is derived from the data and kept
elsewhere (the search index, cached recommendations, the public SPARQL snapshot, in this process
or another one) remembers the stamp it was built for and compares it with :func:`generation`
before use: a write by anyone, a restart or a second worker process cannot leave it stale.
A stamp is random, not a counter, so two writers never need to agree on the next number.
"""

from __future__ import annotations

import secrets
import time

from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store

GENERATION_GRAPH = f"{INTERNAL_PREFIX}state/generation"
_PREDICATE = f"{INTERNAL_PREFIX}generation"
_READ = f"SELECT ?stamp WHERE {{ ?s <{_PREDICATE}> ?stamp }}"


def new_generation(base_iri: str) -> dict[str, GraphPayload]:
    """A fresh stamp, as a graph to put in the same ``replace_graphs`` as the change."""
    stamp = f"{time.time_ns():x}-{secrets.token_hex(6)}"
    triple = f'<{GENERATION_GRAPH}> <{_PREDICATE}> "{stamp}" .\n'.encode()
    return {GENERATION_GRAPH: GraphPayload(triple, NTRIPLES, base_iri, "generation stamp")}


def newer(stamp: str, than: str) -> bool:
    """True when ``stamp`` was made after ``than`` (stamps start with the time they were made;
    the empty stamp of never-stamped data is the oldest)."""

    def made(value: str) -> tuple[int, str]:
        head = value.split("-", 1)[0]
        return (int(head, 16) if head else -1, value)

    return made(stamp) > made(than)


def generation(store: Store) -> str:
    """The stamp of the store's current data; empty for data never written through a change."""
    rows = store.select(_READ, graphs=[GENERATION_GRAPH])
    return str(rows[0]["stamp"]) if rows else ""
