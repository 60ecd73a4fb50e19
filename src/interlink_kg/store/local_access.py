"""The server's side of reading a held store (:mod:`interlink_kg.store.held`): answer a SPARQL
query on one of the stores the server holds, for a caller that shows the key of the server's
note. Queries only; the HTTP route (``web/routes/local_store.py``) adds the loopback check."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol

from interlink_kg.errors import NotFoundError, StoreUnavailableError, UnauthorizedError

AT_ONCE = 2  # local queries running at a time: the rest of the server's threads stay free


class Answering(Protocol):
    def answer(
        self, query: str, *, union: bool, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[bytes, str]: ...


class LocalAccess:
    """The key of this server's note and the stores it lets the command line read."""

    def __init__(self, key: str, stores: Mapping[str, object]) -> None:
        self.key = key
        self._slots = threading.BoundedSemaphore(AT_ONCE)
        self._stores = {
            name: store
            for name, store in stores.items()
            if callable(getattr(store, "answer", None))
        }

    def answer(
        self,
        name: str,
        key: str | None,
        query: str,
        *,
        union: bool,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> tuple[bytes, str]:
        if not key or not hmac.compare_digest(key.encode(), self.key.encode()):
            raise UnauthorizedError("this needs the key of the server's note beside the store")
        store = self._stores.get(name)
        if store is None:
            raise NotFoundError(f"no local store {name!r}")
        answering: Answering = store  # type: ignore[assignment]
        if not self._slots.acquire(blocking=False):
            raise StoreUnavailableError(
                f"the server is already answering {AT_ONCE} queries of the command line"
            )
        try:
            return answering.answer(
                query, union=union, default_graphs=default_graphs, named_graphs=named_graphs
            )
        finally:
            self._slots.release()
