"""The application's state: one object, built once by the factory, found by the routes.

Routes look the state up with :func:`state` (as flaskr's ``db.py`` does), so no route module
imports the factory and the factory imports the routes without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from interlink_kg.coproduction.processes import Processes
from interlink_kg.coproduction.publication import Publication
from interlink_kg.coproduction.ratings import Ratings
from interlink_kg.coproduction.teams import Teams
from interlink_kg.curation.submissions import Workspace
from interlink_kg.finding.cache import AnswerCache
from interlink_kg.finding.search import SearchIndex
from interlink_kg.finding.warmer import Warmer
from interlink_kg.settings import Settings
from interlink_kg.sparql.endpoint import PublicEndpoint
from interlink_kg.store import Store
from interlink_kg.store.local_access import LocalAccess
from interlink_kg.validation.pool import ValidationPool
from interlink_kg.web.auth import Authenticator
from interlink_kg.web.expensive import ExpensiveWork

KEY = "interlink_kg"


@dataclass
class AppState:
    settings: Settings
    store: Store  # the catalogue: published data only
    workspace: Workspace  # the curators' workflow over the catalogue and workspace stores
    auth: Authenticator
    search: SearchIndex
    answers: AnswerCache[Any]  # recommendations already computed, until the catalogue changes
    warmer: Warmer
    sparql: PublicEndpoint
    validation: ValidationPool
    expensive: ExpensiveWork
    teams: Teams
    publication: Publication  # what co-production publishes in the catalogue store
    processes: Processes
    ratings: Ratings
    local_access: LocalAccess | None = None  # the command line's reads of held stores

    def close(self) -> None:
        """Stop the worker processes (query and validation pools)."""
        self.sparql.close()
        self.validation.close()


def state() -> AppState:
    """The current app's state (inside a request or an app context)."""
    found: AppState = current_app.extensions[KEY]
    return found


def state_of(app: Flask) -> AppState:
    found: AppState = app.extensions[KEY]
    return found


def close_app(app: Flask) -> None:
    """Stop what the app started (the server calls it on shutdown, tests after use)."""
    state_of(app).close()
