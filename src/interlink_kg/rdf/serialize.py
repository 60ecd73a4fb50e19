"""Serialise graphs deterministically, with our prefixes, in every format we offer."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.rdf.formats import JSONLD, NTRIPLES, RDFXML, TURTLE, RdfFormat
from interlink_kg.vocab import PREFIXES


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context we compact with: our prefixes."""
    return dict(PREFIXES)


def serialize(graph: Graph, fmt: RdfFormat, extra_prefixes: dict[str, str] | None = None) -> bytes:
    """``graph`` in ``fmt``; the same graph always gives the same bytes."""
    prefixes_in_use = {**PREFIXES, **(extra_prefixes or {})}
    if fmt in (TURTLE, NTRIPLES, RDFXML):
        triples = sorted(
            (ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph),  # type: ignore[arg-type]
            key=str,
        )
        prefixes = prefixes_in_use if fmt is not NTRIPLES else None
        out = ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
        return out if isinstance(out, bytes) else b""
    if fmt is JSONLD:
        text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
        return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False).encode(
            "utf-8"
        )
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def serialize_named(graph: Graph, name: str) -> bytes:
    """``graph`` as the named graph ``name``, in TriG (sorted: the same graph, the same bytes)."""
    graph_name = ox.NamedNode(name)
    quads = sorted(
        (ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph_name) for s, p, o in graph),  # type: ignore[arg-type]
        key=str,
    )
    out = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return out if isinstance(out, bytes) else b""
