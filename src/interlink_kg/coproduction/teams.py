"""Co-production teams: create one, read it, manage its members.

Teams live in the workspace store (never published), one named graph each, written whole in
one transaction and checked against the co-production shapes first. Who may do what:

* any signed-in user creates a team and becomes its first admin;
* its members, curators and admins read it; to anyone else it does not exist (404);
* its admins (and platform admins) add, change and remove members; a team keeps an admin.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import Graph

from interlink_kg.coproduction import inputs
from interlink_kg.coproduction.clock import utc_now
from interlink_kg.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnprocessableError,
)
from interlink_kg.model import iris
from interlink_kg.model.roles import Account, Role
from interlink_kg.model.teams import (
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    MEMBER_ROLES,
    TEAM_TYPES,
    Member,
    Team,
    team_from_graph,
    team_graph,
)
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.validation.engine import Validator

_text = inputs.text


def _role(value: object) -> str:
    if not isinstance(value, str) or value not in MEMBER_ROLES:
        raise BadRequestError(
            f"role must be one of: {', '.join(MEMBER_ROLES)}",
            details={"field": "role", "allowed": list(MEMBER_ROLES)},
        )
    return str(value)


@dataclass
class Teams:
    store: Store  # the workspace
    base_iri: str
    validator: Validator
    user_exists: Callable[[str], bool] = lambda user: True
    clock: Callable[[], datetime] = utc_now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- reading ----------------------------------------------------------------------------

    def _graph_name(self, identifier: str) -> str:
        return self.base_iri + iris.team_graph(identifier)

    def _load(self, identifier: str) -> Team | None:
        if not iris.is_identifier(identifier):
            return None
        graph = self.store.graph(self._graph_name(identifier))
        return team_from_graph(graph, self.base_iri, identifier)

    def find(self, identifier: str) -> Team | None:
        """The team, whoever asks (for other services; routes use :meth:`get`)."""
        return self._load(identifier)

    def get(self, account: Account, identifier: str) -> Team:
        """The team, if ``account`` may see it (a member, a curator or an admin)."""
        team = self._load(identifier)
        if team is None or not (account.can(Role.CURATOR) or team.role_of(account.user)):
            raise NotFoundError(f"no team {identifier[:100]!r}", details={"id": identifier[:100]})
        return team

    def rdf(self, account: Account, identifier: str) -> Graph:
        return team_graph(self.get(account, identifier), self.base_iri)

    def of(self, account: Account) -> list[Team]:
        """The teams ``account`` belongs to, by identifier."""
        prefix = self.base_iri + iris.TEAMS_PREFIX
        teams = []
        for name in self.store.data_graphs():
            if name.startswith(prefix):
                team = self._load(name.removeprefix(prefix))
                if team is not None and team.role_of(account.user):
                    teams.append(team)
        return sorted(teams, key=lambda t: t.identifier)

    # -- writing ----------------------------------------------------------------------------

    def create(self, account: Account, body: object) -> Team:
        if not isinstance(body, dict):
            raise BadRequestError('send a JSON object: {"name", "type", "description"}')
        inputs.only(body, ("id", "name", "type", "description"))
        name = _text(body.get("name"), "name", MAX_NAME_CHARS, required=True)
        kind = body.get("type")
        if not isinstance(kind, str) or kind not in TEAM_TYPES:
            raise BadRequestError(
                f"type must be one of: {', '.join(TEAM_TYPES)}",
                details={"field": "type", "allowed": list(TEAM_TYPES)},
            )
        description = _text(
            body.get("description"), "description", MAX_DESCRIPTION_CHARS, required=False
        )
        assert name is not None
        with self._lock:
            identifier = inputs.new_identifier(body, name, "team", self._taken)
            team = Team(identifier, name, str(kind), self.clock(), description)
            team = team.with_member(account.user, "admin")
            self._write(team)
        return team

    def set_member(self, account: Account, identifier: str, body: object) -> tuple[Team, bool]:
        """Add a member or change a member's role; the team and whether the member is new."""
        if not isinstance(body, dict):
            raise BadRequestError('send a JSON object: {"user", "role"}')
        user = body.get("user")
        if not isinstance(user, str) or not iris.is_identifier(user):
            raise BadRequestError(
                "user must be an account name (letters, digits, _ . -)", details={"field": "user"}
            )
        role = _role(body.get("role", "member"))
        if not self.user_exists(user):
            raise NotFoundError(f"no account {user!r}", details={"user": user})
        with self._lock:
            team = self._managed(account, identifier)
            new = team.role_of(user) is None
            changed = team.with_member(user, role)
            self._keep_an_admin(changed)
            self._write(changed)
        return changed, new

    def remove_member(self, account: Account, identifier: str, user: str) -> Team:
        with self._lock:
            team = self._managed(account, identifier)
            if team.role_of(user) is None:
                raise NotFoundError(
                    f"{user[:100]!r} is not a member of {identifier!r}",
                    details={"user": user[:100]},
                )
            changed = team.without_member(user)
            self._keep_an_admin(changed)
            self._write(changed)
        return changed

    def _managed(self, account: Account, identifier: str) -> Team:
        """The team, if ``account`` may manage its members (the caller holds the lock)."""
        team = self.get(account, identifier)
        if team.role_of(account.user) != "admin" and not account.can(Role.ADMIN):
            raise ForbiddenError(
                "only the team's admins manage its members",
                details={"role": team.role_of(account.user) or account.role.label},
            )
        return team

    @staticmethod
    def _keep_an_admin(team: Team) -> None:
        if not team.admins:
            raise ConflictError(
                "a team keeps at least one admin: make another member admin first",
                details={"id": team.identifier},
            )

    def _taken(self, identifier: str) -> bool:
        return self._graph_name(identifier) in set(self.store.data_graphs())

    def _write(self, team: Team) -> None:
        graph = team_graph(team, self.base_iri)
        report = self.validator.validate(graph)
        if not report.conforms:
            raise UnprocessableError(
                f"the team breaks {len(report.violations)} rule(s) of the co-production shapes; "
                "nothing was stored",
                details={"report": report.to_dict()},
            )
        payload = GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, self.base_iri, "team")
        self.store.replace_graphs({self._graph_name(team.identifier): payload})


__all__ = ["Member", "Team", "Teams"]
