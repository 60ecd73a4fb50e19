"""WSGI entry point: ``gunicorn -c api/gunicorn.conf.py api.wsgi:app``.

Settings come from the environment (``INTERLINK_KG_STORE``, ``INTERLINK_KG_BASE_IRI``).
"""

from interlink_kg.web.app import create_app

app = create_app()
