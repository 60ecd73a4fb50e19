"""Where a SPARQL server answers, from a ``sparql+http(s)://`` store URL. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from interlink_kg.errors import StoreError

LAYOUT_KEYS = ("query", "update", "union")


@dataclass(frozen=True)
class Endpoints:
    """Where a SPARQL server answers: its query and update URLs."""

    query: str
    update: str
    # The query parameter that makes the default graph the union of every graph (Oxigraph:
    # ``union-default-graph``); None: the store names the graphs to read in each query.
    union_parameter: str | None = None
    # Where N-Quads are posted for a bulk load that skips the server's transaction (Oxigraph:
    # its graph store's ``no_transaction`` mode, its bulk loader); None: ``INSERT DATA``.
    bulk: str | None = None
    # Where the whole dataset is read as N-Quads in one answer (Oxigraph: its graph store,
    # asked for N-Quads without a graph); None: graph by graph, a few thousand per query.
    dump: str | None = None

    @classmethod
    def under(cls, root: str) -> Endpoints:
        """Oxigraph server's layout under ``root`` (``.../query``, ``.../update``,
        ``.../store``)."""
        root = root if root.endswith("/") else root + "/"
        return cls(
            root + "query",
            root + "update",
            "union-default-graph",
            root + "store?no_transaction",
            root + "store",
        )


@dataclass(frozen=True)
class Found:
    endpoints: Endpoints
    shown: str  # the URL as it may be shown: without user and password
    username: str | None
    password: str | None


def parse(rest: str) -> Found:
    """``http://[user:password@]host:port/path/[?query=..&update=..&union=..]``.

    The path is the root under which the endpoints answer: by default Oxigraph server's layout
    (``query``, ``update``, its ``union-default-graph`` parameter, and bulk loads posted to its
    ``store`` without a transaction). Another server names its
    endpoints in the URL's query, relative to the root, e.g. Apache Jena Fuseki:
    ``sparql+http://127.0.0.1:3030/ds/?query=query&update=update&union=`` (an empty ``union``:
    the server has no union parameter, every query names its graphs).
    """
    parts = urlsplit(rest)
    try:
        port = parts.port
    except ValueError as exc:
        raise StoreError("the store URL has a port that is not a number") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise StoreError(
            "a sparql+ store URL names an http(s) server, e.g. sparql+http://127.0.0.1:7878/"
        )
    layout = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(layout) - set(LAYOUT_KEYS))
    if unknown:
        raise StoreError(
            f"unknown setting(s) {', '.join(unknown)} in the store URL; "
            f"use {', '.join(LAYOUT_KEYS)}"
        )
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = host + (f":{port}" if port else "")
    root = parts._replace(netloc=netloc, query="", fragment="").geturl()
    root = root if root.endswith("/") else root + "/"
    default = Endpoints.under(root)
    # Oxigraph's own layout: its endpoints and its union parameter (an empty one, or another
    # name, says another server).
    oxigraph = (
        "query" not in layout
        and "update" not in layout
        and layout.get("union", default.union_parameter) == default.union_parameter
    )
    endpoints = Endpoints(
        root + layout["query"] if "query" in layout else default.query,
        root + layout["update"] if "update" in layout else default.update,
        (layout["union"] or None) if "union" in layout else default.union_parameter,
        default.bulk if oxigraph else None,  # another server: standard SPARQL Update
        default.dump if oxigraph else None,  # and its data read with SPARQL queries
    )
    shown = "sparql+" + root + (f"?{parts.query}" if parts.query else "")
    return Found(
        endpoints,
        shown,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )
