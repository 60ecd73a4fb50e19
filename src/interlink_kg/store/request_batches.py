"""Quads cut into batches of one request each, for a SPARQL server's bulk insert. Pure.

A server scopes a blank node to one request (an ``INSERT DATA`` update, or one document posted
to Oxigraph's graph store, which names blank nodes afresh for each): a blank node met again
after its batch was sent would become a second node. That is refused, never split.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from interlink_kg.errors import BadRequestError


def request_batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """``quads`` in lists of ``size`` (the last one shorter); BadRequestError for a blank node
    that appears again after the batch holding it was given out."""
    batch: list[ox.Quad] = []
    sent: set[str] = set()  # blank nodes of the batches already given out
    current: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode):
                if term.value in sent:
                    raise BadRequestError(
                        f"the blank node _:{term.value} appears again after "
                        f"{size} triples: a SPARQL server cannot join blank nodes "
                        "across requests; give it an IRI, or keep its triples together"
                    )
                current.add(term.value)
        batch.append(quad)
        if len(batch) >= size:
            yield batch
            batch = []
            sent |= current
            current = set()
    if batch:
        yield batch
