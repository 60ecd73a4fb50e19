"""Text relevance: the words of a task against the words of each INTERLINKER (BM25 per
language, stems, stop words), English standing in where a language has no text, and hostile
text that cannot reach the index's syntax."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from support import BASE, catalogue_without_texts

from interlink_kg.finding.relevance import analyse, text_relevance
from interlink_kg.finding.thesaurus import Thesaurus, from_store
from interlink_kg.queries import query
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


def test_the_thesaurus_brings_in_words_for_the_same_work() -> None:
    """A label of a concept present in the text (all its words, as stems) brings in the other
    labels of that concept, each naming the word that brought it; a partial label does not."""
    rows = [
        ("c:scheduling", Literal("coordinate", lang="en")),
        ("c:scheduling", Literal("calendar", lang="en")),
        ("c:scheduling", Literal("time slot", lang="en")),
        ("c:money", Literal("business model", lang="en")),
        ("c:money", Literal("funding", lang="en")),
        ("c:scheduling", Literal("calendario", lang="es")),
        ("c:scheduling", Literal("coordinar", lang="es")),
    ]
    words = Thesaurus.of(rows, analyse)
    related = words.related(analyse("Coordinating the actors of the model", "en"), "en")
    assert {r.word for r in related.values()} == {"calendar", "time", "slot"}
    assert {r.because_of for r in related.values()} == {"coordinating"}
    assert not words.related(analyse("a model", "en"), "en")  # "business model" is not all here
    spanish = words.related(analyse("Coordinar a los actores", "es"), "es")
    assert {r.word for r in spanish.values()} == {"calendario"}
    assert not words.related(analyse("Coordinate", "en"), "lv")


def test_the_bundled_thesaurus_is_read_in_every_language(catalogue_store: Store) -> None:
    words = from_store(catalogue_store, analyse)
    for lang, text in [
        ("en", "Coordinate the actors"),
        ("es", "Coordinar a los actores"),
        ("it", "Coordina gli attori"),
        ("lv", "Koordinējiet dalībniekus"),
    ]:
        assert words.related(analyse(text, lang), lang), lang


def test_the_thesaurus_does_not_depend_on_the_order_the_store_answers_in(
    catalogue_store: Store,
) -> None:
    """A store on disk lists the labels in another order than one in memory: the related
    words (kept up to MAX_RELATED, the first concept's first) must be the same either way."""
    found = catalogue_store.select(query("relevance-thesaurus"))
    rows = [(str(r["concept"]), r["label"]) for r in found if isinstance(r["label"], Literal)]
    texts = [
        ("en", "Sketch an initial idea of the hackathon theme, plan the submission and evaluation"),
        ("es", "Coordinar a los actores y evaluar las ideas en un taller"),
    ]
    as_read, reversed_ = Thesaurus.of(rows, analyse), Thesaurus.of(rows[::-1], analyse)
    for lang, text in texts:
        assert as_read.related(analyse(text, lang), lang) == reversed_.related(
            analyse(text, lang), lang
        )


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("it", "Comunica i vantaggi agli attori coinvolti", "stakeholder"),
        ("es", "Informar a las partes interesadas", "actores"),
        ("lv", "Informējiet ieinteresētās puses", "iesaistītās"),
    ],
)
def test_the_names_of_stakeholders_bring_each_other(
    catalogue_store: Store, lang: str, text: str, expected: str
) -> None:
    """Italian tasks say "attori coinvolti" where the tools say "stakeholder" (and so on in
    each language): the thesaurus connects them."""
    words = from_store(catalogue_store, analyse)
    assert expected in {r.word for r in words.related(analyse(text, lang), lang).values()}


def test_a_synonym_set_s_labels_are_marked_as_synonyms() -> None:
    """The labels of an ilk:SynonymSet are names for one thing: what they bring is marked as a
    synonym, with the stems of the text's words that brought it."""
    rows = [
        ("c:people", Literal("stakeholder", lang="en")),
        ("c:people", Literal("interested parties", lang="en")),
        ("c:outreach", Literal("contact", lang="en")),
        ("c:outreach", Literal("newsletter", lang="en")),
    ]
    words = Thesaurus.of(rows, analyse, synonyms=frozenset({"c:people"}))
    related = words.related(analyse("Contact the interested parties", "en"), "en")
    assert {(r.word, r.synonym) for r in related.values()} == {
        ("stakeholder", True),
        ("newsletter", False),
    }
    assert related["stakehold"].trigger == ("parti",)  # "interested" is a stop word
    assert related["stakehold"].share == 1.0
    assert related["newslett"].trigger == ("contact",)


def test_another_name_for_the_same_thing_counts_as_the_task_s_own_word(
    catalogue_store: Store,
) -> None:
    """ "portatori di interesse" is another Italian name for stakeholders (the bundled thesaurus
    has them in a synonym set): the stakeholder tools it finds come first, matched through
    "stakeholder" at the full weight of the title, above what a related word can ever weigh
    (THESAURUS_WEIGHT); the other multi-word names it brings count one word between their
    words, so a tool that only says "attori" does not outrank them."""
    from interlink_kg.finding import ranking

    relevance = text_relevance(catalogue_store)
    found = relevance.score({"it": {"task title": ["Portatori di interesse"]}}, "it").matches
    best = max(found.values(), key=lambda m: m.score)
    best_id = next(k for k, m in found.items() if m is best)
    assert best_id == f"{BASE}interlinkers/stakeholders_mapping_canvas"
    assert best.language == "it"
    assert [(r.word, r.synonym, r.share) for r in best.related] == [("stakeholder", True, 1.0)]
    assert best.score > ranking.THESAURUS_WEIGHT
    halves = [r for m in found.values() for r in m.related if r.word == "attori"]
    assert halves
    assert all(r.share == 0.5 for r in halves)


def test_a_stakeholder_tool_comes_first_for_the_word_itself(catalogue_store: Store) -> None:
    """The word itself, in Italian, finds the stakeholder tools first, not a tool that only
    shares a word of another name ("attori")."""
    from interlink_kg.finding import untasked

    result = untasked.for_profiles(catalogue_store, BASE, [], text="stakeholder", lang="it")
    assert "stakeholder" in result.items[0].id


def test_a_synonym_is_explained_as_another_name(catalogue_store: Store) -> None:
    """The Italian task says "attori coinvolti"; the stakeholder tools it finds that way say
    why: another name for the same thing."""
    from interlink_kg.finding import recommendations

    result = recommendations.for_task(
        catalogue_store,
        BASE,
        "default",
        "task-communicate_benefit_for_stakeholders",
        lang="it",
        limit=20,
    )
    body = next(
        i.to_dict()["explanation"]
        for i in result.items
        if i.text is not None and any(r.synonym for r in i.text.related)
    )
    assert {"word": "stakeholder", "because_of": "attori coinvolti", "synonym": True} in body[
        "text_match"
    ]["related_words"]
    assert "“stakeholder” (per “attori coinvolti”): altri nomi della stessa cosa" in body["reason"]


def test_what_a_word_shared_with_the_siblings_brings_is_shared_too(
    catalogue_store: Store,
) -> None:
    """A sibling title holding every word of the task scales all of them, and the thesaurus
    words they bring, alike: the task's relative scores do not change."""
    relevance = text_relevance(catalogue_store)
    title = {"task title": ["Comunica"]}
    alone = relevance.score({"it": title}, "it").matches
    beside = relevance.score({"it": {**title, "sibling title": ["Comunica"]}}, "it").matches
    assert any(m.related for m in alone.values())
    assert {k: m.score for k, m in beside.items()} == pytest.approx(
        {k: m.score for k, m in alone.items()}
    )


def test_a_related_word_is_explained(catalogue_store: Store) -> None:
    """'Coordinate the actors...' finds the shared calendar through the thesaurus and says so."""
    from interlink_kg.finding import recommendations

    result = recommendations.for_task(
        catalogue_store,
        BASE,
        "default",
        "task-coordinate_the_actors_involved_in_the_codelivery_of_the_service",
        limit=10,
    )
    found = {item.id: item for item in result.items}
    assert {"co_calendar", "trello", "doodle"} & set(list(found)[:3]), list(found)
    explained = next(i for i in result.items if i.text is not None and i.text.related)
    body = explained.to_dict()["explanation"]
    assert body["text_match"]["related_words"]
    assert body["text_match"]["related_words"][0]["because_of"]
    assert "activity thesaurus" in body["reason"]


def test_words_shared_with_sibling_tasks_count_less(catalogue_store: Store) -> None:
    """A task's word that another task of its objective also has in its title tells the task
    apart less: it counts SIBLING_SHARED_WEIGHT, and the words the task alone has win."""
    relevance = text_relevance(catalogue_store)
    title = {"task title": ["Personas and user journeys"]}
    personas = f"{BASE}interlinkers/model_for_personas_in_english"
    journey = f"{BASE}interlinkers/template_for_user_journey"
    alone = relevance.score({"en": title}, "en").matches
    beside = relevance.score({"en": {**title, "sibling title": ["Map the user journeys"]}}, "en")
    assert alone[journey].score > alone[personas].score  # "user journeys": two words of three
    assert beside.matches[personas].score > beside.matches[journey].score
    # The sibling's own titles are not matched: a word only they have changes nothing.
    other = relevance.score({"en": {**title, "sibling title": ["Budget"]}}, "en").matches
    assert {k: m.score for k, m in other.items()} == {k: m.score for k, m in alone.items()}


def test_a_task_query_reads_the_titles_of_its_siblings_only(catalogue_store: Store) -> None:
    """The task's sibling titles are those of the other tasks of its objective (not its own,
    not those of other objectives)."""
    from interlink_kg.queries import query

    task = URIRef(f"{BASE}schemas/default/tasks/task-define_user_journeys")
    rows = catalogue_store.select(query("task-texts", {"task": [task]}))
    siblings = {str(r["text"]) for r in rows if str(r["part"]) == "sibling title"}
    assert "Define scenarios" in siblings
    assert "Define user journeys" not in siblings
    assert "Business model specification" not in siblings


def test_only_the_task_s_title_and_description_words_count_less_when_shared(
    catalogue_store: Store,
) -> None:
    """The objective's and phase's words are shared with every sibling by construction: a
    sibling title holding them changes nothing."""
    relevance = text_relevance(catalogue_store)
    texts = {"task title": ["Business model canvas"], "objective": ["Personas"]}
    alone = relevance.score({"en": texts}, "en").matches
    beside = relevance.score({"en": {**texts, "sibling title": ["Personas"]}}, "en").matches
    assert {k: m.score for k, m in beside.items()} == {k: m.score for k, m in alone.items()}
    assert f"{BASE}interlinkers/model_for_personas_in_english" in alone


@pytest.mark.parametrize(
    ("lang", "related", "synonym"),
    [
        (
            "en",
            "It matches “calendar” (for “coordinate”): words for the same kind",
            "It matches “stakeholder” (for “actors involved”): other names",
        ),
        (
            "es",
            "Coincide con “calendario” (por “coordinate”)",
            "Coincide con “stakeholder” (por “actors involved”): otros nombres de la misma cosa",
        ),
        (
            "it",
            "Corrisponde a “calendario” (per “coordinate”)",
            "Corrisponde a “stakeholder” (per “actors involved”): altri nomi della stessa cosa",
        ),
        (
            "lv",
            "Tas atbilst vārdiem “calendario” (“coordinate” dēļ)",
            "vārdiem “stakeholder” (“actors involved” dēļ), kas ir citi tās pašas lietas nosaukumi",
        ),
    ],
)
def test_related_words_and_synonyms_are_explained_in_each_language(
    lang: str, related: str, synonym: str
) -> None:
    """Each language names the task word that brought a related word in its own order
    (Latvian: "“…” dēļ"), and says apart the other names for the same thing."""
    from interlink_kg.finding.ranking import reason
    from interlink_kg.finding.text_match import TextMatch
    from interlink_kg.finding.thesaurus import Related

    word = "calendar" if lang == "en" else "calendario"
    match = TextMatch(
        score=1.0,
        words=(),
        part="task title",
        language=lang,
        fallback=False,
        related=(
            Related(word, "coordinate", ("coordin",)),
            Related("stakeholder", "actors involved", ("actor", "involv"), synonym=True),
        ),
    )
    text = reason((), lang, True, match)
    assert related in text
    assert synonym in text
