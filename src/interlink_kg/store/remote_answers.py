"""A SPARQL server's answers, parsed by pyoxigraph as they arrive (:mod:`remote_http` streams
them): results in TSV, JSON or XML, triples in N-Triples. Terms are converted as the embedded
store converts its own (``to_rdflib``, or their plain text), so both backends give the same rows.
Virtuoso's blank node labels in XML results (``nodeID://...``) are made labels as they arrive.

pyoxigraph's parsers may only be dropped by the thread that made them: one that a traceback
kept alive and the garbage collector freed on another thread would be leaked with a warning.
So each function here reads its answer to the end within its own frame and lets go of the
parser before it returns or raises.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

import pyoxigraph as ox

from interlink_kg.errors import StoreError
from interlink_kg.rdf.parse import solution_row
from interlink_kg.store.base import Row, row_keeper
from interlink_kg.store.replaced_stream import ReplacedStream

NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
QUAD_VARIABLES = ("s", "p", "o", "g")  # the solutions copy_as_quads reads


# Virtuoso 7 labels blank nodes ``nodeID://b10000`` in its XML results, which is no blank node
# label (pyoxigraph refuses it): the prefix is taken off as the answer arrives. In SPARQL XML
# results this can only be markup (a literal's ``<`` is escaped, an IRI has none).
_VIRTUOSO_BLANK_NODE = (b"<bnode>nodeID://", b"<bnode>")


def _readable(stream: IO[bytes], found: ox.QueryResultsFormat) -> IO[bytes]:
    if found != ox.QueryResultsFormat.XML:
        return stream
    return io.BufferedReader(ReplacedStream(stream, *_VIRTUOSO_BLANK_NODE), 1 << 16)


def _format(media_type: str) -> ox.QueryResultsFormat:
    found = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if found is None or found == ox.QueryResultsFormat.CSV:  # CSV loses the kind of terms
        raise StoreError(f"the SPARQL server sent results as {media_type or 'nothing named'}")
    return found


def rows(stream: IO[bytes], media_type: str, names: Sequence[str]) -> list[Row]:
    """The solutions as rdflib rows (unbound variables left out)."""
    out: list[Row] = []

    def add(solution: ox.QuerySolution, _in_order: bool) -> None:
        out.append(solution_row(solution, names))

    _solutions(stream, media_type, names, add)
    return out


def values(
    stream: IO[bytes], media_type: str, names: Sequence[str]
) -> list[tuple[str | None, ...]]:
    """The solutions as the plain text of their terms, in the order of ``names``; each
    distinct text kept once (:func:`store.base.row_keeper`)."""
    out: list[tuple[str | None, ...]] = []
    row = row_keeper()

    def add(solution: ox.QuerySolution, in_order: bool) -> None:
        # a solution iterates its terms in the order of its variables (faster)
        out.append(row(solution if in_order else (solution[n] for n in names)))

    _solutions(stream, media_type, names, add)
    return out


def _solutions(
    stream: IO[bytes],
    media_type: str,
    names: Sequence[str],
    add: Callable[[ox.QuerySolution, bool], None],
) -> None:
    found = _format(media_type)
    parsed: ox.QuerySolutions | ox.QueryBoolean | None = None
    solution: ox.QuerySolution | None = None
    problem = ""
    try:
        parsed = ox.parse_query_results(_readable(stream, found), found)
        if not isinstance(parsed, ox.QuerySolutions):
            problem = "the SPARQL server answered a boolean where solutions were asked"
        else:
            in_order = [v.value for v in parsed.variables] == list(names)
            for solution in parsed:
                add(solution, in_order)
    except (SyntaxError, ValueError) as exc:
        problem = f"the SPARQL server sent results that do not parse ({exc})"
    finally:
        parsed = solution = None  # here, on this thread
    if problem:
        raise StoreError(problem)


def boolean(stream: IO[bytes], media_type: str) -> bool:
    """An ASK's answer."""
    found = _format(media_type)
    parsed: ox.QuerySolutions | ox.QueryBoolean | None = None
    problem = "the SPARQL server answered solutions where a boolean was asked"
    try:
        parsed = ox.parse_query_results(stream, found)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
    except (SyntaxError, ValueError) as exc:
        problem = f"the SPARQL server sent results that do not parse ({exc})"
    finally:
        parsed = None
    raise StoreError(problem)


def _checked_triples(media_type: str) -> None:
    if media_type not in {NTRIPLES, "text/plain"}:
        raise StoreError(f"the SPARQL server sent triples as {media_type or 'nothing named'}")


def triples(stream: IO[bytes], media_type: str) -> list[ox.Triple]:
    """N-Triples, read to the end."""
    _checked_triples(media_type)
    parser: Iterator[ox.Quad] | None = None
    out: list[ox.Triple] = []
    problem = ""
    try:
        parser = ox.parse(stream, format=ox.RdfFormat.N_TRIPLES)
        for quad in parser:
            out.append(quad.triple)
    except SyntaxError as exc:
        problem = f"the SPARQL server sent triples that are not N-Triples ({exc})"
    finally:
        parser = None
    if problem:
        raise StoreError(problem)
    return out


def copy_as_quads(stream: IO[bytes], media_type: str, out: IO[bytes], scope: str) -> None:
    """Solutions ``?s ?p ?o ?g`` written to ``out`` as N-Quads as they arrive (the memory it
    takes does not grow with the answer). Each line is made of the terms' own N-Triples form
    (what ``ox.serialize`` writes). A blank node's label is prefixed with ``scope``: a server
    may label blank nodes per answer, and two answers copied into one file must not merge
    theirs (an answer's own blank nodes stay one)."""
    lines: list[str] = []

    def add(solution: ox.QuerySolution, in_order: bool) -> None:
        # A solution iterates its terms in the order of its variables (faster).
        s, p, o, g = solution if in_order else (solution[v] for v in QUAD_VARIABLES)
        if (
            s.__class__ not in _SUBJECTS
            or p.__class__ is not ox.NamedNode
            or o.__class__ not in _OBJECTS
            or g.__class__ is not ox.NamedNode  # unbound: the default graph
            or (o.__class__ is ox.Literal and o.datatype in _TAGGED and not o.language)
        ):
            raise TypeError(f"not a quad in a named graph: {s} {p} {o} {g}")
        subject = f"_:{scope}{s.value}" if s.__class__ is ox.BlankNode else s
        object_ = f"_:{scope}{o.value}" if o.__class__ is ox.BlankNode else o
        lines.append(f"{subject} {p} {object_} {g} .\n")
        if len(lines) == _LINES_PER_WRITE:
            out.write("".join(lines).encode("utf-8"))
            lines.clear()

    try:
        _solutions(stream, media_type, QUAD_VARIABLES, add)
    except TypeError as exc:  # _solutions has let go of its parser by now
        raise StoreError(f"the SPARQL server sent solutions that are not quads ({exc})") from None
    out.write("".join(lines).encode("utf-8"))


def copy_named_quads(
    stream: IO[bytes], media_type: str, out: IO[bytes], keep: Callable[[str], bool]
) -> None:
    """A dataset in N-Quads (a whole store's dump) copied to ``out`` as N-Quads, only the
    quads of the named graphs whose names ``keep`` accepts (the default graph's are left out).
    pyoxigraph parses and writes, and the memory it takes does not grow with the answer; each
    quad is handed over once, and a graph is judged once for each run of its quads (a dump
    gives each graph's quads together). One answer: its blank nodes' labels are kept as they
    are."""
    if media_type != NQUADS:
        raise StoreError(f"the SPARQL server sent a dataset as {media_type or 'nothing named'}")
    judged: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None
    judged_kept = False

    def kept(quad: ox.Quad) -> bool:
        nonlocal judged, judged_kept
        graph = quad.graph_name
        if graph != judged:
            judged = graph
            judged_kept = graph.__class__ is ox.NamedNode and keep(graph.value)
        return judged_kept

    # (an RDF parser may be freed on any thread, unlike a results parser)
    try:
        quads = ox.parse(stream, format=ox.RdfFormat.N_QUADS)
        ox.serialize(filter(kept, quads), out, format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise StoreError(f"the SPARQL server sent a dataset that is not N-Quads ({exc})") from None


_SUBJECTS = (ox.NamedNode, ox.BlankNode)
_OBJECTS = (ox.NamedNode, ox.BlankNode, ox.Literal)
_LINES_PER_WRITE = 10_000
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Datatypes that need a language tag: a literal of theirs without one is not RDF.
_TAGGED = frozenset(ox.NamedNode(_RDF + name) for name in ("langString", "dirLangString"))


def scoped(triples: Iterable[ox.Triple], scope: str) -> Iterator[ox.Triple]:
    """``triples`` with their blank nodes' labels prefixed by ``scope`` (a server may label
    blank nodes per answer: two answers must not merge theirs)."""
    for triple in triples:
        subject, object_ = triple.subject, triple.object
        if isinstance(subject, ox.BlankNode) or isinstance(object_, ox.BlankNode):
            if isinstance(subject, ox.BlankNode):
                subject = ox.BlankNode(scope + subject.value)
            if isinstance(object_, ox.BlankNode):
                object_ = ox.BlankNode(scope + object_.value)
            triple = ox.Triple(subject, triple.predicate, object_)
        yield triple
