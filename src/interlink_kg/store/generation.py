"""The catalogue's generation: a stamp that changes with every change of the published data.

Every write that changes the catalogue puts a new stamp in an internal graph of the same store,
in the same transaction (:func:`new_generation`). Whatever is derived from the data and kept
elsewhere (the search index, cached recommendations, the public SPARQL snapshot, in this process
or another one) remembers the stamp it was built for and compares it with :func:`generation`
before use: a write by anyone, a restart or a second worker process cannot leave it stale. (On a
SPARQL server the stamp read is reused for up to ``remote.RECENT_SECONDS``, unless this process
wrote since: :meth:`~interlink_kg.store.base.Store.select_recent`.)
A stamp is random, not a counter, so two writers never need to agree on the next number.
"""

from __future__ import annotations

import secrets
import time

from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store

GENERATION_GRAPH = f"{INTERNAL_PREFIX}state/generation"
# What teams do (public processes, the registry of use, ratings) has a stamp of its own: it
# changes rankings and the public SPARQL data, but not the INTERLINKERs' texts or identifiers,
# so the search index, the text relevance index and the page keys are not rebuilt for it (at
# 100k INTERLINKERs each rebuild takes seconds, and teams select all day).
USAGE_GRAPH = f"{INTERNAL_PREFIX}state/usage-generation"
_PREDICATE = f"{INTERNAL_PREFIX}generation"
# Both stamps in one read, each under its graph's name: the content's and the latest are asked
# before nearly every use of an index, and on a SPARQL server they then share one round trip.
_READ = f"SELECT ?s ?stamp WHERE {{ ?s <{_PREDICATE}> ?stamp }}"
_STAMPED = [GENERATION_GRAPH, USAGE_GRAPH]


def new_stamp() -> str:
    """A fresh stamp: the time it was made, then random bits."""
    return f"{time.time_ns():x}-{secrets.token_hex(6)}"


def _stamp_graph(name: str, base_iri: str, stamp: str | None = None) -> dict[str, GraphPayload]:
    stamp = stamp or new_stamp()
    triple = f'<{name}> <{_PREDICATE}> "{stamp}" .\n'.encode()
    return {name: GraphPayload(triple, NTRIPLES, base_iri, "generation stamp")}


def new_generation(base_iri: str, stamp: str | None = None) -> dict[str, GraphPayload]:
    """A fresh stamp of the catalogue's content (or ``stamp``), as a graph to put in the same
    ``replace_graphs`` as the change."""
    return _stamp_graph(GENERATION_GRAPH, base_iri, stamp)


def new_usage_generation(base_iri: str) -> dict[str, GraphPayload]:
    """A fresh stamp of what teams did (see :data:`USAGE_GRAPH`), for the same
    ``replace_graphs`` as the change."""
    return _stamp_graph(USAGE_GRAPH, base_iri)


def stamp_order(stamp: str) -> tuple[int, str]:
    """A sort key of stamps: by the time they were made (the empty stamp of never-stamped data,
    or one not made here, is the oldest)."""
    head = stamp.split("-", 1)[0]
    try:
        return (int(head, 16) if head else -1, stamp)
    except ValueError:
        return (-1, stamp)


def newer(stamp: str, than: str) -> bool:
    """True when ``stamp`` was made after ``than``."""
    return stamp_order(stamp) > stamp_order(than)


def generation(store: Store) -> str:
    """The stamp of the catalogue's content (INTERLINKERs, profiles, schemas); empty for data
    never written through a change. For what is derived from that content alone."""
    for row in store.select_recent(_READ, _STAMPED):
        if str(row["s"]) == GENERATION_GRAPH:
            return str(row["stamp"])
    return ""


def latest_generation(store: Store) -> str:
    """The newest stamp of the content and of what teams did: it changes with either. For
    what depends on both (rankings, which count uses; the public SPARQL data)."""
    stamps = [str(r["stamp"]) for r in store.select_recent(_READ, _STAMPED)]
    latest = ""
    for stamp in stamps:
        if newer(stamp, latest):
            latest = stamp
    return latest


def both_generations(store: Store) -> str:
    """The stamps of the content and of what teams did, together (empty when neither was
    ever written): it changes whenever either does, even to a stamp made earlier than the
    other (on a host whose clock is behind). For what is kept until its stamp is no longer
    the same (:class:`~interlink_kg.finding.cache.PerGeneration`) and depends on both."""
    stamps = {str(r["s"]): str(r["stamp"]) for r in store.select_recent(_READ, _STAMPED)}
    content, usage = stamps.get(GENERATION_GRAPH, ""), stamps.get(USAGE_GRAPH, "")
    return f"{content} {usage}" if content or usage else ""
