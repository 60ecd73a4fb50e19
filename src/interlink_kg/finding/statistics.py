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

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from interlink_kg.model import iris
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Guard, Store
from interlink_kg.store.changes import beyond_kept, entry_name, read_log, stamped_entry
from interlink_kg.store.generation import new_stamp

STALE_MARKER = f"{INTERNAL_PREFIX}state/derived-stale"  # one marker graph per change under it
_NOTHING = f"{INTERNAL_PREFIX}nothing"  # binds a query's VALUES to no resource
ATTEMPTS = 3  # counts of one refresh that another refresh's write may make void
_LOG = logging.getLogger(__name__)
_STALE = f"{INTERNAL_PREFIX}derivedStale"  # the predicate of a marker's one triple
_MARKERS = f"""
SELECT DISTINCT ?g WHERE {{
  GRAPH ?g {{ ?s <{_STALE}> ?o }}
  FILTER (STRSTARTS(STR(?g), "{STALE_MARKER}"))
}}"""


def statistics_graph(base_iri: str) -> str:
    return base_iri + iris.STATISTICS_GRAPH


def stale_marker(base_iri: str, stamp: str) -> dict[str, GraphPayload]:
    """The marker graph of the change stamped ``stamp``, for its ``replace_graphs``."""
    name = f"{STALE_MARKER}/{stamp}"
    triple = f'<{name}> <{_STALE}> "true" .\n'.encode()
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
        {**marker, **stamped_entry(stamp, subjects, base_iri)},
        next(iter(marker)),
        None if subjects is None else frozenset(subjects),
    )


def markers(store: Store) -> list[str]:
    """The stale markers present: changes whose statistics are not counted yet."""
    return sorted(g for (g,) in store.select_values(_MARKERS) if g is not None)


def derived_are_stale(store: Store) -> bool:
    return bool(markers(store))


def problems_of(store: Store, subjects: Iterable[str]) -> set[str]:
    """The problem profiles ``subjects`` address now: a change reads them before it writes, so
    that the profiles they leave are counted again."""
    items = [URIRef(s) for s in sorted(set(subjects))]
    if not items:
        return set()
    rows = store.select_values(query("interlinker-problems", {"item": items}))
    return {p for (p,) in rows if p is not None}


def _stamp(base_iri: str) -> tuple[dict[str, GraphPayload], str]:
    """A new generation with its log entry (touching no resource's own triples), for the
    refresh's write, and the entry's graph."""
    fresh = new_stamp()
    return stamped_entry(fresh, (), base_iri), entry_name(fresh)


def refresh_statistics(
    store: Store,
    base_iri: str,
    changed: Change | None = None,
    problems_before: Iterable[str] = (),
    *,
    patient: bool = False,
) -> bool:
    """Count the statistics again and clear the stale markers; False when another refresh
    made this one needless, or won every race (below).

    The store counts and writes them itself (``Store.derive``: at 1M INTERLINKERs the counts
    are a million triples, which are never read back). After one ``changed`` that names its
    subjects, only those and the problem profiles they address, now or before
    (``problems_before``), are counted again: the cost of the change, not of the catalogue.
    Otherwise, or when another change's marker is there (its refresh was missed or is under
    way), everything is: on a SPARQL server at 1M INTERLINKERs that takes minutes, which only a
    ``patient`` caller waits for (a load, the start-up); on a request thread the store's call
    timeout stops it, and the markers stay for the next count.

    Each write is a compare-and-set (:class:`~interlink_kg.store.base.Guard`): it applies only
    while the markers it counted for are all still there (and, for a partial count, no other),
    so a refresh that counted earlier never overwrites one that counted later, in this process
    or another. One that loses counts again, up to :data:`ATTEMPTS` times; then the markers
    stay, and the next change or start-up counts everything."""
    for _ in range(ATTEMPTS):
        found = markers(store)
        if changed is not None and changed.subjects is not None and set(found) <= {changed.marker}:
            if changed.marker not in found:
                return False  # another refresh counted after this change and cleared its marker
            done = _refresh_part(store, base_iri, changed, problems_before)
        else:
            done = _refresh_all(store, base_iri, found, patient)
        if done:
            return True
    _LOG.warning("the statistics lost %d races in a row; left stale for the next count", ATTEMPTS)
    return False


def _written(store: Store, entry: str, emptied: list[str]) -> bool:
    """Whether a guarded write applied (its log entry is there); then the graphs it emptied,
    and the log entries beyond those kept, are dropped (names of no triples left behind)."""
    if not store.ask("ASK { ?s ?p ?o }", graphs=[entry]):
        return False
    store.drop_graphs([*emptied, *beyond_kept(read_log(store))])
    return True


def _counts(values: dict[str, list[URIRef]] | None = None) -> str:
    """The statistics query, over the data graphs (the store's own left out), with ``values``
    bound."""
    internal: dict[str, list[URIRef] | list[Literal]] = {"internal": [Literal(INTERNAL_PREFIX)]}
    return query("statistics", {**internal, **(values or {})})


def _refresh_all(store: Store, base_iri: str, found: list[str], patient: bool) -> bool:
    stamp, entry = _stamp(base_iri)
    guard = Guard(tuple(found)) if found else None
    store.derive(
        statistics_graph(base_iri),
        _counts(),
        then=stamp,
        drop=found,
        guard=guard,
        patient=patient,
    )
    return _written(store, entry, found)


def _refresh_part(
    store: Store, base_iri: str, changed: Change, problems_before: Iterable[str]
) -> bool:
    assert changed.subjects is not None
    items = sorted(changed.subjects)
    # A touched subject may be a profile itself (its count is deleted with its other triples).
    problems = sorted(problems_of(store, items) | set(problems_before) | set(items))
    values = {
        "item": [URIRef(i) for i in items] or [URIRef(_NOTHING)],
        "problem": [URIRef(p) for p in problems] or [URIRef(_NOTHING)],
    }
    stamp, entry = _stamp(base_iri)
    store.derive(
        statistics_graph(base_iri),
        _counts(values),
        [*items, *problems],
        then=stamp,
        drop=[changed.marker],
        guard=Guard((changed.marker,), alone_under=STALE_MARKER, marked_by=_STALE),
    )
    return _written(store, entry, [changed.marker])


def refresh_if_stale(store: Store, base_iri: str, *, patient: bool = False) -> bool:
    """Make a refresh that a crash prevented; True when one was needed."""
    if not derived_are_stale(store):
        return False
    refresh_statistics(store, base_iri, patient=patient)
    return True
