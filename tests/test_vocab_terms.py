"""The library's vocabulary namespaces (``interlink_kg.vocab``) give exactly rdflib's terms,
answered as plain attributes; everything else about them behaves as rdflib's."""

from __future__ import annotations

import pickle

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as rdflib_namespaces
from rdflib.namespace import DefinedNamespace

from interlink_kg import vocab

CLOSED = ["DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD"]
OPEN = ["ILK", "ADMS", "VCARD", "CPSV", "HYDRA", "VOID", "SD", "EU_LANGUAGE", "IANA_MEDIA_TYPE"]


@pytest.mark.parametrize("name", CLOSED)
def test_every_term_of_a_closed_vocabulary_is_rdflibs_and_an_attribute(name: str) -> None:
    ours, theirs = getattr(vocab, name), getattr(rdflib_namespaces, name)
    assert issubclass(ours, theirs)
    assert issubclass(ours, DefinedNamespace)
    terms = [t for t in theirs.__annotations__ if not t.startswith("_")]
    assert terms
    for term in terms:
        assert term in vars(ours)  # a plain attribute: no metaclass lookup
        assert getattr(ours, term) == getattr(theirs, term) == ours[term]
        assert type(getattr(ours, term)) is URIRef
        assert getattr(ours, term) in ours
    assert str(ours) == str(theirs)
    assert set(dir(ours)) == set(dir(theirs))


def test_a_name_outside_a_vocabulary_still_warns_as_rdflib_does() -> None:
    with pytest.warns(UserWarning, match="not defined in namespace"):
        assert vocab.DCAT["notATerm"] == URIRef("http://www.w3.org/ns/dcat#notATerm")
    with pytest.raises(AttributeError):  # a closed vocabulary refuses what it does not have
        vocab.RDF.notATerm  # noqa: B018


@pytest.mark.parametrize("name", OPEN)
def test_an_open_namespace_keeps_each_term_it_made(name: str) -> None:
    ns = getattr(vocab, name)
    first = ns.someTerm
    assert first == URIRef(str(ns) + "someTerm") == ns["someTerm"]
    assert type(first) is URIRef
    assert ns.someTerm is first  # kept, not made again
    assert str(ns) == str(rdflib_namespaces.Namespace(str(ns)))
    plain = rdflib_namespaces.Namespace(str(ns))
    assert ns.title == plain.title  # rdflib's own rule for the names of str's methods
    assert ns.upper() == plain.upper()
    assert pickle.loads(pickle.dumps(ns)) == ns


def test_namespaces_bind_as_rdflibs_do() -> None:
    graph = Graph(bind_namespaces="none")
    graph.bind("dcat", vocab.DCAT)
    graph.bind("ilk", vocab.ILK)
    assert dict(graph.namespaces()) == {
        "dcat": URIRef(str(rdflib_namespaces.DCAT)),
        "ilk": URIRef(str(vocab.ILK)),
    }
