"""The change log: which resources each change of the catalogue's content touched.

Every write that changes the content puts a new generation stamp in the store
(:mod:`interlink_kg.store.generation`) and, in the same transaction, one entry of this log: a
graph of its own named after the stamp, listing the IRIs of the subjects whose triples the change
replaced (those of the graphs it wrote or dropped, before and after), or saying that it touched
everything (a load of files, a bulk load: too many to list). Whatever is kept in memory per
generation (the search index, the text relevance, the candidate index, the page keys) reads the
entries it has not seen yet and patches the resources they name, instead of reading the whole
catalogue again (:mod:`interlink_kg.finding.maintained`).

A write of derived data only (the statistics) logs an entry touching nothing. The statistics
refresh also prunes the log to its newest :data:`KEEP` entries; a process that has seen none of
those rebuilds everything, as it would if an entry says everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from interlink_kg.queries import bind
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.store.base import INTERNAL_PREFIX, GraphPayload, Store
from interlink_kg.store.generation import new_generation, stamp_order

LOG_PREFIX = f"{INTERNAL_PREFIX}state/changes/"
_STAMP = f"{INTERNAL_PREFIX}changeStamp"
_CHANGED = f"{INTERNAL_PREFIX}changed"
_EVERYTHING = f"{INTERNAL_PREFIX}changedEverything"
KEEP = 256  # entries kept by the pruning
MAX_LISTED = 2000  # a change touching more subjects is logged as touching everything
MAX_LISTED_GRAPHS = 200  # a write of more graphs is too (their subjects are not looked up)
_READ = f"""
SELECT ?entry ?stamp ?subject ?everything WHERE {{
  GRAPH ?entry {{
    ?entry <{_STAMP}> ?stamp .
    OPTIONAL {{ ?entry <{_CHANGED}> ?subject }}
    OPTIONAL {{ ?entry <{_EVERYTHING}> ?everything }}
  }}
  FILTER (STRSTARTS(STR(?entry), "{LOG_PREFIX}"))
}}"""
_SUBJECTS = """
SELECT DISTINCT ?subject WHERE {
  #bind ?g
  GRAPH ?g { ?subject ?p ?o }
  FILTER (isIRI(?subject))
}"""
# Something outside the change points to one of its resources that is not an INTERLINKER: a
# blank node counts (it may hang from anything), the store's own graphs and the change's own
# resources do not (those are read again anyway).
_POINTED_TO = f"""
ASK {{
  #bind ?s
  ?x ?p ?s .
  FILTER (!isIRI(?x) || !STRSTARTS(STR(?x), "{INTERNAL_PREFIX}"))
  FILTER NOT EXISTS {{ ?s <https://w3id.org/interlink-kg/ontology#kind> ?kind }}
  FILTER (?x NOT IN (#changed))
}}"""


@dataclass(frozen=True)
class Entry:
    name: str  # the entry's graph
    stamp: str
    subjects: frozenset[str] | None  # None: everything


def entry_name(stamp: str) -> str:
    """The graph of the log entry of the change stamped ``stamp``."""
    return f"{LOG_PREFIX}{stamp}"


def entry_payload(
    stamp: str, subjects: Iterable[str] | None, base_iri: str
) -> dict[str, GraphPayload]:
    """The log entry of the change stamped ``stamp``, as a graph for its ``replace_graphs``
    (``subjects`` None: everything)."""
    name = entry_name(stamp)
    listed = None if subjects is None else sorted(set(subjects))
    lines = [f"<{name}> <{_STAMP}> {Literal(stamp).n3()} ."]
    if listed is None or len(listed) > MAX_LISTED:
        lines.append(f'<{name}> <{_EVERYTHING}> "true" .')
    else:
        lines += [f"<{name}> <{_CHANGED}> {URIRef(s).n3()} ." for s in listed]
    data = ("\n".join(lines) + "\n").encode()
    return {name: GraphPayload(data, NTRIPLES, base_iri, "change log entry")}


def stamped_entry(
    stamp: str, subjects: Iterable[str] | None, base_iri: str
) -> dict[str, GraphPayload]:
    """The new content stamp ``stamp`` with its log entry: the graphs every change of the
    catalogue puts in its own ``replace_graphs``."""
    return {**new_generation(base_iri, stamp), **entry_payload(stamp, subjects, base_iri)}


def subjects_of(store: Store, graphs: Iterable[str]) -> set[str]:
    """The IRIs described in ``graphs`` now (a change names them before it writes)."""
    names = [URIRef(g) for g in sorted(set(graphs))]
    if not names:
        return set()
    return {s for (s,) in store.select_values(bind(_SUBJECTS, {"g": names})) if s is not None}


def describes_others(store: Store, subjects: Iterable[str], changed: Iterable[str]) -> bool:
    """True when one of ``subjects`` is not an INTERLINKER and something outside ``changed``
    points to it (a concept, a problem profile; not the distribution of an INTERLINKER that
    changed too): a change of it changes what is derived from those pointing to it, which the
    log does not list."""
    text = bind(_POINTED_TO, {"s": [URIRef(s) for s in sorted(set(subjects))]})
    within = ", ".join(URIRef(i).n3() for i in sorted(set(changed)))
    return store.ask(text.replace("#changed", within, 1))


def read_log(store: Store) -> list[Entry]:
    """Every entry of the log (in no particular order)."""
    stamps: dict[str, str] = {}
    subjects: dict[str, set[str]] = {}
    everything: set[str] = set()
    for name, stamp, subject, whole in store.select_values(_READ):
        if name is None or stamp is None:
            continue
        stamps[name] = stamp
        found = subjects.setdefault(name, set())
        if subject is not None:
            found.add(subject)
        if whole is not None:
            everything.add(name)
    return [
        Entry(name, stamp, None if name in everything else frozenset(subjects[name]))
        for name, stamp in stamps.items()
    ]


def beyond_kept(entries: Iterable[Entry]) -> list[str]:
    """The graphs of the entries the pruning drops: all but the newest :data:`KEEP`."""
    ordered = sorted(entries, key=lambda e: stamp_order(e.stamp), reverse=True)
    return [e.name for e in ordered[KEEP:]]
