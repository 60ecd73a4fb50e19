"""Text relevance: the words of a task against the words of each INTERLINKER (BM25 per
language, stems, stop words), English standing in where a language has no text, and hostile
text that cannot reach the index's syntax."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import URIRef
from support import BASE, catalogue_without_texts

from interlink_kg.finding.relevance import analyse, text_relevance
from interlink_kg.store import Store

DCT = "http://purl.org/dc/terms/"
SCENARIOS = "template_for_use_case_scenarios"


def test_words_are_stemmed_and_stop_words_dropped() -> None:
    english = analyse("Define the personas of the service users", "en")
    assert [word for _, word in english] == ["personas", "users"]
    assert dict(analyse("persona personas", "en")).keys() == {"persona"}
    spanish = analyse("Definir los escenarios del servicio", "es")
    assert [word for _, word in spanish] == ["escenarios"]
    assert analyse("plānošanas rīks un pakalpojuma", "lv") == [("plānošanas", "plānošanas")]


def test_a_task_matches_the_interlinker_named_after_it(catalogue_store: Store) -> None:
    task = URIRef(f"{BASE}schemas/default/tasks/task-define_user_journeys")
    scores = text_relevance(catalogue_store).for_task(task, "en")
    best = max(scores.matches.items(), key=lambda kv: kv[1].score)
    assert best[0].endswith("/template_for_user_journey")
    assert best[1].score == 1.0
    assert "journeys" in best[1].words
    assert best[1].part == "task title"
    assert not best[1].fallback


def test_english_stands_in_and_says_so() -> None:
    """An INTERLINKER without Spanish text is matched on its English words, for less."""
    store = catalogue_without_texts(
        BASE,
        [
            (f"interlinkers/{SCENARIOS}.ttl", SCENARIOS, f"{DCT}title", ("es",)),
            (f"interlinkers/{SCENARIOS}.ttl", SCENARIOS, f"{DCT}description", ("es",)),
        ],
    )
    task = URIRef(f"{BASE}schemas/default/tasks/task-define_scenarios")
    scores = text_relevance(store).for_task(task, "es")
    scenario = scores.matches[f"{BASE}interlinkers/{SCENARIOS}"]
    assert scenario.fallback
    assert scenario.language == "en"
    assert scenario.score <= 0.8  # an English match counts for less than one in Spanish


@pytest.mark.parametrize("lang", ["xx", "en; DROP TABLE docs_en", "", "\u0000"])
def test_unknown_languages_fall_back_to_english(catalogue_store: Store, lang: str) -> None:
    scores = text_relevance(catalogue_store).for_text("business model canvas", lang)
    assert scores.language == "en"
    assert scores.matches


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300), st.sampled_from(["en", "es", "it", "lv"]))
def test_any_text_is_matched_without_an_error(catalogue_store: Store, text: str, lang: str) -> None:
    """FTS5 syntax (quotes, AND, NEAR, *, ^, columns) never reaches the index: only the
    analysed words of the text, each quoted."""
    scores = text_relevance(catalogue_store).for_text(text, lang)
    assert all(0 < m.score <= 1 for m in scores.matches.values())


@pytest.mark.parametrize(
    "text", ['" OR 1 --', "title:canvas", "NEAR(canvas model)", "canvas*", "^canvas", "a" * 5000]
)
def test_fts_syntax_is_only_words(catalogue_store: Store, text: str) -> None:
    text_relevance(catalogue_store).for_text(text, "en")
