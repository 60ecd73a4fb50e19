"""Loading files into the store: graph per file, validation first, base IRI guarded."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import BASE

from interlink_kg.curation.loading import InvalidDataError, graph_name, load_files
from interlink_kg.errors import ConfigurationError
from interlink_kg.finding import catalogue
from interlink_kg.store import open_store

DATA = Path(__file__).parent / "data" / "shapes"


def test_invalid_data_is_not_loaded() -> None:
    store = open_store("memory:")
    bad = DATA / "invalid" / "interlinker-missing-kind.ttl"
    with pytest.raises(InvalidDataError) as error:
        load_files(store, [bad], BASE)
    assert error.value.report.violations
    assert store.data_graphs() == []


def test_valid_file_is_loaded_into_its_own_graph() -> None:
    store = open_store("memory:")
    good = DATA / "valid" / "external-software-interlinker.ttl"
    summary = load_files(store, [good], BASE)
    assert good.resolve().as_uri() in store.data_graphs()
    derived = {g for g in store.data_graphs() if "/graphs/derived/" in g}
    assert derived == {BASE + "graphs/derived/statistics"}
    assert set(summary.graphs) | set(summary.records) == set(store.data_graphs()) - derived
    assert summary.records == (BASE + "graphs/records/example_planner",)
    assert summary.report is not None
    assert summary.report.conforms


def test_bundled_files_are_named_by_their_bundled_path() -> None:
    from interlink_kg import resources

    path = resources.catalogue_dir() / "interlinkers" / "trello.ttl"
    assert graph_name(path, BASE) == BASE + "graphs/catalogue_data/interlinkers/trello.ttl"


def test_data_under_another_base_is_refused_unless_reset() -> None:
    store = open_store("memory:")
    good = DATA / "valid" / "external-software-interlinker.ttl"
    load_files(store, [good], BASE)
    other = "https://catalogue.example.org/"
    with pytest.raises(ConfigurationError, match="base IRI"):
        load_files(store, [good], other)
    load_files(store, [good], other, reset=True)
    assert store.get_meta("base_iri") == other
    ids = catalogue.list_interlinkers(store, lang="en", page=1, per_page=10).items
    assert [i.iri for i in ids] == [other + "interlinkers/example_planner"]


def test_records_date_each_interlinker_and_move_only_when_its_content_changes(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    store = open_store("memory:")
    good = DATA / "valid" / "external-software-interlinker.ttl"
    copy = tmp_path / "planner.ttl"
    copy.write_bytes(good.read_bytes())
    stamps = (
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?issued ?modified WHERE { "
        "?r a <http://www.w3.org/ns/dcat#CatalogRecord> ; dct:issued ?issued ; "
        "dct:modified ?modified }"
    )

    def dates() -> tuple[str, str]:
        (row,) = store.select(stamps)
        return str(row["issued"]), str(row["modified"])

    load_files(store, [copy], BASE, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert dates() == ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
    # The same content again, written differently (N-Triples): no change.
    from rdflib import Graph

    same = tmp_path / "planner.nt"
    same.write_text(Graph().parse(copy, publicID=BASE).serialize(format="nt"), encoding="utf-8")
    again = load_files(store, [same], BASE, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert again.records == ()
    assert dates() == ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
    # Changed content: modified moves, issued stays.
    copy.write_text(
        good.read_text(encoding="utf-8").replace('"Example planner"@en', '"Planner"@en', 1),
        encoding="utf-8",
    )
    assert copy.read_bytes() != good.read_bytes()
    changed = load_files(store, [copy], BASE, now=datetime(2026, 3, 1, tzinfo=UTC))
    assert len(changed.records) == 1
    assert dates() == ("2026-01-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")
