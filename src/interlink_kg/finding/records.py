"""Each INTERLINKER's catalogue record with its dates, kept in memory and patched per change.

Every catalogue page says when each of its INTERLINKERs was listed and last changed (the dates
of its ``dcat:CatalogRecord``). Reading those with each page cost a SPARQL server a third of the
page's work (the records are found from their topic, and each date row carries three terms to
decode). They are read once per content generation instead (``queries/catalogue-records.rq``),
then patched with the resources each change touched (:mod:`interlink_kg.finding.maintained`),
like the page keys. They are kept as text (about 550 bytes an INTERLINKER) and made rdflib
terms for the page that shows them.

A record that states several dates is listed with its latest change and its first listing (by
their text: the dates the catalogue writes are ISO 8601 in one form), so that a page is the
same whichever order the store answers in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rdflib import BNode, Literal, URIRef

from interlink_kg.finding.maintained import Maintained
from interlink_kg.queries import query
from interlink_kg.rdf.parse import literal
from interlink_kg.store.base import Store

_Row = tuple[str | None, ...]


class Listing(NamedTuple):
    """One catalogue record of an INTERLINKER, as a page shows it, in plain text: its latest
    change and its first listing (if it states one), each with its language and datatype."""

    record: str  # its IRI, or its blank node's label
    blank: bool
    modified: str
    modified_language: str | None
    modified_datatype: str | None
    issued: str | None
    issued_language: str | None
    issued_datatype: str | None

    def terms(self) -> tuple[URIRef | BNode, Literal, Literal | None]:
        """The record, its latest change and its first listing as rdflib terms."""
        issued = self.issued
        return (
            BNode(self.record) if self.blank else URIRef(self.record),
            literal(self.modified, self.modified_language, self.modified_datatype),
            None if issued is None else literal(issued, self.issued_language, self.issued_datatype),
        )


@dataclass(frozen=True)
class Records:
    of: Mapping[str, tuple[Listing, ...]]  # each INTERLINKER's listed records, by IRI
    topic_of: Mapping[str, str]  # each listed record's INTERLINKER (records named by IRI)

    def listings(self, item: URIRef) -> tuple[Listing, ...]:
        return self.of.get(str(item), ())

    def patched(self, store: Store, subjects: frozenset[str]) -> Records:
        """These records with those of the INTERLINKERs among ``subjects``, of the records
        among them and of the INTERLINKERs those were about, read again."""
        of, topic_of = dict(self.of), dict(self.topic_of)
        named = [URIRef(s) for s in sorted(subjects)]
        affected = set(subjects)
        affected.update(topic_of[s] for s in subjects if s in topic_of)
        rows = store.select_values(query("catalogue-records", {"record": named}))
        affected.update(row[0] for row in rows if row[0] is not None)
        for item in affected:
            for listing in of.pop(item, ()):
                topic_of.pop(listing.record, None)
        rows = store.select_values(
            query("catalogue-records", {"item": [URIRef(i) for i in sorted(affected)]})
        )
        fresh = _listings(rows)
        of.update(fresh)
        topic_of.update(_topics(fresh))
        return Records(of, topic_of)

    def needs_merge(self) -> bool:
        return False  # patched in full each time

    def knows(self, subject: str) -> bool:
        return subject in self.of or subject in self.topic_of


def _listings(rows: Iterable[_Row]) -> dict[str, tuple[Listing, ...]]:
    """The rows' records grouped by INTERLINKER, each with its latest change and first
    listing (several of an INTERLINKER in the order of their text)."""
    datatypes: dict[str, str] = {}  # the same few for every record: one text each
    found: dict[tuple[str, str, bool], Listing] = {}
    for item, record, blank, modified, m_language, m_type, issued, i_language, i_type in rows:
        if item is None or record is None or modified is None:
            continue
        listing = Listing(
            record,
            bool(blank),
            modified,
            m_language or None,
            datatypes.setdefault(m_type, m_type) if m_type else None,
            issued,
            i_language or None,
            datatypes.setdefault(i_type, i_type) if i_type else None,
        )
        key = (item, record, listing.blank)
        known = found.get(key)
        found[key] = listing if known is None else _merged(known, listing)
    grouped: dict[str, list[Listing]] = {}
    for (item, _, _), listing in found.items():
        grouped.setdefault(item, []).append(listing)
    return {
        item: (listings[0],) if len(listings) == 1 else tuple(sorted(listings))
        for item, listings in grouped.items()
    }


def _merged(one: Listing, other: Listing) -> Listing:
    """One record's two rows (it states several dates): its latest change, its first
    listing."""
    latest = one if one.modified >= other.modified else other
    dated = [x for x in (one, other) if x.issued is not None]
    first = min(dated, key=lambda x: x.issued or "") if dated else one
    return latest._replace(
        issued=first.issued,
        issued_language=first.issued_language,
        issued_datatype=first.issued_datatype,
    )


def _topics(of: Mapping[str, tuple[Listing, ...]]) -> dict[str, str]:
    return {
        listing.record: item
        for item, listings in of.items()
        for listing in listings
        if not listing.blank
    }


def _read(store: Store) -> Records:
    of = _listings(store.select_values(query("catalogue-records")))
    return Records(of, _topics(of))


_RECORDS = Maintained(_read)


def records(store: Store) -> Records:
    """The catalogue records of ``store``'s current generation."""
    return _RECORDS.get(store)
