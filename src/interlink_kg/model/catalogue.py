"""Plain read models of the catalogue, as the services hand them to the adapters. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The groups (top concepts) of problem profiles, in the order the co-production process meets
# them; problem profile ids start with their group.
PROBLEM_GROUPS = ("ORG", "UND", "DEF", "BUILD", "VAL", "SUS", "HACKATHON")


def _plain(record: Any) -> dict[str, Any]:
    """A dataclass as a JSON-ready dict: its tuples become lists."""
    out: dict[str, Any] = asdict(record)
    for key, value in out.items():
        if isinstance(value, tuple):
            out[key] = list(value)
    return out


@dataclass(frozen=True)
class InterlinkerSummary:
    id: str
    iri: str
    title: str | None
    title_language: str | None
    kind: str | None
    problem_profiles: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


def page_count(total: int, per_page: int) -> int:
    """How many pages of ``per_page`` items hold ``total`` items (at least one, maybe empty)."""
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Page:
    items: tuple[Any, ...]
    page: int
    per_page: int
    total: int

    @property
    def last_page(self) -> int:
        return page_count(self.total, self.per_page)


@dataclass(frozen=True)
class ProblemProfile:
    id: str
    iri: str
    label: str | None
    label_language: str | None
    group: str | None
    group_label: str | None
    definition: str | None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass(frozen=True)
class SchemaSummary:
    id: str
    iri: str
    title: str | None
    title_language: str | None
    tasks: int

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


@dataclass
class SchemaNode:
    """A schema, phase, objective or task in a schema tree."""

    kind: str
    id: str
    iri: str
    order: int | None
    title: str | None
    description: str | None
    problem_profiles: tuple[str, ...] = ()
    effective_problem_profiles: tuple[str, ...] = ()
    part_of_codelivery: bool | None = None
    children: list[SchemaNode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "iri": self.iri,
            "title": self.title,
            "description": self.description,
        }
        if self.order is not None:
            out["order"] = self.order
        if self.kind == "phase":
            out["part_of_codelivery"] = self.part_of_codelivery
        if self.kind in {"objective", "task"}:
            out["problem_profiles"] = list(self.problem_profiles)
        if self.kind == "task":
            out["effective_problem_profiles"] = list(self.effective_problem_profiles)
        child_key = {"schema": "phases", "phase": "objectives", "objective": "tasks"}.get(self.kind)
        if child_key:
            out[child_key] = [c.to_dict() for c in self.children]
        return out


def effective_problem_profiles(own: tuple[str, ...], objective: tuple[str, ...]) -> tuple[str, ...]:
    """A task's effective problem profiles: its own plus its objective's, sorted, no repeats."""
    return tuple(sorted(set(own) | set(objective)))
