"""Pick the text to show from language-tagged alternatives. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

# The one list of languages the catalogue's texts and pages come in (two-letter tags)...
SUPPORTED_LANGUAGES = ("en", "es", "it", "lv")
FALLBACK_LANGUAGE = "en"
# ... and their codes in the EU language authority table.
LANGUAGE_CODES = MappingProxyType({"en": "ENG", "es": "SPA", "it": "ITA", "lv": "LAV"})


def pick(texts: Mapping[str, str], lang: str) -> tuple[str | None, str | None]:
    """The text in ``lang``, else English, else any (by tag): ``(text, its language)``."""
    for candidate in (lang, FALLBACK_LANGUAGE):
        if candidate in texts:
            return texts[candidate], candidate
    for tag in sorted(texts):
        return texts[tag], tag
    return None, None


def collect(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{language: text}`` from ``(language, text)`` pairs; the first text per language wins."""
    out: dict[str, str] = {}
    for lang, text in pairs:
        out.setdefault(lang, text)
    return out


def texts_by_language(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    """The literal values of ``predicate`` on ``subject`` by language tag ("" for none)."""
    found = graph.objects(subject, predicate)
    return {(o.language or ""): str(o) for o in found if isinstance(o, Literal)}
