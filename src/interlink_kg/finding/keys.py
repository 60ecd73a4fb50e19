"""The catalogue's INTERLINKERs in identifier order, kept in memory and patched per change.

A page of the catalogue, by number (``?page=``) or by key (``?after=ID``), is then a slice of a
sorted list: its cost does not grow with the page's depth, and the total is the list's length
(no count query). The list is read with one query once, then patched with the INTERLINKERs each
change touched (:mod:`interlink_kg.finding.maintained`: any write, by any process).
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass
from functools import cached_property

from rdflib import URIRef

from interlink_kg.finding.maintained import Maintained
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

    def patched(self, store: Store, subjects: frozenset[str]) -> Keys:
        """These keys with the INTERLINKERs among ``subjects`` read again."""
        kept = [
            (i, item)
            for i, item in zip(self.ids, self.items, strict=True)
            if str(item) not in subjects
        ]
        fresh = _pairs(store, [URIRef(s) for s in sorted(subjects)])
        pairs = list(heapq.merge(kept, fresh)) if fresh else kept
        return Keys(tuple(i for i, _ in pairs), tuple(item for _, item in pairs))

    def needs_merge(self) -> bool:
        return False  # patched in full each time

    def knows(self, subject: str) -> bool:
        return URIRef(subject) in self._known

    @cached_property
    def _known(self) -> frozenset[URIRef]:
        return frozenset(self.items)


def _pairs(store: Store, items: list[URIRef] | None = None) -> list[tuple[str, URIRef]]:
    """(identifier, INTERLINKER) pairs, sorted, of every INTERLINKER or of ``items``."""
    text = query("interlinker-keys", {"item": items} if items is not None else None)
    return sorted(
        {
            (ident, URIRef(item))
            for item, ident in store.select_values(text)
            if item is not None and ident is not None
        }
    )


def _read(store: Store) -> Keys:
    pairs = _pairs(store)
    return Keys(tuple(i for i, _ in pairs), tuple(item for _, item in pairs))


_KEYS = Maintained(_read)


def keys(store: Store) -> Keys:
    """The sorted identifiers of ``store``'s current generation."""
    return _KEYS.get(store)
