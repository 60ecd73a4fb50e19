"""Run the app under gunicorn from the command line (``interlink-kg serve``)."""

from __future__ import annotations

from typing import Any, TextIO

from gunicorn.app.base import BaseApplication

from interlink_kg.services.catalogue import counts
from interlink_kg.services.loading import load_bundled
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.web.app import create_app


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self._settings)


def serve(settings: Settings, *, host: str, port: int, threads: int, log: TextIO) -> None:
    """Serve on one worker process with threads: the embedded store allows one writer process.

    An empty store is filled with the bundled catalogue first.
    """
    store = open_store(settings.store_url)
    try:
        if not store.data_graphs():
            summary = load_bundled(store, settings.base_iri)
            log.write(f"loaded the bundled catalogue ({summary.triples} triples)\n")
        sizes = counts(store)
    finally:
        store.close()
    log.write(
        f"serving {sizes['interlinkers']} INTERLINKERs, {sizes['problemProfiles']} problem "
        f"profiles, {sizes['schemas']} schemas ({sizes['tasks']} tasks) on http://{host}:{port}/\n"
    )
    log.flush()
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "accesslog": "-",
    }
    _Server(settings, options).run()
