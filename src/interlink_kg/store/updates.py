"""The SPARQL Update text both backends send to replace or drop named graphs.

Every payload is parsed first, by pyoxigraph (a syntax error stops everything before a store is
touched); the triples in the update are written by pyoxigraph's own term serialiser from parsed
terms, and graph names are checked as IRIs: nothing is pasted in unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from interlink_kg.errors import ParseError, StoreError
from interlink_kg.store import update_parts as parts
from interlink_kg.store.base import GraphPayload, Guard

_EMPTY = ox.Store()  # parses queries to check their form; never written
_FORMS: dict[type[object], str] = {
    ox.QuerySolutions: "a SELECT",
    ox.QueryBoolean: "an ASK",
    ox.QueryTriples: "a CONSTRUCT or DESCRIBE",
}


def expect_form(query: str, kind: type[object]) -> object:
    """Check a query's form before it is sent, as the embedded store does (parsed by the same
    engine, on an empty dataset): a syntax error or the wrong form is the caller's error."""
    try:
        result = _EMPTY.query(query)
    except SyntaxError as exc:
        raise StoreError(f"invalid SPARQL query: {exc}") from exc
    if not isinstance(result, kind):
        raise StoreError(f"expected {_FORMS.get(kind, 'another')} query")
    return result


def graph_node(value: str) -> ox.NamedNode:
    """A graph name as an IRI; StoreError when it is not one."""
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {value!r}") from exc


def parsed_triples(payload: GraphPayload) -> list[ox.Triple]:
    """The payload's triples; ParseError when it does not parse."""
    try:
        return [
            quad.triple
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
        operations.append(f"DROP SILENT GRAPH {target}")
        operations += _inserting_into(target, parsed_triples(payload))
    return " ;\n".join(operations)


def _inserting_into(target: ox.NamedNode, triples: Iterable[ox.Triple]) -> list[str]:
    """The operations that insert ``triples`` into ``target`` (:mod:`update_parts`): ``INSERT
    DATA`` of bounded size for those with no blank node, ``INSERT ... WHERE {}`` for the others
    (a template is instantiated once, so each label is one new node, as in ``INSERT DATA``;
    SPARQL allows blank nodes in ``INSERT DATA``, Virtuoso 7 refuses them)."""
    plain: list[str] = []
    blank: list[parts.Placed] = []
    for triple in triples:
        if parts.has_blank_node(triple):
            blank.append((target, triple))
        else:
            plain.append(str(triple))
    return [*parts.data_operations(target, plain), *parts.template_operations(blank)]


def deriving(
    graph: str,
    construct: str,
    subjects: Iterable[str] | None = None,
    then: Mapping[str, GraphPayload] | None = None,
    drop: Iterable[str] = (),
    guard: Guard | None = None,
) -> str:
    """One update that, in ``graph``, deletes the triples of ``subjects`` (IRIs; None: every
    triple) and inserts what the CONSTRUCT query ``construct`` gives, computed by the store
    (:func:`construct_parts` says which queries qualify), then drops ``drop`` and puts the
    payloads ``then`` in their graphs: one transaction; with a ``guard``, every part applies
    only if it holds."""
    prologue, template, where = construct_parts(construct)
    target = graph_node(graph)
    holds = f"{_holds(guard)} " if guard is not None else ""
    names = None if subjects is None else sorted({str(graph_node(s)) for s in subjects})
    chosen = f"VALUES ?s {{ {' '.join(names)} }} " if names else ""
    deleting = (
        f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} "
        f"WHERE {{ {holds}{chosen}GRAPH {target} {{ ?s ?p ?o }} }}"
        if names != []  # no subjects given: nothing to delete
        else ""
    )
    inserting = f"INSERT {{ GRAPH {target} {{ {template} }} }} WHERE {{ {holds}{where} }}"
    operations = [o for o in (deleting, inserting) if o]
    rest = (
        guarded([], then or {}, drop, guard) if guard is not None else replacing(then or {}, drop)
    )
    return prologue + " ;\n".join([*operations, *([rest] if rest else [])])


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE)
_IRI = re.compile(r"<[^<>]*>")
_WHERE = re.compile(r"\s*WHERE\s*(\{.*\})\s*$", re.IGNORECASE | re.DOTALL)


def construct_parts(construct: str) -> tuple[str, str, str]:
    """``(prologue, template, where group)`` of a CONSTRUCT query of this project's own (never
    one from outside): checked by pyoxigraph to be a CONSTRUCT, with whole-line comments only,
    a template of plain triple patterns (no braces, no string literals) and no solution
    modifier after its ``WHERE`` group. StoreError otherwise."""
    expect_form(construct, ox.QueryTriples)
    if '"""' in construct or "'''" in construct:
        raise StoreError("a derived graph's CONSTRUCT has no long string literals")
    text = _COMMENT_LINE.sub("", construct)
    start = _CONSTRUCT.search(text)
    end = text.find("}", start.end()) if start else -1
    if start is None or end < 0:
        raise StoreError("a derived graph's CONSTRUCT must spell out its template")
    template = text[start.end() : end]
    where = _WHERE.match(text, end + 1)
    if any(c in _IRI.sub("", template) for c in "{\"'#") or where is None:
        raise StoreError(
            "a derived graph's CONSTRUCT has a template of plain triple patterns and ends with "
            "its WHERE group"
        )
    return text[: start.start()], template.strip(), where.group(1)


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


def _holds(guard: Guard) -> str:
    """A pattern that has one solution when the guard holds, none otherwise: evaluated once
    (a FILTER beside other patterns would be tested for each of their solutions: at 1M
    INTERLINKERs, a million times per emptied or derived graph)."""
    # A FILTER inside the sub-query, on one row of VALUES: Virtuoso 7 fails to compile
    # EXISTS && EXISTS in a BIND (SQ074), and ignores a FILTER on a variable a sub-query bound
    # from EXISTS, or on an empty group (a row either way); it applies this one, as SPARQL does.
    return (
        f"{{ SELECT ?guard_holds WHERE {{ VALUES ?guard_holds {{ true }} "
        f"FILTER ({_condition(guard)}) }} }}"
    )


def _inserting_if(target: ox.NamedNode, triples: list[ox.Triple], guard: Guard) -> list[str]:
    """Templates of bounded size (:mod:`update_parts`), each applied while ``guard`` holds."""
    return parts.template_operations(((target, t) for t in triples), where=_holds(guard))


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

    def emptied(names: list[str]) -> str:
        nodes = " ".join(str(graph_node(n)) for n in names)
        return (
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {_holds(guard)} "
            f"VALUES ?g {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )

    drop = list(drop)
    own = [g for g in drop if g in guard.present]
    others = [g for g in drop if g not in guard.present]
    operations = list(operations)
    if others:
        operations.append(emptied(others))
    for name, payload in graphs.items():
        target = graph_node(name)
        operations.append(emptied([name]))
        operations += _inserting_if(target, parsed_triples(payload), guard)
    if own:
        operations.append(emptied(own))
    return " ;\n".join(operations)


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
    """One update inserting already parsed quads (empty when there are none): an ``INSERT
    DATA`` of those without blank nodes, then templates of those with (:mod:`update_parts`:
    a blank node's triples stay in one template, so it stays one node, in one graph or in
    several); each term is written by pyoxigraph's serialiser. Quads in the default graph are
    refused."""
    lines = []
    blank: list[parts.Placed] = []
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError("a bulk insert names the graph of every triple")
        if parts.has_blank_node(quad.triple):
            blank.append((quad.graph_name, quad.triple))
        else:
            lines.append(f"GRAPH {quad.graph_name} {{ {quad.triple} }}")
    operations = [
        f"INSERT DATA {{\n{chr(10).join(lines[at : at + parts.DATA_TRIPLES])}\n}}"
        for at in range(0, len(lines), parts.DATA_TRIPLES)
    ]
    operations += parts.template_operations(blank)
    return " ;\n".join(operations)
