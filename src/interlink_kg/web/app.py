"""The Flask application factory: builds the state (:mod:`.state`), registers the routes."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_cors import CORS

from interlink_kg.coproduction.environment import coproduction
from interlink_kg.curation.submissions import Workspace
from interlink_kg.finding.cache import AnswerCache
from interlink_kg.finding.candidates import candidate_index
from interlink_kg.finding.keys import keys
from interlink_kg.finding.relevance import text_relevance
from interlink_kg.finding.search import SearchIndex
from interlink_kg.finding.warmer import Warmer
from interlink_kg.publishing import catalogue_pages
from interlink_kg.rdf.untrusted import InputLimits
from interlink_kg.settings import Settings
from interlink_kg.sparql.endpoint import EndpointLimits, PublicEndpoint
from interlink_kg.store import Store, open_settings_store, open_workspace_store
from interlink_kg.store.local_access import LocalAccess
from interlink_kg.validation.engine import validator
from interlink_kg.validation.pool import ValidationLimits, ValidationPool
from interlink_kg.web import browser_session
from interlink_kg.web import pages as page_support
from interlink_kg.web.auth import Authenticator
from interlink_kg.web.body_limit import install_body_limit
from interlink_kg.web.errors import register_error_handlers
from interlink_kg.web.expensive import ExpensiveWork
from interlink_kg.web.routes import (
    catalogue,
    entry_points,
    health,
    interlinkers,
    local_store,
    pages,
    problem_profiles,
    processes,
    published,
    quality,
    ratings,
    recommendations,
    resources,
    schemas,
    sparql,
    submissions,
    teams,
    validation,
)
from interlink_kg.web.state import KEY, AppState, close_app

__all__ = ["close_app", "create_app"]

BLUEPRINTS = (
    entry_points.bp,
    pages.bp,
    health.bp,
    interlinkers.bp,
    problem_profiles.bp,
    schemas.bp,
    submissions.bp,
    teams.bp,
    processes.bp,
    ratings.bp,
    validation.bp,
    quality.bp,
    recommendations.bp,
    published.bp,
    resources.bp,
    catalogue.bp,
    sparql.bp,
    local_store.bp,
)


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    workspace_store: Store | None = None,
    *,
    precompute: bool = False,
    local_key: str | None = None,
) -> Flask:
    """Build the app; stores are opened now unless given (tests pass their own).

    ``precompute`` computes every task's default recommendations in the background after
    start-up and after each catalogue change, and settles the heap once they are first built
    (the server does; tests need not; see :func:`finding.warmer.settle_heap`). Worker
    processes start on first use (or at once with ``precompute``); :func:`close_app` stops
    them."""
    settings = settings or Settings.from_env()
    app = Flask("interlink_kg")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    catalogue_store = store if store is not None else open_settings_store(settings)
    private = workspace_store if workspace_store is not None else open_workspace_store(settings)
    limits = InputLimits(max_bytes=settings.max_body_bytes)
    # room for the warmer's answers (every schema task in four languages: 436 for the bundled
    # schemas) beside those asked with filters; an answer of 10 is about 20 kB
    answers: AnswerCache[Any] = AnswerCache(catalogue_store, size=2048)
    auth = Authenticator(settings.tokens_file, settings.tokens_env)
    workspace = Workspace(
        catalogue_store, private, settings.base_iri, validator(settings.base_iri), limits
    )
    together = coproduction(
        catalogue_store,
        private,
        settings.base_iri,
        user_exists=auth.knows,
        is_deprecated=workspace.is_deprecated,
    )
    publication = together.publication
    search = SearchIndex(catalogue_store)
    state = AppState(
        settings=settings,
        store=catalogue_store,
        workspace=workspace,
        auth=auth,
        search=search,
        answers=answers,
        warmer=Warmer(
            catalogue_store,
            settings.base_iri,
            answers,
            indexes=(
                lambda: candidate_index(catalogue_store),
                text_relevance(catalogue_store).warm,
                search.warm,
                lambda: keys(catalogue_store),
                lambda: catalogue_pages.warm(catalogue_store, settings.base_iri),
            ),
            settle_when_ready=precompute,
        ),
        sparql=PublicEndpoint(catalogue_store, settings.base_iri, endpoint_limits(settings)),
        validation=ValidationPool(
            settings.base_iri, settings.contact_email, limits, validation_limits(settings)
        ),
        expensive=ExpensiveWork(settings.threads),
        teams=together.teams,
        publication=publication,
        processes=together.processes,
        ratings=together.ratings,
        local_access=LocalAccess(local_key, {"catalogue": catalogue_store, "workspace": private})
        if local_key
        else None,
    )
    app.extensions[KEY] = state
    # Caches check the catalogue's generation themselves; this only gives the endpoint's
    # snapshot a head start after a change made here.
    state.workspace.on_change.append(state.sparql.catalogue_changed)
    publication.on_change.append(state.sparql.catalogue_changed)
    # Finish what a crash interrupted (a half-made approval, a missed refresh, a process not
    # yet published) before serving.
    state.workspace.recover()
    publication.reconcile()
    if precompute:
        state.workspace.on_change.append(state.warmer.start)
        publication.on_change.append(state.warmer.start)
        state.warmer.start()
        state.sparql.warm()
        state.validation.warm()
    register_error_handlers(app)
    install_body_limit(app)
    browser_session.install(app, settings)
    page_support.install(app)
    # Anyone may read from any origin; only the SPARQL endpoint takes cross-origin POSTs.
    CORS(
        app,
        resources={
            r"/sparql": {"methods": ["GET", "POST", "OPTIONS"]},
            r"/*": {"methods": ["GET", "HEAD", "OPTIONS"]},
        },
        allow_headers=[
            "Accept",
            "Accept-Language",
            "Accept-Profile",
            "Content-Type",
            "If-None-Match",
        ],
        expose_headers=["Content-Profile", "ETag", "Link", "Retry-After", "Vary"],
        max_age=86400,
        send_wildcard=True,
    )
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def endpoint_limits(settings: Settings) -> EndpointLimits:
    return EndpointLimits(
        time_limit=settings.sparql_time_limit,
        max_concurrent=settings.sparql_max_concurrent,
        queue_wait=settings.sparql_queue_wait,
        max_result_bytes=settings.sparql_max_result_bytes,
        memory_bytes=settings.sparql_memory_mb * 1024 * 1024,
        allowed_services=settings.sparql_allowed_services,
    )


def validation_limits(settings: Settings) -> ValidationLimits:
    return ValidationLimits(
        time_limit=settings.validation_time_limit,
        max_concurrent=settings.validation_max_concurrent,
        memory_bytes=settings.validation_memory_mb * 1024 * 1024,
    )
