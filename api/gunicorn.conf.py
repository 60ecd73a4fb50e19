"""gunicorn settings for production.

One worker process: the embedded Oxigraph store on disk is opened by one process at a time.
Concurrency comes from threads; put several instances behind a proxy with a remote SPARQL store
when one machine is not enough.
"""

import os

bind = os.environ.get("INTERLINK_KG_BIND", "127.0.0.1:8080")
workers = 1
worker_class = "gthread"
threads = int(os.environ.get("INTERLINK_KG_THREADS", "4"))
timeout = 60
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
limit_request_line = 8190
