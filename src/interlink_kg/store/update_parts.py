"""How the triples of one SPARQL Update are cut into operations a server compiles: ``INSERT
DATA`` of a bounded size, and templates (``INSERT {...} WHERE {...}``) that hold each blank
node's triples together. Pure.

SPARQL 1.1 puts no bound on an operation. Virtuoso 7 does: one ``INSERT DATA`` of 20,000 triples
fails ("SP030: SPARQL compiler ... memory exhausted", 3,000 pass), and a template of 2,400
(each triple a line of generated SQL past its 10,000) fails where 1,200 pass. It also refuses
blank nodes in ``INSERT DATA`` and a template of more than one graph. The limits below are well
inside what it takes, and cost any other server nothing but a few more operations in one request
(still one transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

DATA_TRIPLES = 1000  # triples per INSERT DATA operation
TEMPLATE_TRIPLES = 500  # triples per template, unless one blank node's own triples are more

Placed = tuple[ox.NamedNode, ox.Triple]  # a triple and the graph it goes in


def has_blank_node(triple: ox.Triple) -> bool:
    return triple.subject.__class__ is ox.BlankNode or triple.object.__class__ is ox.BlankNode


def data_operations(target: ox.NamedNode, triples: Sequence[str]) -> list[str]:
    """``INSERT DATA`` operations of at most :data:`DATA_TRIPLES` triples each (N-Triples
    text, no blank node), into ``target``."""
    operations = []
    for at in range(0, len(triples), DATA_TRIPLES):
        body = " .\n".join(triples[at : at + DATA_TRIPLES])
        operations.append(f"INSERT DATA {{ GRAPH {target} {{\n{body} .\n}} }}")
    return operations


def template_operations(placed: Iterable[Placed], where: str = "") -> list[str]:
    """``INSERT {...} WHERE { where }`` operations that insert ``placed`` (its templates:
    :func:`template_bodies`)."""
    clause = f"{{ {where} }}" if where else "{ }"
    return [f"INSERT {{ {body} }} WHERE {clause}" for body in template_bodies(placed)]


def template_bodies(placed: Iterable[Placed]) -> list[str]:
    """The bodies of the templates that insert ``placed`` (``GRAPH <g> { ... }`` blocks): the
    triples that share a blank node, directly or through others, always in one template, so
    each label stays one node; those of one graph packed up to :data:`TEMPLATE_TRIPLES` a
    template, graph by graph. A blank node in two graphs puts both graphs in one template
    (SPARQL allows it; Virtuoso 7 does not)."""
    pending: dict[ox.NamedNode, list[Placed]] = {}
    bodies = []
    for group in _sharing_blank_nodes(placed):
        graphs = {graph for graph, _ in group}
        if len(graphs) > 1:
            bodies.append(_body(group))
            continue
        (graph,) = graphs
        held = pending.setdefault(graph, [])
        if held and len(held) + len(group) > TEMPLATE_TRIPLES:
            bodies.append(_body(held))
            held.clear()
        held += group
    bodies += [_body(held) for held in pending.values() if held]
    return bodies


def _body(placed: Sequence[Placed]) -> str:
    by_graph: dict[ox.NamedNode, list[str]] = {}
    for graph, triple in placed:
        by_graph.setdefault(graph, []).append(str(triple))
    blocks = []
    for graph, lines in by_graph.items():
        text = " .\n".join(lines)
        blocks.append(f"GRAPH {graph} {{\n{text} .\n}}")
    return " ".join(blocks)


def _sharing_blank_nodes(placed: Iterable[Placed]) -> list[list[Placed]]:
    """``placed`` in groups, each the triples joined by their blank nodes, a triple with none
    alone (in the order their first triple came)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    items = list(placed)
    for _, triple in items:
        labels = [
            node.value for node in (triple.subject, triple.object) if node.__class__ is ox.BlankNode
        ]
        for label in labels:
            parent.setdefault(label, label)
        if len(labels) == 2:
            parent[root(labels[0])] = root(labels[1])
    groups: dict[str | int, list[Placed]] = {}
    for number, (graph, triple) in enumerate(items):
        if triple.subject.__class__ is ox.BlankNode:
            key: str | int = root(triple.subject.value)
        elif triple.object.__class__ is ox.BlankNode:
            key = root(triple.object.value)
        else:
            key = number  # a triple with no blank node is a group of its own
        groups.setdefault(key, []).append((graph, triple))
    return list(groups.values())
