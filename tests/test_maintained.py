"""What is kept in memory per catalogue (page keys, candidate index, text relevance, search
index) is patched per change from the change log, and a patched one answers exactly as one
built again from the whole store: checked after each step of a run of edits, additions,
removals and re-additions, on the bundled catalogue plus synthetic INTERLINKERs, one graph each.
And it is built again, not patched, whenever the log cannot say what changed."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node
from support import BASE, synthetic_module

from interlink_kg.curation.loading import load_bundled
from interlink_kg.finding import candidates, keys, record_dates, relevance, statistics
from interlink_kg.finding.filters import Filters, check_filters
from interlink_kg.finding.search import SearchIndex, SearchRequest
from interlink_kg.finding.statistics import change_markers, refresh_statistics
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES, TURTLE
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.changes import KEEP, read_log, subjects_of
from interlink_kg.store.generation import new_generation
from interlink_kg.vocab import DCAT, FOAF

ILK = Namespace("https://w3id.org/interlink-kg/ontology#")
SYNTHETIC = 120
FILTERS = [
    Filters(),
    Filters(kind="knowledge"),
    Filters(kind="software", language="es"),
    Filters(target="citizens"),
    Filters(purpose="build_capacity"),
]
SEARCHES = [
    SearchRequest(),
    SearchRequest("survey"),
    SearchRequest("canvas"),
    SearchRequest("map", per_page=5, page=2),
    SearchRequest("the"),
    SearchRequest("co"),
    SearchRequest("quokka"),
    SearchRequest(filters={"kind": "software"}),
    SearchRequest("guide", filters={"kind": "knowledge"}),
    SearchRequest(per_page=7, page=4),
]
TEXTS = [
    ("en", "personas and user journeys"),
    ("en", "quokka survey canvas map"),
    ("es", "cuestionario de satisfacción"),
    ("it", "coinvolgere gli stakeholder"),
    ("lv", "aptauja"),
]


def _graph_of(store: Store, resource: str) -> str:
    """The graph describing ``resource`` (not a record about it)."""
    rows = store.select(query("graphs-describing", {"item": [URIRef(resource)]}))
    names = [
        str(r["g"])
        for r in rows
        if "/records/" not in str(r["g"]) and "/derived/" not in str(r["g"])
    ]
    assert len(names) == 1, names
    return names[0]


def change(store: Store, writes: dict[str, bytes | None]) -> None:
    """Write (Turtle) or drop (None) graphs as the services do: the subjects of the graphs
    before and after in the change log, in the same transaction, then the statistics of what
    changed counted again."""
    touched = subjects_of(store, writes)
    for data in writes.values():
        if data is not None:
            parsed = Graph().parse(data=data, format="turtle", publicID=BASE)
            touched |= {str(s) for s in parsed.subjects() if isinstance(s, URIRef)}
    before = statistics.problems_of(store, touched)
    changed = statistics.change(BASE, touched)
    payloads = {g: GraphPayload(d, TURTLE, BASE) for g, d in writes.items() if d is not None}
    store.replace_graphs(
        {**payloads, **changed.payloads}, drop=[g for g, d in writes.items() if d is None]
    )
    statistics.refresh_statistics(store, BASE, changed, before)
    assert not statistics.derived_are_stale(store)
    # Counted in part, as counted in full.
    name = statistics.statistics_graph(BASE)
    full = store.construct(statistics._counts())
    kept = store.graph(name)
    assert len(full) > 0
    assert isomorphic(kept, full)


def edited(store: Store, item: str, edit: str) -> tuple[str, bytes]:
    """The graph of ``item`` with one edit: a new title word, one profile less, another kind."""
    name = _graph_of(store, item)
    graph = store.graph(name)
    subject = URIRef(item)
    if edit == "title":
        title = next(iter(graph.objects(subject, DCTERMS.title)))
        graph.add((subject, DCTERMS.title, Literal(f"{title} quokka survey", lang="en")))
    elif edit == "profile":
        graph.remove(
            (subject, ILK.addressesProblem, next(graph.objects(subject, ILK.addressesProblem)))
        )
    elif edit == "kind":
        kinds = f"{BASE}vocabularies/interlinker-kinds/"
        old = next(iter(graph.objects(subject, ILK.kind)))
        new = "software" if not str(old).endswith("software") else "knowledge"
        graph.set((subject, ILK.kind, URIRef(kinds + new)))
    return name, serialize(graph, NTRIPLES)


@pytest.fixture(autouse=True)
def _count_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count tables for the common words of this small catalogue too, so that patching them
    is checked as well."""
    from interlink_kg.finding import search_layer

    monkeypatch.setattr(search_layer, "COUNT_TABLE_MIN", 5)


@pytest.fixture
def store() -> Iterator[Store]:
    """The bundled catalogue and synthetic INTERLINKERs, each in a graph of its own."""
    found = open_store("memory:")
    load_bundled(found, BASE, validate=False)
    text = synthetic_module().generate(SYNTHETIC, seed=3).decode()
    lines = text.splitlines()
    prefixes, items = "\n".join(lines[:4]), lines[4:]
    found.replace_graphs(
        {
            f"{BASE}graphs/synthetic/{i}": GraphPayload(
                f"{prefixes}\n{line}\n".encode(), TURTLE, BASE
            )
            for i, line in enumerate(items)
        }
    )
    refresh_statistics(found, BASE)
    yield found
    found.close()


def _profile_sets(store: Store) -> list[list[tuple[str, float]]]:
    rows = store.select(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT ?p (COUNT(?i) AS ?n) WHERE { ?i ilk:kind ?k ; ilk:addressesProblem ?p } "
        "GROUP BY ?p ORDER BY DESC(?n) ?p"
    )
    profiles = [str(r["p"]) for r in rows]
    return [
        [(profiles[0], 1.0)],
        [(profiles[-1], 1.0)],
        [(profiles[1], 1.0), (profiles[2], 0.75), (profiles[-2], 0.3)],
        [(p, 0.5) for p in profiles[:10]],
    ]


def assert_as_rebuilt(store: Store, search: SearchIndex) -> None:
    """Every kept structure, patched, answers as one built again from the store."""
    assert keys.keys(store) == keys._read(store)

    patched, fresh = candidates.candidate_index(store), candidates.CandidateIndex(store)
    assert patched.items == fresh.items
    for filters in FILTERS:
        hard, _ = check_filters(store, filters)
        for profiles in _profile_sets(store):
            assert patched.best(profiles, hard, 40) == fresh.best(profiles, hard, 40), profiles
        assert patched.passing(fresh.items, hard) == fresh.passing(fresh.items, hard)
    some = list(fresh.items[::7])
    every = [p for p, _ in _profile_sets(store)[3]]
    assert patched.addressed(some, every) == fresh.addressed(some, every)

    words, built = relevance._INDEXES.get(store), relevance._Index(store)
    for lang, text in TEXTS:
        stems = dict.fromkeys((s for s, _ in relevance.analyse(text, lang)), 1.0)
        assert words.bm25(lang, stems) == built.bm25(lang, stems), text
        for item in fresh.items:
            assert words.stems(item, lang) == built.stems(item, lang)

    again = SearchIndex(store)
    words = [SearchRequest(w) for w in synthetic_module().WORDS]  # common: count tables
    for request in [*SEARCHES, *words]:
        assert search.search(request) == again.search(request), request
    # Words FTS5 reads as phrases are scored by each layer's FTS5 with that layer's statistics
    # until the next merge: the same hits and counts, scores close.
    phrase = SearchRequest("survey_editor")
    found, expected = search.search(phrase), again.search(phrase)
    assert (set(found.ids), found.total, found.facets) == (
        set(expected.ids),
        expected.total,
        expected.facets,
    )
    for ident, score in expected.scores.items():
        assert found.scores[ident] == pytest.approx(score, rel=0.05)


def _patched_not_built(store: Store, search: SearchIndex, base: object) -> None:
    assert search.current().base is base


def test_a_run_of_changes_is_patched_and_answers_as_rebuilt(store: Store) -> None:
    search = SearchIndex(store)
    assert_as_rebuilt(store, search)
    base = search.current().base
    first_candidates = candidates.candidate_index(store)._base
    bundled = sorted(str(i) for i in keys.keys(store).items if "synthetic" not in str(i))
    synthetic = sorted(str(i) for i in keys.keys(store).items if "synthetic" in str(i))

    # Edits: a title, a profile less, another kind.
    change(
        store, dict([edited(store, bundled[0], "title"), edited(store, synthetic[5], "profile")])
    )
    assert_as_rebuilt(store, search)
    change(store, dict([edited(store, bundled[3], "kind")]))
    assert_as_rebuilt(store, search)

    # New INTERLINKERs, one sorting first, one with a word nobody else has.
    fresh = synthetic_module().generate(4, seed=99).decode().splitlines()
    prefixes = "\n".join(fresh[:4])
    added = {}
    for n, line in enumerate(fresh[4:]):
        line = line.replace("synthetic_0000", f"aaa_new_{n}_")
        if n == 1:
            line = line.replace('dct:title "', 'dct:title "Wombat ')
        added[f"{BASE}graphs/new/{n}"] = f"{prefixes}\n{line}\n".encode()
    change(store, added)
    assert_as_rebuilt(store, search)
    assert any(i.startswith("aaa_new_") for i in keys.keys(store).ids[:4])
    assert search.search(SearchRequest("wombat")).total == 1

    # Removals, of bundled and synthetic ones and of one just added.
    gone = [bundled[1], bundled[10], synthetic[0]]
    change(store, {_graph_of(store, i): None for i in gone} | {f"{BASE}graphs/new/2": None})
    assert_as_rebuilt(store, search)
    assert not set(gone) & {str(i) for i in keys.keys(store).items}

    # An edited one edited again; a removed one back.
    change(store, dict([edited(store, bundled[0], "profile")]))
    change(store, {f"{BASE}graphs/new/2": added[f"{BASE}graphs/new/2"]})
    assert_as_rebuilt(store, search)

    # The statistics refresh logs a change of nothing: no patch, no build.
    before = candidates.candidate_index(store)
    refresh_statistics(store, BASE)
    assert candidates.candidate_index(store) is before

    # All of it patched: the first builds are still the bases.
    _patched_not_built(store, search, base)
    assert candidates.candidate_index(store)._base is first_candidates


def _graph_holding(store: Store, subject: Node) -> str:
    rows = store.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }".replace("?s", subject.n3())
    )
    (name,) = [str(r["g"]) for r in rows]
    return name


def test_the_records_dates_are_patched_as_records_change(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records' dates kept for the catalogue pages (finding/record_dates.py) follow a
    record that changes, one that turns to another INTERLINKER, a new INTERLINKER with its
    record, a record about two INTERLINKERs then one, an INTERLINKER changed without its
    record, and a record dropped, as read again from the store, never built again."""
    listed = record_dates.record_dates(store)
    assert listed == record_dates._read(store)
    builds: list[Store] = []
    build = record_dates._RECORD_DATES._build
    monkeypatch.setattr(
        record_dates._RECORD_DATES, "_build", lambda s: builds.append(s) or build(s)
    )
    first, second = sorted(listed.of)[:2]
    ((record, _, issued),) = [x.terms() for x in listed.of[first]]
    name = _graph_holding(store, record)
    later = Literal("2031-01-01T00:00:00+00:00", datatype=XSD.dateTime)

    # The record changed again: its latest change is listed.
    graph = store.graph(name)
    graph.add((record, DCTERMS.modified, later))
    change(store, {name: serialize(graph, NTRIPLES)})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert [x.terms() for x in now.of[first]] == [(record, later, issued)]

    # The record now about another INTERLINKER: both are read again.
    graph.set((record, FOAF.primaryTopic, URIRef(second)))
    change(store, {name: serialize(graph, NTRIPLES)})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert first not in now.of
    assert len(now.of[second]) == 2

    # A new INTERLINKER with its record, in one change.
    line = synthetic_module().generate(1, seed=5).decode().splitlines()
    item = URIRef(f"{BASE}interlinkers/zz_new")
    fresh = "\n".join([*line[:4], line[4].replace(line[4].split()[0], item.n3(), 1)])
    new_record = (
        f"<{BASE}records/zz_new> a <{DCAT.CatalogRecord}> ; <{FOAF.primaryTopic}> {item.n3()} ;"
        f" <{DCTERMS.modified}> {later.n3()} ; <{DCTERMS.issued}> {later.n3()} ."
    )
    change(
        store,
        {
            f"{BASE}graphs/zz_new": fresh.encode(),
            f"{BASE}graphs/zz_new_record": new_record.encode(),
        },
    )
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert [x.terms() for x in now.listings(item)] == [
        (URIRef(f"{BASE}records/zz_new"), later, later)
    ]

    # The new record about two INTERLINKERs, then about one of them again.
    new_name = f"{BASE}graphs/zz_new_record"
    both = new_record.replace(f"{item.n3()} ;", f"{item.n3()} , <{first}> ;")
    change(store, {new_name: both.encode()})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert len(now.of[first]) == 1
    change(store, {new_name: both.replace(f"{item.n3()} , ", "").encode()})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert item not in now.of
    change(store, {new_name: new_record.encode()})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert first not in now.of

    # The new INTERLINKER changed and its record not: its dates stay.
    change(store, {f"{BASE}graphs/zz_new": fresh.replace('"@en', ' wombat"@en', 1).encode()})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert len(now.listings(item)) == 1

    # The record dropped: its INTERLINKER is listed no more.
    change(store, {name: None})
    now = record_dates.record_dates(store)
    assert now == record_dates._read(store)
    assert len(now.of[second]) == 1
    assert builds == []


def _rebuilt_after(store: Store, write: object) -> None:
    search = SearchIndex(store)
    search.current()
    base = search.current().base
    first = candidates.candidate_index(store)._base
    write()  # type: ignore[operator]
    assert search.current().base is not base
    assert candidates.candidate_index(store)._base is not first
    assert_as_rebuilt(store, search)


def test_a_changed_concept_makes_them_built_again(store: Store) -> None:
    """A target group's notation changes what the filters read of every INTERLINKER pointing
    to it: the log names the concept only, so everything is read again."""
    concept = f"{BASE}vocabularies/targets/citizens"

    def rename() -> None:
        name = _graph_of(store, concept)
        graph = store.graph(name)
        graph.add(
            (
                URIRef(concept),
                URIRef("http://www.w3.org/2004/02/skos/core#broader"),
                URIRef(f"{BASE}vocabularies/targets/public_servants"),
            )
        )
        change(store, {name: serialize(graph, NTRIPLES)})

    _rebuilt_after(store, rename)


@pytest.mark.parametrize("how", ["everything", "stamp only", "pruned"])
def test_an_unlisted_change_makes_them_built_again(store: Store, how: str) -> None:
    item = f"{BASE}interlinkers/zz_unlisted"
    data = (
        "@prefix ilk: <https://w3id.org/interlink-kg/ontology#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        f'<{item}> a ilk:KnowledgeInterlinker ; dct:identifier "zz_unlisted" ;\n'
        f'  dct:title "Unlisted platypus"@en ;\n'
        f"  ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;\n"
        f"  ilk:addressesProblem <{BASE}problem-profiles/legal_1> .\n"
    ).encode()

    def write() -> None:
        graph = {f"{BASE}graphs/unlisted": GraphPayload(data, TURTLE, BASE)}
        if how == "everything":
            store.replace_graphs({**graph, **change_markers(BASE, None)})
        elif how == "stamp only":
            store.replace_graphs({**graph, **new_generation(BASE)})
        else:  # more changes than the log keeps, none of them seen
            for _ in range(KEEP + 1):
                store.replace_graphs(change_markers(BASE, ()))
            store.replace_graphs({**graph, **change_markers(BASE, ())})  # not listed either
            refresh_statistics(store, BASE)
            assert len(read_log(store)) == KEEP

    _rebuilt_after(store, write)
    assert SearchIndex(store).search(SearchRequest("platypus")).total == 1


PREFIXES = """@prefix ilk: <https://w3id.org/interlink-kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def _firsts(store: Store) -> tuple[SearchIndex, object, object, object]:
    """The structures built once, and their first builds."""
    search = SearchIndex(store)
    return (
        search,
        search.current().base,
        candidates.candidate_index(store)._base,
        relevance._INDEXES.get(store)._base,
    )


def _still_patched(store: Store, firsts: tuple[SearchIndex, object, object, object]) -> bool:
    search, base, first_candidates, first_words = firsts
    return (
        search.current().base is base
        and candidates.candidate_index(store)._base is first_candidates
        and relevance._INDEXES.get(store)._base is first_words
    )


def test_an_interlinker_with_its_distribution_is_patched(store: Store) -> None:
    """The distribution of an INTERLINKER is pointed to by that INTERLINKER alone, which the
    same change reads again: no reason to build everything again."""
    firsts = _firsts(store)
    item = f"{BASE}interlinkers/zz_distributed"
    change(
        store,
        {
            f"{BASE}graphs/zz_distributed": (
                PREFIXES
                + f'<{item}> a ilk:KnowledgeInterlinker ; dct:identifier "zz_distributed" ;'
                f' dct:title "Distributed marmot guide"@en ;'
                f" ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;"
                f" ilk:addressesProblem <{BASE}problem-profiles/legal_1> ;"
                f" dcat:distribution <{item}/distributions/en> .\n"
                f'<{item}/distributions/en> a dcat:Distribution ; dct:title "Marmots"@en .'
            ).encode()
        },
    )
    assert _still_patched(store, firsts)
    assert_as_rebuilt(store, firsts[0])
    assert firsts[0].search(SearchRequest("marmot")).total == 1


def test_new_profiles_and_groups_reach_what_is_patched_later(store: Store) -> None:
    """A new problem profile and target group (pointed to by nothing yet) are patched in; an
    INTERLINKER that then addresses and targets them is scored with their labels and found by
    the group's broader one, as after a new build."""
    firsts = _firsts(store)
    profile = f"{BASE}problem-profiles/ZEBRA_1"
    group = f"{BASE}vocabularies/targets/zebra_keepers"
    change(
        store,
        {
            f"{BASE}graphs/new-profile": (
                PREFIXES
                + f'<{profile}> a skos:Concept, ilk:ProblemProfile ; dct:identifier "ZEBRA_1" ;'
                f' skos:notation "ZEBRA_1" ; skos:prefLabel "Zebrafish wrangling"@en .\n'
                f"<{group}> a skos:Concept ; skos:broader <{BASE}vocabularies/targets/citizens> ;"
                f' skos:notation "zebra_keepers" .'
            ).encode()
        },
    )
    item = f"{BASE}interlinkers/zz_fish"
    change(
        store,
        {
            f"{BASE}graphs/zz_fish": (
                PREFIXES + f'<{item}> a ilk:KnowledgeInterlinker ; dct:identifier "zz_fish" ;'
                f' dct:title "Fish tank guide"@en ; dct:description "How to keep fish."@en ;'
                f" ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;"
                f" ilk:target <{group}> ; ilk:addressesProblem <{profile}> ."
            ).encode()
        },
    )
    assert _still_patched(store, firsts)
    stems = dict.fromkeys((s for s, _ in relevance.analyse("zebrafish wrangling", "en")), 1.0)
    assert item in relevance._INDEXES.get(store).bm25("en", stems)
    hard, _ = check_filters(store, Filters(target="citizens"))
    assert [c.item for c in candidates.candidate_index(store).best([(profile, 1.0)], hard, 5)] == [
        item
    ]
    assert_as_rebuilt(store, firsts[0])


def test_a_profile_changed_keeps_its_count(store: Store) -> None:
    """A change of a problem profile itself (its labels) counts it again: the statistics keep
    its INTERLINKERs (checked against a full count by ``change``)."""
    profile = f"{BASE}problem-profiles/UND_PROBLEM_4"
    name = _graph_of(store, profile)
    graph = store.graph(name)
    graph.add(
        (
            URIRef(profile),
            URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
            Literal("personas", lang="en"),
        )
    )
    change(store, {name: serialize(graph, NTRIPLES)})
    counted = store.select(
        f"SELECT ?n WHERE {{ <{profile}> <{ILK}interlinkerCount> ?n }}",
        graphs=[statistics.statistics_graph(BASE)],
    )
    assert counted


def test_a_group_reached_through_a_blank_node_makes_them_built_again(store: Store) -> None:
    """A licence category is reached from INTERLINKERs through their licence, a blank node
    here: a change of it is not patched."""
    category = f"{BASE}vocabularies/licence-categories/zz_category"
    item = f"{BASE}interlinkers/zz_licensed"
    change(
        store,
        {
            f"{BASE}graphs/zz_licensed": (
                PREFIXES + f'<{item}> a ilk:KnowledgeInterlinker ; dct:identifier "zz_licensed" ;'
                f' dct:title "Licensed"@en ;'
                f" ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;"
                f" dct:license [ ilk:licenceCategory <{category}> ] ."
            ).encode()
        },
    )

    def rename() -> None:
        change(
            store,
            {
                f"{BASE}graphs/zz_category": (
                    PREFIXES + f'<{category}> a skos:Concept ; skos:notation "zz_renamed" .'
                ).encode()
            },
        )

    _rebuilt_after(store, rename)


def test_two_interlinkers_of_one_identifier_stay_one_search_row(store: Store) -> None:
    search, base, _, _ = _firsts(store)
    change(
        store,
        {
            f"{BASE}graphs/dup": (
                PREFIXES
                + f'<{BASE}other/brevo> a ilk:KnowledgeInterlinker ; dct:identifier "brevo" ;'
                f' dct:title "Brevo mirror"@en ;'
                f" ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ."
            ).encode()
        },
    )
    assert search.current().base is base
    assert_as_rebuilt(store, search)
    assert search.search(SearchRequest("brevo")).ids.count("brevo") == 1


def test_grown_patches_are_merged_in_the_background(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MERGE_AT changed INTERLINKERs a background thread builds each again; requests
    keep the patched one meanwhile, and the answers stay those of a new build."""
    from interlink_kg.finding import search as search_module

    for module in (candidates, relevance, search_module):
        monkeypatch.setattr(module, "MERGE_AT", 1)
    firsts = _firsts(store)
    items = sorted(str(i) for i in keys.keys(store).items)
    change(store, dict([edited(store, items[2], "title"), edited(store, items[8], "title")]))
    assert_as_rebuilt(store, firsts[0])  # patched, and the merges start
    search, base, first_candidates, first_words = firsts

    def any_patched() -> bool:
        return (
            search.current().base is base
            or candidates.candidate_index(store)._base is first_candidates
            or relevance._INDEXES.get(store)._base is first_words
        )

    deadline = time.monotonic() + 30
    while any_patched() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert search.current().base is not base
    assert candidates.candidate_index(store)._base is not first_candidates
    assert relevance._INDEXES.get(store)._base is not first_words
    assert not search.current().changed  # one build, nothing beside it
    assert_as_rebuilt(store, search)


def test_a_refresh_that_counted_earlier_never_overwrites_a_later_one(store: Store) -> None:
    """Two changes in two processes: A's refresh has counted when B's change and refresh
    land. A's write is a compare-and-set on its stale marker, which B's full count cleared:
    it does not apply, and the statistics keep B's (later, right) counts."""
    profile = f"{BASE}problem-profiles/legal_1"

    def written(name: str, ident: str) -> tuple[statistics.Change, set[str]]:
        item = f"{BASE}interlinkers/{ident}"
        data = (
            PREFIXES + f'<{item}> a ilk:KnowledgeInterlinker ; dct:identifier "{ident}" ;'
            f' dct:title "Race {ident}"@en ;'
            f" ilk:kind <{BASE}vocabularies/interlinker-kinds/knowledge> ;"
            f" ilk:addressesProblem <{profile}> ."
        ).encode()
        touched = subjects_of(store, [name]) | {item}
        before = statistics.problems_of(store, touched)
        changed = statistics.change(BASE, touched)
        store.replace_graphs({name: GraphPayload(data, TURTLE, BASE), **changed.payloads})
        return changed, before

    def counted() -> list[object]:
        rows = store.select(
            f"SELECT ?n WHERE {{ <{profile}> <{ILK}interlinkerCount> ?n }}",
            graphs=[statistics.statistics_graph(BASE)],
        )
        return [r["n"].toPython() for r in rows]  # type: ignore[union-attr]

    first, before = written(f"{BASE}graphs/race/a", "race_a")
    real = store.derive

    def meanwhile(*args: object, **kwargs: object) -> None:
        store.derive = real  # type: ignore[method-assign]  # once: the full count derives too
        other, other_before = written(f"{BASE}graphs/race/b", "race_b")
        statistics.refresh_statistics(store, BASE, other, other_before)  # a full count
        real(*args, **kwargs)  # type: ignore[arg-type]

    store.derive = meanwhile  # type: ignore[method-assign]
    statistics.refresh_statistics(store, BASE, first, before)
    assert counted() == [2]
    assert not statistics.derived_are_stale(store)


def test_a_value_kept_per_generation_is_built_once_per_stamp() -> None:
    """cache.PerGeneration builds once per stamp and key, again when the stamp moves, at every
    call for data never stamped; threads asking at once wait for one build."""
    import threading

    from interlink_kg.finding.cache import PerGeneration
    from interlink_kg.store.generation import generation

    store = open_store("memory:")
    built: list[str] = []
    started, release = threading.Event(), threading.Event()

    def build(store: Store, *key: object) -> str:
        built.append(generation(store))
        if key == ("slow",):
            started.set()
            release.wait(10)
        return f"value {len(built)}"

    kept = PerGeneration(build)
    assert kept.get(store) == "value 1"
    assert kept.get(store) == "value 2"  # no stamp: nothing kept
    store.replace_graphs(new_generation(BASE, "1-a"))
    assert kept.get(store) == kept.get(store) == "value 3"
    assert kept.get(store, "other key") == "value 4"
    store.replace_graphs(new_generation(BASE, "3-c"))
    assert kept.get(store) == "value 5"
    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(kept.get(store, "slow"))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    assert started.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert answers == ["value 6"] * 3
    assert len(built) == 6


def test_an_interlinker_is_found_by_identifier_from_the_keys_as_by_the_query(
    store: Store,
) -> None:
    """catalogue.interlinker_iri reads the page keys when they are up to date with the content
    (Maintained.current: nothing built or patched for it), else asks the store: both answer the
    same, for two INTERLINKERs sharing one identifier (the smaller IRI), for a new one, and for
    an identifier that is not a plain string (neither finds it, and no page lists it)."""
    from interlink_kg.errors import NotFoundError
    from interlink_kg.finding.catalogue import interlinker_iri

    kinds = f"{BASE}vocabularies/interlinker-kinds/knowledge"
    data = PREFIXES + "".join(
        f'<{BASE}{path}> ilk:kind <{kinds}> ; dct:identifier {ident} ; dct:title "{path}"@en .\n'
        for path, ident in (
            ("twins/b", '"twin"'),
            ("twins/a", '"twin"'),
            ("interlinkers/tagged", '"tagged"@en'),
        )
    )
    keys.keys(store)
    change(store, {f"{BASE}graphs/lookups": data.encode()})
    assert keys.current_keys(store) is None  # the stamp moved: the store is asked
    sample = ["twin", "tagged", "trello", "no_such_one", *keys.keys(store).ids[::40]]
    keys._KEYS._known.clear()  # as a process that has not read the keys yet
    assert keys.current_keys(store) is None

    def lookups() -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for ident in sample:
            try:
                found[ident] = str(interlinker_iri(store, ident))
            except NotFoundError:
                found[ident] = None
        return found

    asked = lookups()
    current = keys.keys(store)
    assert keys.current_keys(store) is current
    assert lookups() == asked
    assert asked["twin"] == f"{BASE}twins/a"
    assert asked["tagged"] is None
    assert asked["no_such_one"] is None
    assert asked["trello"] == f"{BASE}interlinkers/trello"
    assert "tagged" not in current.ids
    # Data written without a stamp is never taken from memory.
    bare = open_store("memory:")
    bare.replace_graphs({f"{BASE}graphs/lookups": GraphPayload(data.encode(), TURTLE, BASE)})
    assert [str(i) for i in keys.keys(bare).named("twin")] == [f"{BASE}twins/a", f"{BASE}twins/b"]
    assert keys.current_keys(bare) is None


def test_current_never_waits_for_a_build_under_way() -> None:
    """Maintained.current answers at once (None) while a build runs, so a lookup takes its
    cheaper way instead of waiting; once built, the value is current until the stamp moves."""
    import threading

    from interlink_kg.finding.maintained import Maintained

    started, release = threading.Event(), threading.Event()

    class Slow:
        def __init__(self, store: Store) -> None:
            started.set()
            release.wait(10)

        def patched(self, store: Store, subjects: frozenset[str]) -> Slow:
            return self

        def needs_merge(self) -> bool:
            return False

        def knows(self, subject: str) -> bool:
            return False

    store = open_store("memory:")
    store.replace_graphs(new_generation(BASE))
    kept = Maintained(Slow)
    builder = threading.Thread(target=kept.get, args=(store,))
    builder.start()
    assert started.wait(10)
    begun = time.monotonic()
    assert kept.current(store) is None
    assert time.monotonic() - begun < 1
    release.set()
    builder.join(10)
    value = kept.current(store)
    assert isinstance(value, Slow)
    assert kept.get(store) is value
    store.replace_graphs(new_generation(BASE))
    assert kept.current(store) is None


def test_values_remembered_per_key_are_dropped_when_the_stamp_moves() -> None:
    """cache.Remembered computes a key once per stamp (at most ``size`` kept, the least
    recently used dropped), again after a change, at every call for data never stamped; a
    computation that fails is not kept."""
    from interlink_kg.finding.cache import Remembered

    store = open_store("memory:")
    computed: list[str] = []

    def compute(store: Store, key: str) -> str:
        if key == "unknown":
            raise KeyError(key)
        computed.append(key)
        return f"{key} {len(computed)}"

    kept = Remembered(compute, size=2)
    assert kept.get(store, "a") == "a 1"
    assert kept.get(store, "a") == "a 2"  # no stamp: nothing kept
    store.replace_graphs(new_generation(BASE))
    assert kept.get(store, "a") == kept.get(store, "a") == "a 3"
    assert kept.get(store, "b") == "b 4"
    assert kept.get(store, "a") == "a 3"
    assert kept.get(store, "c") == "c 5"  # b, least recently used, is dropped
    assert kept.get(store, "a") == "a 3"
    assert kept.get(store, "b") == "b 6"
    for _ in range(2):
        with pytest.raises(KeyError):
            kept.get(store, "unknown")
    store.replace_graphs(new_generation(BASE))
    assert kept.get(store, "a") == "a 7"


def _waiting(thread: threading.Thread) -> bool:
    """Whether ``thread`` waits on a condition (a future's result)."""
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "wait" and "threading" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_values_remembered_many_at_a_time_read_only_the_keys_not_kept() -> None:
    """cache.RememberedMany computes, in one call, only the keys it does not keep (each once,
    asked twice or not); at most ``size`` kept, the least recently used dropped; all again
    after a change, and at every call for data never stamped."""
    from interlink_kg.finding.cache import RememberedMany

    store = open_store("memory:")
    asked: list[list[str]] = []

    def compute(store: Store, keys: list[str]) -> dict[str, str]:
        asked.append(keys)
        return {key: f"{key} {len(asked)}" for key in keys}

    kept = RememberedMany(compute, size=3)
    assert kept.get(store, ["a", "b"]) == {"a": "a 1", "b": "b 1"}
    assert kept.get(store, ["a"]) == {"a": "a 2"}  # no stamp: nothing kept
    store.replace_graphs(new_generation(BASE))
    assert kept.get(store, ["a", "b", "a"]) == {"a": "a 3", "b": "b 3"}
    assert asked[-1] == ["a", "b"]
    assert kept.get(store, ["b", "c"]) == {"b": "b 3", "c": "c 4"}
    assert asked[-1] == ["c"]
    assert kept.get(store, ["a", "b", "c"]) == {"a": "a 3", "b": "b 3", "c": "c 4"}
    assert kept.get(store, []) == {}
    assert len(asked) == 4
    assert kept.get(store, ["d"]) == {"d": "d 5"}  # a, least recently used, is dropped
    assert kept.get(store, ["b", "c", "d"]) == {"b": "b 3", "c": "c 4", "d": "d 5"}
    assert kept.get(store, ["a", "b"]) == {"a": "a 6", "b": "b 3"}
    assert asked[-1] == ["a"]
    store.replace_graphs(new_generation(BASE))
    assert kept.get(store, ["b"]) == {"b": "b 7"}
    # more keys than may be kept: computed, and what is kept stays as it was
    assert kept.get(store, ["b", "w", "x", "y"]) == {k: f"{k} 8" for k in "bwxy"}
    assert kept.get(store, ["b"]) == {"b": "b 7"}
    assert len(asked) == 8


def test_a_computation_many_at_a_time_that_leaves_a_key_out_keeps_nothing() -> None:
    from interlink_kg.finding.cache import RememberedMany

    store = open_store("memory:")
    store.replace_graphs(new_generation(BASE))
    asked: list[list[str]] = []

    def compute(store: Store, keys: list[str]) -> dict[str, str]:
        asked.append(keys)
        return {key: key.upper() for key in keys if key != "lost"}

    kept = RememberedMany(compute)
    with pytest.raises(KeyError, match="lost"):
        kept.get(store, ["a", "lost"])
    assert kept.get(store, ["a"]) == {"a": "A"}
    assert asked == [["a", "lost"], ["a"]]
    assert kept.get(store, []) == {}
    assert len(asked) == 2


def test_both_generations_change_with_either_stamp_even_to_an_older_one() -> None:
    """A content stamp made on a host whose clock is behind is older than the usage stamp:
    the latest stamp stays the same, the pair of stamps does not."""
    from interlink_kg.store.generation import (
        both_generations,
        generation,
        latest_generation,
        new_usage_generation,
    )

    store = open_store("memory:")
    assert both_generations(store) == generation(store) == ""
    store.replace_graphs(new_usage_generation(BASE))
    usage = latest_generation(store)
    assert generation(store) == ""
    assert both_generations(store) == f" {usage}"
    store.replace_graphs(new_generation(BASE, "1-behind"))
    assert latest_generation(store) == usage  # unchanged
    assert generation(store) == "1-behind"
    assert both_generations(store) == f"1-behind {usage}"


@pytest.mark.parametrize("fails", [False, True])
def test_a_key_asked_for_while_it_is_computed_is_computed_once(fails: bool) -> None:
    """A second thread asking for a key another thread is computing waits for that computation:
    its value, or its error (then nothing is kept and the next call computes again)."""
    from interlink_kg.finding.cache import Remembered

    store = open_store("memory:")
    store.replace_graphs(new_generation(BASE))
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def compute(store: Store, key: str) -> str:
        calls.append(key)
        entered.set()
        release.wait(10)
        if fails and len(calls) == 1:
            raise KeyError(key)
        return f"{key} {len(calls)}"

    kept = Remembered(compute)
    answers: dict[str, object] = {}

    def ask(name: str) -> None:
        try:
            answers[name] = kept.get(store, "a")
        except KeyError as error:
            answers[name] = error

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=ask, args=("second",))
    second.start()
    deadline = time.monotonic() + 10
    while not _waiting(second) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _waiting(second)  # waiting for the first computation, not computing its own
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["a"]
    if fails:
        assert isinstance(answers["first"], KeyError)
        assert answers["second"] is answers["first"]
        assert kept.get(store, "a") == "a 2"  # the failure was not kept
    else:
        assert answers == {"first": "a 1", "second": "a 1"}
        assert kept.get(store, "a") == "a 1"


def test_values_fetched_ahead_are_computed_once_and_only_where_kept() -> None:
    """prefetch computes, on the executor, the keys neither kept nor being computed; a key then
    asked for is the one fetched ahead; nothing is fetched for a store never stamped. A
    computation asking for its own key again is an error, not a wait for itself."""
    from concurrent.futures import ThreadPoolExecutor

    from interlink_kg.finding.cache import Remembered

    calls: list[str] = []

    def compute(store: Store, key: str) -> str:
        if key == "self":
            return kept.get(store, "self")
        calls.append(key)
        return f"{key} {len(calls)}"

    kept = Remembered(compute)
    unstamped, store = open_store("memory:"), open_store("memory:")
    store.replace_graphs(new_generation(BASE))
    with ThreadPoolExecutor(max_workers=2) as pool:
        kept.prefetch(pool, unstamped, ["x"])
    assert calls == []
    assert kept.get(store, "a") == "a 1"
    with ThreadPoolExecutor(max_workers=2) as pool:
        kept.prefetch(pool, store, ["a", "b", "c", "b"])
    assert sorted(calls) == ["a", "b", "c"]
    assert kept.get(store, "b") in {"b 2", "b 3"}
    assert kept.get(store, "c") in {"c 2", "c 3"}
    assert len(calls) == 3
    with pytest.raises(RuntimeError, match="asked for again while it is computed"):
        kept.get(store, "self")
    assert kept.get(store, "d") == "d 4"  # the failed key left nothing pending
