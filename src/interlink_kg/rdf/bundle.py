"""Loading the bundled RDF files: ontology, shapes and catalogue data."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from interlink_kg import resources
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.rdf.parse import parse_file


def catalogue_files() -> list[Path]:
    """Every Turtle file of the bundled catalogue, in a stable order."""
    return sorted(resources.catalogue_dir().rglob("*.ttl"))


def vocabulary_files() -> list[Path]:
    """The catalogue files that define shared terms: schemes, problem profiles, catalogue node."""
    root = resources.catalogue_dir()
    return [
        *sorted((root / "vocabularies").glob("*.ttl")),
        root / "problem-profiles.ttl",
        root / "catalogue.ttl",
    ]


def shape_files() -> list[Path]:
    return sorted(resources.shapes_dir().glob("*.ttl"))


def load_graph(paths: list[Path], base_iri: str) -> Graph:
    """Parse and merge several Turtle files into one graph."""
    graph = Graph()
    for path in paths:
        graph += parse_file(path, base_iri, TURTLE)
    return graph


def ontology_graph() -> Graph:
    """The ontology; it has no relative IRIs, so the base does not matter."""
    return parse_file(resources.ontology_file(), "https://w3id.org/interlink-kg/ontology", TURTLE)
