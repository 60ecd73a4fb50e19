"""Co-production teams as read models, and as RDF (FOAF/ORG). Pure: no I/O.

A team is ``<teams/{id}> a ilk:Team`` with a ``foaf:name``, an optional ``dct:description``, a
type from the team-types scheme and its creation time; each member holds an
``org:Membership`` (``<teams/{id}/memberships/{user}>``) with a role from the member-roles
scheme. Users are named by their account (``<agents/users/{user}>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rdflib import Graph, Literal, URIRef

from interlink_kg.model import iris
from interlink_kg.vocab import DCT, FOAF, ILK, ORG, RDF, XSD

TEAM_TYPES = ("citizens", "public_administration", "nonprofit", "forprofit")
# The API's role names -> concepts of the member-roles scheme.
MEMBER_ROLES = {"admin": "administrator", "member": "member"}
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 5000


@dataclass(frozen=True)
class Member:
    user: str
    role: str  # "admin" or "member"

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "role": self.role}


@dataclass(frozen=True)
class Team:
    identifier: str
    name: str
    team_type: str
    created: datetime
    description: str | None = None
    members: tuple[Member, ...] = field(default_factory=tuple)

    @property
    def admins(self) -> tuple[str, ...]:
        return tuple(m.user for m in self.members if m.role == "admin")

    def role_of(self, user: str) -> str | None:
        return next((m.role for m in self.members if m.user == user), None)

    def with_member(self, user: str, role: str) -> Team:
        others = tuple(m for m in self.members if m.user != user)
        members = tuple(sorted((*others, Member(user, role)), key=lambda m: m.user))
        return Team(
            self.identifier, self.name, self.team_type, self.created, self.description, members
        )

    def without_member(self, user: str) -> Team:
        members = tuple(m for m in self.members if m.user != user)
        return Team(
            self.identifier, self.name, self.team_type, self.created, self.description, members
        )

    def to_dict(self, base_iri: str) -> dict[str, Any]:
        return {
            "id": self.identifier,
            "iri": base_iri + team_path(self.identifier),
            "name": self.name,
            "type": self.team_type,
            "description": self.description,
            "created": self.created.isoformat().replace("+00:00", "Z"),
            "members": [m.to_dict() for m in self.members],
        }


def team_path(identifier: str) -> str:
    return f"teams/{iris.segment(identifier)}"


def user_iri(base_iri: str, user: str) -> URIRef:
    return URIRef(f"{base_iri}agents/users/{iris.segment(user)}")


def team_graph(team: Team, base_iri: str) -> Graph:
    """The team and its memberships as RDF."""
    graph = Graph()
    node = URIRef(base_iri + team_path(team.identifier))
    graph.add((node, RDF.type, ILK.Team))
    graph.add((node, DCT.identifier, Literal(team.identifier)))
    graph.add((node, FOAF.name, Literal(team.name)))
    if team.description:
        graph.add((node, DCT.description, Literal(team.description)))
    graph.add((node, ILK.teamType, URIRef(f"{base_iri}vocabularies/team-types/{team.team_type}")))
    graph.add((node, DCT.created, Literal(team.created, datatype=XSD.dateTime)))
    for member in team.members:
        membership = URIRef(f"{node}/memberships/{iris.segment(member.user)}")
        graph.add((membership, RDF.type, ORG.Membership))
        graph.add((membership, ORG.member, user_iri(base_iri, member.user)))
        graph.add((membership, ORG.organization, node))
        role = MEMBER_ROLES[member.role]
        graph.add(
            (membership, ILK.memberRole, URIRef(f"{base_iri}vocabularies/member-roles/{role}"))
        )
    return graph


def team_from_graph(graph: Graph, base_iri: str, identifier: str) -> Team | None:
    """The team ``identifier`` as :func:`team_graph` wrote it; None when the graph is empty."""
    node = URIRef(base_iri + team_path(identifier))
    name = graph.value(node, FOAF.name)
    created = graph.value(node, DCT.created)
    kind = graph.value(node, ILK.teamType)
    if name is None or not isinstance(created, Literal) or kind is None:
        return None
    roles = {concept: role for role, concept in MEMBER_ROLES.items()}
    members = []
    for membership in graph.subjects(ORG.organization, node):
        user = graph.value(membership, ORG.member)
        role = graph.value(membership, ILK.memberRole)
        if user is None or role is None:
            continue
        members.append(Member(str(user).rsplit("/", 1)[-1], roles[str(role).rsplit("/", 1)[-1]]))
    description = graph.value(node, DCT.description)
    return Team(
        identifier,
        str(name),
        str(kind).rsplit("/", 1)[-1],
        created.toPython(),
        str(description) if description is not None else None,
        tuple(sorted(members, key=lambda m: m.user)),
    )
