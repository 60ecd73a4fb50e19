"""The co-production journey, over real HTTP against ``interlink-kg serve``: two people, a team,
a private process from the default schema, task status with roll-up, a team's own task,
selections with notes, a rating, the guide showing all of it; then the process made public is
in ``/sparql`` without any user id, and the recommendations for the task carry the usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from support import free_port, serving

from interlink_kg.curation.accounts import hash_token

CLI = [sys.executable, "-m", "interlink_kg"]
TOKENS = {"ana": "journey-token-of-ana", "bob": "journey-token-of-bob"}
TASK = "task-define_personas"
OBJECTIVE = "objective-service_design"
CHOSEN = "stakeholder_types_guidelines"  # among the task's recommendations


class Client:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        user: str | None = None,
        body: object = None,
        accept: str = "application/json",
    ) -> tuple[int, dict[str, str], bytes]:
        url = path if path.startswith("http") else self.base + path
        headers = {"Accept": accept}
        data = None
        if user:
            headers["Authorization"] = f"Bearer {TOKENS[user]}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def ok(
        self,
        method: str,
        path: str,
        user: str | None = None,
        body: object = None,
        status: int = 200,
    ) -> Any:
        code, _, data = self.call(method, path, user, body)
        assert code == status, data.decode()[:2000]
        return json.loads(data)

    def sparql(self, query: str) -> list[dict[str, Any]]:
        url = self.base + "/sparql?" + urllib.parse.urlencode({"query": query})
        code, _, data = self.call("GET", url, accept="application/sparql-results+json")
        assert code == 200, data.decode()[:2000]
        return list(json.loads(data)["results"]["bindings"])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    folder = tmp_path_factory.mktemp("journey")
    port = free_port()
    env = {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{folder / 'store'}",
        "INTERLINK_KG_TOKENS": ",".join(
            f"{user}:contributor:{hash_token(token)}" for user, token in TOKENS.items()
        ),
        "INTERLINK_KG_TOKENS_FILE": str(folder / "tokens.json"),
        "INTERLINK_KG_BASE_IRI": f"http://127.0.0.1:{port}/",
    }
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    with serving(CLI, port, env, folder / "serve.log") as base:
        yield Client(base)


def test_the_whole_journey(client: Client) -> None:
    base = client.base + "/"
    # A team: ana creates it and adds bob.
    code, headers, _ = client.call(
        "POST",
        "/teams",
        "ana",
        {"id": "parks-of-riga", "name": "Parks of Riga", "type": "public_administration"},
    )
    assert code == 201
    team = headers["Location"].rsplit("/", 1)[-1]
    client.ok("POST", f"/teams/{team}/members", "ana", {"user": "bob", "role": "member"}, 201)

    # A private process from the default schema.
    code, headers, data = client.call(
        "POST",
        "/processes",
        "ana",
        {
            "title": "Booking parks for events",
            "schema": "default",
            "teams": [team],
            "language": "lv",
        },
    )
    assert code == 201, data
    process_url = headers["Location"]
    assert process_url.startswith(base)
    pid = process_url.rsplit("/", 1)[-1]
    assert client.call("GET", f"/processes/{pid}")[0] == 404
    assert not client.sparql(f"SELECT ?p WHERE {{ <{process_url}> ?p ?o }}")

    # Task status with roll-up.
    process = client.ok("GET", f"/processes/{pid}", "bob")
    siblings = [i["id"] for i in process["items"] if i["parent"] == OBJECTIVE]
    for task in siblings:
        client.ok("PATCH", f"/processes/{pid}/items/{task}", "bob", {"status": "done"})
    client.ok(
        "PATCH",
        f"/processes/{pid}/items/{siblings[0]}",
        "bob",
        {"status": "in_progress", "start": "2026-12-01", "end": "2026-12-15"},
    )
    code, _, data = client.call(
        "PATCH", f"/processes/{pid}/items/{siblings[0]}", "bob", {"end": "2026-11-01"}
    )
    assert code == 400
    assert b"before" in data

    # A team's own task under the objective.
    code, headers, data = client.call(
        "POST",
        f"/processes/{pid}/items/{OBJECTIVE}/tasks",
        "bob",
        {"title": "Interview families who booked a park", "problem_profiles": ["ORG_PROBLEM_4"]},
    )
    assert code == 201, data
    custom = json.loads(data)["id"]

    # Selections with notes.
    code, headers, data = client.call(
        "POST",
        f"/processes/{pid}/tasks/{TASK}/selections",
        "ana",
        {"interlinker": CHOSEN, "note": "To list who uses the parks."},
    )
    assert code == 201, data
    assert headers["Location"].startswith(process_url + "/tasks/")
    client.ok(
        "POST",
        f"/processes/{pid}/tasks/{custom}/selections",
        "bob",
        {"interlinker": "trello", "note": "Plan the interviews."},
        201,
    )

    # A rating, by someone who selected it.
    client.ok(
        "POST",
        f"/interlinkers/{CHOSEN}/ratings",
        "ana",
        {"value": 5, "text": "Clear and short."},
        201,
    )
    assert client.call("POST", f"/interlinkers/{CHOSEN}/ratings", "bob", {"value": 1})[0] == 403

    # The guide shows both.
    guide = client.ok("GET", f"/processes/{pid}/guide", "bob")
    assert guide["language"] == "lv"
    tasks = {t["id"]: t for p in guide["phases"] for o in p["objectives"] for t in o["tasks"]}
    objective = next(o for p in guide["phases"] for o in p["objectives"] if o["id"] == OBJECTIVE)
    assert objective["status"] == "in_progress"
    assert objective["done_tasks"] == len(siblings) - 1
    assert objective["enabled_tasks"] == len(siblings) + 1
    assert [s["note"] for s in tasks[TASK]["selected"]] == ["To list who uses the parks."]
    assert [s["interlinker"]["id"] for s in tasks[custom]["selected"]] == ["trello"]
    assert tasks[TASK]["recommendations"]
    assert tasks[custom]["recommendations"]
    assert guide["next_tasks"]

    # Made public: in /sparql, with no user id.
    client.ok("PATCH", f"/processes/{pid}", "ana", {"visibility": "public"})
    assert client.call("GET", f"/processes/{pid}")[0] == 200
    rows = client.sparql(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (STRSTARTS(STR(?g), '{base}graphs/processes/{pid}')) }}"
    )
    assert len(rows) > 500
    text = json.dumps(rows)
    assert "agents/users" not in text
    assert not any(v["value"].endswith(("/ana", "/bob")) for row in rows for v in row.values())
    uses = client.sparql(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        f"SELECT ?use WHERE {{ ?use a ilk:InterlinkerUse ; ilk:inProcess <{process_url}> }}"
    )
    assert len(uses) == 2

    # The recommendations for the task now carry the usage component.
    ranked = client.ok("GET", f"/schemas/default/tasks/{TASK}/recommendations?limit=20")
    chosen = next(i for i in ranked["items"] if i["id"] == CHOSEN)
    assert chosen["explanation"]["uses"] == 1
    assert chosen["explanation"]["components"]["usage"] > 0
    assert chosen["explanation"]["components"]["rating"] > 0
    assert "Selected by 1 team(s) for this task." in chosen["explanation"]["reason"]
