"""Full-text search with facets: every INTERLINKER is found by its title words in each of its
languages, facet counts add up, filters narrow, and user text is never an FTS5 query."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal

from interlink_kg.errors import BadRequestError
from interlink_kg.finding.postings import held_by_both
from interlink_kg.finding.search import FACETS, SearchIndex, SearchRequest
from interlink_kg.store import Store

TITLES = """
PREFIX ilk: <https://w3id.org/interlink-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?id ?title WHERE { ?i ilk:kind ?k ; dct:identifier ?id ; dct:title ?title }"""


@pytest.fixture(scope="module")
def index(catalogue_store: Store) -> SearchIndex:
    return SearchIndex(catalogue_store)


def test_every_interlinker_is_found_by_a_title_word_in_each_language(
    index: SearchIndex, catalogue_store: Store
) -> None:
    checked = 0
    for row in catalogue_store.select(TITLES):
        title = row["title"]
        assert isinstance(title, Literal)
        words = [w for w in re.findall(r"\w+", str(title)) if len(w) > 3] or re.findall(
            r"\w+", str(title)
        )
        word = max(words, key=len)
        found = index.search(SearchRequest(word, per_page=1000)).ids
        assert str(row["id"]) in found, (row["id"], title.language, word)
        checked += 1
    assert checked > 78 * 3


def test_case_and_accents_do_not_matter(index: SearchIndex) -> None:
    plain = index.search(SearchRequest("accesibilidad")).ids
    assert plain
    assert index.search(SearchRequest("ACCESIBILIDAD")).ids == plain
    assert set(index.search(SearchRequest("Strumenti per l'accessibita")).ids) <= set(
        index.search(SearchRequest("strumenti")).ids
    )


def test_english_stemming_and_prefixes(index: SearchIndex) -> None:
    assert "survey_editor" in index.search(SearchRequest("surveys")).ids
    assert "survey_editor" in index.search(SearchRequest("surv")).ids


def test_relevance_order_prefers_titles(index: SearchIndex) -> None:
    result = index.search(SearchRequest("gamification"))
    assert result.ids[0] in {"gamification_model_canvas", "introduction_to_gamification"}
    scores = [result.scores[i] for i in result.ids]
    assert scores == sorted(scores, reverse=True)


def test_facet_counts_add_up(index: SearchIndex) -> None:
    everything = index.search(SearchRequest(per_page=1000))
    assert everything.total == 78
    assert sum(everything.facets["kind"].values()) == 78
    assert everything.facets["kind"] == {
        "externalknowledge": 12,
        "externalsoftware": 15,
        "knowledge": 46,
        "software": 5,
    }
    for facet in FACETS:
        for value, count in everything.facets[facet].items():
            narrowed = index.search(SearchRequest(filters={facet: value}, per_page=1000))
            assert narrowed.total == count, (facet, value)


def test_filters_combine_with_text(index: SearchIndex) -> None:
    result = index.search(SearchRequest("stakeholder", {"kind": "knowledge", "group": "UND"}))
    assert result.total >= 2
    assert result.facets["kind"] == {"knowledge": result.total}


def test_user_text_cannot_inject_fts_syntax(index: SearchIndex) -> None:
    for text in ['"', "NEAR(a b)", "a OR", "*", "title:x", "') DROP TABLE docs; --"]:
        index.search(SearchRequest(text))
    assert index.search(SearchRequest(per_page=1000)).total == 78


def test_a_search_of_too_many_words_is_refused(index: SearchIndex, client: FlaskClient) -> None:
    assert index.search(SearchRequest(" ".join(["map"] * 32))).total >= 0
    with pytest.raises(BadRequestError, match="more than 32 words"):
        index.search(SearchRequest(" ".join(["map"] * 33)))
    with pytest.raises(BadRequestError, match="more than 200 characters"):
        index.search(SearchRequest("survey " + "ж" * 201))
    reply = client.get("/interlinkers?q=" + "+".join(["survey"] * 5000))
    assert reply.status_code == 400
    assert reply.get_json()["details"]["parameter"] == "q"


def test_bad_filters(index: SearchIndex) -> None:
    with pytest.raises(BadRequestError, match="unknown kind"):
        index.search(SearchRequest(filters={"kind": "robot"}))
    with pytest.raises(BadRequestError, match="unknown filter"):
        index.search(SearchRequest(filters={"colour": "red"}))


def test_http_search(client: FlaskClient) -> None:
    body = client.get("/interlinkers?q=cuestionario&lang=es").get_json()
    assert body["total"] >= 3
    assert all("relevance" in item for item in body["items"])
    assert body["facets"]["kind"]
    narrowed = client.get("/interlinkers?kind=software&per_page=2").get_json()
    assert narrowed["total"] == 5
    assert narrowed["links"]["next"] == "/interlinkers?page=2&per_page=2&kind=software"
    bad = client.get("/interlinkers?kind=robot")
    assert bad.status_code == 400
    assert "software" in bad.get_json()["details"]["allowed"]


def test_cli_search(cli) -> None:
    cli("load", "--no-validate")
    text = cli("search", "survey", "--kind", "software")
    assert text.code == 0, text.err
    assert "survey_editor" in text.out
    as_json = json.loads(cli("search", "--group", "BUILD", "--json").out)
    assert as_json["total"] == sum(as_json["facets"]["group"].get(g, 0) for g in ["BUILD"])


def test_results_and_pages_are_those_of_fts5(index: SearchIndex, catalogue_store: Store) -> None:
    """Hits, order (BM25, then identifier) and pages as a plain FTS5 ranking gives them, for
    every title word alone, as a prefix, and with a second word."""
    built = index.current().base
    words = sorted(
        {
            w.lower()
            for row in catalogue_store.select(TITLES)
            for w in re.findall(r"\w+", str(row["title"]))
        }
    )
    assert len(words) > 300
    for first, second in zip(words, [*words[1:], words[0]], strict=True):
        for query_words in ([first], [first[:3]], [first, second]):
            match = " AND ".join([f'"{w}"' for w in query_words[:-1]] + [f'"{query_words[-1]}"*'])
            expected = tuple(
                built.ids[rowid - 1]
                for (rowid,) in built.db.execute(
                    "SELECT rowid FROM docs WHERE docs MATCH ? "
                    "ORDER BY bm25(docs, 10.0, 1.0, 4.0), rowid",
                    (match,),
                )
            )
            text = " ".join(query_words)
            assert index.search(SearchRequest(text, per_page=1000)).ids == expected, text
            page = index.search(SearchRequest(text, page=2, per_page=3))
            assert page.ids == expected[3:6]
            assert page.total == len(expected)


def test_count_tables_give_the_counts_of_the_hits(
    catalogue_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-word search for a common word reads its facet counts from a table counted once,
    and its best hits from the word's impact groups; counts, pages and scores are those of its
    hits walked, word by word (every token of two or more here)."""
    from interlink_kg.finding import search_layer

    monkeypatch.setattr(search_layer, "COUNT_TABLE_MIN", 2)
    tabled = SearchIndex(catalogue_store)
    assert len(tabled.current().base.token_counts) > 100
    monkeypatch.setattr(search_layer, "COUNT_TABLE_MIN", 10**9)
    walked = SearchIndex(catalogue_store)
    assert not walked.current().base.token_counts
    words = sorted(
        {
            w.lower()
            for row in catalogue_store.select(TITLES)
            for w in re.findall(r"\w+", str(row["title"]))
        }
    )
    for word in words:
        for request in (
            SearchRequest(word),
            SearchRequest(word, page=2, per_page=3),
            SearchRequest(word, page=1, per_page=1),
            SearchRequest(word, filters={"kind": "software"}),
        ):
            assert tabled.search(request) == walked.search(request), word


@pytest.mark.parametrize("most", [256, 3, 0])
def test_facet_counts_are_those_of_the_holders(
    catalogue_store: Store, monkeypatch: pytest.MonkeyPatch, most: int
) -> None:
    """Any set of hits is counted as its facet values' holders say, whether a facet's values
    are read as bits (at most ``MAX_VALUES`` of them), per position in CSR form, or some of
    each; the facets come in the same order either way."""
    from interlink_kg.finding import facet_counts

    monkeypatch.setattr(facet_counts, "MAX_VALUES", most)
    layer = SearchIndex(catalogue_store).current().base
    by_bits = layer.facet_counts.by_bits
    assert most != 3 or 0 < len(by_bits) < len(FACETS)  # both ways at once
    assert most != 0 or not by_bits
    rng = np.random.default_rng(most)
    for size in (0, 1, 7, 40, len(layer.ids)):
        hits = np.sort(rng.choice(len(layer.ids), size, replace=False))
        expected = {
            facet: {
                value: n
                for value in layer.values[facet]
                if (n := int(np.isin(layer.holders[(facet, value)], hits).sum()))
            }
            for facet in FACETS
        }
        counted = layer.counts(hits)
        assert counted == expected
        assert list(counted) == list(FACETS)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.integers(min_value=1, max_value=5000),
    st.sampled_from([0.0, 0.001, 0.01, 0.3, 1.0]),
    st.sampled_from([0.0, 0.001, 0.01, 0.3, 1.0]),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_rows_held_by_both_are_those_of_intersect1d(
    size: int, first_share: float, second_share: float, seed: int
) -> None:
    """Searched for (either way) or read against a mask, whichever the sizes choose, the rows
    in both postings are NumPy's intersection, and where they are in each is right."""
    rng = np.random.default_rng(seed)
    first = np.flatnonzero(rng.random(size) < first_share).astype(np.int64)
    second = np.flatnonzero(rng.random(size) < second_share).astype(np.int64)
    expected = np.intersect1d(first, second, assume_unique=True)
    for one, other in ((first, second), (second, first)):
        in_one, in_other = held_by_both(one, other, size)
        assert np.array_equal(one[in_one], expected)
        assert np.array_equal(other[in_other], expected)
