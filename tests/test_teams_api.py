"""Co-production teams over HTTP: create, read (JSON and RDF), manage members; who may do what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, RDF
from support import BASE, json_values

from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Account, Role
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.validation.engine import validator
from interlink_kg.web.app import close_app, create_app

ILK = Namespace("https://w3id.org/interlink-kg/ontology#")
USERS = {
    "ana": Role.CONTRIBUTOR,  # creates the team: its admin
    "bob": Role.CONTRIBUTOR,  # made a plain member
    "eve": Role.CONTRIBUTOR,  # an outsider
    "cora": Role.CURATOR,
    "adam": Role.ADMIN,
    "dan": Role.CONTRIBUTOR,  # added and removed by the tests
}


@dataclass
class Env:
    app: Flask
    client: FlaskClient
    workspace: Store
    tokens: dict[str, str]

    def headers(self, user: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}

    def call(self, method: str, path: str, user: str | None, json: object = None) -> object:
        return self.client.open(path, method=method, json=json, headers=self.headers(user))


@pytest.fixture(scope="module")
def catalogue() -> Store:
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    return store


def _env(catalogue: Store, tmp_path: Path, workspace: Store | None = None) -> Env:
    from interlink_kg.curation.accounts import create_token

    tokens_file = tmp_path / "tokens.json"
    tokens = {user: create_token(tokens_file, user, role) for user, role in USERS.items()}
    workspace = workspace or open_store("memory:")
    settings = Settings(base_iri=BASE, store_url="memory:", tokens_file=tokens_file)
    app = create_app(settings, store=catalogue, workspace_store=workspace)
    return Env(app, app.test_client(), workspace, tokens)


@pytest.fixture
def env(catalogue: Store, tmp_path: Path) -> Iterator[Env]:
    made = _env(catalogue, tmp_path)
    yield made
    close_app(made.app)


def _team(env: Env, name: str = "Parks of Zaragoza") -> str:
    response = env.call(
        "POST", "/teams", "ana", {"name": name, "type": "citizens", "description": "Neighbours."}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    team_id = response.get_json()["id"]
    added = env.call("POST", f"/teams/{team_id}/members", "ana", {"user": "bob", "role": "member"})
    assert added.status_code == 201
    return str(team_id)


def test_a_team_is_created_with_its_creator_as_admin(env: Env) -> None:
    response = env.call("POST", "/teams", "ana", {"name": "Parks of Zaragoza", "type": "citizens"})
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(r"parks-of-zaragoza-[0-9a-f]{6}", body["id"])
    assert response.headers["Location"] == f"{BASE}teams/{body['id']}"
    assert body["members"] == [{"user": "ana", "role": "admin"}]
    assert body["type"] == "citizens"
    # The same name again gets another random suffix: an id never tells that a team exists.
    again = env.call("POST", "/teams", "eve", {"name": "Parks of Zaragoza", "type": "nonprofit"})
    assert again.get_json()["id"] != body["id"]
    assert [t["id"] for t in env.call("GET", "/teams", "ana").get_json()["items"]] == [body["id"]]


def test_a_team_may_choose_its_id(env: Env) -> None:
    chosen = {"id": "parks-of-zaragoza", "name": "Parks of Zaragoza", "type": "citizens"}
    made = env.call("POST", "/teams", "ana", chosen)
    assert made.status_code == 201
    assert made.headers["Location"] == f"{BASE}teams/parks-of-zaragoza"
    taken = env.call("POST", "/teams", "eve", chosen)
    assert taken.status_code == 409
    assert "taken" in taken.get_json()["message"]
    for bad in ("../x", "a b", "x" * 101, 7):
        response = env.call("POST", "/teams", "eve", {**chosen, "id": bad})
        assert response.status_code == 400, bad


def test_a_team_as_rdf_conforms_to_the_shapes(env: Env) -> None:
    team_id = _team(env)
    response = env.client.get(
        f"/teams/{team_id}", headers={**env.headers("ana"), "Accept": "text/turtle"}
    )
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    team = URIRef(f"{BASE}teams/{team_id}")
    assert (team, RDF.type, ILK.Team) in graph
    assert graph.value(team, FOAF.name) is not None
    members = {str(graph.value(m, ORG.member)) for m in graph.subjects(ORG.organization, team)}
    assert members == {f"{BASE}agents/users/ana", f"{BASE}agents/users/bob"}
    assert validator(BASE).validate(graph).conforms


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"type": "citizens"},
        {"name": "", "type": "citizens"},
        {"name": "x" * 201, "type": "citizens"},
        {"name": "A team", "type": "pirates"},
        {"name": "A team", "type": "citizens", "description": 42},
    ],
)
def test_a_malformed_team_is_refused(env: Env, body: object) -> None:
    response = env.call("POST", "/teams", "ana", body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert env.workspace.data_graphs() == []


# Who may do what: expected status per route and caller (None: no token).
CALLERS = [None, "eve", "bob", "ana", "cora", "adam"]
MATRIX = {
    ("GET", "/teams/{id}", None): 404,  # a team in no public process does not exist for them
    ("GET", "/teams/{id}", "eve"): 404,
    ("GET", "/teams/{id}", "bob"): 200,
    ("GET", "/teams/{id}", "ana"): 200,
    ("GET", "/teams/{id}", "cora"): 200,
    ("GET", "/teams/{id}", "adam"): 200,
    ("POST", "/teams/{id}/members", None): 401,
    ("POST", "/teams/{id}/members", "eve"): 404,
    ("POST", "/teams/{id}/members", "bob"): 403,
    ("POST", "/teams/{id}/members", "ana"): 201,
    ("POST", "/teams/{id}/members", "cora"): 403,
    ("POST", "/teams/{id}/members", "adam"): 201,
    ("DELETE", "/teams/{id}/members/bob", None): 401,
    ("DELETE", "/teams/{id}/members/bob", "eve"): 404,
    ("DELETE", "/teams/{id}/members/bob", "bob"): 403,
    ("DELETE", "/teams/{id}/members/bob", "ana"): 200,
    ("DELETE", "/teams/{id}/members/bob", "cora"): 403,
    ("DELETE", "/teams/{id}/members/bob", "adam"): 200,
    ("POST", "/teams", None): 401,
    ("POST", "/teams", "eve"): 201,
}


@pytest.mark.parametrize(("method", "path", "caller"), sorted(MATRIX, key=str))
def test_permission_matrix(env: Env, method: str, path: str, caller: str | None) -> None:
    team_id = _team(env)
    before = env.workspace.dump_quads()
    body = {"user": "dan", "role": "member"} if path.endswith("members") else None
    if path == "/teams":
        body = {"name": "Another team", "type": "forprofit"}
    response = env.call(method, path.format(id=team_id), caller, body)
    expected = MATRIX[(method, path, caller)]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert env.workspace.dump_quads() == before  # a refused write changes nothing


def test_a_team_keeps_an_admin(env: Env) -> None:
    team_id = _team(env)
    removed = env.call("DELETE", f"/teams/{team_id}/members/ana", "ana")
    assert removed.status_code == 409
    demoted = env.call(
        "POST", f"/teams/{team_id}/members", "ana", {"user": "ana", "role": "member"}
    )
    assert demoted.status_code == 409
    promoted = env.call(
        "POST", f"/teams/{team_id}/members", "ana", {"user": "bob", "role": "admin"}
    )
    assert promoted.status_code == 200
    assert env.call("DELETE", f"/teams/{team_id}/members/ana", "ana").status_code == 200
    assert env.call("GET", f"/teams/{team_id}", "ana").status_code == 404  # no longer a member
    assert env.call("GET", f"/teams/{team_id}", "bob").get_json()["members"] == [
        {"user": "bob", "role": "admin"}
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"user": "nobody", "role": "member"}, 404),  # no such account
        ({"user": "a b", "role": "member"}, 400),
        ({"user": "dan", "role": "boss"}, 400),
        ({"role": "member"}, 400),
        ("dan", 400),
    ],
)
def test_bad_member_requests(env: Env, body: object, status: int) -> None:
    team_id = _team(env)
    response = env.call("POST", f"/teams/{team_id}/members", "ana", body)
    assert response.status_code == status, response.get_data(as_text=True)


def test_removing_someone_who_is_not_a_member_is_404(env: Env) -> None:
    team_id = _team(env)
    assert env.call("DELETE", f"/teams/{team_id}/members/dan", "ana").status_code == 404


def test_teams_survive_a_restart(catalogue: Store, tmp_path: Path) -> None:
    workspace = open_store(f"oxigraph:{tmp_path / 'workspace'}")
    first = _env(catalogue, tmp_path, workspace)
    team_id = _team(first)
    close_app(first.app)
    workspace.close()
    reopened = open_store(f"oxigraph:{tmp_path / 'workspace'}")
    (tmp_path / "again").mkdir()
    again = _env(catalogue, tmp_path / "again", reopened)  # a new server over the same store
    try:
        body = again.call("GET", f"/teams/{team_id}", "cora").get_json()
        assert [m["user"] for m in body["members"]] == ["ana", "bob"]
    finally:
        close_app(again.app)
        reopened.close()


def test_teams_are_not_published(env: Env, catalogue: Store) -> None:
    team_id = _team(env)
    assert not any("teams/" in name for name in catalogue.data_graphs())
    dump = env.client.get("/dump").get_data(as_text=True)
    assert f"teams/{team_id}" not in dump
    assert "agents/users/ana" not in dump


def test_a_write_the_shapes_refuse_stores_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every team write is checked against the co-production shapes first: a team they refuse
    (here one made to break them) gets the report, and no graph is written."""
    from interlink_kg.model import teams as team_model
    from interlink_kg.web.state import state_of

    team_id = _team(env)
    before = env.workspace.dump_quads()
    broken = team_model.team_graph

    def without_name(team: team_model.Team, base_iri: str) -> Graph:
        graph = broken(team, base_iri)
        graph.remove((None, FOAF.name, None))
        return graph

    monkeypatch.setattr("interlink_kg.coproduction.teams.team_graph", without_name)
    response = env.call("POST", f"/teams/{team_id}/members", "ana", {"user": "dan"})
    assert response.status_code == 422
    assert response.get_json()["details"]["report"]["conforms"] is False
    assert env.workspace.dump_quads() == before
    team = state_of(env.app).teams.get(Account("ana", Role.CONTRIBUTOR), team_id)
    assert [m.user for m in team.members] == ["ana", "bob"]


JSON_VALUES = json_values(max_leaves=10)


@st.composite
def team_bodies(draw: st.DrawFn) -> object:
    if draw(st.booleans()):
        return draw(JSON_VALUES)
    body: dict[str, object] = {}
    for key, values in {
        "name": st.text(max_size=300) | JSON_VALUES,
        "type": st.sampled_from(["citizens", "forprofit", "x", ""]) | JSON_VALUES,
        "description": st.text(max_size=50) | JSON_VALUES,
        "user": st.sampled_from(["dan", "bob", "a b", "", "x" * 300]) | JSON_VALUES,
        "role": st.sampled_from(["admin", "member", "owner"]) | JSON_VALUES,
    }.items():
        if draw(st.booleans()):
            body[key] = draw(values)
    return body


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(team_bodies())
def test_any_team_body_is_answered_without_a_server_error(
    catalogue: Store, tmp_path_factory: pytest.TempPathFactory, body: object
) -> None:
    global _FUZZ_ENV
    if _FUZZ_ENV is None:
        _FUZZ_ENV = _env(catalogue, tmp_path_factory.mktemp("teams-fuzz"))
        _FUZZ_ENV.call(
            "POST", "/teams", "ana", {"id": "fuzzed", "name": "Fuzzed", "type": "citizens"}
        )
    for method, path in (("POST", "/teams"), ("POST", "/teams/fuzzed/members")):
        response = _FUZZ_ENV.call(method, path, "ana", body)
        assert response.status_code < 500, response.get_data(as_text=True)


_FUZZ_ENV: Env | None = None


@pytest.fixture(scope="module", autouse=True)
def _close_fuzz_env() -> Iterator[None]:
    yield
    if _FUZZ_ENV is not None:
        close_app(_FUZZ_ENV.app)
