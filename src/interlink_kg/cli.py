"""The ``interlink-kg`` command line: a thin adapter over the library services.

Exit codes: 0 success (or: the data conforms), 1 the data has SHACL violations, 2 usage error,
bad input or any other failure. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from rdflib import Graph

from interlink_kg.cli_parser import BULK_FROM_BYTES, EXIT_ERROR, build_parser
from interlink_kg.errors import BadRequestError, InterlinkKGError, NotFoundError
from interlink_kg.finding.search import FACETS
from interlink_kg.rdf import formats
from interlink_kg.rdf.parse import parse_file
from interlink_kg.rdf.serialize import serialize
from interlink_kg.settings import Settings, shown
from interlink_kg.store.base import Store

EXIT_OK = 0
EXIT_INVALID = 1
SHOWN_VIOLATIONS = 20  # on stderr when a load is refused; the rest with `validate`


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
    violations = [r for r in results if isinstance(r, dict) and r.get("severity") == "Violation"]
    for result in violations[:SHOWN_VIOLATIONS]:
        sys.stderr.write(
            f"  {result.get('focus_node')}: {result.get('message')} "
            f"[{result.get('source_shape')}]\n"
        )
    if len(violations) > SHOWN_VIOLATIONS:
        sys.stderr.write(
            f"  ... and {len(violations) - SHOWN_VIOLATIONS} more: `interlink-kg validate FILE "
            "--format json` lists them all\n"
        )


class StoreMissingError(NotFoundError):
    code = "store_missing"


def _open(settings: Settings, *, create: bool = False) -> Store:
    """The store of ``--store``; commands that only read refuse one that does not exist yet
    (opening it would create it empty, and a typo in the path would then answer "nothing")."""
    from interlink_kg.store.held import HeldStore
    from interlink_kg.store.registry import open_settings_store, store_exists

    if not create and not store_exists(settings.store_url):
        raise StoreMissingError(
            f"there is no store at {shown(settings.store_url)}: check --store / "
            "INTERLINK_KG_STORE, or create it with 'interlink-kg load'",
            details={"store": shown(settings.store_url)},
        )
    store = open_settings_store(settings, through_server=True)
    if create and isinstance(store, HeldStore):  # a load would only fail at its end
        store.close()
        raise store.refusal()
    return store


@contextmanager
def _opened(settings: Settings, *, create: bool = False) -> Iterator[Store]:
    """The store of ``--store`` for the length of a command (see :func:`_open`)."""
    store = _open(settings, create=create)
    try:
        yield store
    finally:
        store.close()


def cmd_load(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.curation.bulk import recover
    from interlink_kg.curation.loading import bundled_paths, load_files

    if args.bulk or args.recover:
        return _bulk_load(args, settings, out)
    if not (args.reset or args.no_bulk) and _large_streamable(args.paths):
        sys.stderr.write(
            "large or compressed N-Triples or Turtle: loaded in bulk, as with --bulk "
            "(streamed, validated resource by resource, no catalogue records; --no-bulk "
            "loads them in one transaction instead)\n"
        )
        return _bulk_load(args, settings, out)
    paths = list(args.paths) or bundled_paths()
    with _opened(settings, create=True) as store:
        recover(store)  # a bulk load that died half-way
        summary = load_files(
            store, paths, settings.base_iri, validate=not args.no_validate, reset=args.reset
        )
        optimize = getattr(store, "optimize", None)
        if callable(optimize):
            optimize()
    out.write(
        f"loaded {len(summary.graphs)} graph(s), {summary.triples} triples "
        f"into {shown(settings.store_url)}; "
        f"{len(summary.records)} catalogue record(s) new or changed\n"
    )
    if summary.report is not None and summary.report.warnings:
        out.write(f"{len(summary.report.warnings)} warning(s); run `validate` to read them\n")
    return EXIT_OK


def _large_streamable(paths: Sequence[Path]) -> bool:
    """Whether every one of ``paths`` is a file a bulk load streams and the plain load handles
    badly: N-Triples or Turtle of :data:`BULK_FROM_BYTES` or more (a file that large describes
    many INTERLINKERs, so the plain load would write it no catalogue record either), or
    gzip-compressed (which only a bulk load reads). N-Quads are left out: a plain load puts
    their triples in the file's graph, a bulk load in the graphs they name. Anything else, a
    missing file or a file named twice included, is left to the plain load."""
    from interlink_kg.curation.bulk_files import format_of

    if not paths or len({p.resolve() for p in paths}) < len(paths):
        return False
    for path in paths:
        try:
            fmt, compressed = format_of(path)
            size = path.stat().st_size
        except (BadRequestError, OSError):
            return False
        if fmt.file_extension == "nq" or not (compressed or size >= BULK_FROM_BYTES):
            return False
    return True


def _recovered(dropped: Sequence[str], completed: Sequence[str], missing: Sequence[str]) -> str:
    """What ``load --recover`` did, in words."""
    if completed or missing:
        text = f"completed a committed bulk load: {len(completed)} graph(s) put in place"
        if missing:
            text += f"; not replaced (staging graph gone): {', '.join(missing)}"
        return text + "\n"
    if dropped:
        return f"undid an unfinished bulk load: {len(dropped)} graph(s) dropped\n"
    return "no unfinished bulk load\n"


def _bulk_load(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.cli_progress import BulkProgressBars
    from interlink_kg.curation.bulk import bulk_load, recover

    if args.recover:
        with _opened(settings) as store:
            recovered = recover(store, force=True)
        out.write(_recovered(recovered.dropped, recovered.completed, recovered.missing))
        return EXIT_OK
    if not args.paths:
        raise BadRequestError("--bulk needs the files to load")
    if args.reset:
        raise BadRequestError("--bulk adds or replaces graphs; --reset is for a plain load")
    with _opened(settings, create=True) as store, BulkProgressBars(sys.stderr) as bars:
        summary = bulk_load(
            store, args.paths, settings.base_iri, validate=not args.no_validate, progress=bars
        )
    checked = f"; {summary.validated} resource(s) validated" if not args.no_validate else ""
    out.write(
        f"loaded {summary.triples} triples into {len(summary.graphs)} graph(s) of "
        f"{shown(settings.store_url)} in {summary.seconds:.1f} s "
        f"(streamed at {summary.rate:,.0f} triples/s){checked}\n"
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg.validation.engine import validator

    if args.catalogue == bool(args.paths):
        raise BadRequestError("give FILE arguments or --catalogue (one of the two)")
    data = Graph()
    if args.catalogue:
        with _opened(settings) as store:
            data = store.graph(*store.data_graphs())
        report = validator(settings.base_iri).validate(data, with_background=False)
        sys.stderr.write(
            f"validated {len(data)} triples of {shown(settings.store_url)}: "
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
    with _opened(settings) as store:
        data = store.dump(fmt)
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
    with _opened(settings) as store:
        out.write(run_query(store, text, args.format))
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
        audience=args.audience,
    )
    with _opened(settings) as store:
        result = service.for_task(
            store,
            settings.base_iri,
            args.schema,
            args.task,
            lang=args.lang,
            limit=args.limit,
            filters=filters,
        )
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
    with _opened(settings) as store:
        found = SearchIndex(store).search(SearchRequest(args.text, filters, 1, args.limit))
        items = summaries(
            store,
            [iris.absolute(settings.base_iri, iris.interlinker(i)) for i in found.ids],
            args.lang,
        )
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

    with _opened(settings) as store:
        report = quality_report(store, settings.base_iri)
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


def cmd_team(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg import cli_coproduction

    with _opened(settings) as store:
        return cli_coproduction.cmd_team(args, settings, out, store)


def cmd_process(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg import cli_coproduction

    with _opened(settings) as store:
        return cli_coproduction.cmd_process(args, settings, out, store)


def cmd_rate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from interlink_kg import cli_coproduction

    with _opened(settings) as store:
        return cli_coproduction.cmd_rate(args, settings, out, store)


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
    "team": cmd_team,
    "process": cmd_process,
    "rate": cmd_rate,
}
