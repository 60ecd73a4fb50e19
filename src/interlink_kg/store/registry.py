"""Pick a store backend by the scheme of its URL; backends register themselves by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interlink_kg.errors import ConfigurationError
from interlink_kg.store.base import Store

BackendFactory = Callable[[str], Store]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(scheme: str, factory: BackendFactory) -> None:
    """Make ``open_store('<scheme>:...')`` use ``factory`` (given the part after the colon)."""
    _BACKENDS[scheme] = factory


def open_store(url: str) -> Store:
    """Open the store a URL names, e.g. ``oxigraph:/var/lib/ilk`` or ``memory:``."""
    scheme, sep, rest = url.partition(":")
    if not sep or scheme not in _BACKENDS:
        known = ", ".join(f"{name}:" for name in sorted(_BACKENDS))
        raise ConfigurationError(
            f"unknown store URL {url!r}; use one of: {known}", details={"store": url}
        )
    return _BACKENDS[scheme](rest)


# Backends whose URL names a folder on this machine (the part after the colon).
_ON_DISK = {"oxigraph", "oxigraph-mirror"}


def store_exists(url: str) -> bool:
    """False when ``url`` names an on-disk store whose folder is missing or empty (opening it
    would create a new, empty store: usually a typo)."""
    scheme, _, rest = url.partition(":")
    if scheme not in _ON_DISK:
        return True
    folder = Path(rest).expanduser()
    return folder.is_dir() and any(folder.iterdir())


def serving_url(store_url: str) -> str:
    """The URL to serve a store from: an on-disk Oxigraph store through an in-memory copy
    (reads ~3x faster; writes still go to disk first)."""
    scheme, _, rest = store_url.partition(":")
    return f"oxigraph-mirror:{rest}" if scheme == "oxigraph" else store_url


def _register_builtin() -> None:
    from interlink_kg.store.oxigraph import open_memory, open_mirrored, open_oxigraph

    register_backend("oxigraph", open_oxigraph)
    register_backend("oxigraph-mirror", open_mirrored)
    register_backend("memory", open_memory)


_register_builtin()
