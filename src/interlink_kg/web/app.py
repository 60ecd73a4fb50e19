"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, current_app

from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.errors import register_error_handlers

_STORE_KEY = "interlink_kg.store"
_SETTINGS_KEY = "interlink_kg.settings"


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the app; the store is opened now unless one is given (tests pass their own)."""
    settings = settings or Settings.from_env()
    app = Flask("interlink_kg")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[_SETTINGS_KEY] = settings
    app.extensions[_STORE_KEY] = store if store is not None else open_store(settings.store_url)
    register_error_handlers(app)

    from interlink_kg.web.routes import health, interlinkers, problem_profiles, schemas

    app.register_blueprint(health.bp)
    app.register_blueprint(interlinkers.bp)
    app.register_blueprint(problem_profiles.bp)
    app.register_blueprint(schemas.bp)
    return app


def get_store() -> Store:
    store: Store = current_app.extensions[_STORE_KEY]
    return store


def get_settings() -> Settings:
    settings: Settings = current_app.extensions[_SETTINGS_KEY]
    return settings
