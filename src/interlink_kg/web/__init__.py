"""The HTTP adapter: a Flask application factory, one blueprint per resource."""
