"""Named SPARQL queries (``*.rq`` beside this file) and safe value binding.

A query marks where values go with a comment line ``#bind ?var`` (or ``#bind ?a ?b`` for rows
of several variables); :func:`bind` replaces it with a ``VALUES`` block whose terms are
serialised by rdflib (``Term.n3()``), so user input is never pasted into query text. ``#page``
becomes ``LIMIT n OFFSET m`` from integers. Unbound markers are removed (no restriction).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from interlink_kg import resources

_BIND = re.compile(
    r"^[ \t]*#bind (?P<vars>\?[A-Za-z_][A-Za-z0-9_]*(?:[ \t]+\?[A-Za-z_][A-Za-z0-9_]*)*)[ \t]*$",
    re.MULTILINE,
)
_PAGE = re.compile(r"^[ \t]*#page[ \t]*$", re.MULTILINE)


@cache
def load_query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    path = resources.queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def _term(value: Node) -> str:
    if not isinstance(value, URIRef | Literal):
        raise TypeError(f"only IRIs and literals can be bound, not {value!r}")
    return value.n3()


def _marker(match: re.Match[str]) -> str:
    """The marker's variables as the key used in ``values``: ``"a"`` or ``"a b"``."""
    return " ".join(v.lstrip("?") for v in match.group("vars").split())


def bind(
    query: str,
    values: Mapping[str, Sequence[Node] | Sequence[Sequence[Node]]] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """Fill the ``#bind`` and ``#page`` markers of ``query``.

    ``values["x"]`` is a list of terms for ``#bind ?x``; ``values["a b"]`` a list of rows (one
    term per variable) for ``#bind ?a ?b``.
    """
    values = dict(values or {})
    markers = {_marker(m) for m in _BIND.finditer(query)}
    unknown = set(values) - markers
    if unknown:
        raise KeyError(f"query has no #bind marker for {sorted(unknown)}")

    def replace(match: re.Match[str]) -> str:
        key = _marker(match)
        if key not in values:
            return ""
        names = key.split()
        if len(names) == 1:
            terms = " ".join(_term(v) for v in values[key])  # type: ignore[arg-type]
            return f"VALUES ?{key} {{ {terms} }}"
        rows = []
        for row in values[key]:
            if isinstance(row, Node) or len(row) != len(names):
                raise ValueError(
                    f"each row for #bind {match.group('vars')} needs {len(names)} terms"
                )
            rows.append("(" + " ".join(_term(v) for v in row) + ")")
        heads = " ".join(f"?{n}" for n in names)
        return f"VALUES ({heads}) {{ {' '.join(rows)} }}"

    text = _BIND.sub(replace, query)
    if limit is not None:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        page = f"LIMIT {int(limit)} OFFSET {int(offset)}"
        text = _PAGE.sub(page, text)
    else:
        text = _PAGE.sub("", text)
    return text


def query(
    name: str,
    values: Mapping[str, Sequence[Node] | Sequence[Sequence[Node]]] | None = None,
    **page: int,
) -> str:
    """Load a named query and bind values (see :func:`bind`)."""
    return bind(load_query(name), values, **page)
