"""Each INTERLINKER's catalogue record with its dates, kept in memory and patched per change.

Every catalogue page says when each of its INTERLINKERs was listed and last changed (the dates
of its ``dcat:CatalogRecord``). Reading those with each page cost a SPARQL server a third of the
page's work (the records are found from their topic, and each date row carries three terms to
decode). They are read once per content generation instead (``queries/catalogue-records.rq``),
then patched with the resources each change touched (:mod:`interlink_kg.finding.maintained`),
like the page keys. They are kept as text (about 620 bytes an INTERLINKER) and made rdflib
terms for the page that shows them.

A record that states several dates is listed with its latest change and its first listing (by
their text, then language and datatype), so that a page is the same whichever order the store
answers in. A date must be a literal: a record whose change is not one is not listed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import NamedTuple

from rdflib import BNode, Literal, URIRef

from interlink_kg.finding.maintained import Maintained
from interlink_kg.queries import query
from interlink_kg.rdf.parse import literal
from interlink_kg.store.base import Store

_Row = tuple[str | None, ...]
# Each read's blank nodes are labelled apart: a server may number every answer's from zero
# (Fuseki writes _:b0...), and a page puts these beside the blank nodes of its descriptions.
_READS = itertools.count()


class Listing(NamedTuple):
    """One catalogue record of an INTERLINKER, as a page shows it, in plain text: its latest
    change and its first listing (if it states one), each with its language and datatype."""

    record: str  # its IRI, or its blank node's label (unique to this process)
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
class RecordDates:
    """The listed records of every INTERLINKER of one content generation, with what a patch
    needs to find the INTERLINKERs a changed record was about."""

    of: Mapping[str, tuple[Listing, ...]]  # each INTERLINKER's listed records, by IRI
    topics: Mapping[str, tuple[str, ...]]  # the INTERLINKERs each record (an IRI) is about

    def listings(self, item: URIRef) -> tuple[Listing, ...]:
        return self.of.get(str(item), ())

    def patched(self, store: Store, subjects: frozenset[str]) -> RecordDates:
        """These dates with those of the INTERLINKERs among ``subjects``, of the records among
        them and of every INTERLINKER those records were or are about, read again."""
        of, topics = dict(self.of), dict(self.topics)
        named = [URIRef(s) for s in sorted(subjects)]
        affected = set(subjects)
        for subject in subjects:
            affected.update(topics.get(subject, ()))
        rows = store.select_values(query("catalogue-records", {"record": named}))
        affected.update(row[0] for row in rows if row[0] is not None)
        for item in affected:
            for listing in of.pop(item, ()):
                left = tuple(t for t in topics.get(listing.record, ()) if t != item)
                if left:
                    topics[listing.record] = left
                else:
                    topics.pop(listing.record, None)
        rows = store.select_values(
            query("catalogue-records", {"item": [URIRef(i) for i in sorted(affected)]})
        )
        fresh = _listings(rows)
        of.update(fresh)
        for record, about in _topics(fresh).items():
            topics[record] = tuple(sorted({*topics.get(record, ()), *about}))
        return RecordDates(of, topics)

    @cached_property
    def span(self) -> tuple[Literal, Literal] | None:
        """When the catalogue was first issued and last modified: the earliest first listing
        and the latest change of its records (None when no record states both). Worked out
        here once per generation, from the dates in memory: on a SPARQL server at 1M
        INTERLINKERs the same aggregate as a query ran past the store's timeout."""
        first: tuple[datetime, Listing] | None = None
        last: tuple[datetime, Listing] | None = None
        for listings in self.of.values():
            for listing in listings:
                if listing.issued is None:
                    continue
                issued, modified = _moment(listing.issued), _moment(listing.modified)
                if issued is not None and (first is None or issued < first[0]):
                    first = (issued, listing)
                if modified is not None and (last is None or modified > last[0]):
                    last = (modified, listing)
        if first is None or last is None:
            return None
        issued_literal = first[1].terms()[2]
        assert issued_literal is not None
        return issued_literal, last[1].terms()[1]

    def needs_merge(self) -> bool:
        return False  # patched in full each time

    def knows(self, subject: str) -> bool:
        """True for a listed INTERLINKER and for a listed record (named by IRI)."""
        return subject in self.of or subject in self.topics


def _moment(text: str) -> datetime | None:
    """A date or date-time as a moment to order by (UTC when it names no zone), or None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _listings(rows: Iterable[_Row]) -> dict[str, tuple[Listing, ...]]:
    """The rows' records grouped by INTERLINKER, each with its latest change and first
    listing (several of an INTERLINKER in the order of their text)."""
    scope = f"r{next(_READS)}x"
    datatypes: dict[str, str] = {}
    found: dict[tuple[str, str, bool], Listing] = {}
    for item, record, blank, modified, m_language, m_type, issued, i_language, i_type in rows:
        if item is None or record is None or modified is None:
            continue
        listing = Listing(
            scope + record if blank else record,
            bool(blank),
            modified,
            m_language or None,
            _datatype(datatypes, m_type),
            issued,
            i_language or None,
            _datatype(datatypes, i_type),
        )
        key = (item, listing.record, listing.blank)
        known = found.get(key)
        found[key] = listing if known is None else _merged(known, listing)
    grouped: dict[str, list[Listing]] = {}
    for (item, _, _), listing in found.items():
        grouped.setdefault(item, []).append(listing)
    return {
        item: (listings[0],) if len(listings) == 1 else tuple(sorted(listings, key=_order))
        for item, listings in grouped.items()
    }


def _datatype(known: dict[str, str], datatype: str | None) -> str | None:
    """A date's datatype as the store gave it, one text per datatype (the same few for every
    record); :func:`~interlink_kg.rdf.parse.literal` reads it as ``to_rdflib`` would."""
    return known.setdefault(datatype, datatype) if datatype else None


def _order(listing: Listing) -> tuple[str, ...]:
    return tuple(str(part) for part in listing)


def _changed(listing: Listing) -> tuple[str, str, str]:
    return (
        listing.modified,
        listing.modified_language or "",
        listing.modified_datatype or "",
    )


def _listed(listing: Listing) -> tuple[str, str, str]:
    return (listing.issued or "", listing.issued_language or "", listing.issued_datatype or "")


def _merged(one: Listing, other: Listing) -> Listing:
    """One record's two rows (it states several dates): its latest change, its first
    listing."""
    latest = max(one, other, key=_changed)
    dated = [x for x in (one, other) if x.issued is not None]
    first = min(dated, key=_listed) if dated else one
    return latest._replace(
        issued=first.issued,
        issued_language=first.issued_language,
        issued_datatype=first.issued_datatype,
    )


def _topics(of: Mapping[str, tuple[Listing, ...]]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for item, listings in of.items():
        for listing in listings:
            if not listing.blank:
                found.setdefault(listing.record, set()).add(item)
    return {record: tuple(sorted(items)) for record, items in found.items()}


def _read(store: Store) -> RecordDates:
    of = _listings(store.select_values(query("catalogue-records")))
    return RecordDates(of, _topics(of))


_RECORD_DATES = Maintained(_read)


def record_dates(store: Store) -> RecordDates:
    """The catalogue records' dates of ``store``'s current generation."""
    return _RECORD_DATES.get(store)
