"""Recommendations as JSON-LD: a schema.org ``ItemList`` of ``ListItem``s, in rank order."""

from __future__ import annotations

from typing import Any

from interlink_kg.finding.ranking import RecommendationList

CONTEXT = {
    "schema": "https://schema.org/",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _text(value: str | None, language: str | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"@value": value, "@language": language} if language else {"@value": value}


def recommendation_jsonld(result: RecommendationList) -> dict[str, Any]:
    elements = []
    for position, item in enumerate(result.items, start=1):
        element: dict[str, Any] = {
            "@type": "schema:ListItem",
            "schema:position": position,
            "schema:item": {
                "@id": item.iri,
                "dct:identifier": item.id,
                "dct:title": _text(item.title, item.title_language),
            },
            "schema:description": _text(item.reason, result.language),
            "dct:subject": [{"@id": m.iri} for m in item.matched],
            "schema:additionalProperty": [
                {
                    "@type": "schema:PropertyValue",
                    "schema:name": name,
                    "schema:value": {"@value": value, "@type": "xsd:double"},
                }
                for name, value in [("score", item.score), *item.components.items()]
            ],
        }
        elements.append(element)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "schema:ItemList",
        "schema:inLanguage": result.language,
        "schema:numberOfItems": len(elements),
        "schema:itemListOrder": "schema:ItemListOrderDescending",
        "schema:itemListElement": elements,
    }
    if "task_iri" in result.subject:
        document["schema:about"] = {"@id": result.subject["task_iri"]}
    return document
