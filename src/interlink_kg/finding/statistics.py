"""The catalogue's statistics, kept as published triples and counted again after every change.

How many INTERLINKERs address each problem profile (``ilk:interlinkerCount``) and how many
profiles each INTERLINKER addresses (``ilk:problemCount``), in a graph of their own that the
public SPARQL endpoint serves (the ranking counts them in its candidate index,
finding/candidates.py). After a change that names what it touched, only those INTERLINKERs and
the profiles they address, now or before, are counted again (at 100k INTERLINKERs a full count
takes seconds); after a load of files, everything is.

Derived graphs must never silently fall behind the data (issue 9: a crash between an approval
and its refresh left items out of the recommendations for good). So every write that changes
the data also writes a *stale marker* graph of its own, in the same transaction; the refresh
writes the new statistics and drops the marker in one transaction too. A marker found at
start-up means a refresh was missed: :func:`refresh_if_stale` counts everything again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from interlink_kg.model import iris
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store
from interlink_kg.store.changes import beyond_kept, entry_payload, read_log
from interlink_kg.store.generation import new_generation, new_stamp

STALE_MARKER = f"{INTERNAL_PREFIX}state/derived-stale"  # one marker graph per change under it
_NOTHING = f"{INTERNAL_PREFIX}nothing"  # binds a query's VALUES to no resource
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_INTERLINKER_COUNT = ox.NamedNode("https://w3id.org/interlink-kg/ontology#interlinkerCount")
_PROBLEM_COUNT = ox.NamedNode("https://w3id.org/interlink-kg/ontology#problemCount")
_MARKERS = f"""
SELECT DISTINCT ?g WHERE {{
  GRAPH ?g {{ ?s <{INTERNAL_PREFIX}derivedStale> ?o }}
  FILTER (STRSTARTS(STR(?g), "{STALE_MARKER}"))
}}"""


def statistics_graph(base_iri: str) -> str:
    return base_iri + iris.STATISTICS_GRAPH


def stale_marker(base_iri: str, stamp: str) -> dict[str, GraphPayload]:
    """The marker graph of the change stamped ``stamp``, for its ``replace_graphs``."""
    name = f"{STALE_MARKER}/{stamp}"
    triple = f'<{name}> <{INTERNAL_PREFIX}derivedStale> "true" .\n'.encode()
    return {name: GraphPayload(triple, NTRIPLES, base_iri, "stale marker")}


@dataclass(frozen=True)
class Change:
    """What a write that changes the published data also writes, in its transaction
    (:attr:`payloads`): the stale marker of the derived graphs, a new generation stamp and its
    entry in the change log naming the IRIs whose triples the write replaces, before and after
    (None: everything). :attr:`marker` names its stale marker."""

    payloads: dict[str, GraphPayload]
    marker: str
    subjects: frozenset[str] | None


def change_markers(base_iri: str, subjects: Iterable[str] | None) -> dict[str, GraphPayload]:
    """The payloads of :func:`change` (for writes that refresh the statistics in full)."""
    return change(base_iri, subjects).payloads


def change(base_iri: str, subjects: Iterable[str] | None) -> Change:
    stamp = new_stamp()
    marker = stale_marker(base_iri, stamp)
    return Change(
        {**marker, **new_generation(base_iri, stamp), **entry_payload(stamp, subjects, base_iri)},
        next(iter(marker)),
        None if subjects is None else frozenset(subjects),
    )


def markers(store: Store) -> list[str]:
    """The stale markers present: changes whose statistics are not counted yet."""
    return sorted(g for (g,) in store.select_values(_MARKERS) if g is not None)


def derived_are_stale(store: Store) -> bool:
    return bool(markers(store))


def _triples(rows: Iterable[tuple[str | None, ...]]) -> list[ox.Triple]:
    """Rows of ``?problem ?item ?count`` as statistics triples (written without rdflib: at
    100k INTERLINKERs a CONSTRUCT read into rdflib and serialised again took 7.7 s)."""
    triples = []
    for problem, item, count in rows:
        if count is None:
            continue
        number = ox.Literal(count, datatype=_INTEGER)
        if problem is not None:
            triples.append(ox.Triple(ox.NamedNode(problem), _INTERLINKER_COUNT, number))
        elif item is not None:
            triples.append(ox.Triple(ox.NamedNode(item), _PROBLEM_COUNT, number))
    return triples


def problems_of(store: Store, subjects: Iterable[str]) -> set[str]:
    """The problem profiles ``subjects`` address now: a change reads them before it writes, so
    that the profiles they leave are counted again."""
    items = [URIRef(s) for s in sorted(set(subjects))]
    if not items:
        return set()
    rows = store.select_values(query("addressed-problems", {"item": items}))
    return {p for (p,) in rows if p is not None}


def _stamp(base_iri: str, store: Store) -> tuple[dict[str, GraphPayload], list[str]]:
    """A new generation with its log entry (touching no resource's own triples) and the log
    entries to prune, for the refresh's write."""
    fresh = new_stamp()
    return (
        {**new_generation(base_iri, fresh), **entry_payload(fresh, (), base_iri)},
        beyond_kept(read_log(store)),
    )


def refresh_statistics(
    store: Store,
    base_iri: str,
    changed: Change | None = None,
    problems_before: Iterable[str] = (),
) -> int:
    """Count the statistics again and clear the stale markers, in one write; returns how many
    statistics triples were written.

    After one ``changed`` that names its subjects, only those and the problem profiles they
    address, now or before (``problems_before``), are counted again: the cost of the change,
    not of the catalogue. Otherwise, or when another change's marker is still there (its
    refresh was missed or is under way), everything is."""
    name = statistics_graph(base_iri)
    found = markers(store)
    if changed is not None and changed.subjects is not None and set(found) <= {changed.marker}:
        return _refresh_part(store, base_iri, changed, problems_before)
    others = [g for g in store.data_graphs() if g != name]
    triples = (
        _triples(store.select_values(query("statistics-counts"), graphs=others)) if others else []
    )
    stamp, pruned = _stamp(base_iri, store)
    if not triples:
        store.replace_graphs(stamp, drop=[name, *found, *pruned])
        return 0
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    store.replace_graphs(
        {name: GraphPayload(data, NTRIPLES, base_iri, "statistics"), **stamp},
        drop=[*found, *pruned],
    )
    return len(triples)


def _refresh_part(
    store: Store, base_iri: str, changed: Change, problems_before: Iterable[str]
) -> int:
    assert changed.subjects is not None
    name = statistics_graph(base_iri)
    items = sorted(changed.subjects)
    # A touched subject may be a profile itself (its count is deleted with its other triples).
    problems = sorted(problems_of(store, items) | set(problems_before) | set(items))
    others = [g for g in store.data_graphs() if g != name]
    values = {"item": [URIRef(i) for i in items], "problem": [URIRef(p) for p in problems]}
    if not items:
        values["item"] = [URIRef(_NOTHING)]
    if not problems:
        values["problem"] = [URIRef(_NOTHING)]
    rows = store.select_values(query("statistics-counts-of", values), graphs=others)
    triples = _triples(rows)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    stamp, pruned = _stamp(base_iri, store)
    store.replace_subjects(
        name,
        [*items, *problems],
        GraphPayload(data, NTRIPLES, base_iri, "statistics"),
        then=stamp,
        drop=[changed.marker, *pruned],
    )
    return len(triples)


def refresh_if_stale(store: Store, base_iri: str) -> bool:
    """Make a refresh that a crash prevented; True when one was needed."""
    if not derived_are_stale(store):
        return False
    refresh_statistics(store, base_iri)
    return True
