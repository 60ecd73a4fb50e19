"""The SPARQL Update text both backends send to replace or drop named graphs.

Every payload is parsed first, by pyoxigraph (a syntax error stops everything before a store is
touched); the triples in the update are written by pyoxigraph's own term serialiser from parsed
terms, and graph names are checked as IRIs: nothing is pasted in unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from interlink_kg.errors import ParseError, StoreError
from interlink_kg.store.base import GraphPayload, Guard


def graph_node(value: str) -> ox.NamedNode:
    """A graph name as an IRI; StoreError when it is not one."""
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {value!r}") from exc


def triples_of(payload: GraphPayload) -> list[str]:
    """The payload's triples, each as N-Triples text; ParseError when it does not parse."""
    try:
        return [
            str(quad.triple)
            for quad in ox.parse(
                payload.data, format=payload.format.oxigraph, base_iri=payload.base_iri
            )
        ]
    except SyntaxError as exc:
        raise ParseError(
            f"{payload.source} is not valid {payload.format.name}: {exc}",
            details={"source": payload.source},
        ) from exc


def replacing(
    graphs: Mapping[str, GraphPayload], drop: Iterable[str] = (), guard: Guard | None = None
) -> str:
    """One update that drops ``drop`` and puts each payload in its graph, replacing what was
    there (empty when there is nothing to do). One update is one transaction; with a ``guard``,
    every part applies only if it holds (:func:`guarded`)."""
    if guard is not None:
        return guarded([], graphs, drop, guard)
    operations: list[str] = [f"DROP SILENT GRAPH {graph_node(name)}" for name in drop]
    for name, payload in graphs.items():
        target = graph_node(name)
        triples = triples_of(payload)
        operations.append(f"DROP SILENT GRAPH {target}")
        if triples:
            body = " .\n".join(triples)
            operations.append(f"INSERT DATA {{ GRAPH {target} {{\n{body} .\n}} }}")
    return " ;\n".join(operations)


def replacing_subjects(
    graph: str,
    subjects: Iterable[str],
    payload: GraphPayload,
    then: Mapping[str, GraphPayload] | None = None,
    drop: Iterable[str] = (),
    guard: Guard | None = None,
) -> str:
    """One update that, in ``graph``, deletes every triple of ``subjects`` (IRIs) and inserts
    the payload's triples, then drops ``drop`` and puts the payloads ``then`` in their graphs:
    one transaction; with a ``guard``, every part applies only if it holds."""
    target = graph_node(graph)
    names = sorted({str(graph_node(s)) for s in subjects})
    condition = _condition(guard) if guard is not None else "true"
    operations = []
    if names:
        operations.append(
            f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} "
            f"WHERE {{ VALUES ?s {{ {' '.join(names)} }} GRAPH {target} {{ ?s ?p ?o }} "
            f"FILTER ({condition}) }}"
        )
    triples = triples_of(payload)
    if triples:
        operations.append(_inserting_if(target, triples, condition))
    rest = (
        guarded([], then or {}, drop, guard) if guard is not None else replacing(then or {}, drop)
    )
    return " ;\n".join([*operations, *([rest] if rest else [])])


def _condition(guard: Guard) -> str:
    """The guard as a SPARQL filter expression."""
    parts = [
        f"EXISTS {{ GRAPH {graph_node(g)} {{ ?s{i} ?p{i} ?o{i} }} }}"
        for i, g in enumerate(guard.present)
    ]
    if guard.alone_under is not None and guard.marked_by is not None:
        listed = ", ".join(str(graph_node(g)) for g in guard.present)
        besides = f" && ?other NOT IN ({listed})" if listed else ""
        prefix = ox.Literal(guard.alone_under)
        parts.append(
            f"NOT EXISTS {{ GRAPH ?other {{ ?os {graph_node(guard.marked_by)} ?oo }} "
            f"FILTER (isIRI(?other) && STRSTARTS(STR(?other), {prefix}){besides}) }}"
        )
    return " && ".join(parts) or "true"


def _inserting_if(target: ox.NamedNode, triples: list[str], condition: str) -> str:
    body = " .\n".join(triples)
    return f"INSERT {{ GRAPH {target} {{\n{body} .\n}} }} WHERE {{ FILTER ({condition}) }}"


def guarded(
    operations: list[str],
    graphs: Mapping[str, GraphPayload],
    drop: Iterable[str],
    guard: Guard,
) -> str:
    """``operations``, then the payloads and drops of :func:`replacing`, each applied only
    while ``guard`` holds: graphs are emptied by a conditional ``DELETE`` instead of ``DROP``;
    the guard's own graphs among ``drop`` go last, in one operation, so that the condition holds
    for every part before them."""
    condition = _condition(guard)

    def emptied(names: list[str]) -> str:
        nodes = " ".join(str(graph_node(n)) for n in names)
        return (
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {nodes} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER ({condition}) }}"
        )

    drop = list(drop)
    own = [g for g in drop if g in guard.present]
    others = [g for g in drop if g not in guard.present]
    parts = list(operations)
    if others:
        parts.append(emptied(others))
    for name, payload in graphs.items():
        target = graph_node(name)
        parts.append(emptied([name]))
        triples = triples_of(payload)
        if triples:
            parts.append(_inserting_if(target, triples, condition))
    if own:
        parts.append(emptied(own))
    return " ;\n".join(parts)


def dropping(names: Iterable[str]) -> str:
    """One update that drops the named graphs (empty when there are none)."""
    return " ;\n".join(f"DROP SILENT GRAPH {graph_node(name)}" for name in names)


def moving(pairs: Mapping[str, str], then: Mapping[str, GraphPayload] | None = None) -> str:
    """One update that moves each graph onto its target (``source -> target``), replacing the
    target's content, then puts the payloads ``then`` in their graphs: one transaction (empty
    when there is nothing to do). ``MOVE`` is not ``SILENT``: a missing source fails it all."""
    operations = [
        f"MOVE GRAPH {graph_node(source)} TO GRAPH {graph_node(target)}"
        for source, target in pairs.items()
    ]
    rest = replacing(then or {})
    return " ;\n".join([*operations, *([rest] if rest else [])])


def inserting(quads: Iterable[ox.Quad]) -> str:
    """One ``INSERT DATA`` update of already parsed quads (empty when there are none); each
    term is written by pyoxigraph's serialiser. Quads in the default graph are refused."""
    lines = []
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError("a bulk insert names the graph of every triple")
        lines.append(f"GRAPH {quad.graph_name} {{ {quad.triple} }}")
    return f"INSERT DATA {{\n{chr(10).join(lines)}\n}}" if lines else ""
