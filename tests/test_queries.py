"""Named queries and safe binding: values are serialised by rdflib, never pasted."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

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
