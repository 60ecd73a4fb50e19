"""pyoxigraph terms as rdflib terms (``rdf.parse.to_rdflib``): equal to the rdflib term made
directly, whatever the text; short literals and IRIs are made once and shared, long texts are
not kept."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from interlink_kg.rdf.parse import SHARED_LITERAL_LENGTH, to_rdflib

LONG = "a description longer than the shared length " * 3
DATE = "2026-11-30T10:00:00+00:00"


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (ox.NamedNode("https://example.org/a"), URIRef("https://example.org/a")),
        (ox.Literal("plain"), Literal("plain")),
        (ox.Literal("Titolo", language="it"), Literal("Titolo", lang="it")),
        (
            ox.Literal(DATE, datatype=ox.NamedNode(str(XSD.dateTime))),
            Literal(DATE, datatype=XSD.dateTime),
        ),
        (ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean))), Literal(True)),
        (ox.Literal("3", datatype=ox.NamedNode(str(XSD.integer))), Literal(3)),
        (
            ox.Literal("not a date", datatype=ox.NamedNode(str(XSD.date))),
            Literal("not a date", datatype=XSD.date),
        ),
        (ox.Literal(LONG), Literal(LONG)),
        (ox.Literal(LONG, language="en"), Literal(LONG, lang="en")),
        (
            ox.Literal(LONG, datatype=ox.NamedNode("https://example.org/dt")),
            Literal(LONG, datatype=URIRef("https://example.org/dt")),
        ),
        (ox.BlankNode("b1"), BNode("b1")),
    ],
)
def test_a_term_converts_to_the_equal_rdflib_term(term: object, expected: Node) -> None:
    converted = to_rdflib(term)
    assert converted == expected
    assert type(converted) is type(expected)
    if isinstance(expected, Literal):
        assert converted.language == expected.language
        assert converted.datatype == expected.datatype
        assert converted.value == expected.value


def test_short_literals_are_shared_and_long_ones_are_not() -> None:
    date = ox.Literal(DATE, datatype=ox.NamedNode(str(XSD.dateTime)))
    assert to_rdflib(date) is to_rdflib(date)
    assert to_rdflib(ox.Literal("kw", language="es")) is to_rdflib(ox.Literal("kw", language="es"))
    # the same text in another language or datatype is another term
    assert to_rdflib(ox.Literal("kw", language="es")) != to_rdflib(ox.Literal("kw", language="it"))
    assert to_rdflib(ox.Literal("kw")) != to_rdflib(ox.Literal("kw", language="it"))
    assert len(LONG) > SHARED_LITERAL_LENGTH
    assert to_rdflib(ox.Literal(LONG)) is not to_rdflib(ox.Literal(LONG))


DATATYPES = [str(XSD.integer), str(XSD.boolean), str(XSD.date), str(XSD.dateTime), str(XSD.decimal)]


@given(
    text=st.text(max_size=2 * SHARED_LITERAL_LENGTH),
    language=st.sampled_from([None, "en", "es", "it", "lv", "en-gb"]),
)
def test_any_text_converts_alike_shared_or_not(text: str, language: str | None) -> None:
    for _ in range(2):  # made, then (if short) found again
        converted = to_rdflib(ox.Literal(text, language=language))
        assert converted == Literal(text, lang=language)
        assert str(converted) == text


@given(
    text=st.one_of(
        st.integers().map(str),
        st.sampled_from(["01", "1", "0", "true", "false", "2026-02-30", "x", "1.50", ""]),
        st.text(max_size=12),
    ),
    datatype=st.sampled_from(DATATYPES),
)
def test_typed_literals_convert_alike_shared_or_not(text: str, datatype: str) -> None:
    """Well-typed or not, a typed literal is the one rdflib makes: same value, same lexical
    form, same datatype, whether made or found again."""
    expected = Literal(text, datatype=URIRef(datatype))
    for _ in range(2):
        converted = to_rdflib(ox.Literal(text, datatype=ox.NamedNode(datatype)))
        assert converted == expected
        assert str(converted) == str(expected)
        assert converted.datatype == expected.datatype
        assert converted.ill_typed == expected.ill_typed
