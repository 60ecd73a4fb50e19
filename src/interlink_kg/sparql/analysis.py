"""What a public query asks for, and whether it may run: the checks made before execution.

The query is parsed with rdflib (parsing only; rdflib never evaluates a public query, so its
habit of dereferencing ``FROM`` IRIs cannot be triggered). Updates (including ``LOAD``) are
refused, and ``SERVICE`` is refused unless its target is a constant IRI in the allow-list.
The ``SERVICE`` keywords in the text are also counted by a small lexer and must match the
calls found in the parsed query.

These checks give clear answers; they are not the fence. rdflib and Oxigraph (which executes
the query) can read one text differently, so the workers that execute queries are also sealed
off the network (``processes/sandbox.py``): a ``SERVICE`` that only Oxigraph sees
still reaches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyparsing.exceptions import ParseException
from rdflib import URIRef
from rdflib.plugins.sparql.parserutils import CompValue

from interlink_kg.errors import BadRequestError, ForbiddenError, ParseError
from interlink_kg.rdf.sparql_text import parse_query, parse_update, translate_query

FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}

# Strings, IRIs and comments are skipped so that a SERVICE inside them is not counted.
_LEXEMES = re.compile(
    r"""
      (?P<long1>'''(?:[^'\\]|\\.|'(?!''))*''')
    | (?P<long2>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<short1>'(?:[^'\\\n\r]|\\.)*')
    | (?P<short2>"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n\r]*)
    | (?P<name>[?$][\w]+|(?:[A-Za-z_][\w.-]*)?:[\w.:%\\-]*)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


_COMMENTS = re.compile(r"#[^\n]*")
_MEANINGFUL = re.compile(r"\S")


class UpdateRefusedError(ForbiddenError):
    code = "update_refused"


class ServiceRefusedError(ForbiddenError):
    code = "service_refused"


@dataclass(frozen=True)
class AnalysedQuery:
    text: str
    form: str  # select, ask, construct or describe
    default_graphs: tuple[str, ...]  # FROM
    named_graphs: tuple[str, ...]  # FROM NAMED
    services: tuple[str, ...]  # SERVICE targets, all allowed

    @property
    def returns_graph(self) -> bool:
        return self.form in {"construct", "describe"}


def service_keywords(text: str) -> int:
    """How many times ``SERVICE`` may be read as a keyword: as a word (not in a string, IRI or
    comment), or where it stands as the prefix of a prefixed name (``SERVICE:x`` is the
    keyword and a name with the empty prefix to a parser that reads keywords first)."""
    count = 0
    for match in _LEXEMES.finditer(text):
        token = match.group()
        if (match.lastgroup == "word" and token.upper() == "SERVICE") or (
            match.lastgroup == "name" and token.split(":", 1)[0].upper() == "SERVICE"
        ):
            count += 1
    return count


def normalise(text: str) -> str:
    """The query as both parsers will read it: line breaks as ``\n`` only (rdflib ends a
    comment at ``\n`` alone, Oxigraph at ``\r`` too, so a lone ``\r`` could hide a SERVICE
    from the check and not from the engine)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_plain_for_federation(text: str) -> None:
    """With federated queries allowed, refuse the escapes on which rdflib and Oxigraph read a
    text differently: ``\\u``/``\\U`` escapes anywhere (rdflib expands them before reading the
    query, Oxigraph only inside strings and IRIs) and backslashes outside strings."""
    if "\\u" in text or "\\U" in text:
        raise ParseError(
            "this endpoint may call remote services, so its queries may not use \\u or \\U "
            "escapes: write the characters themselves"
        )
    for match in _LEXEMES.finditer(text):
        if match.lastgroup not in {"long1", "long2", "short1", "short2"} and "\\" in match.group():
            raise ParseError(
                "this endpoint may call remote services, so its queries may use backslashes "
                "only inside string literals"
            )


def _service_calls(node: object, found: list[CompValue]) -> list[CompValue]:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node)
        for value in node.values():
            _service_calls(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _service_calls(value, found)
    return found


def _is_update(text: str) -> bool:
    try:
        parse_update(text)
    except Exception:
        return False
    return True


def _too_deep() -> ParseError:
    return ParseError("the query is nested too deeply to be checked; flatten its groups")


def analyse(
    text: str, allowed_services: Iterable[str] = (), base_iri: str | None = None
) -> AnalysedQuery:
    """Parse ``text`` (already :func:`normalise`-d) and check it may run on the public endpoint;
    raise a clear error if not."""
    if not _MEANINGFUL.search(_COMMENTS.sub("", text)):
        raise ParseError("the query is empty")
    allowed = set(allowed_services)
    if allowed:
        check_plain_for_federation(text)
    try:
        parsed = parse_query(text)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # rdflib's expansion of an impossible \U escape
        raise ParseError(f"malformed SPARQL query: {exc}") from exc
    except ParseException as exc:
        if _is_update(text):
            raise UpdateRefusedError(
                "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) "
                "is not accepted"
            ) from exc
        raise ParseError(
            f"malformed SPARQL query: {exc.msg} at line {exc.lineno}, column {exc.col}",
            details={"line": exc.lineno, "column": exc.col},
        ) from exc
    try:
        translated = translate_query(parsed, base=base_iri)
    except RecursionError:
        raise _too_deep() from None
    except Exception as exc:
        raise ParseError(f"invalid SPARQL query: {exc}") from exc
    algebra = translated.algebra
    form = FORMS.get(str(algebra.name))
    if form is None:
        raise BadRequestError(f"unsupported query form {algebra.name}")
    calls = _service_calls(algebra, [])
    targets: list[str] = []
    for call in calls:
        term = call.get("term")
        if not isinstance(term, URIRef):
            raise ServiceRefusedError(
                "SERVICE with a variable target is not allowed on this endpoint",
                details={"allowed_services": sorted(allowed)},
            )
        if str(term) not in allowed:
            raise ServiceRefusedError(
                f"SERVICE <{term}> is not allowed on this endpoint"
                + ("" if allowed else " (federated queries are disabled)"),
                details={"service": str(term), "allowed_services": sorted(allowed)},
            )
        targets.append(str(term))
    if service_keywords(text) != len(calls):
        raise ServiceRefusedError(
            "the query mentions SERVICE in a way this endpoint cannot check; it is refused",
            details={"allowed_services": sorted(allowed)},
        )
    default: list[str] = []
    named: list[str] = []
    for clause in algebra.get("datasetClause") or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return AnalysedQuery(text, form, tuple(default), tuple(named), tuple(targets))
