"""The bundled catalogue: the real INTERLINK data, complete, and valid against our shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal

from interlink_kg import resources
from interlink_kg.finding import catalogue
from interlink_kg.rdf import bundle
from interlink_kg.store import Store
from interlink_kg.validation.engine import validator

CATALOGUE_FILES = bundle.catalogue_files()


def test_counts(catalogue_store: Store) -> None:
    assert catalogue.counts(catalogue_store) == {
        "interlinkers": 78,
        "problemProfiles": 45,
        "schemas": 4,
        "tasks": 109,
    }


def test_every_kind_is_present(catalogue_store: Store) -> None:
    page = catalogue.list_interlinkers(catalogue_store, lang="en", page=1, per_page=1000)
    kinds = [item.kind for item in page.items]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "software": 5,
        "knowledge": 46,
        "externalsoftware": 15,
        "externalknowledge": 12,
    }


def test_whole_catalogue_conforms(base_iri: str) -> None:
    data = bundle.load_graph(CATALOGUE_FILES, base_iri)
    data += bundle.ontology_graph()
    report = validator(base_iri).validate(data, with_background=False)
    assert report.violations == (), report.to_text()


def test_task_iris_are_schema_scoped(catalogue_store: Store) -> None:
    rows = catalogue_store.select(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?task ?id ?schema WHERE "
        "{ ?task a ilk:Task ; dct:identifier ?id ; ilk:inSchema ?schema }"
    )
    assert len(rows) == 109
    for row in rows:
        assert str(row["task"]) == f"{row['schema']}/tasks/{row['id']}"
    ids = [str(r["id"]) for r in rows]
    assert len(set(ids)) < len(ids), "upstream repeats some task ids across schemas"


def test_descriptions_are_plain_text_in_english(catalogue_store: Store) -> None:
    rows = catalogue_store.select(
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?s ?d WHERE { ?s dct:description ?d }"
    )
    assert rows
    for row in rows:
        text = row["d"]
        assert isinstance(text, Literal)
        assert not re.search(r"<[a-zA-Z/]", str(text)), row["s"]


def test_languages_are_claimed_only_where_text_exists(catalogue_store: Store) -> None:
    """Upstream claims en/es/it/lv everywhere; we claim a language only with title and text."""
    ask = """
    PREFIX dct: <http://purl.org/dc/terms/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
    ASK {
      ?s ilk:kind ?k ; dct:language ?l . ?l skos:notation ?tag .
      FILTER (DATATYPE(?tag) = <http://publications.europa.eu/ontology/euvoc#ISO_639_1>)
      FILTER NOT EXISTS { ?s dct:description ?d . FILTER (LANGMATCHES(LANG(?d), STR(?tag))) }
    }"""
    assert catalogue_store.ask(ask) is False


TEXTS_BY_LANGUAGE = """
PREFIX ilk:  <https://w3id.org/interlink-kg/ontology#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?type ?lang (COUNT(DISTINCT ?item) AS ?items) WHERE {
  {
    VALUES (?class ?type) {
      (ilk:CoproductionSchema "schema") (ilk:Phase "phase") (ilk:Objective "objective")
      (ilk:Task "task")
    }
    ?item a ?class ; dct:title ?title ; dct:description ?text .
  } UNION {
    ?item ilk:kind ?kind ; dct:title ?title ; dct:description ?text . BIND ("interlinker" AS ?type)
  } UNION {
    ?item a ilk:ProblemProfile ; skos:prefLabel ?title ; skos:definition ?text .
    BIND ("problem profile" AS ?type)
  }
  BIND (LANG(?text) AS ?lang)
  FILTER (LANG(?title) = ?lang)
} GROUP BY ?type ?lang"""


def test_every_text_is_in_the_four_languages(catalogue_store: Store) -> None:
    """A title and a description in en, es, it and lv for every INTERLINKER, problem profile,
    schema, phase, objective and task (issue 14): counted, not just sampled."""
    counts = {
        (str(r["type"]), str(r["lang"])): int(r["items"].toPython())
        for r in catalogue_store.select(TEXTS_BY_LANGUAGE)
    }
    expected = {
        "interlinker": 78,
        "problem profile": 45,
        "schema": 4,
        "phase": 14,
        "objective": 40,
        "task": 109,
    }
    for lang in ("en", "es", "it", "lv"):
        for type_, total in expected.items():
            assert counts.get((type_, lang)) == total, (type_, lang, counts.get((type_, lang)))


def test_each_top_level_folder_has_a_readme() -> None:
    root = resources.bundled_root()
    for folder in ("ontology", "shapes", "catalogue_data", "src", "api", "tests", "bench", "docs"):
        assert (root / folder / "README.md").is_file(), folder


@pytest.mark.parametrize(
    "path", CATALOGUE_FILES, ids=lambda p: str(p.relative_to(resources.catalogue_dir()))
)
def test_cli_accepts_every_catalogue_file(path: Path, cli) -> None:
    result = cli("validate", str(path))
    assert result.code == 0, result.out + result.err
    assert "CONFORMS" in result.out
