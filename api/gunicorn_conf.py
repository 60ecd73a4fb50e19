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
from typing import Any

from interlink_kg.errors import ConfigurationError
from interlink_kg.settings import Settings, shown

_settings = Settings.from_env()

bind = os.environ.get("INTERLINK_KG_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("INTERLINK_KG_WORKERS", "2"))
worker_class = "gthread"
threads = _settings.threads
timeout = 120  # a worker's start-up ranks every task before it is declared ready
graceful_timeout = 30
max_requests = 0
preload_app = False  # each worker opens its own store client (no connection crosses a fork)


# Who served what: the access log names the worker process (%(p)s); off unless asked for.
accesslog = os.environ.get("INTERLINK_KG_ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss worker=%(p)s'


def on_starting(server: Any) -> None:
    """Refuse several workers on stores that cannot be shared (the count gunicorn will really
    start: ``-w`` on the command line wins over this file)."""
    count = int(server.cfg.workers)
    if count > 1 and not _settings.store_url.partition(":")[0].startswith("sparql+"):
        raise ConfigurationError(
            f"{count} workers need a remote store (INTERLINK_KG_STORE=sparql+http://...): "
            f"the store {shown(_settings.store_url)} cannot be shared between processes; use "
            "one worker, or `interlink-kg serve`"
        )
    if count > 1 and not _settings.workspace_url.partition(":")[0].startswith("sparql+"):
        raise ConfigurationError(
            f"{count} workers need a remote workspace (INTERLINK_KG_WORKSPACE=sparql+http://...)"
        )
