"""Every shapes file declares (``sh:declare``) each prefix its SPARQL constraints use, so that
it loads alone in any SHACL engine (Jena refused ``coproduction.ttl``, which used ``prov:``
without declaring it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

SHAPES = Path(__file__).resolve().parents[1] / "shapes"
FILES = sorted(
    p for p in SHAPES.glob("*.ttl") if "sh:select" in p.read_text() or "sh:ask" in p.read_text()
)
# prefix:local outside IRIs and strings, in a SPARQL text
_PREFIXED = re.compile(r"(?<![\w<:/#])([A-Za-z][\w-]*):[A-Za-z_]")


def _used_prefixes(query: str) -> set[str]:
    without_iris = re.sub(r"<[^>]*>", "", query)
    without_strings = re.sub(r'"[^"]*"|\'[^\']*\'', "", without_iris)
    return set(_PREFIXED.findall(without_strings))


def test_there_are_files_with_sparql_constraints() -> None:
    assert {p.name for p in FILES} >= {"coproduction.ttl", "interlinker.ttl", "schema.ttl"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_prefix_a_constraint_uses_is_declared_in_its_own_file(path: Path) -> None:
    graph = Graph().parse(path)
    declared = {str(p) for p in graph.objects(None, SH.prefix)}
    queries = [str(q) for q in graph.objects(None, SH.select)]
    queries += [str(q) for q in graph.objects(None, SH.ask)]
    assert queries
    for query in queries:
        missing = _used_prefixes(query) - declared
        assert not missing, f"{path.name}: {sorted(missing)} used but not declared"
