"""The grammar of the ``interlink-kg`` command line: its commands, arguments and help.

The commands themselves are in :mod:`interlink_kg.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from interlink_kg import __version__
from interlink_kg.finding.recommendations import DEFAULT_LIMIT
from interlink_kg.finding.search import FACETS
from interlink_kg.model.labels import FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES

EXIT_ERROR = 2  # usage errors, as every other failure of the command line
# From this size on, an N-Triples or Turtle file given to a plain `load` (every file that
# large, or gzip) is streamed as `load --bulk` does: read whole into rdflib and validated as one
# graph, a file of 10k INTERLINKERs (20 MB) loads at 13% of the engine's rate, against 48% in
# bulk (bench/RESULTS.md).
BULK_FROM_BYTES = 16 * 1024 * 1024


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
    load.add_argument(
        "--bulk",
        action="store_true",
        help="stream large N-Triples, N-Quads or Turtle files (.gz too) with the engine's bulk "
        "loader and a progress bar; validated resource by resource; all or nothing (a plain "
        "load does so by itself when every file is .gz or N-Triples or Turtle of "
        f"{BULK_FROM_BYTES // (1024 * 1024)} MB or more)",
    )
    load.add_argument(
        "--no-bulk",
        action="store_true",
        help="load even large files in one transaction, validated as one graph",
    )
    load.add_argument(
        "--recover",
        action="store_true",
        help="undo a bulk load whose process is gone (what `load` and `serve` do by themselves "
        "when that process ran on this machine)",
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

    acting = _Parser(add_help=False)
    acting.add_argument(
        "--as",
        dest="user",
        required=True,
        metavar="USER",
        help="the account to act for (it must hold a token; its role applies)",
    )
    acting.add_argument("--json", action="store_true", help="the full JSON answer")
    add_coproduction_commands(sub, [common, tokens_file, acting])

    upstream = sub.add_parser(
        "import-upstream",
        parents=[common],
        help="convert an INTERLINK seed folder (metadata.json bundles) to Turtle files",
    )
    upstream.add_argument("seed_dir", type=Path, metavar="SEED_DIR")
    upstream.add_argument("--out", type=Path, required=True, help="folder to write Turtle into")
    return parser


def add_coproduction_commands(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """``team``, ``process`` and ``rate``: co-production over the same services as the API."""
    team = sub.add_parser("team", help="co-production teams: create, add a member, show")
    team_sub = team.add_subparsers(dest="team_command", required=True, parser_class=_Parser)
    create = team_sub.add_parser(
        "create", parents=parents, help="create a team (you are its admin)"
    )
    create.add_argument("name")
    create.add_argument(
        "--type",
        required=True,
        choices=("citizens", "public_administration", "nonprofit", "forprofit"),
    )
    create.add_argument("--description")
    create.add_argument("--id", help="the team's id (default: its name's slug, made unique)")
    member = team_sub.add_parser(
        "add-member", parents=parents, help="add a member or change a role"
    )
    member.add_argument("team", help="team id")
    member.add_argument("member", help="the account to add")
    member.add_argument("--role", choices=("admin", "member"), default="member")
    show = team_sub.add_parser("show", parents=parents, help="a team and its members")
    show.add_argument("team", help="team id")

    process = sub.add_parser(
        "process", help="co-production processes: create, show, guide, select, status"
    )
    process_sub = process.add_subparsers(
        dest="process_command", required=True, parser_class=_Parser
    )
    start = process_sub.add_parser("create", parents=parents, help="start a process from a schema")
    start.add_argument("title")
    start.add_argument("--schema", required=True, help="schema id, e.g. default")
    start.add_argument("--team", action="append", required=True, dest="teams", help="repeatable")
    start.add_argument("--visibility", choices=("private", "public"), default="private")
    start.add_argument("--language", choices=SUPPORTED_LANGUAGES, default=FALLBACK_LANGUAGE)
    start.add_argument("--id", help="the process's id (default: its title's slug, made unique)")
    shown = process_sub.add_parser("show", parents=parents, help="a process and its progress")
    shown.add_argument("process", help="process id")
    shown.add_argument(
        "--format", choices=("ttl", "jsonld", "nt", "trig"), help="the whole process as RDF"
    )
    guide = process_sub.add_parser("guide", parents=parents, help="the guide of a process")
    guide.add_argument("process", help="process id")
    guide.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="default: the process's")
    guide.add_argument("--limit", type=int, default=3, help="recommendations per task (0-10)")
    select = process_sub.add_parser(
        "select", parents=parents, help="select an INTERLINKER for a task"
    )
    select.add_argument("process", help="process id")
    select.add_argument("task", help="task id, e.g. task-define_personas")
    select.add_argument("interlinker", help="INTERLINKER id")
    select.add_argument("--note")
    status = process_sub.add_parser(
        "status", parents=parents, help="set a task's status, or an item's dates"
    )
    status.add_argument("process", help="process id")
    status.add_argument("item", help="item id (a task for a status)")
    status.add_argument("status", nargs="?", choices=("todo", "in_progress", "done"))
    status.add_argument("--start", help="planned start, YYYY-MM-DD")
    status.add_argument("--end", help="planned end, YYYY-MM-DD")

    rate = sub.add_parser(
        "rate", parents=parents, help="rate an INTERLINKER you selected, from 0 to 5"
    )
    rate.add_argument("interlinker", help="INTERLINKER id")
    rate.add_argument("value", type=int, help="0 to 5")
    rate.add_argument("--text")
