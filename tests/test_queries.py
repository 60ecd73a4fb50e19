"""Named queries and safe binding: values are serialised by rdflib, never pasted."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from interlink_kg import resources
from interlink_kg.queries import bind, load_query, query
from interlink_kg.store import Store

QUERY = (
    "SELECT ?s WHERE {\n  #bind ?id\n  ?s <http://purl.org/dc/terms/identifier> ?id .\n}\n#page\n"
)


def test_values_are_escaped() -> None:
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    text = bind(QUERY, {"id": [Literal(hostile)]})
    assert 'VALUES ?id { "x\\" } ; DROP ALL ; SELECT * { \\"" }' in text


def test_hostile_value_matches_nothing(catalogue_store: Store) -> None:
    text = bind(QUERY, {"id": [Literal('trello" } UNION { ?s ?p ?o')]})
    assert catalogue_store.select(text) == []


def test_unbound_marker_means_no_restriction_and_page_is_integers() -> None:
    text = bind(QUERY, limit=10, offset=20)
    assert "VALUES" not in text
    assert "LIMIT 10 OFFSET 20" in text
    with pytest.raises(ValueError, match="negative"):
        bind(QUERY, limit=-1)


def test_binding_a_variable_without_marker_is_an_error() -> None:
    with pytest.raises(KeyError, match="no #bind marker"):
        bind(QUERY, {"other": [URIRef("http://x")]})


def test_every_named_query_parses(catalogue_store: Store) -> None:
    for path in sorted(resources.queries_dir().glob("*.rq")):
        text = query(path.stem)
        if "CONSTRUCT" in text:
            catalogue_store.construct(text)
        elif "\nASK" in text:
            catalogue_store.ask(text)
        else:
            catalogue_store.select(text)


def test_unknown_query_name() -> None:
    with pytest.raises(KeyError):
        load_query("no-such-query")


ILK = "https://w3id.org/interlink-kg/ontology#"
DCT = "http://purl.org/dc/terms/"


def test_the_tasks_an_interlinker_helps_with_are_those_raising_its_problems(
    catalogue_store: Store,
) -> None:
    """The page's "tasks it helps with" (schema-tasks.rq, kept by finding/schema_tasks.py)
    against the same rule worked out in Python over the whole graph: a task raising, itself or
    through its objective, a problem the INTERLINKER addresses."""
    from rdflib import RDF

    from interlink_kg.finding.browse import tasks_helped

    graph = catalogue_store.graph(*catalogue_store.data_graphs())
    addresses, part_of = URIRef(ILK + "addressesProblem"), URIRef(DCT + "isPartOf")
    tasks = set(graph.subjects(RDF.type, URIRef(ILK + "Task")))
    raised = {
        task: set(graph.objects(task, addresses))
        | {p for o in graph.objects(task, part_of) for p in graph.objects(o, addresses)}
        for task in tasks
    }

    def ident(node: object) -> str:
        return str(graph.value(node, URIRef(DCT + "identifier")))  # type: ignore[arg-type]

    parts = tasks | {o for t in tasks for o in graph.objects(t, part_of)}
    items = set(graph.subjects(addresses, None)) - parts
    checked = 0
    for item in sorted(items):
        problems = set(graph.objects(item, addresses))
        expected = sorted(
            (ident(graph.value(t, URIRef(ILK + "inSchema"))), ident(t))
            for t in tasks
            if raised[t] & problems
        )
        helped = tasks_helped(catalogue_store, graph.objects(item, addresses), "en")
        found = [(row["schema"], row["task"]) for row in helped]
        assert found == expected, item
        checked += bool(expected)
    assert checked > 50


def test_display_labels_are_every_label_of_the_asked_resources(catalogue_store: Store) -> None:
    """display-labels.rq: the four label properties of exactly the asked resources."""
    from interlink_kg.finding.catalogue import display_labels

    graph = catalogue_store.graph(*catalogue_store.data_graphs())
    labels = [
        URIRef(u)
        for u in (
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            DCT + "title",
            "http://www.w3.org/2000/01/rdf-schema#label",
            "http://xmlns.com/foaf/0.1/name",
        )
    ]
    asked = sorted(set(graph.objects(None, URIRef(ILK + "addressesProblem"))))[:40]
    asked += sorted(set(graph.subjects(URIRef(DCT + "identifier"), None)))[:40]
    expected = {
        (s, p, o)
        for s in asked
        for p in labels
        for o in graph.objects(s, p)
        if isinstance(o, Literal)
    }
    found = set(display_labels(catalogue_store, asked))
    assert found == expected
    assert len({s for s, _, _ in found}) > 40


def test_display_labels_are_read_once_per_generation() -> None:
    """The names pages show are kept per stamp: asked again, only the resources not seen are
    read; a change to the content or to what teams did (which publishes processes) makes them
    read again, so a renamed concept shows its new name at once."""
    from interlink_kg.finding.catalogue import display_labels
    from interlink_kg.rdf.formats import NTRIPLES
    from interlink_kg.store import open_store
    from interlink_kg.store.base import GraphPayload
    from interlink_kg.store.generation import new_generation, new_usage_generation

    base = "https://example.org/"
    store = open_store("memory:")
    pref = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    concept, unnamed, other = URIRef("urn:x:concept"), URIRef("urn:x:unnamed"), URIRef("urn:x:o")

    def name(label: str, stamp: dict[str, GraphPayload]) -> None:
        data = (
            f'<{concept}> <{pref}> "{label}"@en .\n<{other}> <{pref}> "other" .\n'
            f"<{unnamed}> <{pref}> <{other}> .\n"
        ).encode()
        store.replace_graphs({"urn:x:g": GraphPayload(data, NTRIPLES, base, "test"), **stamp})

    read: list[str] = []
    construct = store.construct

    def counted(text: str, *args: object, **kwargs: object) -> Graph:
        read.append(text)
        return construct(text, *args, **kwargs)  # type: ignore[arg-type]

    store.construct = counted  # type: ignore[method-assign]
    name("first", new_generation(base))
    assert set(display_labels(store, [concept, unnamed])) == {
        (concept, pref, Literal("first", lang="en"))
    }
    assert len(read) == 1
    assert set(display_labels(store, [unnamed, concept])) == {
        (concept, pref, Literal("first", lang="en"))
    }
    assert len(read) == 1  # both kept, the one without a name too
    assert set(display_labels(store, [concept, other])) == {
        (concept, pref, Literal("first", lang="en")),
        (other, pref, Literal("other")),
    }
    assert len(read) == 2
    assert f"<{concept}>" not in read[-1]  # only the one not seen
    name("second", new_generation(base))
    assert set(display_labels(store, [concept])) == {(concept, pref, Literal("second", lang="en"))}
    name("third", new_usage_generation(base))
    assert set(display_labels(store, [concept])) == {(concept, pref, Literal("third", lang="en"))}
    name("fourth", new_generation(base, "1-from-a-host-whose-clock-is-behind"))
    assert set(display_labels(store, [concept])) == {(concept, pref, Literal("fourth", lang="en"))}
    assert len(read) == 5
    assert len(display_labels(store, [])) == 0
    assert len(read) == 5


def test_summaries_are_read_once_per_content_generation() -> None:
    """An INTERLINKER's summary facts are kept per content stamp: asked again, only the
    INTERLINKERs not seen are read; each summary is the same in every language as when read
    afresh; what is not an INTERLINKER is left out; a change of content reads them again."""
    from rdflib.term import Node

    from interlink_kg.curation.loading import load_bundled
    from interlink_kg.finding import catalogue
    from interlink_kg.model.labels import pick
    from interlink_kg.store import open_store
    from interlink_kg.store.base import Row
    from interlink_kg.store.generation import new_generation

    store = open_store("memory:")
    load_bundled(store, "https://example.org/", validate=False)
    known = sorted(URIRef(str(r["item"])) for r in store.select(query("interlinker-keys")))
    items: list[Node] = [*known[:6], URIRef("urn:x:not-an-interlinker"), *known[6:12]]
    fresh = [(i, f) for i, f in catalogue._read_facts(store, items).items() if f.id is not None]
    assert len(fresh) == 12
    read: list[str] = []
    select = store.select

    def counted(text: str, *args: object, **kwargs: object) -> list[Row]:
        if "Titles, kind and problem profiles" in text:  # not the stamps
            read.append(text)
        return select(text, *args, **kwargs)  # type: ignore[arg-type]

    store.select = counted  # type: ignore[method-assign]
    try:
        first = catalogue.summaries(store, items[:6], "en")
        assert len(read) == 1
        assert [s.iri for s in first] == [str(i) for i in items[:6]]
        for lang in ("en", "lv"):
            summaries = catalogue.summaries(store, items, lang)
            assert [s.iri for s in summaries] == [str(i) for i, _ in fresh]
            for summary, (_, facts) in zip(summaries, fresh, strict=True):
                assert summary.id == facts.id
                assert summary.kind == facts.kind
                assert summary.problem_profiles == facts.problems
                assert summary.title == pick(facts.titles, lang)[0]
        assert len(read) == 2  # the other seven, once
        assert all(f"<{i}>" not in read[1] for i in items[:6])
        store.replace_graphs(new_generation("https://example.org/"))
        catalogue.summaries(store, items[:1], "en")
        assert len(read) == 3
    finally:
        store.close()


@pytest.mark.parametrize("name", ["task-context", "task-texts"])
def test_every_branch_of_a_task_query_is_bound_to_the_task(name: str) -> None:
    """The engine evaluates each UNION branch on its own: a branch without the task bound in
    it reads the whole catalogue's tasks before the join (55 ms at 10k schema tasks instead
    of 0.4 ms for task-texts)."""
    text = load_query(name)
    body = text[text.index("WHERE {") :]
    branches = body.split("} UNION {")
    assert len(branches) >= 4
    assert all("#bind ?task" in branch for branch in branches), name
