"""The hard filters of a recommendation and the audience it prefers, checked against the
vocabularies and put the way the ranking reads them. Services only: no HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from interlink_kg.errors import BadRequestError
from interlink_kg.model.labels import LANGUAGE_CODES, SUPPORTED_LANGUAGES
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import EU_LANGUAGE


@dataclass(frozen=True)
class Filters:
    """Hard filters, by vocabulary notation (e.g. kind="software", licence="copyleft"), and
    the ``audience`` whose fit raises a score (a target group notation, e.g. "smes")."""

    kind: str | None = None
    licence: str | None = None
    difficulty: str | None = None
    purpose: str | None = None
    language: str | None = None
    target: str | None = None
    audience: str | None = None


_FILTER_SCHEMES = {
    "kind": "interlinker-kinds",
    "licence": "licence-categories",
    "difficulty": "difficulty-levels",
    "purpose": "purposes",
    "target": "targets",
    "audience": "targets",
}


def _concepts(store: Store, scheme_id: str) -> dict[str, URIRef]:
    rows = store.select(query("scheme-concepts", {"schemeId": [Literal(scheme_id)]}))
    return {str(r["notation"]): URIRef(str(r["concept"])) for r in rows}


def check_filters(store: Store, filters: Filters) -> tuple[dict[str, str], list[Node]]:
    """The hard filters as the candidate index reads them (``facet -> notation or IRI``) and
    the audience whose fit the ranking prefers (none: empty)."""
    hard: dict[str, str] = {}
    audience: list[Node] = []
    for name, scheme in _FILTER_SCHEMES.items():
        value = getattr(filters, name)
        if value is None:
            continue
        concepts = _concepts(store, scheme)
        if value not in concepts:
            raise BadRequestError(
                f"unknown {name} {value!r}; use one of: {', '.join(sorted(concepts))}",
                details={"parameter": name, "allowed": sorted(concepts)},
            )
        if name == "audience":
            audience = [concepts[value]]
        else:
            hard[name] = str(concepts[value]) if name == "target" else value
    if filters.language is not None:
        if filters.language not in SUPPORTED_LANGUAGES:
            raise BadRequestError(
                f"unknown language {filters.language!r}; use one of: "
                f"{', '.join(SUPPORTED_LANGUAGES)}",
                details={"parameter": "language", "allowed": list(SUPPORTED_LANGUAGES)},
            )
        hard["language"] = str(language_iri(filters.language))
    return hard, audience


def language_iri(tag: str) -> URIRef:
    """The EU language-table IRI of a two-letter tag we support (``en`` -> ``.../ENG``)."""
    return URIRef(EU_LANGUAGE[LANGUAGE_CODES.get(tag, "ENG")])
