"""Shape sets: parsed once, named and versioned; and the part of one that a run needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from interlink_kg.rdf import bundle
from interlink_kg.vocab import OWL

SHAPES_NAMESPACE = URIRef("https://w3id.org/interlink-kg/shapes#")


@dataclass(frozen=True)
class ShapeSet:
    """A named, versioned set of SHACL shapes, parsed once."""

    name: str
    version: str
    graph: Graph


@cache
def interlink_shapes() -> ShapeSet:
    """Our own shapes (``shapes/*.ttl``)."""
    graph = bundle.load_graph(bundle.shape_files(), "https://w3id.org/interlink-kg/shapes")
    version = graph.value(SHAPES_NAMESPACE, OWL.versionInfo)
    return ShapeSet("interlink", str(version or "unversioned"), graph)


def shape_closure(shapes: Graph, roots: list[Node]) -> Graph:
    """The triples of ``roots`` and of every blank node or shape they lead to."""
    out = Graph()
    todo = list(roots)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in shapes.triples((node, None, None)):
            out.add(triple)
            obj = triple[2]
            if isinstance(obj, BNode) or (
                isinstance(obj, URIRef) and str(obj).startswith(str(SHAPES_NAMESPACE))
            ):
                todo.append(obj)
    return out
