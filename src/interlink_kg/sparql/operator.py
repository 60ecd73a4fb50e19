"""Run a read-only SPARQL query given by an operator (CLI) and format the answer."""

from __future__ import annotations

import json

from pyparsing.exceptions import ParseException
from rdflib import Literal
from rdflib.term import Node

from interlink_kg.errors import BadRequestError, ParseError
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.rdf.serialize import serialize
from interlink_kg.rdf.sparql_text import parse_query
from interlink_kg.sparql.analysis import FORMS
from interlink_kg.store.base import Store


def query_form(text: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``; refuses updates and bad syntax."""
    try:
        parsed = parse_query(text)
    except ParseException as exc:
        raise ParseError(
            f"not a valid SPARQL query (updates are not accepted here): {exc.msg} "
            f"at line {exc.lineno}, column {exc.col}"
        ) from exc
    name = str(parsed[1].name)
    if name not in FORMS:
        raise BadRequestError(f"unsupported query form {name}")
    return FORMS[name]


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    return term.n3()


def run_query(store: Store, text: str, result_format: str = "tsv") -> str:
    """SELECT rows as TSV or SPARQL-JSON-like JSON; ASK as true/false; graphs as Turtle."""
    form = query_form(text)
    if form == "ask":
        return ("true" if store.ask(text) else "false") + "\n"
    if form in {"construct", "describe"}:
        return serialize(store.construct(text), TURTLE).decode("utf-8")
    rows = store.select(text)
    names: list[str] = []
    for row in rows:
        for key in row:
            if key not in names:
                names.append(key)
    if result_format == "json":
        return (
            json.dumps(
                {
                    "head": {"vars": names},
                    "rows": [{k: _json(v) for k, v in row.items()} for row in rows],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_cell(row.get(n)) for n in names) for row in rows]
    return "\n".join(lines) + "\n"


def _json(term: Node) -> object:
    if isinstance(term, Literal):
        return term.toPython() if term.datatype is not None else str(term)
    return str(term)
