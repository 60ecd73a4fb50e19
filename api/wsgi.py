"""WSGI entry point for an operator's own WSGI server: ``waitress-serve api.wsgi:app``.

``interlink-kg serve`` is the supported way to serve (waitress with the limits of the README).
Another server must read whole requests before handing them to the app (gunicorn's sync and
gthread workers do not: put them behind a buffering reverse proxy), or four slow clients can
occupy every thread.

Settings come from the environment (``INTERLINK_KG_STORE``, ``INTERLINK_KG_BASE_IRI`` ...). An
on-disk catalogue store is served from an in-memory copy, as ``interlink-kg serve`` does; load
it first with ``interlink-kg load``.
"""

import atexit
from dataclasses import replace

from interlink_kg.settings import Settings
from interlink_kg.store.registry import serving_url
from interlink_kg.web.app import close_app, create_app

_settings = Settings.from_env()
app = create_app(replace(_settings, store_url=serving_url(_settings.store_url)), precompute=True)
# The server this module is handed to cannot tell the app it stops: stop its workers at exit.
atexit.register(close_app, app)
