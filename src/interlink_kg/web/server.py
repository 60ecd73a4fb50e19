"""Run the app under gunicorn from the command line (``interlink-kg serve``).

Stores are opened in the worker process, never in the gunicorn master: RocksDB (under the
on-disk Oxigraph store) does not survive a fork, and a store touched before the fork made the
worker's later store operations hang.
"""

from __future__ import annotations

from typing import Any, TextIO

from flask import Flask
from gunicorn.app.base import BaseApplication

from interlink_kg.services.catalogue import counts
from interlink_kg.services.loading import load_bundled
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.web.app import create_app


def serving_url(store_url: str) -> str:
    """Serve an on-disk Oxigraph store from an in-memory copy (writes still go to disk)."""
    scheme, _, rest = store_url.partition(":")
    return f"oxigraph-mirror:{rest}" if scheme == "oxigraph" else store_url


def build_serving_app(settings: Settings, log: TextIO) -> Flask:
    """Open the catalogue store (loading the bundled catalogue if it is empty) and the app."""
    store = open_store(serving_url(settings.store_url))
    if not store.data_graphs():
        summary = load_bundled(store, settings.base_iri)
        log.write(f"loaded the bundled catalogue ({summary.triples} triples)\n")
    sizes = counts(store)
    log.write(
        f"serving {sizes['interlinkers']} INTERLINKERs, {sizes['problemProfiles']} problem "
        f"profiles, {sizes['schemas']} schemas ({sizes['tasks']} tasks)\n"
    )
    log.flush()
    return create_app(settings, store=store, precompute=True)


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any], log: TextIO) -> None:
        self._settings = settings
        self._options = options
        self._log = log
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return build_serving_app(self._settings, self._log)


def serve(settings: Settings, *, host: str, port: int, threads: int, log: TextIO) -> None:
    """Serve on one worker process with threads: an on-disk store allows one process."""
    log.write(f"starting on http://{host}:{port}/ with the store {settings.store_url}\n")
    log.flush()
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "accesslog": "-",
    }
    _Server(settings, options, log).run()
