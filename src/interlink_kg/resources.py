"""Where the bundled files (ontology, shapes, catalogue data, the OpenAPI document) live.

In a wheel they are packaged under ``interlink_kg/_bundled``; in a source checkout
(editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def bundled_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/`` and ``catalogue_data/``."""
    packaged = _PACKAGE_DIR / "_bundled"
    if (packaged / "ontology").is_dir():
        return packaged
    return _PACKAGE_DIR.parents[1]


def ontology_dir() -> Path:
    return bundled_root() / "ontology"


def shapes_dir() -> Path:
    return bundled_root() / "shapes"


def catalogue_dir() -> Path:
    return bundled_root() / "catalogue_data"


def ontology_file() -> Path:
    return ontology_dir() / "interlink.ttl"


def openapi_file() -> Path:
    """The HTTP contract, ``api/openapi.yaml`` (shipped inside the wheel too)."""
    return bundled_root() / "api" / "openapi.yaml"


def queries_dir() -> Path:
    return _PACKAGE_DIR / "queries"


def sparql_examples_dir() -> Path:
    """The example queries of ``docs/sparql`` (shipped inside the wheel too)."""
    return bundled_root() / "docs" / "sparql"
