"""Terms of SPARQL 1.1 Query Results JSON, as a remote store reads them: checked, and converted
as the embedded store converts its own terms (one converter)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.term import Node

from interlink_kg.errors import StoreError
from interlink_kg.rdf.parse import to_rdflib


def text_of(value: object) -> str | None:
    """The text of one binding of SPARQL 1.1 JSON results (None: unbound)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise StoreError("the SPARQL server sent a result term that is not SPARQL JSON")
    return str(value["value"])


def term_of(value: object) -> Node:
    """An rdflib term from one binding of SPARQL 1.1 JSON results, converted as the embedded
    store converts its terms (``to_rdflib``: same blank-node labels, plain ``xsd:string``)."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise StoreError("the SPARQL server sent a result term that is not SPARQL JSON")
    kind, text = value.get("type"), value["value"]
    try:
        if kind == "uri":
            return to_rdflib(ox.NamedNode(text))
        if kind == "bnode":
            return to_rdflib(ox.BlankNode(text))
        if kind in {"literal", "typed-literal"}:
            lang, datatype = value.get("xml:lang"), value.get("datatype")
            if isinstance(lang, str) and lang:
                return to_rdflib(ox.Literal(text, language=lang))
            if isinstance(datatype, str) and datatype:
                return to_rdflib(ox.Literal(text, datatype=ox.NamedNode(datatype)))
            return to_rdflib(ox.Literal(text))
    except (ValueError, TypeError) as exc:
        raise StoreError("the SPARQL server sent a result term that is not valid RDF") from exc
    raise StoreError(f"the SPARQL server sent a term of unknown type {kind!r}")
