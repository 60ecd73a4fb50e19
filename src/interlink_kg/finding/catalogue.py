"""Read the catalogue from the store: INTERLINKERs, problem profiles, schemas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.errors import NotFoundError
from interlink_kg.finding.cache import RememberedMany
from interlink_kg.finding.keys import current_keys, keys
from interlink_kg.model.catalogue import (
    PROBLEM_GROUPS,
    InterlinkerSummary,
    Page,
    ProblemProfile,
    SchemaNode,
    SchemaSummary,
    effective_problem_profiles,
)
from interlink_kg.model.iris import is_identifier
from interlink_kg.model.labels import pick
from interlink_kg.queries import query
from interlink_kg.rdf.graphs import triples_graph
from interlink_kg.store.base import Row, Store
from interlink_kg.store.generation import both_generations


def _text(row: Row, key: str) -> str | None:
    value = row.get(key)
    return str(value) if value is not None else None


def _lang_text(row: Row, key: str) -> tuple[str, str] | None:
    value = row.get(key)
    if isinstance(value, Literal):
        return (value.language or "", str(value))
    return None


def _int(value: Node | None) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0


def count_interlinkers(store: Store) -> int:
    rows = store.select(query("interlinker-count"))
    return _int(rows[0].get("total")) if rows else 0


def list_interlinkers(store: Store, *, lang: str, page: int, per_page: int) -> Page:
    """One page of INTERLINKER summaries, in identifier order (a slice of the sorted keys kept
    per catalogue generation: the same cost for every page)."""
    index = keys(store)
    items: list[Node] = list(index.page(page, per_page))
    return Page(tuple(summaries(store, items, lang)), page, per_page, len(index))


@dataclass(frozen=True)
class _Facts:
    """What an INTERLINKER's summary is made of, in every language (None: no identifier, not
    an INTERLINKER)."""

    id: str | None
    titles: Mapping[str, str]  # language ("" for none) -> the first title read in it
    kind: str | None
    problems: tuple[str, ...]


def _read_facts(store: Store, items: list[Node]) -> dict[Node, _Facts]:
    rows = store.select(query("interlinker-summaries", {"item": items}))
    ids: dict[Node, str] = {}
    titles: dict[Node, dict[str, str]] = defaultdict(dict)
    kinds: dict[Node, str] = {}
    problems: dict[Node, set[str]] = defaultdict(set)
    for row in rows:
        item = row["item"]
        if "id" in row:
            ids[item] = str(row["id"])
        tagged_title = _lang_text(row, "title")
        if tagged_title:
            titles[item].setdefault(*tagged_title)
        if "kindId" in row:
            kinds[item] = str(row["kindId"])
        if "problemId" in row:
            problems[item].add(str(row["problemId"]))
    return {
        item: _Facts(ids.get(item), titles[item], kinds.get(item), tuple(sorted(problems[item])))
        for item in items
    }


# The summaries' facts per content stamp: the INTERLINKERs that recommendations, related lists
# and searches show recur from answer to answer, and on a SPARQL server each answer's read of
# them is a round trip (1-2.5 ms at 100k on RocksDB, the server reading items it has not read
# lately).
_FACTS: RememberedMany[Node, _Facts] = RememberedMany(_read_facts, size=20_000)


def summaries(store: Store, items: list[Node], lang: str) -> list[InterlinkerSummary]:
    """Summaries of the given INTERLINKERs, in the given order (those that are not left out)."""
    facts = _FACTS.get(store, items)
    out = []
    for item in items:
        found = facts[item]
        if found.id is None:
            continue
        title, title_lang = pick(found.titles, lang)
        out.append(
            InterlinkerSummary(
                id=found.id,
                iri=str(item),
                title=title,
                title_language=title_lang,
                kind=found.kind,
                problem_profiles=found.problems,
            )
        )
    return out


def interlinker_iri(store: Store, identifier: str) -> URIRef:
    """The INTERLINKER with ``identifier`` (the smallest IRI if several have it): from the page
    keys when they are up to date, else asked for (also when the keys do not know it: on a
    SPARQL server the stamp that says they are up to date may be a moment old)."""
    if not is_identifier(identifier):
        raise NotFoundError(f"no INTERLINKER with id {identifier!r}")
    known = current_keys(store)
    items = [str(i) for i in known.named(identifier)] if known is not None else []
    if not items:
        rows = store.select(query("interlinker-iri", {"id": [Literal(identifier)]}))
        items = sorted(str(r["item"]) for r in rows if isinstance(r.get("item"), URIRef))
    if not items:
        raise NotFoundError(f"no INTERLINKER with id {identifier!r}", details={"id": identifier})
    return URIRef(items[0])


def describe(store: Store, iri: URIRef) -> Graph:
    """Everything the catalogue says about one resource (and its distributions)."""
    graph = store.describe_resources([iri])
    if len(graph) == 0:
        raise NotFoundError(f"nothing is known about {iri}", details={"iri": str(iri)})
    return graph


Labels = tuple[tuple[Node, Node], ...]


def _read_labels(store: Store, iris: list[URIRef]) -> dict[URIRef, Labels]:
    found = store.construct(query("display-labels", {"item": sorted(iris)}))
    labels: dict[URIRef, list[tuple[Node, Node]]] = {iri: [] for iri in iris}
    for subject, predicate, label in found:
        if isinstance(subject, URIRef) and subject in labels:
            labels[subject].append((predicate, label))
    return {iri: tuple(pairs) for iri, pairs in labels.items()}


# The names of what pages link to (concepts, problem profiles, licences, agents) are few and
# read on page after page: kept per stamps of the content and of what teams did (the latter
# publishes processes), so that a page reads only those it has not seen (one round trip less
# per page on a SPARQL server).
_LABELS: RememberedMany[URIRef, Labels] = RememberedMany(
    _read_labels, stamp=both_generations, size=20_000
)


def display_labels(store: Store, iris: Iterable[URIRef]) -> Graph:
    """The labels (SKOS, DC, RDFS, FOAF names) the store holds for ``iris``, in every language."""
    graph = triples_graph()
    for iri, labels in _LABELS.get(store, sorted(set(iris))).items():
        for predicate, label in labels:
            graph.add((iri, predicate, label))
    return graph


def list_problem_profiles(store: Store, *, lang: str) -> list[ProblemProfile]:
    rows = store.select(query("problem-profiles"))
    ids: dict[Node, str] = {}
    labels: dict[Node, dict[str, str]] = defaultdict(dict)
    definitions: dict[Node, dict[str, str]] = defaultdict(dict)
    groups: dict[Node, str] = {}
    group_labels: dict[Node, dict[str, str]] = defaultdict(dict)
    for row in rows:
        item = row["item"]
        ids[item] = str(row["id"])
        if (tagged_label := _lang_text(row, "label")) is not None:
            labels[item].setdefault(*tagged_label)
        if (definition := _lang_text(row, "definition")) is not None:
            definitions[item].setdefault(*definition)
        if "groupId" in row:
            groups[item] = str(row["groupId"])
            if (group_label := _lang_text(row, "groupLabel")) is not None:
                group_labels[item].setdefault(*group_label)
    out = []
    for item, identifier in ids.items():
        label, label_lang = pick(labels[item], lang)
        out.append(
            ProblemProfile(
                id=identifier,
                iri=str(item),
                label=label,
                label_language=label_lang,
                group=groups.get(item),
                group_label=pick(group_labels[item], lang)[0],
                definition=pick(definitions[item], lang)[0],
            )
        )
    return sorted(out, key=_problem_sort_key)


def _problem_sort_key(profile: ProblemProfile) -> tuple[int, tuple[int, ...], str]:
    groups = PROBLEM_GROUPS
    group = groups.index(profile.group) if profile.group in groups else len(groups)
    number = profile.id.rsplit("_", 1)[-1]
    parts = tuple(int(p) for p in number.split(".") if p.isascii() and p.isdigit())
    return (group, parts, profile.id)


def list_schemas(store: Store, *, lang: str) -> list[SchemaSummary]:
    rows = store.select(query("schemas"))
    ids: dict[Node, str] = {}
    titles: dict[Node, dict[str, str]] = defaultdict(dict)
    tasks: dict[Node, int] = {}
    for row in rows:
        item = row["item"]
        ids[item] = str(row["id"])
        if (tagged := _lang_text(row, "title")) is not None:
            titles[item].setdefault(*tagged)
        if "tasks" in row:
            tasks[item] = _int(row["tasks"])
    out = []
    for item, identifier in ids.items():
        title, title_lang = pick(titles[item], lang)
        out.append(SchemaSummary(identifier, str(item), title, title_lang, tasks.get(item, 0)))
    return sorted(out, key=lambda s: s.id)


def schema_description(store: Store, identifier: str) -> tuple[URIRef, Graph]:
    """A schema's IRI and its RDF: the schema, its phases, objectives and tasks."""
    iri = schema_iri(store, identifier)
    return iri, store.construct(query("schema-description", {"schema": [iri]}))


def schema_iri(store: Store, identifier: str) -> URIRef:
    if not is_identifier(identifier):
        raise NotFoundError(f"no co-production schema with id {identifier!r}")
    rows = store.select(query("schema-iri", {"id": [Literal(identifier)]}))
    if not rows:
        raise NotFoundError(
            f"no co-production schema with id {identifier!r}", details={"id": identifier}
        )
    return URIRef(str(rows[0]["item"]))


def schema_tree(store: Store, identifier: str, *, lang: str) -> SchemaNode:
    """The phase -> objective -> task tree of a schema, in order, with effective profiles."""
    iri = schema_iri(store, identifier)
    rows = store.select(query("schema-tree", {"schema": [iri]}))
    info: dict[Node, dict[str, object]] = {}
    titles: dict[Node, dict[str, str]] = defaultdict(dict)
    descriptions: dict[Node, dict[str, str]] = defaultdict(dict)
    problems: dict[Node, set[str]] = defaultdict(set)
    for row in rows:
        node = row["node"]
        entry = info.setdefault(node, {})
        entry["kind"] = str(row["kind"])
        entry["id"] = str(row["id"])
        entry["parent"] = row.get("parent")
        entry["order"] = _int(row["order"]) if "order" in row else None
        codelivery_value = row.get("codelivery")
        if isinstance(codelivery_value, Literal):
            entry["codelivery"] = bool(codelivery_value.toPython())
        if (tagged := _lang_text(row, "title")) is not None:
            titles[node].setdefault(*tagged)
        if (description := _lang_text(row, "description")) is not None:
            descriptions[node].setdefault(*description)
        if "problemId" in row:
            problems[node].add(str(row["problemId"]))
    nodes: dict[Node, SchemaNode] = {}
    for node, entry in info.items():
        codelivery = entry.get("codelivery")
        nodes[node] = SchemaNode(
            kind=str(entry["kind"]),
            id=str(entry["id"]),
            iri=str(node),
            order=entry["order"] if isinstance(entry["order"], int) else None,
            title=pick(titles[node], lang)[0],
            description=pick(descriptions[node], lang)[0],
            problem_profiles=tuple(sorted(problems[node])),
            part_of_codelivery=codelivery if isinstance(codelivery, bool) else None,
        )
    for node, entry in info.items():
        parent = entry.get("parent")
        if parent is not None and parent in nodes:
            nodes[parent].children.append(nodes[node])
    for tree_node in nodes.values():
        tree_node.children.sort(key=lambda c: (c.order or 0, c.id))
        if tree_node.kind == "objective":
            for task in tree_node.children:
                task.effective_problem_profiles = effective_problem_profiles(
                    task.problem_profiles, tree_node.problem_profiles
                )
    return nodes[iri]


def counts(store: Store) -> dict[str, int]:
    rows = store.select(query("catalogue-counts"))
    row = rows[0] if rows else {}
    return {
        key: _int(row.get(key)) for key in ("interlinkers", "problemProfiles", "schemas", "tasks")
    }
