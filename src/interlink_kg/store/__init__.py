"""The store contract and its backends, chosen by URL (``oxigraph:PATH``, ``memory:``,
``sparql+http://HOST:PORT/``)."""

from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.registry import (
    open_settings_store,
    open_store,
    open_workspace_store,
    register_backend,
)

__all__ = [
    "GraphPayload",
    "Store",
    "open_settings_store",
    "open_store",
    "open_workspace_store",
    "register_backend",
]
