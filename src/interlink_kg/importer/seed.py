"""Plain data types for the upstream INTERLINK seed, as read from its JSON files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Translations = dict[str, str]


@dataclass(frozen=True)
class SeedInterlinker:
    folder_kind: str  # software | knowledge | externalsoftware | externalknowledge
    folder: str
    data: dict[str, Any]
    names: Translations
    descriptions: Translations
    instruction_urls: tuple[str, ...] = ()

    @property
    def identifier(self) -> str:
        return str(self.data["id"])


@dataclass(frozen=True)
class SeedProblemProfile:
    identifier: str
    names: Translations
    descriptions: Translations


@dataclass(frozen=True)
class SeedItem:
    """A phase, objective or task of a schema."""

    identifier: str
    names: Translations
    descriptions: Translations
    problem_profiles: tuple[str, ...]
    previous: tuple[str, ...]
    children: tuple[SeedItem, ...] = ()
    part_of_codelivery: bool | None = None


@dataclass(frozen=True)
class SeedSchema:
    identifier: str
    names: Translations
    descriptions: Translations
    licence: str
    tags: dict[str, list[str]]
    phases: tuple[SeedItem, ...]


@dataclass
class Seed:
    interlinkers: list[SeedInterlinker] = field(default_factory=list)
    problem_profiles: list[SeedProblemProfile] = field(default_factory=list)
    schemas: list[SeedSchema] = field(default_factory=list)
