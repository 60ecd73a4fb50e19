"""rdflib's SPARQL parser, one call at a time.

rdflib parses SPARQL with pyparsing, which is not thread-safe (RDFLib/rdflib#1282): two
threads parsing at once can corrupt each other's parse and fail with errors that have nothing to
do with the query (``Param.postParse2() missing 1 required positional argument``). Every parse
in this package goes through here, under one lock; a parse takes milliseconds.
"""

from __future__ import annotations

import threading
from typing import Any

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

_PARSING = threading.RLock()


def parse_query(text: str) -> Any:
    with _PARSING:
        return parseQuery(text)


def parse_update(text: str) -> Any:
    with _PARSING:
        return parseUpdate(text)


def translate_query(parsed: Any, base: str | None = None) -> Any:
    with _PARSING:
        return translateQuery(parsed, base=base)


def prepare_query(text: str) -> Any:
    with _PARSING:
        return prepareQuery(text)
