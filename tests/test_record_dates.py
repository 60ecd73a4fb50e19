"""The catalogue's own dates (finding/record_dates.py ``RecordDates.span``): its first listing
and latest change, worked out from the records' dates in memory, in time order whatever form
each date takes."""

from __future__ import annotations

import pytest
from rdflib import Literal

from interlink_kg.finding.record_dates import Listing, RecordDates
from interlink_kg.vocab import XSD

DATE_TIME = str(XSD.dateTime)
DATE = str(XSD.date)


def listing(record: str, modified: str, issued: str | None, datatype: str = DATE_TIME) -> Listing:
    return Listing(record, False, modified, None, datatype, issued, None, datatype)


@pytest.mark.parametrize(
    ("listings", "first", "last"),
    [
        (  # text order would pick the wrong one of each: zones, fractions of a second
            [
                listing("urn:r:1", "2026-11-29T10:00:00+02:00", "2026-01-01T00:00:00.5Z"),
                listing("urn:r:2", "2026-11-29T09:30:00Z", "2026-01-01T00:00:00Z"),
            ],
            ("2026-01-01T00:00:00Z", DATE_TIME),
            ("2026-11-29T09:30:00Z", DATE_TIME),
        ),
        (  # a date alone is its day's start, in UTC
            [
                listing("urn:r:1", "2026-03-02", "2025-12-31", DATE),
                listing("urn:r:2", "2026-03-01T23:00:00Z", "2025-12-31T00:00:01Z"),
            ],
            ("2025-12-31", DATE),
            ("2026-03-02", DATE),
        ),
        (  # what is not a date is passed over; a record without a first listing too
            [
                listing("urn:r:1", "soon", "2026-05-01T00:00:00Z"),
                listing("urn:r:2", "2026-06-01T00:00:00Z", "2026-05-02T00:00:00Z"),
                listing("urn:r:3", "2027-01-01T00:00:00Z", None),
            ],
            ("2026-05-01T00:00:00Z", DATE_TIME),
            ("2026-06-01T00:00:00Z", DATE_TIME),
        ),
    ],
)
def test_the_catalogue_spans_its_records_in_time_order(
    listings: list[Listing], first: tuple[str, str], last: tuple[str, str]
) -> None:
    dates = RecordDates({f"urn:item:{n}": (x,) for n, x in enumerate(listings)}, {})
    assert dates.span == (
        Literal(first[0], datatype=first[1]),
        Literal(last[0], datatype=last[1]),
    )


def test_no_record_with_both_dates_gives_no_span() -> None:
    undated = RecordDates({"urn:item:1": (listing("urn:r:1", "2026-01-01", None, DATE),)}, {})
    assert undated.span is None
    assert RecordDates({}, {}).span is None
