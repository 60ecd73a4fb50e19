"""The vocabularies a catalogue page describes its items with are read once per content
generation (on a SPARQL server, listing the graphs for them cost 45 ms per page at 100k), and
read again when the content changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from support import BASE

from interlink_kg.curation.loading import load_bundled
from interlink_kg.model import iris
from interlink_kg.publishing.catalogue_pages import PageRequest, catalogue_page
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import Store, open_store
from interlink_kg.store.base import GraphPayload
from interlink_kg.store.generation import new_generation
from interlink_kg.vocab import DCT

CATALOGUE = URIRef(BASE + "catalogue")


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store("memory:")
    load_bundled(opened, BASE, validate=False)
    yield opened
    opened.close()


def _page(store: Store) -> object:
    return catalogue_page(store, BASE, PageRequest(per_page=5), requested_url=BASE + "catalogue")


def test_a_second_page_does_not_read_the_vocabularies_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _page(store)
    listed: list[int] = []
    real = store.data_graphs
    monkeypatch.setattr(store, "data_graphs", lambda: listed.append(1) or real())
    again = _page(store)
    assert listed == []
    assert isomorphic(first, again)  # type: ignore[arg-type]
    assert len(again) > 0  # type: ignore[arg-type]


def test_a_change_of_the_catalogue_record_is_on_the_next_page(store: Store) -> None:
    _page(store)
    name = BASE + iris.bundled_file_graph("catalogue_data/catalogue.ttl")
    record = store.graph(name)
    record.remove((CATALOGUE, DCT.title, None))
    record.add((CATALOGUE, DCT.title, Literal("Renamed catalogue", lang="en")))
    payload = GraphPayload(record.serialize(format="turtle").encode(), TURTLE, BASE, "test")
    store.replace_graphs({name: payload, **new_generation(BASE)})
    titles = set(_page(store).objects(CATALOGUE, DCT.title))  # type: ignore[attr-defined]
    assert Literal("Renamed catalogue", lang="en") in titles
