"""The store contract and its backends, chosen by URL (``oxigraph:PATH``, ``memory:``)."""

from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.registry import open_store, register_backend

__all__ = ["GraphPayload", "Store", "open_store", "register_backend"]
