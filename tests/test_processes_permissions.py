"""Who may do what to co-production processes: every write route x every role (and no token),
on a private and on a public process; reads too.

Roles: nobody (no token), an outsider, the admin of another team, a member and the admin of the
process's team, a curator, a platform admin. Private processes do not exist for those who may
not see them (404); those who see but may not change get 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_processes_api import OBJECTIVE, SERVICE, TASK, Env, make_env, new_process, with_teams

from interlink_kg.web.app import close_app

ROLES = (None, "eve", "olga", "bob", "ana", "cora", "adam")
# Expected status of a write by each role, on a private and on a public process.
WRITE = {
    "private": {
        None: 401,
        "eve": 404,
        "olga": 404,
        "bob": "ok",
        "ana": "ok",
        "cora": 403,
        "adam": "ok",
    },
    "public": {
        None: 401,
        "eve": 403,
        "olga": 403,
        "bob": "ok",
        "ana": "ok",
        "cora": 403,
        "adam": "ok",
    },
}
READ = {
    "private": {
        None: 404,
        "eve": 404,
        "olga": 404,
        "bob": 200,
        "ana": 200,
        "cora": 200,
        "adam": 200,
    },
    "public": dict.fromkeys(ROLES, 200),
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    made = with_teams(make_env(Path(tmp_path_factory.mktemp("permissions"))))
    yield made
    close_app(made.app)


@pytest.fixture(scope="module")
def processes(env: Env) -> dict[str, str]:
    return {visibility: new_process(env, visibility) for visibility in ("private", "public")}


def _fresh(env: Env) -> str:
    """An INTERLINKER not selected yet by these tests (a repeated selection is a 409)."""
    if not _UNUSED:
        listing = env.ok("GET", "/interlinkers?per_page=100", None)
        _UNUSED.extend(sorted(item["id"] for item in listing["items"]))
    return _UNUSED.pop()


_UNUSED: list[str] = []


def _selection(env: Env, pid: str) -> str:
    path = f"/processes/{pid}/tasks/{TASK}/selections"
    made = env.ok("POST", path, "ana", {"interlinker": _fresh(env)}, 201)
    return str(made["id"])


# route name -> (method, path template, body, success status); {pid}, {sel} filled per call
WRITES: dict[str, Callable[[Env, str], tuple[str, str, object, int]]] = {
    "change the process": lambda env, pid: (
        "PATCH",
        f"/processes/{pid}",
        {"title": "Park booking"},
        200,
    ),
    "set a task's status": lambda env, pid: (
        "PATCH",
        f"/processes/{pid}/items/{TASK}",
        {"status": "in_progress"},
        200,
    ),
    "add a task": lambda env, pid: (
        "POST",
        f"/processes/{pid}/items/{OBJECTIVE}/tasks",
        {"title": "Ask neighbours"},
        201,
    ),
    "select an INTERLINKER": lambda env, pid: (
        "POST",
        f"/processes/{pid}/tasks/{TASK}/selections",
        {"interlinker": _fresh(env)},
        201,
    ),
    "end a selection": lambda env, pid: (
        "DELETE",
        f"/processes/{pid}/tasks/{TASK}/selections/{_selection(env, pid)}",
        None,
        200,
    ),
    "describe the service": lambda env, pid: ("PUT", f"/processes/{pid}/service", SERVICE, 200),
}


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("route", sorted(WRITES))
def test_every_write_route_for_every_role(
    env: Env, processes: dict[str, str], visibility: str, route: str
) -> None:
    pid = processes[visibility]
    for user in ROLES:
        before = env.workspace.dump_quads()
        method, path, body, success = WRITES[route](env, pid)
        if route == "end a selection":
            before = env.workspace.dump_quads()
        response = env.call(method, path, user, body)
        expected = WRITE[visibility][user]
        wanted = success if expected == "ok" else expected
        assert response.status_code == wanted, (user, response.get_data(as_text=True)[:300])
        if expected != "ok":
            assert env.workspace.dump_quads() == before, f"{user} changed something"
            assert response.json["code"]


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_creating_a_process_needs_membership_of_its_teams(env: Env, visibility: str) -> None:
    body = {"title": "Another", "schema": "default", "teams": ["parks"], "visibility": visibility}
    expected = {
        None: 401,
        "eve": 403,
        "olga": 403,
        "bob": 201,
        "ana": 201,
        "cora": 403,
        "adam": 201,
    }
    for user in ROLES:
        response = env.call("POST", "/processes", user, body)
        assert response.status_code == expected[user], (user, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_every_read_route_for_every_role(
    env: Env, processes: dict[str, str], visibility: str
) -> None:
    pid = processes[visibility]
    reads = (
        f"/processes/{pid}",
        f"/processes/{pid}/items/{TASK}",
        f"/processes/{pid}/guide?limit=0",
        f"/processes/{pid}/tasks/{TASK}/selections",
    )
    for user in ROLES:
        for path in reads:
            response = env.call("GET", path, user)
            assert response.status_code == READ[visibility][user], (user, path)


def test_rating_needs_a_token_and_a_selection(env: Env, processes: dict[str, str]) -> None:
    path = "/interlinkers/business_model_canvas/ratings"
    env.ok(
        "POST",
        f"/processes/{processes['private']}/tasks/{TASK}/selections",
        "bob",
        {"interlinker": "business_model_canvas"},
        201,
    )
    expected = {
        None: 401,
        "eve": 403,
        "olga": 403,
        "bob": 201,
        "ana": 403,
        "cora": 403,
        "adam": 403,
    }
    for user in ROLES:
        response = env.call("POST", path, user, {"value": 3})
        assert response.status_code == expected[user], (user, response.get_data(as_text=True)[:300])
    assert env.ok("GET", path, None)["count"] == 1
