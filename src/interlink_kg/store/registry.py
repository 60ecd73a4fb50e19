"""Pick a store backend by the scheme of its URL; backends register themselves by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interlink_kg.errors import ConfigurationError, InterlinkKGError, StoreInUseError
from interlink_kg.settings import Settings, shown
from interlink_kg.store import rebuild
from interlink_kg.store.base import Store
from interlink_kg.store.serving_record import ON_DISK

BackendFactory = Callable[..., Store]  # (part after the colon, **options) -> store
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(scheme: str, factory: BackendFactory) -> None:
    """Make ``open_store('<scheme>:...')`` use ``factory`` (given the part after the colon and
    the options: ``token``, ``timeout``, ``long_timeout``, which a backend may ignore)."""
    _BACKENDS[scheme] = factory


def open_store(
    url: str,
    *,
    token: str | None = None,
    timeout: float | None = None,
    long_timeout: float | None = None,
) -> Store:
    """Open the store a URL names, e.g. ``oxigraph:/var/lib/ilk``, ``memory:`` or
    ``sparql+http://127.0.0.1:7878/`` (a SPARQL server, :mod:`interlink_kg.store.remote`;
    ``timeout`` for each call, ``long_timeout`` for a whole-store write)."""
    scheme, sep, rest = url.partition(":")
    if not sep or scheme not in _BACKENDS:
        known = ", ".join(f"{name}:" for name in sorted(_BACKENDS))
        raise ConfigurationError(
            f"unknown store URL {url!r}; use one of: {known}", details={"store": url}
        )
    given = {"token": token, "timeout": timeout, "long_timeout": long_timeout}
    options = {k: v for k, v in given.items() if v is not None}
    return _BACKENDS[scheme](rest, **options)


def open_or_through_server(
    url: str,
    *,
    token: str | None = None,
    timeout: float | None = None,
    long_timeout: float | None = None,
) -> Store:
    """:func:`open_store`, or, when an on-disk store is locked by ``interlink-kg serve``, the
    store read through that server (:class:`~interlink_kg.store.held.HeldStore`: reads work,
    changes are refused with the way to make them). For the command line, never the server."""
    try:
        return open_store(url, token=token, timeout=timeout, long_timeout=long_timeout)
    except StoreInUseError as in_use:
        from interlink_kg.store.held import HeldStore
        from interlink_kg.store.serving_record import folder_of, read_record

        folder = folder_of(url)
        record = read_record(folder) if folder is not None else None
        if folder is None or record is None:
            raise
        held = HeldStore(folder, record, **({"timeout": timeout} if timeout else {}))
        try:
            held.ask("ASK {}")  # the note's server answers with the note's key
        except InterlinkKGError as unreachable:
            held.close()
            raise StoreInUseError(
                f"{in_use.message}; the server's note beside it "
                f"({folder.name}.serving.json, process {record.pid}) does not lead to a "
                f"server that answers ({unreachable.message}): another program may hold the "
                "store, or the note is stale",
                details=in_use.details,
            ) from unreachable
        return held


def open_settings_store(settings: Settings, *, through_server: bool = False) -> Store:
    """The catalogue store the settings name, with their credentials and timeout;
    ``through_server``: see :func:`open_or_through_server`."""
    opener = open_or_through_server if through_server else open_store
    return opener(
        settings.store_url,
        token=settings.store_token,
        timeout=settings.store_timeout,
        long_timeout=settings.store_long_timeout,
    )


def open_workspace_store(settings: Settings, *, through_server: bool = False) -> Store:
    """The workspace store (teams, processes, submissions) the settings name."""
    if not settings.workspace_url:
        raise ConfigurationError(
            f"the catalogue store {shown(settings.store_url)} is remote, so the workspace (teams, "
            "private processes, submissions) has no place beside it: set "
            "INTERLINK_KG_WORKSPACE to a second SPARQL server or dataset (sparql+http://...) "
            "or to a folder (oxigraph:PATH)",
            details={"store": shown(settings.store_url)},
        )
    opener = open_or_through_server if through_server else open_store
    return opener(
        settings.workspace_url,
        token=settings.workspace_token,
        timeout=settings.store_timeout,
        long_timeout=settings.store_long_timeout,
    )


def store_exists(url: str) -> bool:
    """False when ``url`` names an on-disk store whose folder is missing or empty (opening it
    would create a new, empty store: usually a typo)."""
    scheme, _, rest = url.partition(":")
    if scheme not in ON_DISK:
        return True
    folder = Path(rest).expanduser()
    if folder.is_dir() and any(folder.iterdir()):
        return True
    # a rebuild a process left between its two renames: the next opening completes it
    return rebuild.fresh_folder(folder).is_dir() or rebuild.retired_folder(folder).is_dir()


def serving_url(store_url: str) -> str:
    """The URL to serve a store from: an on-disk Oxigraph store through an in-memory copy
    (reads ~3x faster; writes still go to disk first)."""
    scheme, _, rest = store_url.partition(":")
    return f"oxigraph-mirror:{rest}" if scheme == "oxigraph" else store_url


def _register_builtin() -> None:
    from interlink_kg.store.mirrored import open_mirrored
    from interlink_kg.store.oxigraph import open_memory, open_oxigraph
    from interlink_kg.store.remote import open_remote

    register_backend("oxigraph", lambda rest, **_: open_oxigraph(rest))
    register_backend("oxigraph-mirror", lambda rest, **_: open_mirrored(rest))
    register_backend("memory", lambda rest, **_: open_memory(rest))
    for scheme in ("http", "https"):
        register_backend(
            f"sparql+{scheme}",
            lambda rest, scheme=scheme, **options: open_remote(f"{scheme}:{rest}", **options),
        )


_register_builtin()
