"""The curators' quality report and whole-catalogue validation."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient
from support import catalogue_without_texts

from interlink_kg.curation.quality import quality_report
from interlink_kg.store import Store

TITLE = "http://purl.org/dc/terms/title"
DESCRIPTION = "http://purl.org/dc/terms/description"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
CANVAS = "gamification_model_canvas"


def test_quality_report_on_the_real_catalogue(catalogue_store: Store, base_iri: str) -> None:
    report = quality_report(catalogue_store, base_iri)
    tasks = {(t["schema"], t["task"]) for t in report.uncovered_tasks}
    assert len(tasks) == 10, "the upstream platform left 10 of 109 tasks without INTERLINKER"
    assert ("default", "task-define_a_non_disclosure_agreement_nda") in tasks
    assert "ORG_PROBLEM_7" in report.unaddressed_problem_profiles
    assert "ORG_PROBLEM_2" not in report.unaddressed_problem_profiles
    assert report.missing_languages == {}, "every INTERLINKER has every language (issue 14)"
    assert report.missing_texts == []
    assert report.broken_references == []


def test_missing_texts_are_reported(base_iri: str) -> None:
    store = catalogue_without_texts(
        base_iri,
        [
            (f"interlinkers/{CANVAS}.ttl", CANVAS, TITLE, ("es",)),
            ("problem-profiles.ttl", "ORG_PROBLEM_2", DEFINITION, ("lv",)),
            ("schemas/default.ttl", "task-define_personas", DESCRIPTION, ("it", "lv")),
        ],
    )
    report = quality_report(store, base_iri)
    assert report.missing_languages == {"gamification_model_canvas": {"title": ["es"]}}
    assert [(i["type"], i["id"], i["missing"]) for i in report.missing_texts] == [
        ("problem profile", "ORG_PROBLEM_2", {"description": ["lv"]}),
        ("task", "task-define_personas", {"description": ["it", "lv"]}),
    ]
    others = len(report.uncovered_tasks) + len(report.unaddressed_problem_profiles)
    assert report.issues == 3 + others
    text = report.to_text()
    assert "schema parts missing one of the catalogue's languages (en, es, it, lv): 2" in text
    assert "task-define_personas (description: it, lv)" in text


def test_broken_reference_is_reported(catalogue_store: Store, base_iri: str) -> None:
    from interlink_kg.curation.loading import load_bundled
    from interlink_kg.rdf.formats import TURTLE
    from interlink_kg.store import open_store
    from interlink_kg.store.base import GraphPayload

    store = open_store("memory:")
    load_bundled(store, base_iri, validate=False)
    store.replace_graphs(
        {
            base_iri + "graphs/extra": GraphPayload(
                b"<interlinkers/trello> <http://purl.org/dc/terms/relation> <interlinkers/ghost> .",
                TURTLE,
                base_iri,
            )
        }
    )
    broken = quality_report(store, base_iri).broken_references
    assert broken == [
        {
            "subject": base_iri + "interlinkers/trello",
            "property": "http://purl.org/dc/terms/relation",
            "target": base_iri + "interlinkers/ghost",
        }
    ]


def test_quality_over_http_needs_a_curator(client: FlaskClient) -> None:
    assert client.get("/quality").status_code == 401


def test_quality_and_catalogue_validation_from_the_cli(cli) -> None:
    cli("load", "--no-validate")
    text = cli("quality")
    assert text.code == 0
    assert "tasks no INTERLINKER helps with: 10" in text.out
    as_json = json.loads(cli("quality", "--format", "json").out)
    assert len(as_json["uncovered_tasks"]) == 10
    checked = cli("validate", "--catalogue", "--format", "json")
    assert checked.code == 0, checked.err
    assert "0 violation(s)" in checked.err
    assert json.loads(checked.out)["conforms"] is True
    both = cli("validate", "--catalogue", str(Path("x.ttl")))
    assert both.code == 2
