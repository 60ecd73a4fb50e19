"""Data-driven shape tests: every valid example conforms, every invalid one fails for its reason.

Each file in ``data/shapes/invalid`` breaks one rule and names it in its header:
``# expect-shape: <shape IRI>`` and ``# expect-path: <property IRI>``; a consequence that must
also be reported is listed as ``# expect-also: <shape IRI> <property IRI> (why)``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from interlink_kg.rdf.parse import parse_file
from interlink_kg.validation.engine import validator

DATA = Path(__file__).parent / "data" / "shapes"
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))


def expectations(path: Path) -> set[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    shape = re.search(r"^# expect-shape: (\S+)$", text, re.MULTILINE)
    prop = re.search(r"^# expect-path: (\S+)$", text, re.MULTILINE)
    assert shape, f"{path.name} does not say which shape it expects"
    assert prop, f"{path.name} does not say which property it expects"
    expected = {(shape.group(1), prop.group(1))}
    for also in re.finditer(r"^# expect-also: (\S+) (\S+)", text, re.MULTILINE):
        expected.add((also.group(1), also.group(2)))
    return expected


def test_enough_examples() -> None:
    assert len(INVALID) >= 30
    assert len(VALID) >= 4


def test_every_invalid_example_breaks_a_different_rule(base_iri: str) -> None:
    """A rule is a shape, a path and the constraint components the violation reports: no two
    examples break the same one (each file earns its place)."""
    rules: dict[tuple[str, str, frozenset[str]], str] = {}
    for path in INVALID:
        text = path.read_text(encoding="utf-8")
        shape = re.search(r"^# expect-shape: (\S+)$", text, re.MULTILINE)
        prop = re.search(r"^# expect-path: (\S+)$", text, re.MULTILINE)
        assert shape, path.name
        assert prop, path.name
        report = validator(base_iri).validate(parse_file(path, base_iri))
        components = frozenset(
            r.constraint
            for r in report.violations
            if r.source_shape == shape.group(1) and r.path == prop.group(1)
        )
        assert components, f"{path.name} breaks no rule of its own shape and path"
        rule = (shape.group(1), prop.group(1), components)
        assert rule not in rules, f"{path.name} breaks the same rule as {rules[rule]}"
        rules[rule] = path.name


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms_without_warnings(path: Path, base_iri: str) -> None:
    report = validator(base_iri).validate(parse_file(path, base_iri))
    assert report.results == (), report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_cli_rejects_invalid_example_for_its_reason(path: Path, cli) -> None:
    result = cli("validate", "--format", "json", str(path))
    assert result.code == 1, result.err
    report = json.loads(result.out)
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert {(r["source_shape"], r["path"]) for r in violations} == expectations(path)
    assert all(r["message"] for r in violations)


def test_every_class_of_the_ontology_has_a_node_shape() -> None:
    from rdflib.namespace import RDF, SH

    from interlink_kg.validation.engine import interlink_shapes
    from interlink_kg.vocab import ILK, ILK_CLASSES

    shapes = interlink_shapes().graph
    targeted = set(shapes.objects(None, SH.targetClass))
    for name in ILK_CLASSES:
        assert ILK[name] in targeted, f"no node shape targets ilk:{name}"
    assert all((s, RDF.type, SH.NodeShape) in shapes for s in shapes.subjects(SH.targetClass))


def test_concurrent_validations_do_not_mix(base_iri: str) -> None:
    """The fast path shares one background graph under a lock: reports stay per request."""
    from concurrent.futures import ThreadPoolExecutor

    paths = VALID[:2] + INVALID[:6]
    graphs = [parse_file(p, base_iri) for p in paths]
    check = validator(base_iri)
    alone = [check.validate(g) for g in graphs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(check.validate, graphs * 6))
    assert together == alone * 6
