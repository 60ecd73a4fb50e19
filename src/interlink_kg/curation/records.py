"""Catalogue records for INTERLINKERs loaded from files: when each was listed and last changed.

The workflow writes a record (with its PROV history) for every description it publishes; files
loaded with ``interlink-kg load`` get a simpler one here, so that every published INTERLINKER has
``dct:issued`` and ``dct:modified`` (what ``/catalogue?modified_since=`` filters on). A record
keeps the SHA-256 of the canonical form of the content it was made for: reloading unchanged
content keeps its dates, changed content moves ``dct:modified``. Records the workflow owns (they
carry no digest) are never touched here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Literal

from interlink_kg.errors import ParseError
from interlink_kg.model import iris
from interlink_kg.model.records import loaded_record_graph
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.vocab import DCT, ILK

_KIND = ox.NamedNode(str(ILK.kind))
_IDENTIFIER = ox.NamedNode(str(DCT.identifier))


def record_graph_name(base_iri: str, identifier: str) -> str:
    """The named graph holding an INTERLINKER's record (shared with the workflow)."""
    return base_iri + iris.record_graph(identifier)


def described_interlinker(payload: GraphPayload) -> tuple[str, str] | None:
    """The identifier of the INTERLINKER a payload describes and the digest of its content."""
    try:
        quads = list(
            ox.parse(payload.data, format=payload.format.oxigraph, base_iri=payload.base_iri)
        )
    except SyntaxError as exc:
        raise ParseError(f"{payload.source} is not valid {payload.format.name}: {exc}") from exc
    subjects = {q.subject for q in quads if q.predicate == _KIND}
    identifiers = sorted(
        q.object.value
        for q in quads
        if q.subject in subjects and q.predicate == _IDENTIFIER and isinstance(q.object, ox.Literal)
    )
    if len(identifiers) != 1:
        return None
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    canonical = "\n".join(sorted(str(quad) for quad in dataset))
    return identifiers[0], hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _when(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def record_payloads(
    store: Store,
    base_iri: str,
    payloads: Mapping[str, GraphPayload],
    now: datetime | None = None,
) -> tuple[dict[str, GraphPayload], set[str]]:
    """Record graphs to write beside ``payloads`` (new or changed INTERLINKERs only), and the
    names of the record graphs of every INTERLINKER the payloads describe."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    described: dict[str, str] = {}
    for payload in payloads.values():
        found = described_interlinker(payload)
        if found is not None:
            described[found[0]] = found[1]
    names = {record_graph_name(base_iri, identifier) for identifier in described}
    if not described:
        return {}, names
    existing = {
        str(row["id"]): row
        for row in store.select(
            query("record-stamps", {"id": [Literal(i) for i in sorted(described)]})
        )
    }
    out: dict[str, GraphPayload] = {}
    for identifier, digest in sorted(described.items()):
        row = existing.get(identifier)
        if row is not None and "digest" not in row:
            continue  # the workflow owns this record
        if row is not None and str(row["digest"]) == digest:
            continue  # unchanged: the record stays as it is
        issued = _when(row["issued"]) if row is not None else now
        graph = loaded_record_graph(base_iri, identifier, issued, now, digest)
        out[record_graph_name(base_iri, identifier)] = GraphPayload(
            serialize(graph, NTRIPLES), NTRIPLES, base_iri, f"record of {identifier}"
        )
    return out, names
