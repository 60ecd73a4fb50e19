"""The ``interlink-kg`` command line: a thin adapter over the library services.

Exit codes: 0 success (or: the data conforms), 1 the data has SHACL violations, 2 usage error,
bad input or any other failure. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from rdflib import Graph

from interlink_kg import __version__
from interlink_kg.errors import BadRequestError, InterlinkKGError, NotFoundError
from interlink_kg.finding.recommendations import DEFAULT_LIMIT
from interlink_kg.finding.search import FACETS
from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.rdf import formats
from interlink_kg.rdf.parse import parse_file
from interlink_kg.rdf.serialize import serialize
from interlink_kg.settings import Settings
from interlink_kg.store.base import Store

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2


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
    recommend.add_argument("--lang", default="en", choices=SUPPORTED_LANGUAGES)
    recommend.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    recommend.add_argument("--json", action="store_true", help="the full JSON answer")
    for name in ("kind", "licence", "difficulty", "purpose", "language", "target"):
        recommend.add_argument(f"--{name}", help=f"only INTERLINKERs with this {name}")
    recommend.add_argument("--audience", help="a target group whose fit raises the score")

    search = sub.add_parser(
        "search", parents=[common], help="full-text search of INTERLINKERs, with facet filters"
    )
    search.add_argument("text", nargs="?", default="", help="words to look for (any language)")
    search.add_argument("--lang", default="en", choices=SUPPORTED_LANGUAGES)
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


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(store_url=args.store, base_iri=args.base_iri)
        handler = _COMMANDS[args.command]
        return handler(args, settings, out)
    except InterlinkKGError as exc:
        sys.stderr.write(f"interlink-kg: error: {exc.message}\n")
        report = exc.details.get("report")
        if isinstance(report, dict):
            _print_report_summary(report)
            return EXIT_INVALID
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR


def _print_report_summary(report: dict[str, object]) -> None:
    results = report.get("results")
    if not isinstance(results, list):
        return
    for result in results:
        if isinstance(result, dict) and result.get("severity") == "Violation":
            sys.stderr.write(
                f"  {result.get('focus_node')}: {result.get('message')} "
                f"[{result.get('source_shape')}]\n"
            )


class StoreMissingError(NotFoundError):
    code = "store_missing"


def _open(settings: Settings, *, create: bool = False) -> Store:
    """The store of ``--store``; commands that only read refuse one that does not exist yet
    (opening it would create it empty, and a typo in the path would then answer "nothing")."""
    from interlink_kg.store import open_store
    from interlink_kg.store.registry import store_exists

    if not create and not store_exists(settings.store_url):
        raise StoreMissingError(
            f"there is no store at {settings.store_url}: check --store / INTERLINK_KG_STORE, "
            "or create it with 'interlink-kg load'",
            details={"store": settings.store_url},
        )
    return open_store(settings.store_url)


def cmd_load(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.curation.loading import bundled_paths, load_files

    paths = list(args.paths) or bundled_paths()
    store = _open(settings, create=True)
    try:
        summary = load_files(
            store, paths, settings.base_iri, validate=not args.no_validate, reset=args.reset
        )
        optimize = getattr(store, "optimize", None)
        if callable(optimize):
            optimize()
    finally:
        store.close()
    out.write(
        f"loaded {len(summary.graphs)} graph(s), {summary.triples} triples "
        f"into {settings.store_url}; {len(summary.records)} catalogue record(s) new or changed\n"
    )
    if summary.report is not None and summary.report.warnings:
        out.write(f"{len(summary.report.warnings)} warning(s); run `validate` to read them\n")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.validation.engine import validator

    if args.catalogue == bool(args.paths):
        raise BadRequestError("give FILE arguments or --catalogue (one of the two)")
    data = Graph()
    if args.catalogue:
        store = _open(settings)
        try:
            data = store.graph(*store.data_graphs())
        finally:
            store.close()
        report = validator(settings.base_iri).validate(data, with_background=False)
        sys.stderr.write(
            f"validated {len(data)} triples of {settings.store_url}: "
            f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)\n"
        )
    else:
        for path in args.paths:
            data += parse_file(path, settings.base_iri)
        report = validator(settings.base_iri).validate(data)
    if args.format == "json":
        out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "turtle":
        from interlink_kg.validation.report_rdf import report_graph

        shacl = {"sh": "http://www.w3.org/ns/shacl#"}
        out.write(serialize(report_graph(report), formats.TURTLE, shacl).decode("utf-8"))
    else:
        out.write(report.to_text())
    return EXIT_OK if report.conforms else EXIT_INVALID


def cmd_export(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    fmt = formats.by_name(args.format)
    store = _open(settings)
    try:
        data = store.dump(fmt)
    finally:
        store.close()
    if args.output:
        try:
            args.output.write_bytes(data)
        except OSError as exc:
            raise BadRequestError(f"cannot write {args.output}: {exc.strerror}") from exc
    else:
        out.write(data.decode("utf-8"))
    return EXIT_OK


def cmd_query(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.sparql.operator import run_query

    text = args.sparql
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BadRequestError(f"cannot read query file {path}: {exc.strerror}") from exc
    store = _open(settings)
    try:
        out.write(run_query(store, text, args.format))
    finally:
        store.close()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.web.server import serve

    if args.threads is not None:
        if args.threads < 1:
            raise BadRequestError("--threads must be at least 1")
        settings = replace(settings, threads=args.threads)
    serve(settings, host=args.host, port=args.port, log=out)
    return EXIT_OK


def cmd_recommend(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.finding import recommendations as service

    filters = service.Filters(
        kind=args.kind,
        licence=args.licence,
        difficulty=args.difficulty,
        purpose=args.purpose,
        language=args.language,
        target=args.target,
    )
    store = _open(settings)
    try:
        result = service.for_task(
            store,
            settings.base_iri,
            args.schema,
            args.task,
            lang=args.lang,
            limit=args.limit,
            filters=filters,
        )
    finally:
        store.close()
    if args.json:
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(f"{args.schema}/{args.task}: {len(result.items)} recommendation(s)\n")
    for rank, item in enumerate(result.items, start=1):
        out.write(f"{rank:>2}. {item.id}  score {item.score:.4f}  ({item.kind})\n")
        out.write(f"    {item.title}\n    {item.reason}\n")
    return EXIT_OK


def cmd_search(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.finding.catalogue import summaries
    from interlink_kg.finding.search import SearchIndex, SearchRequest
    from interlink_kg.model import iris

    if not 1 <= args.limit <= 1000:
        raise BadRequestError("--limit must be from 1 to 1000")
    filters = {name: getattr(args, name) for name in FACETS if getattr(args, name)}
    store = _open(settings)
    try:
        found = SearchIndex(store).search(SearchRequest(args.text, filters, 1, args.limit))
        items = summaries(
            store,
            [iris.absolute(settings.base_iri, iris.interlinker(i)) for i in found.ids],
            args.lang,
        )
    finally:
        store.close()
    if args.json:
        document = {
            "total": found.total,
            "items": [{**item.to_dict(), "relevance": found.scores.get(item.id)} for item in items],
            "facets": found.facets,
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(f"{found.total} INTERLINKER(s)\n")
    for item in items:
        out.write(f"  {item.id}  ({item.kind})  {item.title}\n")
    return EXIT_OK


def cmd_quality(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.curation.quality import quality_report

    store = _open(settings)
    try:
        report = quality_report(store, settings.base_iri)
    finally:
        store.close()
    if args.format == "json":
        out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report.to_text())
    return EXIT_OK


def cmd_token(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.curation import accounts
    from interlink_kg.model.roles import Role

    tokens_file = args.tokens_file or settings.tokens_file
    if tokens_file is None:
        raise BadRequestError("no tokens file: pass --tokens-file or set INTERLINK_KG_TOKENS_FILE")
    if args.token_command == "list":
        for entry in accounts.list_tokens(tokens_file):
            out.write(f"{entry.user}\t{entry.role.label}\t{entry.digest[:12]}\n")
        return EXIT_OK
    if args.token_command == "revoke":
        removed = accounts.revoke_tokens(tokens_file, args.user, args.digest)
        out.write(f"revoked {removed} token(s) of {args.user} in {tokens_file}\n")
        return EXIT_OK
    token = accounts.create_token(tokens_file, args.user, Role.parse(args.role))
    sys.stderr.write(
        f"created a {args.role} token for {args.user} in {tokens_file} "
        "(only its digest is stored; keep the token, it is shown once)\n"
    )
    out.write(token + "\n")
    return EXIT_OK


def cmd_import_upstream(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.importer.writer import import_upstream

    written = import_upstream(args.seed_dir, args.out, settings.base_iri)
    out.write(f"wrote {len(written)} Turtle file(s) to {args.out}\n")
    return EXIT_OK


_COMMANDS = {
    "load": cmd_load,
    "validate": cmd_validate,
    "export": cmd_export,
    "query": cmd_query,
    "serve": cmd_serve,
    "import-upstream": cmd_import_upstream,
    "token": cmd_token,
    "quality": cmd_quality,
    "recommend": cmd_recommend,
    "search": cmd_search,
}
