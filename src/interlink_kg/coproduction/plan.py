"""What a process is made from: the copy of its schema's tree, and the facts about resources
outside the process graph that the shapes read when it is validated."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.model.processes import Item, Process, team_iri
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import ILK, RDF

_SCHEMA_CLASSES = {"phase": ILK.Phase, "objective": ILK.Objective, "task": ILK.Task}


def copy_schema(catalogue: Store, schema: URIRef) -> list[Item]:
    """A process's own copy of the schema's tree: every phase, objective and task with its
    titles and descriptions in every language, order, parent and prerequisites."""
    rows = catalogue.select(query("schema-copy", {"schema": [schema]}))
    info: dict[Node, dict[str, object]] = {}
    titles: dict[Node, dict[str, str]] = defaultdict(dict)
    descriptions: dict[Node, dict[str, str]] = defaultdict(dict)
    prerequisites: dict[Node, set[Node]] = defaultdict(set)
    for row in rows:
        node = row["node"]
        order = row["order"]
        info[node] = {
            "kind": str(row["kind"]),
            "id": str(row["id"]),
            "parent": row["parent"],
            "order": int(order.toPython()) if isinstance(order, Literal) else 0,
        }
        for key, target in (("title", titles), ("description", descriptions)):
            value = row.get(key)
            if isinstance(value, Literal) and value.language:
                target[node][value.language] = str(value)
        if "prerequisite" in row:
            prerequisites[node].add(row["prerequisite"])
    ids = {node: str(entry["id"]) for node, entry in info.items()}
    items = []
    for node, entry in info.items():
        parent = entry["parent"]
        items.append(
            Item(
                id=str(entry["id"]),
                level=str(entry["kind"]),
                parent=ids.get(parent) if isinstance(parent, Node) else None,
                order=int(str(entry["order"])),
                titles=dict(titles[node]) or {"en": str(entry["id"])},
                descriptions=dict(descriptions[node]),
                derived_from=str(node),
                prerequisites=tuple(sorted(ids[p] for p in prerequisites[node] if p in ids)),
            )
        )
    return items


def validation_context(process: Process, base_iri: str) -> Graph:
    """What the shapes read about resources outside the process graph."""
    context = Graph()
    for team in process.teams:
        context.add((team_iri(base_iri, team), RDF.type, ILK.Team))
    context.add((URIRef(process.schema_iri), RDF.type, ILK.CoproductionSchema))
    for item in process.items:
        if item.derived_from:
            context.add((URIRef(item.derived_from), RDF.type, _SCHEMA_CLASSES[item.level]))
    for selection in process.selections:
        context.add((URIRef(selection.interlinker), RDF.type, ILK.Interlinker))
    return context
