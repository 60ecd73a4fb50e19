"""Write graphs as Turtle with IRIs relative to the catalogue base (no ``@base`` line).

Catalogue files carry relative IRIs so one set of files serves any deployment: the loader
resolves them against the configured base IRI.
"""

from __future__ import annotations

import re

from rdflib import Graph


def relative_turtle(graph: Graph, base_iri: str, header: str = "") -> str:
    """Turtle for ``graph`` with every IRI under ``base_iri`` written relative to it."""
    text = graph.serialize(format="turtle")
    pattern = re.compile("<" + re.escape(base_iri) + r"([^<>\"{}|^`\\\s]*)>")
    body = pattern.sub(lambda m: "<" + m.group(1) + ">", text).strip() + "\n"
    return (header.rstrip() + "\n\n" + body) if header else body
