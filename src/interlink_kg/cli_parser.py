"""The grammar of the ``interlink-kg`` command line: its commands, arguments and help.

The commands themselves are in :mod:`interlink_kg.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interlink_kg import __version__
from interlink_kg.finding.recommendations import DEFAULT_LIMIT
from interlink_kg.finding.search import FACETS
from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES

EXIT_ERROR = 2  # usage errors, as every other failure of the command line


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with our exit code and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="interlink-kg",
        description="A linked-data catalogue of INTERLINKERs: load, validate, query and serve it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = _Parser(add_help=False)
    common.add_argument(
        "--store",
        metavar="URL",
        help="store URL: oxigraph:PATH or memory: (default: $INTERLINK_KG_STORE, "
        "else oxigraph: under the user data folder)",
    )
    common.add_argument(
        "--base-iri",
        metavar="IRI",
        help="base IRI of the catalogue's resources (default: $INTERLINK_KG_BASE_IRI "
        "or http://127.0.0.1:8080/)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    load = sub.add_parser(
        "load", parents=[common], help="load RDF files (default: the bundled catalogue)"
    )
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    load.add_argument("--reset", action="store_true", help="drop every other data graph first")
    load.add_argument(
        "--no-validate", action="store_true", help="skip SHACL validation before loading"
    )

    validate = sub.add_parser(
        "validate",
        parents=[common],
        help="validate RDF files against the shapes (exit 0 conforms, 1 violations, 2 error)",
    )
    validate.add_argument("paths", nargs="*", type=Path, metavar="FILE")
    validate.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    validate.add_argument(
        "--catalogue",
        action="store_true",
        help="validate everything the catalogue store holds (after the shapes changed)",
    )

    export = sub.add_parser("export", parents=[common], help="write the stored catalogue as RDF")
    export.add_argument("--format", choices=("ttl", "nt", "jsonld", "xml"), default="ttl")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    query = sub.add_parser("query", parents=[common], help="run a SPARQL query on the store")
    query.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    query.add_argument(
        "--format", choices=("tsv", "json"), default="tsv", help="format of SELECT results"
    )

    serve = sub.add_parser(
        "serve", parents=[common], help="serve the HTTP API (loads the catalogue if empty)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--threads", type=int, help="application threads (default 8, or INTERLINK_KG_THREADS)"
    )

    recommend = sub.add_parser(
        "recommend", parents=[common], help="ranked, explained INTERLINKERs for a schema task"
    )
    recommend.add_argument("schema", help="schema id, e.g. default")
    recommend.add_argument("task", help="task id, e.g. task-define_personas")
    recommend.add_argument("--lang", default=FALLBACK_LANGUAGE, choices=SUPPORTED_LANGUAGES)
    recommend.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    recommend.add_argument("--json", action="store_true", help="the full JSON answer")
    for name in ("kind", "licence", "difficulty", "purpose", "language", "target"):
        recommend.add_argument(f"--{name}", help=f"only INTERLINKERs with this {name}")
    recommend.add_argument("--audience", help="a target group whose fit raises the score")

    search = sub.add_parser(
        "search", parents=[common], help="full-text search of INTERLINKERs, with facet filters"
    )
    search.add_argument("text", nargs="?", default="", help="words to look for (any language)")
    search.add_argument("--lang", default=FALLBACK_LANGUAGE, choices=SUPPORTED_LANGUAGES)
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="items and facet counts as JSON")
    for name in FACETS:
        search.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"only this {name}")

    quality = sub.add_parser(
        "quality", parents=[common], help="list what in the stored catalogue needs attention"
    )
    quality.add_argument("--format", choices=("text", "json"), default="text")

    token = sub.add_parser(
        "token", parents=[common], help="create, list or revoke bearer tokens for the HTTP API"
    )
    token_sub = token.add_subparsers(dest="token_command", required=True, parser_class=_Parser)
    tokens_file = _Parser(add_help=False)
    tokens_file.add_argument(
        "--tokens-file",
        type=Path,
        help="where digests are kept (default: $INTERLINK_KG_TOKENS_FILE or the data folder)",
    )
    create = token_sub.add_parser("create", parents=[tokens_file], help="make a new token")
    create.add_argument("user", help="account name: letters, digits, _ . -")
    create.add_argument("--role", choices=("contributor", "curator", "admin"), required=True)
    token_sub.add_parser("list", parents=[tokens_file], help="users, roles, digest starts")
    revoke = token_sub.add_parser("revoke", parents=[tokens_file], help="remove a user's tokens")
    revoke.add_argument("user")
    revoke.add_argument("--digest", help="only the token whose digest starts with this")

    upstream = sub.add_parser(
        "import-upstream",
        parents=[common],
        help="convert an INTERLINK seed folder (metadata.json bundles) to Turtle files",
    )
    upstream.add_argument("seed_dir", type=Path, metavar="SEED_DIR")
    upstream.add_argument("--out", type=Path, required=True, help="folder to write Turtle into")
    return parser
