"""gunicorn settings for several API worker processes on one shared remote store.

    export INTERLINK_KG_STORE=sparql+http://db:7878/
    export INTERLINK_KG_WORKSPACE=sparql+http://db-private:7878/
    INTERLINK_KG_WORKERS=4 gunicorn -c api/gunicorn_conf.py api.wsgi:app

Each worker opens its own pooled client to the store and keeps its own search index, answer
cache and precomputed rankings; all of them follow the catalogue's generation stamp, which lives
in the store, so a change made through one worker is seen through every other one on its next
request (``tests/test_workers.py``). An embedded store cannot be shared: one on-disk Oxigraph
store opens in one process, and ``memory:`` would give each worker its own catalogue, so more
than one worker needs a remote store (the server refuses to start otherwise).

gthread workers do not read whole requests before handing them to a thread: put gunicorn behind
a buffering reverse proxy (nginx's default), or slow clients can hold every thread.
"""

import os

from interlink_kg.errors import ConfigurationError
from interlink_kg.settings import Settings

_settings = Settings.from_env()

bind = os.environ.get("INTERLINK_KG_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("INTERLINK_KG_WORKERS", "2"))
worker_class = "gthread"
threads = _settings.threads
timeout = 120  # a worker's start-up ranks every task before it is declared ready
graceful_timeout = 30
max_requests = 0
preload_app = False  # each worker opens its own store client (no connection crosses a fork)


def on_starting(server: object) -> None:
    scheme = _settings.store_url.partition(":")[0]
    if workers > 1 and not scheme.startswith("sparql+"):
        raise ConfigurationError(
            f"{workers} workers need a remote store (INTERLINK_KG_STORE=sparql+http://...): "
            f"the store {_settings.store_url} cannot be shared between processes; use one "
            "worker, or `interlink-kg serve`"
        )
    if workers > 1 and not _settings.workspace_url.partition(":")[0].startswith("sparql+"):
        raise ConfigurationError(
            f"{workers} workers need a remote workspace (INTERLINK_KG_WORKSPACE=sparql+http://...)"
        )
