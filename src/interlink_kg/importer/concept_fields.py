"""The seed fields whose values name concepts of our vocabularies, one row each: the field,
the property, the vocabulary, and how a seed value becomes a concept id (or is refused)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from rdflib import URIRef

from interlink_kg.importer import tables
from interlink_kg.vocab import ILK


@dataclass(frozen=True)
class ConceptField:
    """A seed field whose values name concepts of one of our vocabularies."""

    key: str  # the field in the seed's metadata
    predicate: URIRef
    scheme: str  # the vocabulary's identifier
    label: str  # for error messages
    concept_of: Callable[[str], str | None]  # seed value -> concept id (None: not allowed)
    many: bool = False


def _within(allowed: Collection[str]) -> Callable[[str], str | None]:
    return lambda value: value if value in allowed else None


def _leaf(path: Callable[[str], tuple[str, ...]]) -> Callable[[str], str | None]:
    return lambda value: path(value)[-1] if path(value) else None


CONCEPT_FIELDS = (
    ConceptField("difficulty", ILK.difficulty, "difficulty-levels", "difficulty",
                 _within(tables.DIFFICULTIES)),
    ConceptField("targets", ILK.target, "targets", "target", _leaf(tables.target_path),
                 many=True),
    ConceptField("types", ILK.serviceType, "service-types", "service type",
                 _leaf(tables.service_type_path), many=True),
    ConceptField("administrative_scopes", ILK.administrativeScope, "administrative-scopes",
                 "administrative scope", _within(tables.ADMINISTRATIVE_SCOPES), many=True),
    ConceptField("form", ILK.knowledgeForm, "knowledge-forms", "knowledge form",
                 _within(tables.KNOWLEDGE_FORMS)),
    ConceptField("format", ILK.knowledgeFormat, "knowledge-formats", "knowledge format",
                 tables.KNOWLEDGE_FORMATS.get),
)  # fmt: skip
