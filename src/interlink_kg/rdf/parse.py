"""Parse RDF into rdflib graphs, with errors that say where the input is broken."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.errors import ParseError
from interlink_kg.rdf.formats import RdfFormat, by_path
from interlink_kg.rdf.graphs import triples_graph

_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=1 << 16)
def _iri(value: str) -> URIRef:
    """One rdflib IRI per text (immutable, so shared): predicates, classes and vocabulary
    concepts repeat in every page read from a store, and making an IRI checks its text."""
    return URIRef(value)


SHARED_LITERAL_LENGTH = 64  # literals up to this long are made once per text (_shared_literal)


def _literal(value: str, language: str | None, datatype: str | None) -> Literal:
    """The rdflib literal of a text with its language, or its datatype (None: a plain string)."""
    if language:
        return Literal(value, lang=language)
    if datatype is None:
        return Literal(value)
    return Literal(value, datatype=_iri(datatype))


# One rdflib literal per short text, language and datatype (immutable, so shared): the dates,
# flags, keywords and short titles repeat from page to page, and making a typed literal parses
# its value (~10 µs for a date, against ~0.3 µs for a lookup). Full, the cache holds about 35 to
# 45 MB per process. Safe to share: rdflib literals are immutable (the catalogue has no XML or
# HTML literals, whose values are DOM objects).
_shared_literal = lru_cache(maxsize=1 << 16)(_literal)


def literal(value: str, language: str | None, datatype: str | None) -> Literal:
    """The rdflib literal of a text with its language or its datatype (``xsd:string`` or None:
    a plain string), as :func:`to_rdflib` makes it (a short one shared)."""
    if language or datatype == _STRING:
        datatype = None
    make = _shared_literal if len(value) <= SHARED_LITERAL_LENGTH else _literal
    return make(value, language or None, datatype)


def to_rdflib(term: object) -> Node:
    """Convert a pyoxigraph term into the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.Literal):
        language = term.language
        return literal(term.value, language, None if language else term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported RDF term {term!r}")


def graph_of(triples: Iterable[ox.Triple | ox.Quad], *, into: Graph | None = None) -> Graph:
    """pyoxigraph triples (or the triples of quads) as one rdflib graph of triples: added to
    ``into`` if given (and returned), else to a new graph."""
    graph = triples_graph() if into is None else into
    add = graph.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def solution_row(solution: ox.QuerySolution, names: Sequence[str]) -> dict[str, Node]:
    """One SPARQL solution as rdflib terms by variable name (unbound ones left out)."""
    return {name: to_rdflib(term) for name in names if (term := solution[name]) is not None}


def parse_bytes(data: bytes, fmt: RdfFormat, base_iri: str, source: str = "input") -> Graph:
    """Parse ``data`` (triples) with Oxigraph's strict parsers into an rdflib graph.

    Oxigraph never fetches anything (no remote JSON-LD contexts, no external XML entities) and
    reports the position of the first error. Relative IRIs resolve against ``base_iri``.
    """
    graph = Graph()
    try:
        for quad in ox.parse(data, format=fmt.oxigraph, base_iri=base_iri):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as exc:
        raise ParseError(
            f"{source} is not valid {fmt.name}: {exc}", details={"source": source}
        ) from exc
    return graph


def parse_file(path: Path, base_iri: str, fmt: RdfFormat | None = None) -> Graph:
    """Parse one RDF file; the format comes from its extension unless given."""
    fmt = fmt or by_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ParseError(f"no such file: {path}", details={"source": str(path)}) from exc
    except IsADirectoryError as exc:
        raise ParseError(f"{path} is a folder, not a file", details={"source": str(path)}) from exc
    except PermissionError as exc:
        raise ParseError(f"cannot read {path}: permission denied") from exc
    return parse_bytes(data, fmt, base_iri, source=str(path))
