"""The curators' workflow over HTTP: roles, every transition, records, and all-or-nothing writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from support import BASE

from interlink_kg.curation.accounts import create_token
from interlink_kg.curation.loading import load_bundled
from interlink_kg.model.roles import Role
from interlink_kg.settings import Settings
from interlink_kg.store import Store, open_store
from interlink_kg.web.app import close_app, create_app

DATA = Path(__file__).parent / "data" / "shapes"
PLANNER = (DATA / "valid" / "external-software-interlinker.ttl").read_bytes()
TTL = {"Content-Type": "text/turtle"}
ERROR_KEYS = {"code", "message", "status", "details"}


@dataclass
class Env:
    client: FlaskClient
    catalogue: Store
    workspace: Store
    tokens: dict[str, str]

    def auth(self, user: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **headers}

    def submit(self, user: str = "ana", body: bytes = PLANNER) -> object:
        return self.client.post("/interlinkers", data=body, headers=self.auth(user, **TTL))

    def count(self, store: Store) -> int:
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(str(rows[0]["n"]))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    catalogue = open_store("memory:")
    load_bundled(catalogue, BASE, validate=False)
    workspace = open_store("memory:")
    tokens_file = tmp_path / "tokens.json"
    roles = {
        "ana": Role.CONTRIBUTOR,
        "bob": Role.CONTRIBUTOR,
        "cora": Role.CURATOR,
        "adam": Role.ADMIN,
    }
    tokens = {user: create_token(tokens_file, user, role) for user, role in roles.items()}
    settings = Settings(
        base_iri=BASE, store_url="memory:", tokens_file=tokens_file, max_body_bytes=100_000
    )
    app = create_app(settings, store=catalogue, workspace_store=workspace)
    yield Env(app.test_client(), catalogue, workspace, tokens)
    close_app(app)


def public_ids(env: Env) -> list[str]:
    body = env.client.get("/interlinkers?per_page=1000").get_json()
    return [item["id"] for item in body["items"]]


def test_writes_need_a_token(env: Env) -> None:
    for method, url in [
        ("post", "/interlinkers"),
        ("put", "/interlinkers/example_planner"),
        ("get", "/submissions"),
        ("post", "/submissions/example_planner/approve"),
    ]:
        response = getattr(env.client, method)(url, data=PLANNER, headers=TTL)
        assert response.status_code == 401, url
        assert set(response.get_json()) == ERROR_KEYS
        wrong = getattr(env.client, method)(
            url, data=PLANNER, headers={"Authorization": "Bearer nope", **TTL}
        )
        assert wrong.status_code == 401


def test_contributor_cannot_approve_reject_or_deprecate(env: Env) -> None:
    assert env.submit().status_code == 201
    for action in ("approve", "deprecate"):
        response = env.client.post(
            f"/submissions/example_planner/{action}", headers=env.auth("ana")
        )
        assert response.status_code == 403
        assert response.get_json()["details"]["needed"] == "curator"
    rejected = env.client.post(
        "/submissions/example_planner/reject", json={"reason": "x"}, headers=env.auth("bob")
    )
    assert rejected.status_code == 403


def test_submit_is_private_until_approved(env: Env) -> None:
    before = env.count(env.catalogue)
    response = env.submit()
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/submissions/example_planner")
    body = response.get_json()
    assert body["status"] == "proposed"
    assert body["owner"] == "ana"
    assert body["validation"]["conforms"] is True
    assert env.count(env.catalogue) == before
    assert "example_planner" not in public_ids(env)
    assert env.client.get("/interlinkers/example_planner").status_code == 404

    approved = env.client.post("/submissions/example_planner/approve", headers=env.auth("cora"))
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "published"
    assert "example_planner" in public_ids(env)
    served = env.client.get("/interlinkers/example_planner", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=served.data, format="turtle")
    sent = Graph().parse(data=PLANNER, format="turtle", publicID=BASE)
    assert graph.isomorphic(sent)


def test_record_keeps_who_did_what_when(env: Env) -> None:
    env.submit()
    env.client.post(
        "/submissions/example_planner/reject",
        json={"reason": "Say which languages it supports."},
        headers=env.auth("cora"),
    )
    env.client.put("/interlinkers/example_planner", data=PLANNER, headers=env.auth("ana", **TTL))
    env.client.post("/submissions/example_planner/approve", headers=env.auth("cora"))
    record = env.client.get("/submissions/example_planner", headers=env.auth("ana")).get_json()
    assert [(h["action"], h["user"]) for h in record["history"]] == [
        ("submit", "ana"),
        ("reject", "cora"),
        ("update", "ana"),
        ("approve", "cora"),
    ]
    assert record["history"][1]["reason"] == "Say which languages it supports."
    public = env.client.get(
        "/interlinkers/example_planner/record", headers={"Accept": "text/turtle"}
    )
    assert public.status_code == 200
    graph = Graph().parse(data=public.data, format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    (node,) = graph.subjects(
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(dcat + "CatalogRecord")
    )
    assert graph.value(node, URIRef("http://purl.org/dc/terms/modified")) is not None
    assert str(graph.value(node, URIRef("http://www.w3.org/ns/adms#status"))).endswith("/published")
    assert len(list(graph.objects(node, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")))) == 4
    # The record's own IRI, its events and the people in it all dereference.
    local = {str(t) for triple in graph for t in triple if str(t).startswith(BASE)}
    assert str(node) == BASE + "records/example_planner"
    for iri in sorted(local):
        answer = env.client.get(iri[len(BASE) - 1 :], headers={"Accept": "text/turtle"})
        assert answer.status_code == 200, iri
    same = env.client.get("/records/example_planner.ttl")
    assert isomorphic(Graph().parse(data=same.data, format="turtle"), graph)


def test_reject_needs_a_reason_and_keeps_it_private(env: Env) -> None:
    env.submit()
    missing = env.client.post(
        "/submissions/example_planner/reject", json={}, headers=env.auth("cora")
    )
    assert missing.status_code == 400
    blank = env.client.post(
        "/submissions/example_planner/reject", json={"reason": "  "}, headers=env.auth("cora")
    )
    assert blank.status_code == 400
    done = env.client.post(
        "/submissions/example_planner/reject",
        json={"reason": "Too thin."},
        headers=env.auth("cora"),
    )
    assert done.get_json()["status"] == "rejected"
    assert "example_planner" not in public_ids(env)
    again = env.client.post("/submissions/example_planner/approve", headers=env.auth("cora"))
    assert again.status_code == 409


def test_deprecate_withdraws_from_the_public_catalogue(env: Env) -> None:
    env.submit()
    env.client.post("/submissions/example_planner/approve", headers=env.auth("cora"))
    gone = env.client.post("/submissions/example_planner/deprecate", headers=env.auth("adam"))
    assert gone.status_code == 200
    assert gone.get_json()["status"] == "deprecated"
    assert "example_planner" not in public_ids(env)
    response = env.client.get("/interlinkers/example_planner")
    assert response.status_code == 410
    assert env.client.get("/interlinkers/example_planner/record").status_code == 200
    twice = env.client.post("/submissions/example_planner/deprecate", headers=env.auth("cora"))
    assert twice.status_code == 409


def test_a_bundled_interlinker_can_be_revised_and_deprecated(env: Env) -> None:
    turtle = env.client.get("/interlinkers/trello", headers={"Accept": "text/turtle"}).data
    revised = turtle.replace(b"Hosted board-and-card tool", b"Online board-and-card tool")
    assert revised != turtle
    by_owner = env.client.put("/interlinkers/trello", data=revised, headers=env.auth("ana", **TTL))
    assert by_owner.status_code == 403
    by_curator = env.client.put(
        "/interlinkers/trello", data=revised, headers=env.auth("cora", **TTL)
    )
    assert by_curator.status_code == 200, by_curator.get_json()
    still = env.client.get("/interlinkers/trello", headers={"Accept": "text/turtle"}).data
    assert b"Hosted board-and-card tool" in still
    env.client.post("/submissions/trello/approve", headers=env.auth("cora"))
    now = env.client.get("/interlinkers/trello", headers={"Accept": "text/turtle"}).data
    assert b"Online board-and-card tool" in now
    assert b"Hosted board-and-card tool" not in now
    assert len(public_ids(env)) == 78
    env.client.post("/submissions/trello/deprecate", headers=env.auth("cora"))
    assert len(public_ids(env)) == 77


def test_invalid_submission_gets_422_and_nothing_is_stored(env: Env) -> None:
    bad = (DATA / "invalid" / "interlinker-missing-licence.ttl").read_bytes()
    before = (env.count(env.catalogue), env.count(env.workspace))
    response = env.submit(body=bad)
    assert response.status_code == 422
    report = response.get_json()["details"]["report"]
    shapes = {r["source_shape"] for r in report["results"] if r["severity"] == "Violation"}
    assert shapes == {"https://w3id.org/interlink-kg/shapes#Interlinker-licence"}
    assert (env.count(env.catalogue), env.count(env.workspace)) == before


def test_duplicate_ids_conflict(env: Env) -> None:
    assert env.submit().status_code == 201
    assert env.submit("bob").status_code == 409
    trello = env.client.get("/interlinkers/trello", headers={"Accept": "text/turtle"}).data
    assert env.submit(body=trello).status_code == 409


def test_only_the_owner_or_a_curator_may_revise_or_read(env: Env) -> None:
    env.submit()
    assert (
        env.client.put(
            "/interlinkers/example_planner", data=PLANNER, headers=env.auth("bob", **TTL)
        ).status_code
        == 403
    )
    assert (
        env.client.get("/submissions/example_planner", headers=env.auth("bob")).status_code == 403
    )
    assert (
        env.client.get("/submissions/example_planner", headers=env.auth("cora")).status_code == 200
    )
    mismatch = env.client.put(
        "/interlinkers/other_id", data=PLANNER, headers=env.auth("ana", **TTL)
    )
    assert mismatch.status_code == 400


def test_listing_by_status(env: Env) -> None:
    env.submit()
    knowledge = (DATA / "valid" / "knowledge-interlinker-with-distribution.ttl").read_bytes()
    env.submit("bob", knowledge)
    env.client.post("/submissions/example_checklist/approve", headers=env.auth("cora"))
    curator = env.client.get("/submissions", headers=env.auth("cora")).get_json()
    assert curator["total"] == 2
    proposed = env.client.get("/submissions?status=proposed", headers=env.auth("cora")).get_json()
    assert [i["id"] for i in proposed["items"]] == ["example_planner"]
    own = env.client.get("/submissions", headers=env.auth("bob")).get_json()
    assert [i["id"] for i in own["items"]] == ["example_checklist"]
    bad = env.client.get("/submissions?status=lost", headers=env.auth("cora"))
    assert bad.status_code == 400
    assert "proposed" in bad.get_json()["details"]["allowed"]


HOSTILE = {
    "foreign-interlinker": (
        PLANNER + b'\n<interlinkers/trello> <http://purl.org/dc/terms/title> "Hijacked"@en .\n',
        403,
    ),
    "foreign-problem-profile": (
        PLANNER + b"\n<problem-profiles/ORG_PROBLEM_2> "
        b'<http://www.w3.org/2004/02/skos/core#prefLabel> "Hijacked"@en .\n',
        403,
    ),
    "catalogue-node": (
        PLANNER + b'\n<catalogue> <http://purl.org/dc/terms/title> "Hijacked"@en .\n',
        403,
    ),
    "ontology-term": (
        PLANNER + b"\n<https://w3id.org/interlink-kg/ontology#Interlinker> "
        b"<http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        b"<http://www.w3.org/2002/07/owl#Nothing> .\n",
        403,
    ),
    "blank-node-subject": (PLANNER + b'\n[] <http://purl.org/dc/terms/title> "x" .\n', 400),
    "two-interlinkers": (
        PLANNER + PLANNER.replace(b"example_planner", b"second_planner"),
        400,
    ),
    "iri-not-matching-identifier": (
        PLANNER.replace(b'dct:identifier "example_planner"', b'dct:identifier "other"'),
        400,
    ),
    "invalid-iri": (b'<interlinkers/a b> <http://purl.org/dc/terms/title> "x" .', 400),
    "wrong-datatype": (
        PLANNER.replace(
            b"ilk:sustainabilityRelated false", b'ilk:sustainabilityRelated "0"^^xsd:integer'
        ),
        422,
    ),
    "unknown-problem-profile": (PLANNER.replace(b"ORG_PROBLEM_2", b"ORG_PROBLEM_77"), 422),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_bad_submission_changes_nothing(env: Env, case: str) -> None:
    body, status = HOSTILE[case]
    before = (env.count(env.catalogue), env.count(env.workspace))
    response = env.submit(body=body)
    assert response.status_code == status, response.get_json()
    assert set(response.get_json()) == ERROR_KEYS
    assert (env.count(env.catalogue), env.count(env.workspace)) == before


def test_body_size_limit_gives_413(env: Env) -> None:
    huge = PLANNER + b"#" + b"x" * 200_000 + b"\n"
    response = env.submit(body=huge)
    assert response.status_code == 413
    assert set(response.get_json()) == ERROR_KEYS


def test_unknown_media_type_gives_415(env: Env) -> None:
    response = env.client.post(
        "/interlinkers", data=PLANNER, headers=env.auth("ana", **{"Content-Type": "text/csv"})
    )
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["details"]["offered"]
    missing = env.client.post("/interlinkers", data=PLANNER, headers=env.auth("ana"))
    assert missing.status_code == 415


@pytest.mark.parametrize("fmt", ["json-ld", "xml", "nt"])
def test_every_rdf_format_is_accepted(env: Env, fmt: str) -> None:
    graph = Graph().parse(data=PLANNER, format="turtle", publicID=BASE)
    body = graph.serialize(format=fmt, encoding="utf-8")
    media = {
        "json-ld": "application/ld+json",
        "xml": "application/rdf+xml",
        "nt": "application/n-triples",
    }[fmt]
    response = env.client.post(
        "/interlinkers", data=body, headers=env.auth("ana", **{"Content-Type": media})
    )
    assert response.status_code == 201, response.get_json()


def test_multipart_upload(env: Env) -> None:
    from io import BytesIO

    response = env.client.post(
        "/interlinkers",
        data={"file": (BytesIO(PLANNER), "planner.ttl")},
        headers=env.auth("ana"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()


def test_submission_content_is_readable_as_rdf(env: Env) -> None:
    env.submit()
    response = env.client.get(
        "/submissions/example_planner", headers=env.auth("cora", Accept="text/turtle")
    )
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    assert graph.isomorphic(Graph().parse(data=PLANNER, format="turtle", publicID=BASE))


def test_json_body_reason_form_also_works(env: Env) -> None:
    env.submit()
    response = env.client.post(
        "/submissions/example_planner/reject",
        data={"reason": "Form reason."},
        headers=env.auth("cora"),
    )
    assert response.status_code == 200
    assert json.loads(response.data)["history"][-1]["reason"] == "Form reason."


def test_quality_report_for_curators(env: Env) -> None:
    assert env.client.get("/quality", headers=env.auth("ana")).status_code == 403
    report = env.client.get("/quality", headers=env.auth("cora")).get_json()
    assert len(report["uncovered_tasks"]) == 10
    text = env.client.get("/quality", headers=env.auth("adam", Accept="text/plain"))
    assert text.mimetype == "text/plain"
    assert "tasks no INTERLINKER helps with: 10" in text.data.decode()


def test_wsgi_entry_point_builds_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    monkeypatch.setenv("INTERLINK_KG_STORE", "memory:")
    monkeypatch.setenv("INTERLINK_KG_WORKSPACE", "memory:")
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    sys.modules.pop("api.wsgi", None)
    module = importlib.import_module("api.wsgi")
    try:
        client = module.app.test_client()
        assert client.get("/").status_code == 200
        health = client.get("/health")  # an empty memory store: built, and honest about it
        assert (health.status_code, health.get_json()["status"]) == (503, "empty")
    finally:
        close_app(module.app)  # the entry point starts the worker pools (as a server does)


@pytest.mark.parametrize(("path", "accept"), [
    ("/submissions/example_planner", "image/png"),
    ("/quality", "image/png"),
    ("/quality", "text/turtle"),
])  # fmt: skip
def test_json_views_fall_back_to_json(env: Env, path: str, accept: str) -> None:
    """These views never answered 406: a type they do not offer gets their JSON (browsers
    asking for text/html get a page: tests/test_pages.py)."""
    env.submit()
    response = env.client.get(path, headers=env.auth("cora", Accept=accept))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
