"""The upstream importer: runs on the real seed and yields the same facts as catalogue_data/."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from interlink_kg.errors import SeedImportError
from interlink_kg.importer.mapping import convert
from interlink_kg.importer.ordering import ordered
from interlink_kg.importer.reader import read_seed
from interlink_kg.importer.seed import SeedItem
from interlink_kg.importer.text import html_to_text, is_trivial
from interlink_kg.rdf import bundle
from interlink_kg.rdf.parse import parse_file

INTERLINKER_FACTS = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?id ?kind ?problem WHERE {
  ?s ilk:kind ?k ; dct:identifier ?id .
  ?k skos:notation ?kind .
  OPTIONAL { ?s ilk:addressesProblem/dct:identifier ?problem }
}"""

TREE_FACTS = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?node ?parent ?order ?problem WHERE {
  ?node ilk:inSchema ?schema ; dct:isPartOf ?parent ; ilk:order ?order .
  OPTIONAL { ?node ilk:addressesProblem ?problem }
}"""


def interlinker_facts(graph: Graph) -> dict[str, tuple[str, frozenset[str]]]:
    facts: dict[str, tuple[str, set[str]]] = {}
    for row in graph.query(INTERLINKER_FACTS):
        ident, kind, problem = (str(v) if v is not None else None for v in row)
        entry = facts.setdefault(str(ident), (str(kind), set()))
        if problem:
            entry[1].add(problem)
    return {k: (kind, frozenset(p)) for k, (kind, p) in facts.items()}


def tree_facts(graph: Graph) -> set[tuple[str, str, int, str]]:
    return {
        (str(n), str(p), int(o), str(pp) if pp is not None else "")
        for n, p, o, pp in graph.query(TREE_FACTS)
    }


@pytest.fixture(scope="module")
def imported(request: pytest.FixtureRequest) -> Graph:
    seed = request.getfixturevalue("upstream_seed")
    graph = Graph()
    for part in convert(read_seed(seed), "http://127.0.0.1:8080/").values():
        graph += part
    graph += bundle.load_graph(bundle.vocabulary_files(), "http://127.0.0.1:8080/")
    return graph


@pytest.fixture(scope="module")
def bundled() -> Graph:
    return bundle.load_graph(bundle.catalogue_files(), "http://127.0.0.1:8080/")


def test_same_interlinkers_kinds_and_problem_profiles(imported: Graph, bundled: Graph) -> None:
    ours = interlinker_facts(bundled)
    theirs = interlinker_facts(imported)
    assert len(theirs) == 78
    assert ours == theirs


def test_same_schema_trees_orders_and_task_problem_profiles(
    imported: Graph, bundled: Graph
) -> None:
    assert tree_facts(imported) == tree_facts(bundled)
    assert len({n for n, *_ in tree_facts(bundled) if "/tasks/" in n}) == 109


def test_same_problem_profiles(imported: Graph, bundled: Graph) -> None:
    query = (
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?p ?g WHERE { ?p a ilk:ProblemProfile ; skos:broader ?g }"
    )
    assert set(imported.query(query)) == set(bundled.query(query))
    assert len(set(bundled.query(query))) == 45


def test_cli_import_upstream_writes_loadable_turtle(
    upstream_seed: Path, cli, tmp_path: Path
) -> None:
    out = tmp_path / "imported"
    result = cli("import-upstream", str(upstream_seed), "--out", str(out))
    assert result.code == 0, result.err
    files = sorted(out.rglob("*.ttl"))
    assert len(files) == 78 + 1 + 4
    trello = parse_file(out / "interlinkers" / "trello.ttl", "http://127.0.0.1:8080/")
    assert len(trello) > 10


def test_cli_import_upstream_of_a_missing_folder_fails_clearly(cli, tmp_path: Path) -> None:
    result = cli("import-upstream", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert result.code == 2
    assert "not a folder" in result.err
    assert "Traceback" not in result.err


def test_importer_repairs_upstream_defects(imported: Graph) -> None:
    text = imported.serialize(format="nt")
    assert "propietary" not in text
    assert "enhancing_services:external_experts" not in text
    assert "<p>" not in text


def item(ident: str, *previous: str) -> SeedItem:
    return SeedItem(ident, {"en": ident}, {}, (), tuple(previous))


def test_order_follows_previous_links() -> None:
    items = [item("c", "b"), item("a"), item("b", "a")]
    assert [i.identifier for i in ordered(items, "test")] == ["a", "b", "c"]


def test_ambiguous_order_is_refused() -> None:
    with pytest.raises(SeedImportError, match="ambiguous order"):
        ordered([item("a"), item("b")], "test")


def test_prerequisite_cycle_is_refused() -> None:
    with pytest.raises(SeedImportError, match="cycle"):
        ordered([item("a", "b"), item("b", "a")], "test")


def test_unknown_previous_is_refused() -> None:
    with pytest.raises(SeedImportError, match="unknown sibling"):
        ordered([item("a", "zzz")], "test")


def test_html_becomes_plain_text() -> None:
    html = "<p>With it you can</p><ul><li>plan&nbsp;work;</li><li>share &amp; vote.</li></ul>"
    assert html_to_text(html) == "With it you can\n\n- plan work;\n- share & vote."


def test_placeholder_texts_are_trivial() -> None:
    assert is_trivial("None")
    assert is_trivial("<p>Some text here</p>")
    assert not is_trivial("Costs.")
