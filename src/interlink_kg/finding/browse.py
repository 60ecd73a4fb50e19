"""What the pages for people read: facet names, recent additions, an INTERLINKER's facts in
one language, and the tasks it helps with. Services: no HTTP."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.finding.catalogue import describe, display_labels, interlinker_iri, summaries
from interlink_kg.finding.schema_tasks import schema_tasks
from interlink_kg.model.labels import LANGUAGE_CODES, pick, texts_by_language
from interlink_kg.queries import query
from interlink_kg.store.base import Store
from interlink_kg.vocab import DCAT, DCTERMS, ILK

# Search facet -> the concept scheme its values (notations) come from.
FACET_SCHEMES = {
    "kind": "interlinker-kinds",
    "purpose": "purposes",
    "licence": "licence-categories",
    "target": "targets",
    "difficulty": "difficulty-levels",
    "problem_profile": "problem-profiles",
    "group": "problem-profiles",
}
LANGUAGE_NAMES = {
    "en": {"en": "English", "es": "inglés", "it": "inglese", "lv": "angļu"},
    "es": {"en": "Spanish", "es": "español", "it": "spagnolo", "lv": "spāņu"},
    "it": {"en": "Italian", "es": "italiano", "it": "italiano", "lv": "itāļu"},
    "lv": {"en": "Latvian", "es": "letón", "it": "lettone", "lv": "latviešu"},
}
_EU_CODES = {code: tag for tag, code in LANGUAGE_CODES.items()}


def language_name(tag: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(tag, {}).get(lang, tag)


def facet_labels(store: Store, lang: str) -> dict[str, dict[str, str]]:
    """facet -> notation -> label in ``lang`` (English, else the notation, when missing)."""
    texts: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in store.select(query("concept-labels")):
        key = (str(row["schemeId"]), str(row["notation"]))
        label = row.get("label")
        if isinstance(label, Literal):
            texts[key].setdefault(label.language or "", str(label))
        else:
            texts.setdefault(key, {})
    out: dict[str, dict[str, str]] = {}
    for facet, scheme in FACET_SCHEMES.items():
        out[facet] = {
            notation: pick(found, lang)[0] or notation
            for (scheme_id, notation), found in texts.items()
            if scheme_id == scheme
        }
    out["language"] = {tag: language_name(tag, lang) for tag in LANGUAGE_NAMES}
    return out


def recent(store: Store, lang: str, count: int = 6) -> list[dict[str, Any]]:
    rows = store.select(query("recent-interlinkers", limit=count))
    items = [row["item"] for row in rows]
    dates = {str(row["item"]): str(row["modified"])[:10] for row in rows}
    return [{**s.to_dict(), "modified": dates.get(s.iri)} for s in summaries(store, items, lang)]


@dataclass
class Link:
    href: str  # the IRI; a path on this site for the catalogue's own resources
    text: str
    internal: bool = False


@dataclass
class InterlinkerView:
    id: str
    iri: str
    title: str | None
    title_language: str | None
    description: str | None
    description_language: str | None
    facts: list[tuple[str, list[Link]]] = field(default_factory=list)
    problems: list[Link] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    landing_pages: list[str] = field(default_factory=list)
    distributions: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, str]] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)


def _number(graph: Graph, node: Node, predicate: URIRef) -> float | None:
    value = graph.value(node, predicate)
    return float(value.toPython()) if isinstance(value, Literal) else None


def interlinker_view(
    store: Store,
    base_iri: str,
    identifier: str,
    lang: str,
    described: tuple[URIRef, Graph] | None = None,
) -> InterlinkerView:
    """An INTERLINKER's facts in ``lang``: each value a link with its label (404 when unknown;
    ``described``: its IRI and description, when the caller has read them)."""
    if described is None:
        iri = interlinker_iri(store, identifier)
        described = (iri, describe(store, iri))
    iri, graph = described
    referenced = {o for o in graph.objects() if isinstance(o, URIRef)}
    labels = display_labels(store, referenced)

    def label(node: Node) -> str:
        texts: dict[str, str] = {}
        for predicate in (
            URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
            DCTERMS.title,
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            URIRef("http://xmlns.com/foaf/0.1/name"),
        ):
            for text in labels.objects(node, predicate):
                if isinstance(text, Literal):
                    texts.setdefault(text.language or "", str(text))
        return pick(texts, lang)[0] or str(node).rstrip("/").rsplit("/", 1)[-1]

    def links(predicate: URIRef) -> list[Link]:
        values = sorted(o for o in graph.objects(iri, predicate) if isinstance(o, URIRef))
        return [
            Link("/" + str(v)[len(base_iri) :], label(v), True)
            if str(v).startswith(base_iri)
            else Link(str(v), label(v))
            for v in values
        ]

    title, title_lang = pick(texts_by_language(graph, iri, DCTERMS.title), lang)
    description, description_lang = pick(texts_by_language(graph, iri, DCTERMS.description), lang)
    languages = [
        Link(str(v), language_name(_EU_CODES.get(str(v).rsplit("/", 1)[-1], ""), lang) or str(v))
        for v in sorted(graph.objects(iri, DCTERMS.language), key=str)
    ]
    view = InterlinkerView(
        id=identifier,
        iri=str(iri),
        title=title,
        title_language=title_lang,
        description=description,
        description_language=description_lang,
    )
    view.facts = [
        (name, found)
        for name, found in (
            ("kind", links(ILK.kind)),
            ("purpose", links(ILK.purpose)),
            ("licence", links(DCTERMS.license)),
            ("languages", languages),
            ("target", links(ILK.target)),
            ("difficulty", links(ILK.difficulty)),
            ("scope", links(ILK.administrativeScope)),
            ("form", links(ILK.knowledgeForm)),
            ("opened_with", links(ILK.openedWith)),
        )
        if found
    ]
    view.problems = sorted(links(ILK.addressesProblem), key=lambda link: link.text)
    view.keywords = sorted(pick_all(_keywords(graph, iri), lang))
    view.landing_pages = sorted(
        str(v) for v in graph.objects(iri, DCAT.landingPage) if _web(str(v))
    )
    for distribution in sorted(graph.objects(iri, DCAT.distribution), key=str):
        urls = sorted(
            str(v)
            for p in (DCAT.downloadURL, DCAT.accessURL)
            for v in graph.objects(distribution, p)
            if _web(str(v))
        )
        fmt = graph.value(distribution, DCTERMS.format)
        tags = [
            _EU_CODES.get(str(v).rsplit("/", 1)[-1], "")
            for v in graph.objects(distribution, DCTERMS.language)
        ]
        view.distributions.append(
            {
                "title": pick(texts_by_language(graph, distribution, DCTERMS.title), lang)[0],
                "urls": urls,
                "format": str(fmt).rsplit("/", 1)[-1] if fmt is not None else None,
                "languages": [language_name(t, lang) for t in tags if t],
            }
        )
    view.tasks = tasks_helped(store, graph.objects(iri, ILK.addressesProblem), lang)
    view.usage = {
        "teams": int(_number(graph, iri, ILK.teamCount) or 0),
        "selections": int(_number(graph, iri, ILK.selectionCount) or 0),
        "ratings": int(_number(graph, iri, ILK.ratingCount) or 0),
        "average": _number(graph, iri, ILK.averageRating),
    }
    return view


def _web(address: str) -> bool:
    """Only http(s) addresses become links on pages (never javascript: or data:)."""
    return address.lower().startswith(("http://", "https://"))


def _keywords(graph: Graph, iri: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for word in graph.objects(iri, DCAT.keyword):
        if isinstance(word, Literal):
            out[word.language or ""].append(str(word))
    return out


def pick_all(texts: dict[str, list[str]], lang: str) -> list[str]:
    for candidate in (lang, "en"):
        if candidate in texts:
            return texts[candidate]
    return next(iter(texts.values()), [])


def tasks_helped(store: Store, problems: Iterable[Node], lang: str) -> list[dict[str, str]]:
    """The schema tasks an INTERLINKER addressing ``problems`` can help with: those raising one
    of them, on the task or its objective."""
    return [
        {"schema": name.schema, "task": name.task, "title": name.title(lang)}
        for name in schema_tasks(store).helped_by(str(p) for p in problems)
    ]
