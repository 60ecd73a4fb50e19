"""The co-production commands: team create|add-member|show, process
create|show|guide|select|status, rate; over the same services (and checks) as the API."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import BASE


@pytest.fixture
def run(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("INTERLINK_KG_TOKENS_FILE", str(tmp_path / "tokens.json"))
    assert cli("load", "--no-validate").code == 0
    for user in ("ana", "bob", "eve"):
        assert cli("token", "create", user, "--role", "contributor").code == 0
    return cli


def test_a_team_and_a_process_from_the_command_line(run) -> None:  # type: ignore[no-untyped-def]
    made = run("team", "create", "Parks of Riga", "--type", "citizens", "--as", "ana", "--json")
    assert made.code == 0, made.err
    team = json.loads(made.out)["id"]
    assert run("team", "add-member", team, "bob", "--as", "ana").code == 0
    shown = run("team", "show", team, "--as", "bob", "--json")
    assert [m["user"] for m in json.loads(shown.out)["members"]] == ["ana", "bob"]
    assert run("team", "show", team, "--as", "eve").code == 2  # not a member: no such team

    created = run(
        "process",
        "create",
        "Booking parks",
        "--schema",
        "default",
        "--team",
        team,
        "--as",
        "ana",
        "--json",
    )
    assert created.code == 0, created.err
    pid = json.loads(created.out)["id"]
    status = run("process", "status", pid, "task-define_personas", "done", "--as", "bob")
    assert status.code == 0, status.err
    assert "in_progress" in status.out
    selected = run(
        "process",
        "select",
        pid,
        "task-define_personas",
        "stakeholder_types_guidelines",
        "--note",
        "who uses the parks",
        "--as",
        "bob",
    )
    assert selected.code == 0, selected.err
    rated = run("rate", "stakeholder_types_guidelines", "4", "--text", "clear", "--as", "bob")
    assert rated.code == 0, rated.err
    assert "rated stakeholder_types_guidelines: 4/5" in rated.out

    guide = json.loads(run("process", "guide", pid, "--as", "ana", "--json").out)
    tasks = {t["id"]: t for p in guide["phases"] for o in p["objectives"] for t in o["tasks"]}
    persona = tasks["task-define_personas"]
    assert persona["status"] == "done"
    assert [s["note"] for s in persona["selected"]] == ["who uses the parks"]
    text = run("process", "guide", pid, "--as", "ana")
    assert "selected: stakeholder_types_guidelines" in text.out

    trig = run("process", "show", pid, "--format", "trig", "--as", "ana")
    quads = list(ox.parse(trig.out.encode(), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {f"{BASE}graphs/processes/{pid}"}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["rate", "trello", "3", "--as", "ana"], "after selecting it"),
        (["rate", "trello", "9", "--as", "ana"], "0 to 5"),
        (["team", "show", "parks", "--as", "nobody"], "no account 'nobody'"),
        (
            ["process", "create", "X", "--schema", "nope", "--team", "parks", "--as", "ana"],
            "no team",
        ),
        (
            ["process", "status", "nope", "task-x", "done", "--as", "ana"],
            "no co-production process",
        ),
    ],
)
def test_command_line_mistakes_say_what_is_wrong(run, argv: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*argv)
    assert result.code == 2
    assert needle in result.err
