"""The co-production commands of ``interlink-kg`` (``team``, ``process``, ``rate``): the same
services as the HTTP API, over the stores of ``--store``, acting for the account ``--as``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from interlink_kg.coproduction.environment import Coproduction, coproduction
from interlink_kg.coproduction.guide import build_guide, process_dict
from interlink_kg.curation.accounts import TokenRegistry
from interlink_kg.errors import BadRequestError, NotFoundError
from interlink_kg.finding import recommendations as ranking
from interlink_kg.finding import untasked
from interlink_kg.finding.ranking import RecommendationList
from interlink_kg.model.processes import Item, Process
from interlink_kg.model.roles import Account
from interlink_kg.rdf.formats import by_name
from interlink_kg.rdf.serialize import serialize, serialize_named
from interlink_kg.settings import Settings
from interlink_kg.store import open_workspace_store
from interlink_kg.store.base import Store
from interlink_kg.store.held import HeldStore

EXIT_OK = 0


def _account(args: argparse.Namespace, settings: Settings) -> Account:
    tokens_file = args.tokens_file or settings.tokens_file
    registry = TokenRegistry.load(tokens_file, settings.tokens_env)
    roles = [entry.role for entry in registry.entries if entry.user == args.user]
    if not roles:
        raise NotFoundError(
            f"no account {args.user!r}: create one with 'interlink-kg token create "
            f"{args.user} --role contributor'",
            details={"user": args.user},
        )
    return Account(args.user, max(roles))


@contextmanager
def _services(settings: Settings, opened: Store) -> Iterator[tuple[Coproduction, Store]]:
    from interlink_kg.curation.submissions import Workspace
    from interlink_kg.rdf.untrusted import InputLimits
    from interlink_kg.validation.engine import validator

    workspace = open_workspace_store(settings, through_server=True)
    try:
        registry = TokenRegistry.load(settings.tokens_file, settings.tokens_env)
        curation = Workspace(
            opened, workspace, settings.base_iri, validator(settings.base_iri), InputLimits()
        )
        together = coproduction(
            opened,
            workspace,
            settings.base_iri,
            user_exists=lambda user: any(e.user == user for e in registry.entries),
            is_deprecated=curation.is_deprecated,
        )
        if not isinstance(opened, HeldStore) and not isinstance(workspace, HeldStore):
            together.publication.reconcile()  # (a server holding the stores reconciles itself)
        yield together, opened
    finally:
        workspace.close()


def _write(out: TextIO, value: Any) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def cmd_team(args: argparse.Namespace, settings: Settings, out: TextIO, store: Store) -> int:
    account = _account(args, settings)
    with _services(settings, store) as (services, _):
        if args.team_command == "create":
            body = {"name": args.name, "type": args.type, "description": args.description}
            if args.id:
                body["id"] = args.id
            team = services.teams.create(account, body)
        elif args.team_command == "add-member":
            team, _new = services.teams.set_member(
                account, args.team, {"user": args.member, "role": args.role}
            )
        else:
            team = services.teams.get(account, args.team)
    if args.json:
        _write(out, team.to_dict(settings.base_iri))
    else:
        out.write(f"{team.identifier}\t{team.name}\t{team.team_type}\n")
        for member in team.members:
            out.write(f"  {member.user}\t{member.role}\n")
    return EXIT_OK


def _recommender(store: Store, base_iri: str) -> Any:
    def recommend(process: Process, task: Item, lang: str) -> RecommendationList | None:
        if task.derived_from:
            return ranking.for_task(store, base_iri, process.schema_id, task.id, lang=lang)
        if task.problem_profiles:
            ids = sorted(p.rsplit("/", 1)[-1] for p in task.problem_profiles)
            return untasked.for_profiles(store, base_iri, ids, lang=lang)
        return None

    return recommend


def _summary(process: Process, out: TextIO) -> None:
    overall = process.progress()
    out.write(
        f"{process.id}\t{process.title}\t{process.visibility}\t{overall.status}\t"
        f"{overall.percent:.1f}%\n"
    )


def cmd_process(args: argparse.Namespace, settings: Settings, out: TextIO, store: Store) -> int:
    account = _account(args, settings)
    base = settings.base_iri
    with _services(settings, store) as (services, catalogue):
        processes = services.processes
        command = args.process_command
        if command == "create":
            body = {
                "title": args.title,
                "schema": args.schema,
                "teams": args.teams,
                "visibility": args.visibility,
                "language": args.language,
            }
            if args.id:
                body["id"] = args.id
            process = processes.create(account, body)
        elif command == "select":
            body = {"interlinker": args.interlinker, "note": args.note}
            processes.select(account, args.process, args.task, body)
            process = processes.get(account, args.process)
        elif command == "status":
            change: dict[str, object] = {}
            if args.status:
                change["status"] = args.status
            if args.start:
                change["start"] = args.start
            if args.end:
                change["end"] = args.end
            if not change:
                raise BadRequestError("give a status, --start or --end")
            processes.update_item(account, args.process, args.item, change)
            process = processes.get(account, args.process)
        else:
            process = processes.get(account, args.process)
        if command == "guide":
            if not 0 <= args.limit <= ranking.DEFAULT_LIMIT:
                raise BadRequestError(f"--limit must be from 0 to {ranking.DEFAULT_LIMIT}")
            lang = args.lang or process.language
            guide = build_guide(
                process,
                catalogue,
                base,
                lang,
                _recommender(catalogue, base),
                limit=args.limit,
                with_users=True,
            )
            if args.json:
                _write(out, guide)
            else:
                _guide_text(guide, out)
            return EXIT_OK
        if command == "show" and args.format:
            graph = processes.rdf(account, process.id)
            if args.format == "trig":
                name = services.publication.process_graph_name(process.id)
                out.write(serialize_named(graph, name).decode("utf-8"))
            else:
                out.write(serialize(graph, by_name(args.format)).decode("utf-8"))
            return EXIT_OK
        if args.json:
            _write(out, process_dict(process, catalogue, base, process.language, with_users=True))
        else:
            _summary(process, out)
    return EXIT_OK


def _guide_text(guide: dict[str, Any], out: TextIO) -> None:
    progress = guide["progress"]
    out.write(f"{guide['process']['title']}: {progress['status']}, {progress['percent']:.1f}%\n")
    out.write("next: " + ", ".join(t["id"] for t in guide["next_tasks"]) + "\n")
    for phase in guide["phases"]:
        out.write(f"{phase['title']} [{phase['status']} {phase['percent']:.0f}%]\n")
        for objective in phase["objectives"]:
            out.write(f"  {objective['title']} [{objective['status']}]\n")
            for task in objective["tasks"]:
                picked = ", ".join(s["interlinker"]["id"] for s in task["selected"])
                ranked = ", ".join(r["id"] for r in task["recommendations"])
                out.write(f"    {task['id']} [{task['status']}]")
                out.write(f" selected: {picked}" if picked else "")
                out.write(f" recommended: {ranked}\n" if ranked else "\n")


def cmd_rate(args: argparse.Namespace, settings: Settings, out: TextIO, store: Store) -> int:
    account = _account(args, settings)
    with _services(settings, store) as (services, _):
        rating, new = services.ratings.rate(
            account, args.interlinker, {"value": args.value, "text": args.text}
        )
    if args.json:
        _write(out, rating.to_dict(settings.base_iri))
    else:
        out.write(f"{'rated' if new else 're-rated'} {args.interlinker}: {rating.value}/5\n")
    return EXIT_OK
