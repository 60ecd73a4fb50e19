"""Explicit sibling order from upstream 'previous' links."""

from __future__ import annotations

from collections.abc import Sequence

from interlink_kg.errors import SeedImportError
from interlink_kg.importer.seed import SeedItem


def ordered(items: Sequence[SeedItem], where: str) -> list[SeedItem]:
    """Siblings in the order their ``previous`` links give; the chain must be unambiguous.

    Every item names at most the siblings that come before it; exactly one item has no
    predecessor left at each step, otherwise the order would be a guess and we refuse it.
    """
    by_id = {item.identifier: item for item in items}
    if len(by_id) != len(items):
        raise SeedImportError(f"{where}: duplicate ids among siblings")
    for item in items:
        unknown = [p for p in item.previous if p not in by_id]
        if unknown:
            raise SeedImportError(
                f"{where}: {item.identifier} follows unknown sibling(s) {unknown}"
            )
    placed: list[SeedItem] = []
    done: set[str] = set()
    while len(placed) < len(items):
        ready = [i for i in items if i.identifier not in done and set(i.previous) <= done]
        if not ready:
            left = sorted(i.identifier for i in items if i.identifier not in done)
            raise SeedImportError(f"{where}: prerequisite cycle among {left}")
        if len(ready) > 1:
            names = sorted(i.identifier for i in ready)
            raise SeedImportError(f"{where}: ambiguous order, {names} could each come next")
        placed.append(ready[0])
        done.add(ready[0].identifier)
    return placed
