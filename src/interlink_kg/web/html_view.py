"""A readable HTML page for any RDF description, for browsers that dereference an IRI.

Every subject becomes a section (the requested resource first), every value a link when it is an
http(s) IRI, IRIs of this catalogue link to their own page; labels in the requested language,
falling back to English. Sorted throughout, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import render_template
from rdflib import BNode, Graph, Literal, URIRef

from interlink_kg.model.labels import collect, pick
from interlink_kg.vocab import DCTERMS, FOAF, PREFIXES, RDFS, SKOS

_LABEL_PROPERTIES = (SKOS.prefLabel, DCTERMS.title, RDFS.label, FOAF.name)


@dataclass(frozen=True)
class Row:
    predicate: Value
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None
    language: str | None = None
    datatype: str | None = None
    rows: tuple[Row, ...] = field(default=())


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    iri: str | None
    rows: tuple[Row, ...]


def _label(graph: Graph, node: URIRef | BNode, lang: str) -> str | None:
    for prop in _LABEL_PROPERTIES:
        texts = collect(
            (o.language or "", str(o)) for o in graph.objects(node, prop) if isinstance(o, Literal)
        )
        text, _ = pick(texts, lang) if texts else (None, None)
        if text is None and "" in texts:
            text = texts[""]
        if text:
            return text
    return None


def _short(graph: Graph, iri: URIRef) -> str:
    try:
        short = graph.namespace_manager.normalizeUri(iri)
    except ValueError:
        return str(iri)
    return short.strip("<>")


class _Builder:
    def __init__(self, graph: Graph, names: Graph, lang: str, base_iri: str) -> None:
        self.graph = graph
        self.names = names
        self.lang = lang
        self.base_iri = base_iri

    def href(self, iri: URIRef) -> str | None:
        text = str(iri)
        if text.startswith(self.base_iri):
            return "/" + text[len(self.base_iri) :]
        if text.startswith(("http://", "https://")):
            return text
        return None

    def value(self, node: object, seen: frozenset[BNode]) -> Value:
        if isinstance(node, Literal):
            datatype = _short(self.names, node.datatype) if node.datatype else None
            return Value(str(node), language=node.language, datatype=datatype)
        if isinstance(node, BNode):
            # Blank nodes have no name to link to: their description is shown in place.
            label = _label(self.names, node, self.lang) or ""
            rows = () if node in seen else self.rows(node, seen | {node})
            return Value(label, rows=rows)
        assert isinstance(node, URIRef)
        label = _label(self.names, node, self.lang) or _short(self.names, node)
        return Value(label, href=self.href(node))

    def rows(self, subject: URIRef | BNode, seen: frozenset[BNode]) -> tuple[Row, ...]:
        out = []
        for predicate in sorted({URIRef(str(p)) for p in self.graph.predicates(subject)}):
            values = sorted(
                (self.value(o, seen) for o in self.graph.objects(subject, predicate)),
                key=lambda v: (v.text, v.language or "", v.href or "", repr(v.rows)),
            )
            short = _short(self.names, predicate)
            out.append(Row(Value(short, href=str(predicate)), tuple(values)))
        return tuple(out)

    def section(self, subject: URIRef | BNode) -> Section:
        rows = self.rows(
            subject, frozenset({subject}) if isinstance(subject, BNode) else frozenset()
        )
        iri = str(subject) if isinstance(subject, URIRef) else None
        title = _label(self.names, subject, self.lang) or iri or "(unnamed node)"
        anchor = (
            "r-"
            + hashlib.sha1((iri or repr(rows)).encode(), usedforsecurity=False).hexdigest()[:12]
        )
        return Section(anchor, title, iri, rows)


def sections(graph: Graph, names: Graph, focus: str, lang: str, base_iri: str) -> list[Section]:
    """The page's sections: ``focus`` first when described, then the others by title.

    Blank nodes appear inside the section of what refers to them; only unreferenced ones get a
    section of their own.
    """
    combined = graph + names  # a new graph: the caller's (perhaps cached) one is not touched
    for prefix, namespace in [*graph.namespaces(), *PREFIXES.items()]:
        combined.bind(prefix, namespace, override=False)
    builder = _Builder(graph, combined, lang, base_iri)
    subjects: set[URIRef | BNode] = {s for s in graph.subjects() if isinstance(s, URIRef)}
    subjects |= {
        s
        for s in graph.subjects()
        if isinstance(s, BNode) and next(graph.subjects(None, s), None) is None
    }
    built = [builder.section(s) for s in subjects]
    first = [s for s in built if s.iri == focus]
    rest = sorted(
        (s for s in built if s.iri != focus),
        key=lambda s: (s.iri is None, s.title, s.iri or "", s.anchor),
    )
    return first + rest


def render(
    graph: Graph,
    names: Graph,
    focus: str,
    lang: str,
    base_iri: str,
    alternates: dict[str, str],
) -> str:
    """The HTML page for ``graph`` about ``focus`` (``names`` labels what it links to), with
    links to its RDF forms."""
    parts = sections(graph, names, focus, lang, base_iri)
    title = parts[0].title if parts and parts[0].iri == focus else focus
    return render_template(
        "resource.html", title=title, focus=focus, lang=lang, sections=parts, alternates=alternates
    )
