"""Quads cut into one batch per request: sizes kept, a blank node never split across two."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from interlink_kg.errors import BadRequestError
from interlink_kg.store.request_batches import request_batches

G = ox.NamedNode("urn:g")
P = ox.NamedNode("urn:p")


def _quad(subject: ox.NamedNode | ox.BlankNode, value: str) -> ox.Quad:
    return ox.Quad(subject, P, ox.Literal(value), G)


def test_quads_come_in_batches_of_the_size_the_last_one_shorter() -> None:
    quads = [_quad(ox.NamedNode(f"urn:s{i}"), str(i)) for i in range(7)]
    assert [len(b) for b in request_batches(quads, 3)] == [3, 3, 1]
    assert [q for b in request_batches(quads, 3) for q in b] == quads
    assert list(request_batches([], 3)) == []


def test_a_blank_node_within_one_batch_is_fine_after_it_is_refused() -> None:
    shared = ox.BlankNode("shared")
    together = [_quad(shared, "a"), _quad(shared, "b"), _quad(ox.NamedNode("urn:x"), "c")]
    assert [len(b) for b in request_batches(together, 2)] == [2, 1]
    apart = [_quad(shared, "a"), _quad(ox.NamedNode("urn:x"), "b"), _quad(shared, "c")]
    given = []
    with pytest.raises(BadRequestError, match="_:shared appears again after 2 triples"):
        given.extend(request_batches(apart, 2))
    assert [len(b) for b in given] == [2]  # the first batch went out; nothing split after it
