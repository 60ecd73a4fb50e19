"""The Flask application factory."""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask, current_app
from flask_cors import CORS

from interlink_kg.curation.submissions import Workspace
from interlink_kg.finding.cache import AnswerCache
from interlink_kg.finding.search import SearchIndex
from interlink_kg.finding.warmer import Warmer
from interlink_kg.rdf.untrusted import InputLimits
from interlink_kg.settings import Settings
from interlink_kg.sparql.endpoint import EndpointLimits, PublicEndpoint
from interlink_kg.store import Store, open_store
from interlink_kg.validation.engine import validator
from interlink_kg.validation.pool import ValidationLimits, ValidationPool
from interlink_kg.web.auth import Authenticator
from interlink_kg.web.body_limit import install_body_limit
from interlink_kg.web.errors import register_error_handlers
from interlink_kg.web.expensive import ExpensiveWork

_STORE_KEY = "interlink_kg.store"
_SETTINGS_KEY = "interlink_kg.settings"
_WORKSPACE_KEY = "interlink_kg.workspace"
_AUTH_KEY = "interlink_kg.auth"
_SEARCH_KEY = "interlink_kg.search"
_CACHE_KEY = "interlink_kg.answers"
_WARMER_KEY = "interlink_kg.warmer"
_SPARQL_KEY = "interlink_kg.sparql"
_VALIDATION_KEY = "interlink_kg.validation"
_EXPENSIVE_KEY = "interlink_kg.expensive"


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    workspace_store: Store | None = None,
    *,
    precompute: bool = False,
) -> Flask:
    """Build the app; stores are opened now unless given (tests pass their own).

    ``precompute`` computes every task's default recommendations in the background after
    start-up and after each catalogue change (the server does; tests need not)."""
    settings = settings or Settings.from_env()
    app = Flask("interlink_kg")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    catalogue = store if store is not None else open_store(settings.store_url)
    private = workspace_store if workspace_store is not None else open_store(settings.workspace_url)
    app.extensions[_SETTINGS_KEY] = settings
    app.extensions[_STORE_KEY] = catalogue
    app.extensions[_WORKSPACE_KEY] = Workspace(
        catalogue,
        private,
        settings.base_iri,
        validator(settings.base_iri),
        InputLimits(max_bytes=settings.max_body_bytes),
    )
    app.extensions[_AUTH_KEY] = Authenticator(settings.tokens_file, settings.tokens_env)
    index = SearchIndex(catalogue)
    app.extensions[_SEARCH_KEY] = index
    app.extensions[_WORKSPACE_KEY].on_change.append(index.invalidate)
    answers: AnswerCache[Any] = AnswerCache()
    app.extensions[_CACHE_KEY] = answers
    app.extensions[_WORKSPACE_KEY].on_change.append(answers.clear)
    public_endpoint = PublicEndpoint(catalogue, settings.base_iri, endpoint_limits(settings))
    app.extensions[_SPARQL_KEY] = public_endpoint
    app.extensions[_WORKSPACE_KEY].on_change.append(public_endpoint.catalogue_changed)
    atexit.register(public_endpoint.close)
    validation_pool = ValidationPool(
        settings.base_iri,
        settings.contact_email,
        InputLimits(max_bytes=settings.max_body_bytes),
        ValidationLimits(
            time_limit=settings.validation_time_limit,
            max_concurrent=settings.validation_max_concurrent,
            memory_bytes=settings.validation_memory_mb * 1024 * 1024,
        ),
    )
    app.extensions[_VALIDATION_KEY] = validation_pool
    atexit.register(validation_pool.close)
    app.extensions[_EXPENSIVE_KEY] = ExpensiveWork(settings.threads)
    warmer = Warmer(catalogue, settings.base_iri, answers)
    app.extensions[_WARMER_KEY] = warmer
    # Finish what a crash interrupted (a half-made approval, a missed refresh) before serving.
    app.extensions[_WORKSPACE_KEY].recover()
    if precompute:
        app.extensions[_WORKSPACE_KEY].on_change.append(warmer.start)
        warmer.start()
        public_endpoint.warm()
        validation_pool.warm()
    register_error_handlers(app)
    install_body_limit(app)
    # Anyone may read from any origin; only the SPARQL endpoint takes cross-origin POSTs.
    CORS(
        app,
        resources={
            r"/sparql": {"methods": ["GET", "POST", "OPTIONS"]},
            r"/*": {"methods": ["GET", "HEAD", "OPTIONS"]},
        },
        allow_headers=["Accept", "Accept-Language", "Accept-Profile", "Content-Type"],
        expose_headers=["Content-Profile", "Link", "Retry-After", "Vary"],
        max_age=86400,
        send_wildcard=True,
    )

    from interlink_kg.web.routes import (
        catalogue as catalogue_routes,
    )
    from interlink_kg.web.routes import (
        entry_points,
        health,
        interlinkers,
        problem_profiles,
        published,
        quality,
        recommendations,
        resources,
        schemas,
        sparql,
        submissions,
        validation,
    )

    for blueprint in (
        entry_points.bp,
        health.bp,
        interlinkers.bp,
        problem_profiles.bp,
        schemas.bp,
        submissions.bp,
        validation.bp,
        quality.bp,
        recommendations.bp,
        published.bp,
        resources.bp,
        catalogue_routes.bp,
        sparql.bp,
    ):
        app.register_blueprint(blueprint)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's worker processes (query and validation pools)."""
    app.extensions[_SPARQL_KEY].close()
    app.extensions[_VALIDATION_KEY].close()


def get_store() -> Store:
    store: Store = current_app.extensions[_STORE_KEY]
    return store


def get_settings() -> Settings:
    settings: Settings = current_app.extensions[_SETTINGS_KEY]
    return settings


def get_workspace() -> Workspace:
    workspace: Workspace = current_app.extensions[_WORKSPACE_KEY]
    return workspace


def get_authenticator() -> Authenticator:
    authenticator: Authenticator = current_app.extensions[_AUTH_KEY]
    return authenticator


def get_search_index() -> SearchIndex:
    index: SearchIndex = current_app.extensions[_SEARCH_KEY]
    return index


def get_recommendation_cache() -> AnswerCache[Any]:
    """Recommendations already computed, per request parameters; cleared on catalogue writes."""
    cache: AnswerCache[Any] = current_app.extensions[_CACHE_KEY]
    return cache


def get_warmer() -> Warmer:
    warmer: Warmer = current_app.extensions[_WARMER_KEY]
    return warmer


def get_sparql_endpoint() -> PublicEndpoint:
    endpoint: PublicEndpoint = current_app.extensions[_SPARQL_KEY]
    return endpoint


def get_validation_pool() -> ValidationPool:
    pool: ValidationPool = current_app.extensions[_VALIDATION_KEY]
    return pool


def get_expensive_work() -> ExpensiveWork:
    """The bound on requests waiting for expensive work (see :mod:`.expensive`)."""
    gate: ExpensiveWork = current_app.extensions[_EXPENSIVE_KEY]
    return gate


def endpoint_limits(settings: Settings) -> EndpointLimits:
    return EndpointLimits(
        time_limit=settings.sparql_time_limit,
        max_concurrent=settings.sparql_max_concurrent,
        queue_wait=settings.sparql_queue_wait,
        max_result_bytes=settings.sparql_max_result_bytes,
        memory_bytes=settings.sparql_memory_mb * 1024 * 1024,
        allowed_services=settings.sparql_allowed_services,
    )
