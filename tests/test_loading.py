"""Loading files into the store: graph per file, validation first, base IRI guarded."""

from __future__ import annotations

from pathlib import Path

import pytest

from interlink_kg.errors import ConfigurationError
from interlink_kg.services import catalogue
from interlink_kg.services.loading import InvalidDataError, graph_name, load_files
from interlink_kg.store import open_store

BASE = "http://127.0.0.1:8080/"
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
    assert set(summary.graphs) == set(store.data_graphs()) - derived
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
