"""The catalogue's INTERLINKERs in identifier order, kept in memory per catalogue generation.

A page of the catalogue, by number (``?page=``) or by key (``?after=ID``), is then a slice of a
sorted list: its cost does not grow with the page's depth, and the total is the list's length
(no count query). The list is read with one query when the generation changes (any write, by
any process: the stamp lives in the store), like the search index.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rdflib import URIRef

from interlink_kg.finding.per_generation import PerGeneration
from interlink_kg.queries import query
from interlink_kg.store.base import Store


@dataclass(frozen=True)
class Keys:
    ids: tuple[str, ...]  # sorted by code point, as SPARQL orders plain strings
    items: tuple[URIRef, ...]  # the INTERLINKER of each id

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, number: int, size: int) -> list[URIRef]:
        start = (number - 1) * size
        return list(self.items[start : start + size])

    def after(self, key: str, size: int) -> list[URIRef]:
        """The ``size`` INTERLINKERs whose identifier comes after ``key``."""
        start = bisect.bisect_right(self.ids, key)
        return list(self.items[start : start + size])

    def position(self, key: str) -> int:
        """How many identifiers come at or before ``key``."""
        return bisect.bisect_right(self.ids, key)

    def key_before(self, index: int) -> str | None:
        """The key that starts a page at ``index`` (None: the first page)."""
        return self.ids[index - 1] if index > 0 else None


def _read(store: Store) -> Keys:
    pairs = sorted(
        {
            (ident, URIRef(item))
            for item, ident in store.select_values(query("interlinker-keys"))
            if item is not None and ident is not None
        }
    )
    return Keys(tuple(i for i, _ in pairs), tuple(item for _, item in pairs))


_KEYS = PerGeneration(_read)


def keys(store: Store) -> Keys:
    """The sorted identifiers of ``store``'s current generation."""
    return _KEYS.get(store)
