"""The store contract, for every built-in backend: idempotent, atomic, durable loads."""

from __future__ import annotations

import errno
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from support import BASE

from interlink_kg.errors import (
    ConfigurationError,
    ParseError,
    StoreError,
    StoreUnavailableError,
)
from interlink_kg.finding import record_dates
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES, TURTLE
from interlink_kg.rdf.graphs import triples_graph
from interlink_kg.store import GraphPayload, Store, folder_lock, open_store, rebuild, remote
from interlink_kg.store.base import Guard
from interlink_kg.vocab import DCAT, ILK

DCAT_DISTRIBUTION = DCAT.distribution

G1 = "http://127.0.0.1:8080/graphs/one"
G2 = "http://127.0.0.1:8080/graphs/two"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def ttl(text: str) -> GraphPayload:
    return GraphPayload(text.encode("utf-8"), TURTLE, BASE, "test")


def count(store: Store) -> int:
    value = store.select(COUNT)[0]["n"]
    assert isinstance(value, Literal)
    return int(value.toPython())


@pytest.fixture(
    params=[
        "memory",
        "oxigraph",
        "oxigraph-mirror",
        "sparql+http",
        "sparql+http-named-graphs",
        "virtuoso",
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        url = "memory:"
    elif request.param == "sparql+http":
        url = request.getfixturevalue("remote_store_url")
    elif request.param == "sparql+http-named-graphs":
        # A server without a union-default-graph parameter (Fuseki, Virtuoso...): the endpoints
        # named in the URL, every query naming the graphs it reads.
        root = request.getfixturevalue("remote_store_url")
        url = f"{root}?query=query&update=update&union="
    elif request.param == "virtuoso":
        # Another SPARQL server than Oxigraph, in the layout the README gives for it
        url = request.getfixturevalue("virtuoso_store_url")
    else:
        url = f"{request.param}:{tmp_path / 'db'}"
    opened = open_store(url)
    yield opened
    opened.close()


def test_load_and_query(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 , 2 .")})
    assert count(store) == 2
    assert store.data_graphs() == [G1]


def test_reloading_replaces_instead_of_adding(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 , 2 .")})
    store.replace_graphs({G1: ttl("<a> <p> 3 .")})
    store.replace_graphs({G1: ttl("<a> <p> 3 .")})
    rows = store.select("SELECT ?o WHERE { ?s ?p ?o }")
    assert [r["o"] for r in rows] == [Literal(3)]


def test_a_large_graph_with_blank_nodes_is_stored_whole(store: Store) -> None:
    """Larger than one operation a server compiles (Virtuoso 7: an INSERT DATA of 20,000
    triples, a template of 2,400 fail): 10,000 plain triples and 3,000 that blank nodes join,
    a chain of 600 among them; every triple there, each blank node one node."""
    plain = "".join(f"<s{i}> <p> {i} .\n" for i in range(10_000))
    pairs = "".join(f"<s{i}> <q> _:n{i} . _:n{i} <r> {i} .\n" for i in range(1200))
    chain = "".join(f"_:c{i} <next> _:c{i + 1} .\n" for i in range(600))
    store.replace_graphs({G1: ttl(plain + pairs + chain)})
    assert count(store) == 10_000 + 2400 + 600
    joined = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{BASE}q> ?b . ?b <{BASE}r> ?v }}")
    assert int(joined[0]["n"]) == 1200  # each _:nI the same node in both its triples
    linked = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{BASE}next> ?b . ?b <{BASE}next> ?c }}"
    )
    assert int(linked[0]["n"]) == 599


def test_a_failing_load_changes_nothing(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 .")})
    with pytest.raises(ParseError, match="line"):
        store.replace_graphs({G1: ttl("<a> <p> 2 ."), G2: ttl("<a> <p> .")})
    assert count(store) == 1
    assert store.data_graphs() == [G1]
    assert [r["o"] for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")] == [Literal(1)]


def test_an_empty_file_empties_its_graph(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 ."), G2: ttl("<b> <p> 2 .")})
    store.replace_graphs({G1: ttl("# nothing here\n")})
    assert count(store) == 1


def test_queries_see_the_union_and_can_be_restricted(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 ."), G2: ttl("<b> <p> 2 .")})
    assert count(store) == 2
    rows = store.select(COUNT, graphs=[G2])
    assert rows[0]["n"] == Literal(1)


def test_select_values_gives_each_term_as_plain_text(store: Store) -> None:
    """The fast read of many rows: an IRI's text, a literal's lexical form (whatever its type
    or language), None where unbound; in the order of the query's variables; restricted to
    graphs like select()."""
    store.replace_graphs(
        {
            G1: ttl(
                '<a> <p> 1.5 , "x"@lv , "y" , '
                '"2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .'
            ),
            G2: ttl("<b> <p> <c> ."),
        }
    )
    rows = store.select_values(
        f"SELECT ?o ?s ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{BASE}q> ?none }} }} "
        "ORDER BY STR(?o)"
    )
    assert rows == [
        ("1.5", BASE + "a", None),
        ("2026-01-01", BASE + "a", None),
        (BASE + "c", BASE + "b", None),
        ("x", BASE + "a", None),
        ("y", BASE + "a", None),
    ]
    assert store.select_values("SELECT ?s WHERE { ?s ?p ?o }", graphs=[G2]) == [(BASE + "b",)]
    with pytest.raises(StoreError):
        store.select_values("ASK { ?s ?p ?o }")


def test_select_values_keeps_each_text_once(store: Store) -> None:
    """Rows that name the same term share one string (an index build reads millions of rows
    in which identifiers and facet values recur)."""
    store.replace_graphs({G1: ttl('<a> <p> "v" , <c> . <b> <p> "v" , <c> .')})
    rows = sorted(store.select_values("SELECT ?s ?o WHERE { ?s ?p ?o }"), key=str)
    a, c = BASE + "a", BASE + "c"
    assert rows == [(a, c), (a, "v"), (BASE + "b", c), (BASE + "b", "v")]
    assert rows[0][0] is rows[1][0]
    assert rows[2][0] is rows[3][0]
    assert rows[0][1] is rows[2][1]
    assert rows[1][1] is rows[3][1]


def test_drop_graphs(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 ."), G2: ttl("<b> <p> 2 .")})
    store.drop_graphs([G1])
    assert store.data_graphs() == [G2]


DERIVED = "http://127.0.0.1:8080/graphs/derived"
# How many values each subject has in the data graphs (the derived graph left out).
COUNTS = f"""
CONSTRUCT {{ ?s <urn:x:count> ?n }}
WHERE {{
  {{ SELECT ?s (COUNT(?o) AS ?n) WHERE {{
    #bind ?s
    GRAPH ?g {{ ?s <{BASE}p> ?o }} FILTER (?g != <{DERIVED}>)
  }} GROUP BY ?s }}
}}"""


def _counts(store: Store) -> list[tuple[str | None, ...]]:
    return sorted(store.select_values("SELECT ?s ?n WHERE { ?s ?p ?n }", graphs=[DERIVED]))


def test_derive_writes_what_the_store_computes(store: Store) -> None:
    """A derived graph is computed by the store, whole or for some subjects only (theirs
    replaced, the others kept), with the payloads ``then`` in the same step."""
    store.replace_graphs({G1: ttl("<a> <p> 1 , 2 . <b> <p> 3 . <c> <p> 4 .")})
    store.derive(DERIVED, query_with(COUNTS), then={G2: ttl("<d> <p> 6 .")})
    assert _counts(store) == [(BASE + "a", "2"), (BASE + "b", "1"), (BASE + "c", "1")]
    assert store.select_values("SELECT ?s WHERE { ?s ?p ?o }", graphs=[G2]) == [(BASE + "d",)]
    # a gains a value and b loses its one; c's count (and d, written after the first count) is
    # left stale on purpose: only a and b are asked.
    store.replace_graphs({G1: ttl("<a> <p> 1 , 2 , 5 . <c> <p> 4 , 7 .")})
    store.derive(DERIVED, query_with(COUNTS, [BASE + "a", BASE + "b"]), [BASE + "a", BASE + "b"])
    assert _counts(store) == [(BASE + "a", "3"), (BASE + "c", "1")]
    # The whole graph again: what was stale is counted, what went is gone.
    store.derive(DERIVED, query_with(COUNTS))
    assert _counts(store) == [(BASE + "a", "3"), (BASE + "c", "2"), (BASE + "d", "1")]


def query_with(text: str, subjects: list[str] | None = None) -> str:
    from interlink_kg.queries import bind

    return bind(text, {"s": [URIRef(s) for s in subjects]} if subjects is not None else None)


@pytest.mark.parametrize(
    "construct",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        'CONSTRUCT { ?s <urn:x:p> "}" } WHERE { ?s ?p ?o }',
        "CONSTRUCT { ?s <urn:x:p> ?o } WHERE { ?s ?p ?o } LIMIT 3",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s <urn:x:p> ?o ",
        "CONSTRUCT { ?s <urn:x:p> ?o # a comment\n } WHERE { ?s ?p ?o }",
        'CONSTRUCT { ?s <urn:x:p> ?o } WHERE { ?s ?p ?o FILTER (?o != """a\n# b""") }',
    ],
)
def test_derive_takes_a_plain_construct_only(store: Store, construct: str) -> None:
    """A template with braces or strings, a solution modifier, the short form or another query
    form is refused before the store is touched."""
    store.replace_graphs({G1: ttl("<a> <p> 1 .")})
    with pytest.raises(StoreError):
        store.derive(DERIVED, construct)
    assert store.data_graphs() == [G1]


MARKERS = "urn:interlink-kg:test/markers/"
STALE = BASE + "stale"


@pytest.mark.parametrize(
    ("markers", "guard", "applies"),
    [
        (["m1"], Guard((MARKERS + "m1",)), True),
        ([], Guard((MARKERS + "m1",)), False),  # the marker went: someone else wrote
        (["m1", "m2"], Guard((MARKERS + "m1", MARKERS + "m2")), True),
        (["m1", "m2"], Guard((MARKERS + "m1",), MARKERS, STALE), False),  # not alone
        (["m1"], Guard((MARKERS + "m1",), MARKERS, STALE), True),
    ],
)
def test_a_guarded_write_applies_only_while_its_guard_holds(
    store: Store, markers: list[str], guard: Guard, applies: bool
) -> None:
    """Both writes of the contract are compare-and-sets with a guard: all their parts, or none."""
    store.replace_graphs({G1: ttl("<a> <p> 1 . <b> <p> 2 ."), G2: ttl("<z> <p> 0 .")})
    for name in markers:
        store.replace_graphs({MARKERS + name: ttl("<m> <stale> true .")})
    store.derive(DERIVED, query_with(COUNTS))
    store.replace_graphs({G1: ttl("<a> <p> 1 , 9 . <b> <p> 2 .")})
    store.derive(
        DERIVED,
        query_with(COUNTS, [BASE + "a"]),
        [BASE + "a"],
        then={G2: ttl("<y> <p> 8 .")},
        guard=guard,
    )
    store.derive(DERIVED, query_with(COUNTS), guard=guard)  # the whole graph
    store.replace_graphs({G2: ttl("<x> <p> 7 .")}, drop=list(guard.present), guard=guard)
    a = store.select_values(f"SELECT ?n WHERE {{ <{BASE}a> ?p ?n }}", graphs=[DERIVED])
    two = store.select_values("SELECT ?s WHERE { ?s ?p ?o }", graphs=[G2])
    left = [m for m in markers if store.ask("ASK { ?s ?p ?o }", graphs=[MARKERS + m])]
    if applies:
        assert (a, two) == ([("2",)], [(BASE + "x",)])
        assert [MARKERS + m for m in left] == [
            m for m in [MARKERS + n for n in markers] if m not in guard.present
        ]
    else:
        assert (a, two) == ([("1",)], [(BASE + "z",)])
        assert left == markers


STAMP = "SELECT ?v WHERE { ?s <urn:x:p> ?v }"


def test_a_recent_read_sees_this_objects_writes_at_once(store: Store) -> None:
    """select_recent (the generation stamps) answers what was just written through the same
    object, on every backend, even right after reading."""
    for value in ("one", "two", "three"):
        store.replace_graphs({"urn:x:g": ttl(f'<urn:x:s> <urn:x:p> "{value}" .')})
        assert [str(r["v"]) for r in store.select_recent(STAMP, ["urn:x:g"])] == [value]
    store.drop_graphs(["urn:x:g"])
    assert store.select_recent(STAMP, ["urn:x:g"]) == []


def test_the_embedded_store_reuses_a_recent_answer_until_it_writes(tmp_path: Path) -> None:
    """Only its own object writes to an embedded store, so the stamp query is asked of the
    engine once per write, not once per use of an index."""
    from interlink_kg.store.oxigraph import OxigraphStore

    for url in ("memory:", f"oxigraph:{tmp_path / 'db'}", f"oxigraph-mirror:{tmp_path / 'm'}"):
        store = open_store(url)
        assert isinstance(store, OxigraphStore)
        asked: list[str] = []
        engine = store._query
        store._query = lambda q, g, _e=engine, _a=asked: _a.append(q) or _e(q, g)  # type: ignore[method-assign]
        store.replace_graphs({"urn:x:g": ttl('<urn:x:s> <urn:x:p> "one" .')})
        for _ in range(3):
            assert [str(r["v"]) for r in store.select_recent(STAMP, ["urn:x:g"])] == ["one"]
        assert len(asked) == 1, url
        store.insert_quads(
            [
                ox.Quad(
                    ox.NamedNode("urn:x:s"),
                    ox.NamedNode("urn:x:p"),
                    ox.Literal("two"),
                    ox.NamedNode("urn:x:g"),
                )
            ]
        )
        assert sorted(str(r["v"]) for r in store.select_recent(STAMP, ["urn:x:g"])) == [
            "one",
            "two",
        ]
        assert len(asked) == 2, url
        store.close()


def test_construct_ask_and_dump(store: Store) -> None:
    store.replace_graphs({G1: ttl("<a> <p> 1 .")})
    graph = store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    assert (URIRef(BASE + "a"), URIRef(BASE + "p"), Literal(1)) in graph
    assert store.ask("ASK { ?s ?p 1 }") is True
    assert store.dump(NTRIPLES).decode() == (
        f'<{BASE}a> <{BASE}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )


DESCRIBED = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ilk: <https://w3id.org/interlink-kg/ontology#> .
<a> <p> 1 ; ilk:problemCount 3 ; ilk:kind <k> ; ilk:target <t> ; ilk:difficulty <d> ;
    dcat:distribution <a/d1> , _:d2 , "not a node" .
<a/d1> <title> "one" ; ilk:interlinkerCount 4 ; dcat:distribution <a/d1/deeper> ;
    ilk:purpose <u> .
<a/d1/deeper> <title> "not followed" .
_:d2 <title> "two" .
<b> <p> 2 .
<c> <p> <a> .
<records/a> a dcat:CatalogRecord ; foaf:primaryTopic <a> ; dct:issued "2024-01-01T00:00:00Z" ;
    dct:modified "2024-02-01T00:00:00Z" ; dct:identifier "not read" .
<records/not-a-record> foaf:primaryTopic <a> ; dct:modified "2024-03-01T00:00:00Z" .
_:record a dcat:CatalogRecord ; foaf:primaryTopic <b> ; dct:modified "2024-04-01T00:00:00Z" .
"""


@pytest.mark.parametrize("part", [remote.DESCRIBE_PART, 1])
def test_resources_are_described_as_the_description_query_says(
    store: Store, part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded store reads descriptions from its indexes, a server runs the query (in
    parts asked for at once: here also one item a part): both give what
    ``resource-description.rq`` gives (the item's triples, one level of distributions, no
    derived statistics, each triple once although two graphs hold it), and for a catalogue
    page what ``catalogue-page-description.rq`` gives (less what no profile publishes)."""
    monkeypatch.setattr(remote, "DESCRIBE_PART", part)
    store.replace_graphs(
        {G1: ttl(DESCRIBED), G2: ttl("<a> <p> 1 . <a/d1> <title> 'one' . <b> <q> 5 .")}
    )
    items = [URIRef(BASE + name) for name in ("a", "b", "nothing")]
    expected = store.construct(query("resource-description", {"item": items}))
    described = store.describe_resources(items)
    assert isomorphic(described, expected)
    assert len(described) == 13
    a, d1 = URIRef(BASE + "a"), URIRef(BASE + "a/d1")
    (blank,) = [b for b in described.objects(a, DCAT_DISTRIBUTION) if isinstance(b, BNode)]
    assert set(described.predicate_objects(a)) == {
        (URIRef(BASE + "p"), Literal(1)),
        (ILK.kind, URIRef(BASE + "k")),
        (ILK.target, URIRef(BASE + "t")),
        (ILK.difficulty, URIRef(BASE + "d")),
        (DCAT_DISTRIBUTION, d1),
        (DCAT_DISTRIBUTION, blank),
        (DCAT_DISTRIBUTION, Literal("not a node")),
    }
    assert set(described.predicate_objects(d1)) == {
        (URIRef(BASE + "title"), Literal("one")),
        (DCAT_DISTRIBUTION, URIRef(BASE + "a/d1/deeper")),
        (ILK.purpose, URIRef(BASE + "u")),
    }
    assert set(described.predicate_objects(blank)) == {(URIRef(BASE + "title"), Literal("two"))}
    assert set(described.predicate_objects(URIRef(BASE + "b"))) == {
        (URIRef(BASE + "p"), Literal(2)),
        (URIRef(BASE + "q"), Literal(5)),
    }
    assert (URIRef(BASE + "a/d1/deeper"), None, None) not in described
    assert not set(described.triples((None, ILK.problemCount, None)))
    assert len(store.describe_resources([])) == 0
    expected = store.construct(query("catalogue-page-description", {"item": items}))
    published = store.describe_resources(items, published=True)
    assert isomorphic(published, expected)
    # what no profile publishes left out (the records' dates come from finding/record_dates.py)
    assert len(published) == 10
    for unpublished in (ILK.target, ILK.purpose, ILK.difficulty):
        assert (None, unpublished, None) not in published
    assert (URIRef(BASE + "records/a"), None, None) not in published
    assert len(store.describe_resources([], published=True)) == 0
    held = triples_graph()
    held.add((URIRef(BASE + "z"), URIRef(BASE + "p"), Literal(0)))
    assert store.describe_resources(items[1:2], into=held) is held
    assert len(held) == 1 + 2


def test_the_records_dates_are_read_as_a_page_shows_them(store: Store) -> None:
    """Each INTERLINKER's catalogue records with their latest change and first listing (by
    text, whichever order the store answers in); a resource that is not typed a record, or a
    record without a change, is not listed; a record may be a blank node."""
    store.replace_graphs(
        {
            G1: ttl(DESCRIBED),
            G2: ttl(
                "@prefix dcat: <http://www.w3.org/ns/dcat#> . "
                "@prefix dct: <http://purl.org/dc/terms/> . "
                "@prefix foaf: <http://xmlns.com/foaf/0.1/> . "
                "<records/c> a dcat:CatalogRecord ; foaf:primaryTopic <c> ; "
                "dct:modified '2024-05-01' , '2024-07-01' , '2024-06-01' ; "
                "dct:issued '2024-03-01' , '2024-02-01' . "
                "<records/undated> a dcat:CatalogRecord ; foaf:primaryTopic <c> . "
                "<records/d> a dcat:CatalogRecord ; foaf:primaryTopic <d> , <e> ; "
                "dct:modified '2024-08-01T00:00:00Z'^^<http://www.w3.org/2001/XMLSchema#dateTime>"
                " ; dct:issued 'first of May'@en . "
                "<records/iri-date> a dcat:CatalogRecord ; foaf:primaryTopic <f> ; "
                "dct:modified <not-a-date> ."
            ),
        }
    )
    listed = record_dates._read(store)
    assert [x.terms() for x in listed.listings(URIRef(BASE + "a"))] == [
        (
            URIRef(BASE + "records/a"),
            Literal("2024-02-01T00:00:00Z"),
            Literal("2024-01-01T00:00:00Z"),
        )
    ]
    ((blank, modified, issued),) = [x.terms() for x in listed.listings(URIRef(BASE + "b"))]
    assert isinstance(blank, BNode)
    assert modified == Literal("2024-04-01T00:00:00Z")
    assert issued is None
    assert [x.terms() for x in listed.listings(URIRef(BASE + "c"))] == [
        (URIRef(BASE + "records/c"), Literal("2024-07-01"), Literal("2024-02-01"))
    ]
    # a typed date and a date in a language keep their datatype and language; one record may
    # be about two INTERLINKERs; a change that is not a literal is no date
    dated = (
        URIRef(BASE + "records/d"),
        Literal("2024-08-01T00:00:00Z", datatype=XSD.dateTime),
        Literal("first of May", lang="en"),
    )
    assert [x.terms() for x in listed.listings(URIRef(BASE + "d"))] == [dated]
    assert [x.terms() for x in listed.listings(URIRef(BASE + "e"))] == [dated]
    assert set(listed.of) == {BASE + x for x in ("a", "b", "c", "d", "e")}
    assert listed.topics == {
        BASE + "records/a": (BASE + "a",),
        BASE + "records/c": (BASE + "c",),
        BASE + "records/d": (BASE + "d", BASE + "e"),
    }


def test_a_part_of_a_description_that_fails_fails_the_read(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(remote_store_url)
    try:
        store.replace_graphs({G1: ttl(DESCRIBED)})
        monkeypatch.setattr(remote, "DESCRIBE_PART", 1)
        asked: list[str] = []
        real = remote.RemoteStore._triples

        def second_part_fails(self: remote.RemoteStore, construct: str) -> list[ox.Triple]:
            asked.append(construct)
            if len(asked) == 2:
                raise StoreUnavailableError("the store is down")
            return real(self, construct)

        monkeypatch.setattr(remote.RemoteStore, "_triples", second_part_fails)
        with pytest.raises(StoreUnavailableError, match="down"):
            store.describe_resources([URIRef(BASE + "a"), URIRef(BASE + "b"), URIRef(BASE + "c")])
        assert len(asked) >= 2  # the failing part was asked for, and its failure not swallowed
    finally:
        store.close()


@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_forked_process_reads_descriptions_in_parts_with_threads_of_its_own(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool of a store used before a fork has no threads in the child: waiting on it
    there would hang. The child makes its own."""
    store = open_store(remote_store_url)
    try:
        store.replace_graphs({G1: ttl(DESCRIBED)})
        monkeypatch.setattr(remote, "DESCRIBE_PART", 1)
        items = [URIRef(BASE + "a"), URIRef(BASE + "b")]
        expected = len(store.describe_resources(items))  # the parent's pool now has a thread
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through its exit status
            signal.alarm(20)  # a hang ends the child, which the parent sees
            try:
                os._exit(0 if len(store.describe_resources(items)) == expected else 1)
            finally:
                os._exit(2)
        _, status = os.waitpid(child, 0)
        assert os.WIFEXITED(status)
        assert os.WEXITSTATUS(status) == 0
    finally:
        store.close()


def test_blank_nodes_of_the_parts_of_one_read_stay_apart(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server may number each answer's blank nodes from zero (Fuseki writes _:b0...): the
    parts of one read keep theirs apart."""
    store = open_store(remote_store_url)
    try:
        store.replace_graphs({G1: ttl("<a> <p> [ <q> 1 ] . <b> <p> [ <q> 2 ] .")})
        real = remote.RemoteStore._triples

        def numbered_from_zero(self: remote.RemoteStore, construct: str) -> list[ox.Triple]:
            return [
                ox.Triple(
                    ox.BlankNode("b0") if isinstance(t.subject, ox.BlankNode) else t.subject,
                    t.predicate,
                    ox.BlankNode("b0") if isinstance(t.object, ox.BlankNode) else t.object,
                )
                for t in real(self, construct)
            ]

        monkeypatch.setattr(remote.RemoteStore, "_triples", numbered_from_zero)
        monkeypatch.setattr(remote, "DESCRIBE_PART", 1)
        both = store.describe_resources([URIRef(BASE + "a"), URIRef(BASE + "b")])
        assert len(set(both.objects(None, URIRef(BASE + "p")))) == 2
    finally:
        store.close()


def test_a_part_no_thread_took_is_read_by_the_caller(
    remote_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy pool (or a closed store) never holds a read up: the caller reads the parts
    still waiting itself."""
    store = open_store(remote_store_url)
    assert isinstance(store, remote.RemoteStore)
    try:
        store.replace_graphs({G1: ttl(DESCRIBED)})
        items = [URIRef(BASE + "a"), URIRef(BASE + "b"), URIRef(BASE + "c")]
        expected = len(store.describe_resources(items))
        monkeypatch.setattr(remote, "DESCRIBE_PART", 1)
        monkeypatch.setattr(remote, "PARALLEL_PARTS", 1)
        release = threading.Event()
        blocker = store._submit("ASK {}")
        assert blocker is not None
        busy = store._parts_pool.submit(release.wait)
        found: list[int] = []
        reader = threading.Thread(
            target=lambda: found.append(len(store.describe_resources(items))), daemon=True
        )
        reader.start()
        try:
            reader.join(timeout=10)
            assert not reader.is_alive()  # it did not wait for the busy pool
        finally:
            release.set()
            busy.result(timeout=10)
            reader.join(timeout=10)
        assert found == [expected]
    finally:
        store.close()
    assert len(store.describe_resources(items)) == expected  # closed: read by the caller
    assert store._parts_pool is None


def test_quads_written_to_a_file_are_those_dumped(store: Store, tmp_path: Path) -> None:
    """write_quads streams what dump_quads gives (every data graph, or the ones named)."""
    store.replace_graphs(
        {G1: ttl('<a> <p> 1 . <a> <q> "x"@en .'), "urn:x:g2": ttl("<b> <p> <c> . _:n <p> 2 .")}
    )
    for graphs in (None, [G1], ["urn:x:g2"], []):
        written = tmp_path / "quads.nq"
        store.write_quads(written, graphs)
        expected = store.dump_quads(graphs)
        assert sorted(written.read_bytes().splitlines()) == sorted(expected.splitlines())
    assert len(store.dump_quads().splitlines()) == 4


def test_many_graphs_are_copied_whole_in_batches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server is read by its dump (Oxigraph's layout) or a few graphs per query (here 2, of
    7): every quad of every graph, each in its own graph, its blank node kept, and no internal
    graph."""
    monkeypatch.setattr(remote, "GRAPH_BATCH", 2)
    graphs = {f"urn:x:g{i}": ttl(f'<s{i}> <p> "{i}" . _:b{i} <p> {i} .') for i in range(7)}
    store.replace_graphs(graphs)
    store.set_meta("stamp", "kept out of the copy")
    written = tmp_path / "quads.nq"
    store.write_quads(written)
    quads = list(ox.parse(path=str(written), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 14
    assert {q.graph_name.value for q in quads} == set(graphs)
    assert len({q.subject for q in quads if isinstance(q.subject, ox.BlankNode)}) == 7
    for name in graphs:
        assert len([q for q in quads if q.graph_name.value == name]) == 2
    dumped = store.dump(NTRIPLES, list(graphs))
    assert len(dumped.splitlines()) == 14


def test_invalid_query_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="invalid SPARQL"):
        store.select("SELEKT nothing")


def test_meta_values(store: Store) -> None:
    assert store.get_meta("base_iri") is None
    store.set_meta("base_iri", BASE)
    store.set_meta("base_iri", BASE + "x/")
    assert store.get_meta("base_iri") == BASE + "x/"
    assert store.data_graphs() == []


def test_on_disk_store_survives_a_restart(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'db'}"
    first = open_store(url)
    first.replace_graphs({G1: ttl("<a> <p> 1 .")})
    first.set_meta("base_iri", BASE)
    first.close()
    second = open_store(url)
    try:
        assert count(second) == 1
        assert second.data_graphs() == [G1]
        assert second.get_meta("base_iri") == BASE
    finally:
        second.close()


def test_store_in_use_gives_a_clear_error(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'db'}"
    first = open_store(url)
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            open_store(url)
    finally:
        first.close()


def test_a_link_planted_as_the_lock_file_is_not_followed(tmp_path: Path) -> None:
    """Opening the store neither creates nor locks a file elsewhere through a link put in
    place of its lock file, and says what is wrong."""
    victim = tmp_path / "victim"
    (tmp_path / "db.lock").symlink_to(victim)
    with pytest.raises(StoreError, match=r"lock file .*a link, never followed"):
        open_store(f"oxigraph:{tmp_path / 'db'}")
    assert not victim.exists()
    (tmp_path / "db.lock").unlink()
    open_store(f"oxigraph:{tmp_path / 'db'}").close()
    assert (tmp_path / "db.lock").is_file()


def test_a_store_beside_which_no_lock_file_can_be_made_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder this process may not write beside (another user's parent folder): no lock
    file of its own, the engine's lock only, and never a rebuild (which renames beside it)."""
    url = f"oxigraph:{tmp_path / 'db'}"
    real_open = os.open

    def refused(path: object, flags: int, *args: int) -> int:
        if str(path).endswith("db.lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(folder_lock.os, "open", refused)
    store = open_store(url)
    try:
        store.replace_graphs({G1: ttl("<a> <p> 1 .")})
        assert not (tmp_path / "db.lock").exists()
        with pytest.raises(StoreError, match="in use by another process"):
            open_store(url)  # the engine's own lock still refuses a second opening
        monkeypatch.setattr(rebuild.os, "access", lambda *a, **k: False)
        assert not store.rebuilds  # type: ignore[attr-defined]
    finally:
        store.close()
    assert not rebuild.renamable(tmp_path / "db" / "..")


def test_unknown_store_url() -> None:
    with pytest.raises(ConfigurationError, match="unknown store URL"):
        open_store("postgres://nowhere")


def test_mirrored_store_reads_the_disk_and_writes_through(tmp_path: Path) -> None:
    disk_url, mirror_url = f"oxigraph:{tmp_path / 'db'}", f"oxigraph-mirror:{tmp_path / 'db'}"
    first = open_store(disk_url)
    first.replace_graphs({G1: ttl("<a> <p> 1 .")})
    first.close()
    mirror = open_store(mirror_url)
    assert count(mirror) == 1
    mirror.replace_graphs({G2: ttl("<b> <p> 2 .")})
    mirror.drop_graphs([G1])
    assert mirror.data_graphs() == [G2]
    mirror.close()
    again = open_store(disk_url)
    try:
        assert again.data_graphs() == [G2]
        assert count(again) == 1
    finally:
        again.close()


def test_a_graph_is_copied_in_bulk_where_the_backend_can(store: Store) -> None:
    """The embedded stores replace a graph's content by another's through the bulk loader
    (blank nodes and typed literals kept); a SPARQL server says it cannot, and moves instead."""
    if not store.copies_in_bulk:
        with pytest.raises(NotImplementedError):
            store.copy_graph_in_bulk(G2, G1)
        return
    store.replace_graphs({G1: ttl("<a> <p> 1 , 2 ."), G2: ttl(TERMS)})
    store.copy_graph_in_bulk(G2, G1)
    assert isomorphic(store.graph(G1), store.graph(G2))
    assert len(store.graph(G1)) == len(Graph().parse(data=TERMS, format="turtle"))
    assert count(store) == 2 * len(store.graph(G2))  # the source is left as it was


def test_a_mirrored_copy_in_bulk_reaches_the_disk(tmp_path: Path) -> None:
    mirror = open_store(f"oxigraph-mirror:{tmp_path / 'db'}")
    mirror.replace_graphs({G1: ttl("<a> <p> 1 ."), G2: ttl("<b> <p> 2 , 3 .")})
    mirror.copy_graph_in_bulk(G2, G1)
    assert len(mirror.graph(G1)) == 2
    mirror.close()
    disk = open_store(f"oxigraph:{tmp_path / 'db'}")
    try:
        assert isomorphic(disk.graph(G1), disk.graph(G2))
        assert len(disk.graph(G1)) == 2
    finally:
        disk.close()


TERMS = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:label "plain" , "tagged"@en-GB , "typed"^^xsd:string , "7"^^xsd:integer ;
    ex:shared _:b .
_:b ex:note "inside"@es .
"""


def test_terms_come_back_the_same_from_every_backend(store: Store) -> None:
    """Literals (plain, language-tagged, xsd:string, typed) and blank nodes read back equal
    whichever backend holds them, and a blank node keeps its label from one call to the next."""
    store.replace_graphs({G1: ttl(TERMS)})
    rows = store.select(
        "SELECT ?o WHERE { <http://example.org/a> <http://example.org/label> ?o }", [G1]
    )
    assert {row["o"] for row in rows} == {
        Literal("plain"),
        Literal("tagged", lang="en-gb"),
        Literal("typed"),
        Literal("7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    }
    first, second = store.graph(G1), store.graph(G1)
    assert set(first) == set(second)
    (node,) = first.objects(URIRef("http://example.org/a"), URIRef("http://example.org/shared"))
    (selected,) = store.select(
        "SELECT ?b WHERE { <http://example.org/a> <http://example.org/shared> ?b }", [G1]
    )
    assert selected["b"] == node
    constructed = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [G1])
    assert set(constructed) == set(first)
