"""The co-production services wired together over the two stores (the app and the CLI use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from interlink_kg.coproduction.processes import Processes
from interlink_kg.coproduction.publication import Publication
from interlink_kg.coproduction.ratings import Ratings
from interlink_kg.coproduction.teams import Teams
from interlink_kg.store.base import Store
from interlink_kg.validation.engine import validator


@dataclass(frozen=True)
class Coproduction:
    teams: Teams
    publication: Publication
    processes: Processes
    ratings: Ratings


def coproduction(
    catalogue: Store,
    workspace: Store,
    base_iri: str,
    *,
    user_exists: Callable[[str], bool],
    is_deprecated: Callable[[str], bool],
) -> Coproduction:
    check = validator(base_iri)
    teams = Teams(workspace, base_iri, check, user_exists)
    publication = Publication(catalogue, workspace, base_iri)
    processes = Processes(
        workspace, catalogue, base_iri, check, teams, publication, is_deprecated=is_deprecated
    )
    ratings = Ratings(
        workspace, catalogue, base_iri, check, processes, publication, is_deprecated=is_deprecated
    )
    return Coproduction(teams, publication, processes, ratings)
