"""The command line: every command, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from interlink_kg.curation.loading import bundled_paths

DATA = Path(__file__).parent / "data" / "shapes"
VALID = DATA / "valid" / "external-software-interlinker.ttl"
INVALID = DATA / "invalid" / "interlinker-missing-licence.ttl"


def test_load_default_catalogue_then_query_and_export(cli, tmp_path: Path) -> None:
    result = cli("load", "--no-validate")
    assert result.code == 0, result.err
    assert f"loaded {len(bundled_paths())} graph(s)" in result.out
    count = cli(
        "query",
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT (COUNT(?t) AS ?n) WHERE { ?t a ilk:Task }",
    )
    assert count.code == 0
    assert count.out.splitlines() == ["?n", '"109"^^<http://www.w3.org/2001/XMLSchema#integer>']
    as_json = cli("query", "--format", "json", "SELECT ?x WHERE { VALUES ?x { 1 } }")
    assert json.loads(as_json.out)["rows"] == [{"x": 1}]
    ask = cli("query", "ASK { ?s ?p ?o }")
    assert ask.out == "true\n"
    target = tmp_path / "dump.nt"
    exported = cli("export", "--format", "nt", "--output", str(target))
    assert exported.code == 0
    assert len(target.read_text().splitlines()) > 6000


# The data's triples (the store's own state, such as its change log, grows with each load).
DATA_TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    'FILTER (!STRSTARTS(STR(?g), "urn:interlink-kg:")) }'
)


def test_reload_is_idempotent(cli) -> None:
    cli("load", "--no-validate")
    cli("load", "--no-validate")
    count = cli("query", DATA_TRIPLES)
    first = count.out
    cli("load", "--no-validate")
    assert cli("query", DATA_TRIPLES).out == first


def test_query_from_file_and_construct(cli, tmp_path: Path) -> None:
    cli("load", "--no-validate")
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX dct: <http://purl.org/dc/terms/> CONSTRUCT { ?s dct:identifier ?i } "
        'WHERE { ?s dct:identifier ?i FILTER (?i = "trello") }'
    )
    result = cli("query", f"@{query}")
    assert result.code == 0
    assert '"trello"' in result.out


def test_validate_exit_codes_and_formats(cli) -> None:
    assert cli("validate", str(VALID)).code == 0
    bad = cli("validate", str(INVALID))
    assert bad.code == 1
    assert "Interlinker-licence" in bad.out
    as_json = json.loads(cli("validate", "--format", "json", str(INVALID)).out)
    assert as_json["conforms"] is False
    assert as_json["shapes"]["name"] == "interlink"
    turtle = cli("validate", "--format", "turtle", str(INVALID)).out
    assert "sh:ValidationReport" in turtle
    report = Graph().parse(data=turtle, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    assert len(list(report.objects(node, SH.result))) == 1


def test_load_refuses_invalid_data_and_keeps_store_unchanged(cli) -> None:
    result = cli("load", str(INVALID))
    assert result.code == 1
    assert "nothing was loaded" in result.err
    assert "Interlinker-licence" in result.err
    empty = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert '"0"' in empty.out


def test_bad_input_gets_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    for argv, needle in [
        (("validate", str(tmp_path / "missing.ttl")), "no such file"),
        (("validate", str(broken)), "line 1"),
        (("validate", str(odd)), "cannot tell the RDF format"),
        (("load", str(broken)), "not valid ttl"),
        (("query", "SELEKT"), "not a valid SPARQL query"),
        (("query", "INSERT DATA { <a> <b> <c> }"), "not a valid SPARQL query"),
        (("export", "--format", "png"), "invalid choice"),
        (("load", "--store", "nosuch:x"), "unknown store URL"),
        (("load", "--base-iri", "ftp://x"), "base IRI"),
    ]:
        result = cli(*argv)
        assert result.code == 2, (argv, result.err)
        assert needle in result.err, (argv, result.err)
        assert "Traceback" not in result.err


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "interlink_kg", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("interlink-kg ")


def test_every_command_is_documented_in_the_readme() -> None:
    import argparse

    from interlink_kg import resources
    from interlink_kg.cli import build_parser

    readme = (resources.bundled_root() / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name in commands.choices:
        assert f"interlink-kg {name}" in readme, f"README does not document `{name}`"


@pytest.mark.parametrize(
    "argv",
    [
        ("query", "ASK { ?s ?p ?o }"),
        ("export", "--format", "ttl"),
        ("quality",),
        ("recommend", "default", "task-define_personas"),
        ("search", "survey"),
    ],
)
def test_reading_commands_refuse_a_store_that_does_not_exist(
    cli, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    typo = tmp_path / "stroe"
    result = cli(*argv, "--store", f"oxigraph:{typo}")
    assert result.code != 0
    assert "there is no store at" in result.err
    assert "interlink-kg load" in result.err
    assert not typo.exists()  # nothing was created
