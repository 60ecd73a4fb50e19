"""Whether a bulk load that replaces graphs rebuilds the store rather than replacing them in
place (:mod:`interlink_kg.store.rebuild`).

In place, each replaced triple is deleted twice (the old graph, then the staging copy) and
copied once: about 90 µs a triple on the embedded store at 100k INTERLINKERs, most of it the
engine's deletes. A rebuild copies what the load keeps, through the engine's own dump and bulk
loader, at a few µs a triple, and deletes nothing (``bench/RESULTS.md``, measured replacing
almost the whole store). By those rates it pays once the graphs replaced hold about a tenth of
the store; below that, replacing in place copies less (an estimate, not measured).
"""

from __future__ import annotations

from collections.abc import Collection

from interlink_kg.queries import query
from interlink_kg.store.base import Rebuilding, Store

# The least share of the store's triples the replaced graphs hold for a load to rebuild it
# (above 1: never).
REBUILD_SHARE = 0.1


def rebuilding(store: Store, replaced: Collection[str]) -> Rebuilding | None:
    """``store``, when a load replacing ``replaced`` should rebuild it; else None."""
    if not replaced or not isinstance(store, Rebuilding) or not store.rebuilds:
        return None
    sizes = {str(r["g"]): int(str(r["triples"])) for r in store.select(query("graph-sizes"))}
    total = sum(sizes.values())
    held = sum(sizes.get(graph, 0) for graph in replaced)
    return store if total == 0 or held >= REBUILD_SHARE * total else None
