"""The catalogue's INTERLINKERs in identifier order, kept in memory and patched per change.

A page of the catalogue, by number (``?page=``) or by key (``?after=ID``), is then a slice of a
sorted list: its cost does not grow with the page's depth, and the total is the list's length
(no count query). The list is read with one query once, then patched with the INTERLINKERs each
change touched (:mod:`interlink_kg.finding.maintained`: any write, by any process).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from interlink_kg.finding.maintained import Maintained
from interlink_kg.queries import query
from interlink_kg.store.base import Store


@dataclass(frozen=True)
class Keys:
    ids: tuple[str, ...]  # sorted by code point, as SPARQL orders plain strings
    items: tuple[URIRef, ...]  # the INTERLINKER of each id
    ids_of: Mapping[str, tuple[str, ...]]  # each INTERLINKER's identifiers

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, number: int, size: int) -> list[URIRef]:
        start = (number - 1) * size
        return list(self.items[start : start + size])

    def after(self, key: str, size: int) -> list[URIRef]:
        """The ``size`` INTERLINKERs whose identifier comes after ``key``."""
        start = bisect.bisect_right(self.ids, key)
        return list(self.items[start : start + size])

    def named(self, identifier: str) -> list[URIRef]:
        """The INTERLINKERs with ``identifier``, by IRI."""
        start = bisect.bisect_left(self.ids, identifier)
        end = bisect.bisect_right(self.ids, identifier, lo=start)
        return list(self.items[start:end])

    def position(self, key: str) -> int:
        """How many identifiers come at or before ``key``."""
        return bisect.bisect_right(self.ids, key)

    def key_before(self, index: int) -> str | None:
        """The key that starts a page at ``index`` (None: the first page)."""
        return self.ids[index - 1] if index > 0 else None

    def patched(self, store: Store, subjects: frozenset[str]) -> Keys:
        """These keys with the INTERLINKERs among ``subjects`` read again: each old pair found
        and each new one placed by binary search (copies of the lists, no loop over them)."""
        ids, items, ids_of = list(self.ids), list(self.items), dict(self.ids_of)
        for subject in subjects:
            for ident in ids_of.pop(subject, ()):
                at = _pair_at(ids, items, ident, URIRef(subject))
                if at < len(ids) and ids[at] == ident and str(items[at]) == subject:
                    del ids[at], items[at]
        for ident, item in _pairs(store, [URIRef(s) for s in sorted(subjects)]):
            at = _pair_at(ids, items, ident, item)
            ids.insert(at, ident)
            items.insert(at, item)
            ids_of[str(item)] = (*ids_of.get(str(item), ()), ident)
        return Keys(tuple(ids), tuple(items), ids_of)

    def needs_merge(self) -> bool:
        return False  # patched in full each time

    def knows(self, subject: str) -> bool:
        return subject in self.ids_of


def _pair_at(ids: list[str], items: list[URIRef], ident: str, item: URIRef) -> int:
    """Where the pair (``ident``, ``item``) is, or goes, in the pairs' order."""
    at, end = bisect.bisect_left(ids, ident), bisect.bisect_right(ids, ident)
    while at < end and str(items[at]) < str(item):  # ties of identifiers: by IRI
        at += 1
    return at


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
    ids_of: dict[str, tuple[str, ...]] = {}
    for ident, item in pairs:
        ids_of[str(item)] = (*ids_of.get(str(item), ()), ident)
    return Keys(tuple(i for i, _ in pairs), tuple(item for _, item in pairs), ids_of)


_KEYS = Maintained(_read)


def keys(store: Store) -> Keys:
    """The sorted identifiers of ``store``'s current generation."""
    return _KEYS.get(store)


def current_keys(store: Store) -> Keys | None:
    """The sorted identifiers if they are up to date with ``store``'s content (the warmer
    keeps them so), else None: nothing is read."""
    return _KEYS.current(store)
