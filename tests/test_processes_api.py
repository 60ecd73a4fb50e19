"""Co-production processes over HTTP: a copy of the schema's tree, status roll-up, dates, a
team's own tasks, the guide, selections (the registry of use), ratings, the public service,
public and private, and what the ranking makes of it."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV, RDF
from support import BASE

from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.app import close_app, create_app

ILK = Namespace("https://w3id.org/interlink-kg/ontology#")
USERS = {
    "ana": Role.CONTRIBUTOR,  # admin of the team "parks", creates the process
    "bob": Role.CONTRIBUTOR,  # member of "parks"
    "eve": Role.CONTRIBUTOR,  # an outsider
    "olga": Role.CONTRIBUTOR,  # admin of another team, "libraries"
    "cora": Role.CURATOR,
    "adam": Role.ADMIN,
}
TASK = "task-define_personas"
OBJECTIVE = "objective-service_design"  # the objective of TASK in the default schema


@dataclass
class Env:
    app: Flask
    client: FlaskClient
    catalogue: Store
    workspace: Store
    tokens: dict[str, str]

    def headers(self, user: str | None, **extra: str) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return {**auth, **extra}

    def call(self, method: str, path: str, user: str | None, json: object = None, **headers: str):  # type: ignore[no-untyped-def]
        return self.client.open(
            path, method=method, json=json, headers=self.headers(user, **headers)
        )

    def ok(
        self, method: str, path: str, user: str | None, json: object = None, status: int = 200
    ) -> Any:
        response = self.call(method, path, user, json)
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        return response.json


def make_env(tmp_path: Path, catalogue: Store | None = None, workspace: Store | None = None) -> Env:
    from interlink_kg.curation.accounts import create_token

    if catalogue is None:
        catalogue = open_store("memory:")
        load_bundled(catalogue, BASE, validate=False)
    tokens_file = tmp_path / "tokens.json"
    tokens = {user: create_token(tokens_file, user, role) for user, role in USERS.items()}
    workspace = workspace or open_store("memory:")
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens_file)
    app = create_app(settings, store=catalogue, workspace_store=workspace)
    return Env(app, app.test_client(), catalogue, workspace, tokens)


def with_teams(made: Env) -> Env:
    """Two teams: "parks" (ana its admin, bob a member) and "libraries" (olga its admin)."""
    made.ok("POST", "/teams", "ana", {"id": "parks", "name": "Parks", "type": "citizens"}, 201)
    made.ok("POST", "/teams/parks/members", "ana", {"user": "bob", "role": "member"}, 201)
    libraries = {"id": "libraries", "name": "Libraries", "type": "public_administration"}
    made.ok("POST", "/teams", "olga", libraries, 201)
    return made


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    made = with_teams(make_env(tmp_path))
    yield made
    close_app(made.app)


def new_process(
    env: Env, visibility: str = "private", user: str = "ana", team: str = "parks"
) -> str:
    body = {"title": "Park booking", "schema": "default", "teams": [team], "visibility": visibility}
    created = env.call("POST", "/processes", user, body)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.headers["Location"] == f"{BASE}processes/{created.json['id']}"
    return str(created.json["id"])


# -- the tree -------------------------------------------------------------------------------


def test_a_process_copies_the_schema_tree_in_order(env: Env) -> None:
    pid = new_process(env)
    process = env.ok("GET", f"/processes/{pid}", "ana")
    schema = env.ok("GET", "/schemas/default", None)

    def walk(node: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        for key in ("phases", "objectives", "tasks"):
            for child in node.get(key, []):
                out.append((child["kind"], child["id"]))
                out.extend(walk(child))
        return out

    expected = walk(schema)
    got = [(i["level"], i["id"]) for i in process["items"]]
    assert got == expected
    assert len([g for g in got if g[0] == "task"]) == 51
    persona = next(i for i in process["items"] if i["id"] == TASK)
    assert persona["derived_from"] == f"{BASE}schemas/default/tasks/{TASK}"
    assert persona["parent"] == OBJECTIVE
    assert process["progress"] == {
        "status": "todo",
        "percent": 0.0,
        "enabled_tasks": 51,
        "done_tasks": 0,
    }


def test_status_rolls_up_and_disabled_tasks_do_not_count(env: Env) -> None:
    pid = new_process(env)
    items = env.ok("GET", f"/processes/{pid}", "ana")["items"]
    tasks = [i["id"] for i in items if i["parent"] == OBJECTIVE]
    assert len(tasks) >= 2
    env.ok("PATCH", f"/processes/{pid}/items/{tasks[0]}", "bob", {"status": "in_progress"})
    objective = env.ok("GET", f"/processes/{pid}/items/{OBJECTIVE}", "ana")
    assert objective["status"] == "in_progress"
    assert objective["percent"] == round(50 / len(tasks), 1)
    for task in tasks[:-1]:
        env.ok("PATCH", f"/processes/{pid}/items/{task}", "bob", {"status": "done"})
    objective = env.ok("GET", f"/processes/{pid}/items/{OBJECTIVE}", "ana")
    assert objective["status"] == "in_progress"
    env.ok("PATCH", f"/processes/{pid}/items/{tasks[-1]}", "bob", {"disabled": True})
    objective = env.ok("GET", f"/processes/{pid}/items/{OBJECTIVE}", "ana")
    assert (objective["status"], objective["percent"]) == ("done", 100.0)
    assert objective["enabled_tasks"] == len(tasks) - 1
    process = env.ok("GET", f"/processes/{pid}", "ana")
    assert process["progress"]["enabled_tasks"] == 50
    assert process["progress"]["done_tasks"] == len(tasks) - 1
    phase = next(i for i in process["items"] if i["id"] == objective["parent"])
    assert phase["status"] == "in_progress"
    # The roll-up is in the RDF too.
    turtle = env.call("GET", f"/processes/{pid}", "ana", Accept="text/turtle")
    graph = Graph().parse(data=turtle.data, format="turtle")
    node = URIRef(f"{BASE}processes/{pid}/items/{OBJECTIVE}")
    assert graph.value(node, ILK.status) == URIRef(f"{BASE}vocabularies/item-statuses/done")


def test_the_status_of_an_objective_follows_its_tasks(env: Env) -> None:
    pid = new_process(env)
    response = env.call("PATCH", f"/processes/{pid}/items/{OBJECTIVE}", "ana", {"status": "done"})
    assert response.status_code == 422
    assert "follows from its tasks" in response.json["message"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"start": "2026-12-10", "end": "2026-12-01"}, "before start"),
        ({"start": "2026-13-01"}, "date such as"),
        ({"end": "1 December"}, "date such as"),
        ({"status": "finished"}, "status must be one of"),
        ({"disabled": "yes"}, "true or false"),
        ({"colour": "red"}, "unknown field"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_item_changes_are_refused_and_change_nothing(
    env: Env, body: object, needle: str
) -> None:
    pid = new_process(env)
    before = env.workspace.dump_quads()
    response = env.call("PATCH", f"/processes/{pid}/items/{TASK}", "ana", body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert needle in response.json["message"]
    assert env.workspace.dump_quads() == before


def test_dates_are_kept_and_cleared(env: Env) -> None:
    pid = new_process(env)
    env.ok(
        "PATCH",
        f"/processes/{pid}/items/{TASK}",
        "ana",
        {"start": "2026-12-01", "end": "2026-12-01"},
    )
    item = env.ok("PATCH", f"/processes/{pid}/items/{TASK}", "ana", {"end": None})
    assert (item["start"], item["end"]) == ("2026-12-01", None)
    # A later end before the kept start is refused.
    response = env.call("PATCH", f"/processes/{pid}/items/{TASK}", "ana", {"end": "2026-11-30"})
    assert response.status_code == 400


def test_a_team_adds_its_own_task_under_an_objective(env: Env) -> None:
    pid = new_process(env)
    body = {
        "title": "Interview park users",
        "description": "Talk to ten families who booked a park.",
        "problem_profiles": ["ORG_PROBLEM_4"],
    }
    response = env.call("POST", f"/processes/{pid}/items/{OBJECTIVE}/tasks", "bob", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    task = response.json
    assert response.headers["Location"] == f"{BASE}processes/{pid}/items/{task['id']}"
    assert task["custom"] is True
    assert task["parent"] == OBJECTIVE
    siblings = [
        i for i in env.ok("GET", f"/processes/{pid}", "ana")["items"] if i["parent"] == OBJECTIVE
    ]
    assert siblings[-1]["id"] == task["id"]
    assert task["order"] == len(siblings)
    guide = env.ok("GET", f"/processes/{pid}/guide", "ana")
    custom = next(
        t
        for p in guide["phases"]
        for o in p["objectives"]
        for t in o["tasks"]
        if t["id"] == task["id"]
    )
    assert custom["recommendations"], "a team's task is ranked by its problem profiles"
    # Not under a task, not with unknown profiles.
    assert env.call("POST", f"/processes/{pid}/items/{TASK}/tasks", "bob", body).status_code == 404
    unknown = {**body, "problem_profiles": ["NO_SUCH_PROBLEM"]}
    response = env.call("POST", f"/processes/{pid}/items/{OBJECTIVE}/tasks", "bob", unknown)
    assert response.status_code == 422
    assert "NO_SUCH_PROBLEM" in response.json["message"]


# -- the guide ------------------------------------------------------------------------------


def test_the_guide_shows_the_tree_recommendations_selections_and_next_tasks(env: Env) -> None:
    pid = new_process(env)
    env.ok(
        "POST",
        f"/processes/{pid}/tasks/{TASK}/selections",
        "ana",
        {"interlinker": "model_for_personas_in_english", "note": "our template"},
        201,
    )
    guide = env.ok("GET", f"/processes/{pid}/guide?lang=es", "bob")
    assert guide["language"] == "es"
    assert [p["id"] for p in guide["phases"]] == [
        i["id"] for i in env.ok("GET", f"/processes/{pid}", "ana")["items"] if i["level"] == "phase"
    ]
    tasks = {t["id"]: t for p in guide["phases"] for o in p["objectives"] for t in o["tasks"]}
    assert len(tasks) == 51
    persona = tasks[TASK]
    assert persona["title_language"] == "es"
    assert 1 <= len(persona["recommendations"]) <= 3
    assert all(r["explanation"]["reason"] for r in persona["recommendations"])
    assert [s["interlinker"]["id"] for s in persona["selected"]] == [
        "model_for_personas_in_english"
    ]
    assert persona["selected"][0]["note"] == "our template"
    first = guide["next_tasks"][0]
    assert first["status"] != "done"
    assert not first["prerequisites"] or all(
        tasks[p]["status"] == "done" for p in first["prerequisites"]
    )
    # A task whose prerequisite is not done is not suggested until it is.
    waiting = next(t for t in tasks.values() if t["prerequisites"])
    suggested = {t["id"] for t in guide["next_tasks"]}
    assert waiting["id"] not in suggested
    for prerequisite in waiting["prerequisites"]:
        env.ok("PATCH", f"/processes/{pid}/items/{prerequisite}", "ana", {"status": "done"})
    ready = env.ok("GET", f"/processes/{pid}/guide?limit=0", "ana")
    assert all(
        t["recommendations"] == []
        for p in ready["phases"]
        for o in p["objectives"]
        for t in o["tasks"]
    )
    assert env.call("GET", f"/processes/{pid}/guide?limit=99", "ana").status_code == 400


def test_next_tasks_follow_prerequisites(env: Env) -> None:
    pid = new_process(env)
    process = env.ok("GET", f"/processes/{pid}", "ana")
    items = {i["id"]: i for i in process["items"]}
    guide = env.ok("GET", f"/processes/{pid}/guide?limit=0", "ana")
    for task in guide["next_tasks"]:
        node: dict[str, Any] | None = items[task["id"]]
        while node is not None:
            assert all(
                items[p]["status"] == "done" or items[p]["disabled"] for p in node["prerequisites"]
            )
            node = items.get(node["parent"]) if node["parent"] else None


# -- selections -----------------------------------------------------------------------------


def test_selections_are_prov_activities_that_end_and_keep_their_history(env: Env) -> None:
    pid = new_process(env)
    path = f"/processes/{pid}/tasks/{TASK}/selections"
    made = env.call(
        "POST", path, "bob", {"interlinker": "stakeholder_types_guidelines", "note": "n"}
    )
    assert made.status_code == 201
    location = made.headers["Location"]
    assert location == f"{BASE}processes/{pid}/tasks/{TASK}/selections/{made.json['id']}"
    listed = env.ok("GET", path, "ana")
    assert [s["id"] for s in listed["items"]] == [made.json["id"]]
    shown = env.ok("GET", location.removeprefix(BASE.rstrip("/")), "ana")
    assert shown["user"] == "bob"
    assert shown["team"] == "parks"
    turtle = env.call("GET", f"/processes/{pid}", "ana", Accept="text/turtle")
    graph = Graph().parse(data=turtle.data, format="turtle")
    node = URIRef(location)
    assert (node, RDF.type, ILK.InterlinkerUse) in graph
    assert graph.value(node, ILK.usedInterlinker) == URIRef(
        f"{BASE}interlinkers/stakeholder_types_guidelines"
    )
    assert set(graph.objects(node, PROV.wasAssociatedWith)) == {
        URIRef(f"{BASE}teams/parks"),
        URIRef(f"{BASE}agents/users/bob"),
    }
    assert graph.value(node, PROV.startedAtTime) is not None
    ended = env.ok("DELETE", location.removeprefix(BASE.rstrip("/")), "ana")
    assert ended["ended"] is not None
    assert env.ok("GET", path, "ana")["items"] == []
    history = env.ok("GET", f"{path}?history=true", "ana")["items"]
    assert [s["id"] for s in history] == [made.json["id"]]
    assert env.call("DELETE", location.removeprefix(BASE.rstrip("/")), "ana").status_code == 410
    assert env.call("GET", f"{path}?history=maybe", "ana").status_code == 400


@pytest.mark.parametrize(
    ("interlinker", "status", "needle"),
    [
        ("no_such_interlinker", 422, "no INTERLINKER"),
        ("../etc", 400, "identifier"),
        (7, 400, "identifier"),
    ],
)
def test_selecting_what_is_not_in_the_catalogue_says_why(
    env: Env, interlinker: object, status: int, needle: str
) -> None:
    pid = new_process(env)
    before = env.workspace.dump_quads()
    response = env.call(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": interlinker}
    )
    assert response.status_code == status
    assert needle in response.json["message"]
    assert env.workspace.dump_quads() == before


def test_selecting_a_deprecated_interlinker_is_refused(env: Env) -> None:
    from interlink_kg.model.roles import Account

    state = env.app.extensions["interlink_kg"]
    state.workspace.deprecate(Account("cora", Role.CURATOR), "trello")
    pid = new_process(env)
    response = env.call(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}
    )
    assert response.status_code == 422
    assert "deprecated" in response.json["message"]
    assert response.json["details"]["status"] == "deprecated"


def test_selections_only_for_tasks_of_the_process(env: Env) -> None:
    pid = new_process(env)
    body = {"interlinker": "trello"}
    for task in (OBJECTIVE, "task-nothing", "task-open_submissions"):
        assert (
            env.call("POST", f"/processes/{pid}/tasks/{task}/selections", "ana", body).status_code
            == 404
        )


# -- ratings --------------------------------------------------------------------------------


def test_ratings_come_from_people_who_selected_and_replace_their_own(env: Env) -> None:
    pid = new_process(env)
    path = "/interlinkers/stakeholder_types_guidelines/ratings"
    assert env.call("POST", path, "ana", {"value": 4}).status_code == 403
    env.ok(
        "POST",
        f"/processes/{pid}/tasks/{TASK}/selections",
        "ana",
        {"interlinker": "stakeholder_types_guidelines"},
        201,
    )
    first = env.ok("POST", path, "ana", {"value": 4, "text": "Clear and short."}, 201)
    again = env.ok("POST", path, "ana", {"value": 2, "text": "Less useful later."}, 200)
    assert again["id"] == first["id"]
    assert again["created"] == first["created"]
    listed = env.ok("GET", path, None)
    assert listed["count"] == 1
    assert listed["average"] == 2.0
    assert listed["items"][0]["value"] == 2
    assert "ana" not in str(listed)
    turtle = env.call("GET", path, None, Accept="text/turtle")
    assert turtle.status_code == 200
    assert b"agents/users" not in turtle.data
    assert env.call("POST", path, "eve", {"value": 5}).status_code == 403
    assert env.call("GET", "/interlinkers/no_such_one/ratings", None).status_code == 404


@pytest.mark.parametrize("value", [6, -1, 2.5, True, "5", None])
def test_rating_values_are_whole_numbers_from_0_to_5(env: Env, value: object) -> None:
    pid = new_process(env)
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    response = env.call("POST", "/interlinkers/trello/ratings", "ana", {"value": value})
    assert response.status_code == 400
    assert "0 to 5" in response.json["message"]


def test_zero_is_a_rating(env: Env) -> None:
    pid = new_process(env)
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    env.ok("POST", "/interlinkers/trello/ratings", "ana", {"value": 0}, 201)
    assert env.ok("GET", "/interlinkers/trello/ratings", None)["average"] == 0.0


# -- public and private ---------------------------------------------------------------------


def test_private_processes_exist_only_for_their_teams(env: Env) -> None:
    pid = new_process(env)
    for user in (None, "eve", "olga"):
        assert env.call("GET", f"/processes/{pid}", user).status_code == 404
        assert env.call("GET", f"/processes/{pid}/guide", user).status_code == 404
        assert env.call("GET", f"/processes/{pid}/items/{TASK}", user).status_code == 404
        assert pid not in str(env.ok("GET", "/processes", user))
    for user in ("ana", "bob", "cora", "adam"):
        assert env.call("GET", f"/processes/{pid}", user).status_code == 200
    assert pid in str(env.ok("GET", "/processes", "bob"))
    dump = env.call("GET", "/dump", None)
    assert dump.status_code == 200
    assert f"processes/{pid}".encode() not in dump.get_data()
    for path in ("/catalogue", "/interlinkers?q=Park%20booking", "/interlinkers?q=parks"):
        response = env.call(
            "GET", path, None, Accept="text/turtle" if "catalogue" in path else "application/json"
        )
        assert response.status_code == 200, path
        assert f"processes/{pid}".encode() not in response.get_data(), path
        assert b"Park booking" not in response.get_data(), path


def sparql(env: Env, text: str) -> list[dict[str, Any]]:
    response = env.client.post(
        "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(response.json["results"]["bindings"])


def test_a_public_process_is_linked_data_without_users(env: Env) -> None:
    pid = new_process(env, "public")
    env.ok(
        "POST",
        f"/processes/{pid}/tasks/{TASK}/selections",
        "bob",
        {"interlinker": "trello", "note": "board"},
        201,
    )
    for path in (f"/processes/{pid}", f"/processes/{pid}/items/{TASK}"):
        response = env.call("GET", path, None, Accept="text/turtle")
        assert response.status_code == 200
        assert b"agents/users" not in response.data
    anonymous = env.ok("GET", f"/processes/{pid}", None)
    assert "creator" not in anonymous
    assert all("user" not in s for s in anonymous["selections"])
    rows = sparql(
        env,
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (STRSTARTS(STR(?g), '{BASE}graphs/processes/')) }}",
    )
    assert rows
    dump = env.call("GET", "/dump", None).get_data()
    assert f"{BASE}processes/{pid}/items/{TASK}".encode() in dump
    assert b"agents/users" not in dump
    assert not any("agents/users" in v["value"] for row in rows for v in row.values())
    # Turning it private takes it out again.
    env.ok("PATCH", f"/processes/{pid}", "ana", {"visibility": "private"})
    assert not sparql(env, f"SELECT ?p WHERE {{ <{BASE}processes/{pid}> ?p ?o }}")
    assert env.call("GET", f"/processes/{pid}", None).status_code == 404


def test_published_aggregates_name_no_one(env: Env) -> None:
    pid = new_process(env)  # private: counted, never shown
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    env.ok("POST", "/interlinkers/trello/ratings", "ana", {"value": 5}, 201)
    rows = sparql(
        env,
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        f"SELECT ?teams ?selections ?ratings ?average WHERE {{ <{BASE}interlinkers/trello> "
        "ilk:teamCount ?teams ; ilk:selectionCount ?selections ; ilk:ratingCount ?ratings ; "
        "ilk:averageRating ?average }",
    )
    assert [
        (r["teams"]["value"], r["selections"]["value"], r["ratings"]["value"]) for r in rows
    ] == [("1", "1", "1")]
    everything = sparql(env, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    text = str(everything)
    assert "agents/users" not in text
    assert f"processes/{pid}" not in text
    assert "teams/parks" not in text


# -- the ranking ----------------------------------------------------------------------------


def recommendation(env: Env, interlinker: str, task: str = TASK) -> dict[str, Any]:
    found = env.ok("GET", f"/schemas/default/tasks/{task}/recommendations?limit=100", None)
    return next(i for i in found["items"] if i["id"] == interlinker)


def test_teams_selections_enter_the_score_counted_by_team(env: Env) -> None:
    chosen = "stakeholder_types_guidelines"
    before = recommendation(env, chosen)
    assert before["explanation"]["components"]["usage"] == 0
    pid = new_process(env)
    path = f"/processes/{pid}/tasks/{TASK}/selections"
    env.ok("POST", path, "ana", {"interlinker": chosen}, 201)
    again = env.call("POST", path, "bob", {"interlinker": chosen})  # a second click: refused
    assert again.status_code == 409
    assert "already selected" in again.json["message"]
    second = new_process(env)  # the same team in another process: still one team
    env.ok(
        "POST", f"/processes/{second}/tasks/{TASK}/selections", "bob", {"interlinker": chosen}, 201
    )
    once = recommendation(env, chosen)
    assert once["explanation"]["uses"] == 1
    assert "Selected by 1 team(s) for this task." in once["explanation"]["reason"]
    other = new_process(env, user="olga", team="libraries")
    env.ok(
        "POST", f"/processes/{other}/tasks/{TASK}/selections", "olga", {"interlinker": chosen}, 201
    )
    twice = recommendation(env, chosen)
    assert twice["explanation"]["uses"] == 2
    assert (
        twice["explanation"]["components"]["usage"] > once["explanation"]["components"]["usage"] > 0
    )
    assert twice["score"] > once["score"] > before["score"]
    # Bounded: even many teams cannot lift the score by more than the weights allow.
    from interlink_kg.finding import ranking

    bound = 1 + ranking.USAGE_WEIGHT + ranking.RELATED_WEIGHT + ranking.RATING_WEIGHT
    assert twice["score"] <= before["score"] * bound + 1e-9


def test_what_teams_do_leaves_the_catalogues_indexes_alone(env: Env) -> None:
    """A selection changes rankings and the public data (their stamp moves), not the texts or
    identifiers of the INTERLINKERs: the search index, the candidate index and the page keys
    are not rebuilt."""
    from interlink_kg.finding.candidates import candidate_index
    from interlink_kg.finding.keys import keys as catalogue_keys
    from interlink_kg.store.generation import generation, latest_generation
    from interlink_kg.web.state import state_of

    search = state_of(env.app).search
    assert env.ok("GET", "/interlinkers?q=personas", None)["items"]
    index = search.current()
    candidates = candidate_index(env.catalogue)
    keys = catalogue_keys(env.catalogue)
    content, latest = generation(env.catalogue), latest_generation(env.catalogue)
    pid = new_process(env, visibility="public")
    chosen = "stakeholder_types_guidelines"
    env.ok("POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": chosen}, 201)
    assert generation(env.catalogue) == content
    assert latest_generation(env.catalogue) != latest
    assert env.ok("GET", "/interlinkers?q=personas", None)["items"]
    assert search.current() is index
    assert candidate_index(env.catalogue) is candidates
    assert catalogue_keys(env.catalogue) is keys
    assert recommendation(env, chosen)["explanation"]["uses"] == 1  # the ranking did change


def test_selections_for_related_tasks_and_ratings_are_their_own_components(env: Env) -> None:
    chosen = "stakeholder_types_guidelines"
    pid = new_process(env)
    env.ok("POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": chosen}, 201)
    context = env.ok("GET", f"/schemas/default/tasks/{TASK}/recommendations", None)
    profiles = {p["iri"] for p in context["problem_profiles"]}
    assert profiles
    sibling_tasks = [
        i["id"]
        for i in env.ok("GET", f"/processes/{pid}", "ana")["items"]
        if i["parent"] == OBJECTIVE and i["id"] != TASK
    ]
    related = recommendation(env, chosen, sibling_tasks[0])
    assert related["explanation"]["related_uses"] >= 1
    assert related["explanation"]["components"]["related"] > 0
    assert related["explanation"]["components"]["usage"] == 0
    env.ok("POST", f"/interlinkers/{chosen}/ratings", "ana", {"value": 5}, 201)
    rated = recommendation(env, chosen)
    assert rated["explanation"]["ratings"] == 1
    assert rated["explanation"]["components"]["rating"] > 0
    assert "Rated 5.0/5 by 1 user(s)." in rated["explanation"]["reason"]
    env.ok("POST", f"/interlinkers/{chosen}/ratings", "ana", {"value": 0}, 200)
    assert recommendation(env, chosen)["explanation"]["components"]["rating"] < 0


def test_a_few_uses_do_not_bury_a_better_match(env: Env) -> None:
    """The best-matching INTERLINKER stays first when a clearly weaker one (scoring less than
    2/3 of it) is selected by two teams: usage moves a score by at most its bounded weight."""
    path = f"/schemas/default/tasks/{TASK}/recommendations?limit=100"
    ranked = env.ok("GET", path, None)["items"]
    best = ranked[0]
    weakest = next(i for i in ranked if i["score"] * 1.5 < best["score"])
    for user, team in (("ana", "parks"), ("olga", "libraries")):
        pid = new_process(env, user=user, team=team)
        env.ok(
            "POST",
            f"/processes/{pid}/tasks/{TASK}/selections",
            user,
            {"interlinker": weakest["id"]},
            201,
        )
    after = env.ok("GET", path, None)["items"]
    assert after[0]["id"] == best["id"]
    lifted = next(i for i in after if i["id"] == weakest["id"])
    assert lifted["explanation"]["uses"] == 2
    assert lifted["score"] > weakest["score"]


# -- the public service ---------------------------------------------------------------------

SERVICE = {
    "title": {"en": "Book a park for a neighbourhood event", "es": "Reservar un parque"},
    "description": "Residents book a public park online for a neighbourhood event.",
    "competent_authority": {"name": "City of Zaragoza", "spatial": "ESP"},
    "languages": ["en", "es"],
    "keywords": ["parks", "events"],
    "processing_time": "P5D",
}


def test_the_public_service_conforms_to_the_official_cpsv_ap_shapes(env: Env) -> None:
    import pyshacl

    from interlink_kg.coproduction.services import cpsv_ap_shapes

    pid = new_process(env, "public")
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    assert env.call("GET", f"/processes/{pid}/service", None).status_code == 404
    saved = env.ok("PUT", f"/processes/{pid}/service", "ana", SERVICE)
    assert saved["built_with"] == [f"{BASE}interlinkers/trello"]
    response = env.call("GET", f"/processes/{pid}/service", None, Accept="text/turtle")
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    conforms, _, text = pyshacl.validate(
        graph, shacl_graph=cpsv_ap_shapes().graph, inference="none"
    )
    assert conforms, text
    service = URIRef(f"{BASE}processes/{pid}/service")
    assert graph.value(service, PROV.wasGeneratedBy) == URIRef(f"{BASE}processes/{pid}")
    assert (service, ILK.builtWith, URIRef(f"{BASE}interlinkers/trello")) in graph
    # And it is published with the process.
    rows = sparql(env, f"SELECT ?t WHERE {{ <{service}> <http://purl.org/dc/terms/title> ?t }}")
    assert len(rows) == 2


def test_the_shipped_cpsv_ap_shapes_are_the_official_ones() -> None:
    from interlink_kg import resources

    official = (
        Path(__file__).parents[2]
        / "shared"
        / "reference"
        / "semic"
        / "cpsv-ap-3.2.0"
        / "shacl"
        / "cpsv-ap-SHACL.ttl"
    )
    if not official.exists():
        pytest.skip(f"the SEMIC reference files are not here ({official})")
    shipped = resources.shapes_dir() / "official" / "cpsv-ap-3.2.0" / "cpsv-ap-SHACL.ttl"
    assert shipped.read_bytes() == official.read_bytes()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"competent_authority": None}, "competent_authority"),
        ({"competent_authority": {"name": "City"}}, "spatial"),
        ({"title": ""}, "title"),
        ({"title": {"fr": "Parc"}}, "title language"),
        ({"processing_time": "five days"}, "ISO 8601"),
        ({"languages": ["xx"]}, "languages"),
        ({"spatial": ["javascript:alert(1)"]}, "spatial"),
    ],
)
def test_bad_services_are_refused(env: Env, change: dict[str, object], needle: str) -> None:
    pid = new_process(env)
    body = {**SERVICE, **change}
    response = env.call("PUT", f"/processes/{pid}/service", "ana", body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert needle in response.json["message"]


def test_a_write_the_shapes_refuse_stores_nothing_and_reports(env: Env) -> None:
    from dataclasses import replace

    state = env.app.extensions["interlink_kg"]
    pid = new_process(env)
    process = state.processes.load(pid)
    broken = process.with_item(replace(process.item(TASK), order=0))
    before = env.workspace.dump_quads()
    from interlink_kg.errors import UnprocessableError

    with pytest.raises(UnprocessableError) as refused:
        state.processes._write(broken, changed=None)
    report = refused.value.details["report"]
    assert any(r["path"].endswith("#order") for r in report["results"])
    assert env.workspace.dump_quads() == before


# -- storage --------------------------------------------------------------------------------


def test_processes_survive_a_restart_and_a_missed_publication_is_caught_up(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    catalogue_url, workspace_url = f"oxigraph:{folder / 'c'}", f"oxigraph:{folder / 'w'}"
    catalogue, workspace = open_store(catalogue_url), open_store(workspace_url)
    load_bundled(catalogue, BASE, validate=False)
    first = make_env(tmp_path, catalogue, workspace)
    first.ok("POST", "/teams", "ana", {"id": "parks", "name": "Parks", "type": "citizens"}, 201)
    pid = new_process(first, "public")
    state = first.app.extensions["interlink_kg"]
    # The publication step "crashes": the workspace has the change, the catalogue does not.
    state.publication.publish = lambda process=None: None
    first.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    close_app(first.app)
    catalogue.close()
    workspace.close()
    catalogue, workspace = open_store(catalogue_url), open_store(workspace_url)
    second = make_env(tmp_path, catalogue, workspace)
    try:
        assert len(second.ok("GET", f"/processes/{pid}", None)["selections"]) == 1
        rows = sparql(
            second,
            "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
            f"SELECT ?n WHERE {{ <{BASE}interlinkers/trello> ilk:teamCount ?n }}",
        )
        assert [r["n"]["value"] for r in rows] == ["1"]
        rows = sparql(
            second,
            "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
            f"SELECT ?u WHERE {{ ?u ilk:inProcess <{BASE}processes/{pid}> ; "
            "a ilk:InterlinkerUse }",
        )
        assert len(rows) == 1
    finally:
        close_app(second.app)
        catalogue.close()
        workspace.close()


def test_a_process_exports_as_one_trig_document(env: Env) -> None:
    import pyoxigraph as ox

    pid = new_process(env)
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    response = env.call("GET", f"/processes/{pid}", "ana", Accept="application/trig")
    assert response.status_code == 200
    assert response.content_type.startswith("application/trig")
    quads = list(ox.parse(response.data, format=ox.RdfFormat.TRIG))
    assert {str(q.graph_name.value) for q in quads} == {f"{BASE}graphs/processes/{pid}"}
    assert len(quads) > 500
    use = ox.NamedNode(str(ILK.InterlinkerUse))
    assert any(q.object == use for q in quads)
    assert env.call("GET", f"/processes/{pid}", None, Accept="application/trig").status_code == 404


def test_the_teams_of_a_public_process_are_linked_data_without_members(env: Env) -> None:
    assert env.call("GET", "/teams/parks", None).status_code == 404
    pid = new_process(env, "public")
    public = env.ok("GET", "/teams/parks", None)
    assert (public["name"], public["type"], public["members"]) == ("Parks", "citizens", [])
    assert env.ok("GET", "/teams/parks", "eve")["members"] == []
    assert [m["user"] for m in env.ok("GET", "/teams/parks", "bob")["members"]] == ["ana", "bob"]
    turtle = env.call("GET", "/teams/parks", None, Accept="text/turtle")
    assert turtle.status_code == 200
    assert b"agents/users" not in turtle.data
    assert b"Membership" not in turtle.data
    env.ok("PATCH", f"/processes/{pid}", "ana", {"visibility": "private"})
    assert env.call("GET", "/teams/parks", None).status_code == 404


UNSTORABLE = ["lone \ud800 surrogate", "bell \u0007", "nul \u0000", "not a character \uffff"]
BLANK = ["\u200b\u200b", " \t ", "\u0000"]


@pytest.mark.parametrize("text", UNSTORABLE)
def test_texts_that_rdf_cannot_carry_are_refused_everywhere(env: Env, text: str) -> None:
    pid = new_process(env)
    env.ok(
        "POST", f"/processes/{pid}/tasks/{TASK}/selections", "ana", {"interlinker": "trello"}, 201
    )
    writes = [
        ("POST", "/processes", {"title": text, "schema": "default", "teams": ["parks"]}),
        ("PATCH", f"/processes/{pid}", {"title": text}),
        ("POST", f"/processes/{pid}/items/{OBJECTIVE}/tasks", {"title": text}),
        (
            "POST",
            f"/processes/{pid}/items/{OBJECTIVE}/tasks",
            {"title": "Fine", "description": text},
        ),
        (
            "POST",
            f"/processes/{pid}/tasks/{TASK}/selections",
            {"interlinker": "doodle", "note": text},
        ),
        ("PUT", f"/processes/{pid}/service", {**SERVICE, "title": text}),
        ("PUT", f"/processes/{pid}/service", {**SERVICE, "keywords": [text]}),
        ("POST", "/interlinkers/trello/ratings", {"value": 3, "text": text}),
        ("POST", "/teams", {"name": text, "type": "citizens"}),
        ("POST", "/teams", {"name": "Fine", "type": "citizens", "description": text}),
    ]
    for method, path, body in writes:
        before = (env.workspace.dump_quads(), env.catalogue.dump_quads())
        response = env.call(method, path, "ana", body)
        assert response.status_code == 400, (method, path, response.get_data(as_text=True)[:300])
        assert (env.workspace.dump_quads(), env.catalogue.dump_quads()) == before
    for accept in ("application/rdf+xml", "text/turtle", "application/ld+json", "application/trig"):
        assert env.call("GET", f"/processes/{pid}", "ana", Accept=accept).status_code == 200


@pytest.mark.parametrize("text", BLANK)
def test_titles_and_names_need_something_to_read(env: Env, text: str) -> None:
    pid = new_process(env)
    writes = [
        ("POST", "/processes", {"title": text, "schema": "default", "teams": ["parks"]}),
        ("PATCH", f"/processes/{pid}", {"title": text}),
        ("POST", f"/processes/{pid}/items/{OBJECTIVE}/tasks", {"title": text}),
        ("POST", "/teams", {"name": text, "type": "citizens"}),
    ]
    for method, path, body in writes:
        response = env.call(method, path, "ana", body)
        assert response.status_code == 400, (method, path)


@pytest.mark.parametrize(
    "place",
    [
        f"{BASE}interlinkers/accessibility_tools",
        f"{BASE}agents/users/ana",
        f"{BASE}processes/secret",
        BASE.rstrip("/"),
        "http://x.org/%zz",
        "http://[::1",
        "http://x.org/a b",
        "http://x.org/\u0001",
        "javascript:alert(1)",
        "XXX",
        "esp",
        "http://x.org/" + "x" * 3000,
    ],
)
def test_service_places_are_outside_the_catalogue_and_well_formed(env: Env, place: str) -> None:
    pid = new_process(env, "public")
    bodies = [
        {**SERVICE, "spatial": [place]},
        {**SERVICE, "competent_authority": {"name": "City", "spatial": place}},
        {**SERVICE, "competent_authority": {"name": "City", "spatial": "ESP", "iri": place}},
    ]
    for body in bodies:
        before = (env.workspace.dump_quads(), env.catalogue.dump_quads())
        response = env.call("PUT", f"/processes/{pid}/service", "ana", body)
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert (env.workspace.dump_quads(), env.catalogue.dump_quads()) == before


def test_dates_are_calendar_dates_only(env: Env) -> None:
    pid = new_process(env)
    for value in ("2026-W01-1", "20261201  ", "2026-12-1", "\uff12\uff10\uff12\uff16-12-01"):
        response = env.call("PATCH", f"/processes/{pid}/items/{TASK}", "ana", {"start": value})
        assert response.status_code == 400, value


def test_a_process_may_choose_its_id(env: Env) -> None:
    body = {"id": "parks-booking", "title": "Park booking", "schema": "default", "teams": ["parks"]}
    made = env.call("POST", "/processes", "ana", body)
    assert made.status_code == 201
    assert made.headers["Location"] == f"{BASE}processes/parks-booking"
    assert env.call("POST", "/processes", "ana", body).status_code == 409
    generated = new_process(env)
    assert re.fullmatch(r"park-booking-[0-9a-f]{6}", generated)
