"""The command line while `interlink-kg serve` holds the embedded on-disk store: reads go through
the server (and see its writes), changes are refused with the way to make them, and the
server's note beside the store lets no one else in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support import free_port, serving, wait_until_healthy

from interlink_kg.curation.accounts import hash_token
from interlink_kg.store.serving_record import (
    ServingRecord,
    read_record,
    record_path,
    remove_record,
    write_record,
)

CLI = [sys.executable, "-m", "interlink_kg"]
TOKEN = "secret-token-for-ana"


@dataclass
class Held:
    base: str
    env: dict[str, str]
    store: Path
    exported_before: str  # the export made directly, before the server started

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args], env=self.env, capture_output=True, text=True, timeout=120
        )

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as reply:  # loopback only
                return int(reply.status), reply.read()
        except urllib.error.HTTPError as error:
            with error:
                return int(error.code), error.read()


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "INTERLINK_KG_STORE": f"oxigraph:{tmp_path / 'store'}",
        "INTERLINK_KG_TOKENS": f"ana:contributor:{hash_token(TOKEN)}",
        "INTERLINK_KG_TOKENS_FILE": str(tmp_path / "tokens.json"),
        "INTERLINK_KG_BASE_IRI": "http://127.0.0.1:8080/",
        "INTERLINK_KG_THREADS": "2",
    }


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Held]:
    tmp_path = tmp_path_factory.mktemp("held")
    env = _env(tmp_path)
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    before = subprocess.run(
        [*CLI, "export", "--format", "nt"], env=env, check=True, capture_output=True, text=True
    )
    with serving(CLI, free_port(), env, tmp_path / "serve.log") as base:
        yield Held(base, env, tmp_path / "store", before.stdout)


def _count(held: Held) -> int:
    result = held.cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json")
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["rows"][0]["n"])


def test_the_server_leaves_a_note_only_its_owner_can_read(held: Held) -> None:
    for folder in (held.store, held.store.with_name("store-workspace")):
        note = record_path(folder)
        assert note.stat().st_mode & 0o777 == 0o600
        record = read_record(folder)
        assert record is not None
        assert record.url.startswith(held.base + "/_local/store/")
        assert len(record.key) >= 40


def test_read_commands_work_while_the_server_holds_the_store(held: Held) -> None:
    assert _count(held) > 9000
    found = held.cli("search", "personas")
    assert found.returncode == 0, found.stderr
    assert "model_for_personas_in_english" in found.stdout
    advice = held.cli("recommend", "default", "task-define_personas", "--json")
    assert advice.returncode == 0, advice.stderr
    assert json.loads(advice.stdout)["items"]
    checked = held.cli("validate", "--catalogue")
    assert checked.returncode == 0, checked.stderr
    assert "0 violation(s)" in checked.stderr
    quality = held.cli("quality")
    assert quality.returncode == 0, quality.stderr


def test_an_export_through_the_server_is_the_stored_catalogue(held: Held) -> None:
    exported = held.cli("export", "--format", "nt")
    assert exported.returncode == 0, exported.stderr
    graph = Graph().parse(data=exported.stdout, format="nt")
    assert len(graph) > 9000
    assert isomorphic(graph, Graph().parse(data=held.exported_before, format="nt"))


def test_reads_see_what_the_server_wrote(held: Held) -> None:
    status, body = held.post(
        "/teams",
        json.dumps({"id": "parks-of-riga", "name": "Parks of Riga", "type": "citizens"}).encode(),
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert status == 201, body
    shown = held.cli("team", "show", "parks-of-riga", "--as", "ana", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "Parks of Riga"


def test_changes_are_refused_with_the_way_to_make_them_and_nothing_changes(held: Held) -> None:
    before = _count(held)
    loaded = held.cli("load", "--no-validate")
    assert loaded.returncode == 2
    assert "held by `interlink-kg serve`" in loaded.stderr
    assert "stop the server first" in loaded.stderr
    assert "Traceback" not in loaded.stderr
    made = held.cli("team", "create", "Parks of Tartu", "--type", "citizens", "--as", "ana")
    assert made.returncode == 2
    assert "held by `interlink-kg serve`" in made.stderr
    assert _count(held) == before
    teams = held.cli("team", "show", "parks-of-tartu", "--as", "ana")
    assert teams.returncode == 2
    assert "no team" in teams.stderr


def test_the_local_store_access_needs_the_key_and_only_answers_queries(held: Held) -> None:
    record = read_record(held.store)
    assert record is not None
    path = "/_local/store/catalogue/query"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"query=ASK%7B%7D"
    assert held.post(path, body, form)[0] == 401
    assert held.post(path, body, {**form, "Authorization": "Bearer " + "x" * 43})[0] == 401
    assert held.post(path, body, {**form, "Authorization": record.key})[0] == 401  # no scheme
    key = {"Authorization": f"Bearer {record.key}"}
    status, answer = held.post(path, body, {**form, **key})
    assert status == 200
    assert json.loads(answer)["boolean"] is True
    update = held.post(
        "/_local/store/catalogue/update",
        b"CLEAR ALL",
        {**key, "Content-Type": "application/sparql-update"},
    )
    assert update[0] in {404, 405}
    smuggled = held.post(path, b"query=CLEAR+ALL", {**form, **key})
    assert smuggled[0] == 403  # an update is not a query
    broken = held.post(path, b"query=SELECT+%7B", {**form, **key})
    assert broken[0] == 400
    federated = held.post(
        path,
        b"query=SELECT+*+WHERE+%7B+SERVICE+%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E+%7B+%3Fs+%3Fp+%3Fo+%7D+%7D",
        {**form, **key},
    )
    assert federated[0] == 403  # never makes the server fetch
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        proxied = held.post(path, body, {**form, **key, header: "203.0.113.9"})
        assert proxied[0] == 404, header
    assert held.post("/_local/store/other/query", body, {**form, **key})[0] == 404
    # the query itself as the body, its dataset in the URL (what the command line sends)
    direct = {"Content-Type": "application/sparql-query", **key}
    count = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, union = held.post(path + "?union-default-graph=true", count, direct)
    assert status == 200
    assert int(json.loads(union)["results"]["bindings"][0]["n"]["value"]) > 9000
    status, default = held.post(path, count, direct)
    assert status == 200
    assert int(json.loads(default)["results"]["bindings"][0]["n"]["value"]) == 0
    assert held.post(path + "?union-default-graph=true", b"CLEAR ALL", direct)[0] == 403
    service = b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert held.post(path, service, direct)[0] == 403
    assert _count(held) > 9000


def test_a_server_without_a_held_store_has_no_local_access(tmp_path: Path) -> None:
    from interlink_kg.settings import Settings
    from interlink_kg.web.app import close_app, create_app

    app = create_app(Settings(store_url="memory:", workspace_url="memory:"))
    try:
        client = app.test_client()
        response = client.post("/_local/store/catalogue/query", data={"query": "ASK {}"})
        assert response.status_code == 404
    finally:
        close_app(app)


def test_the_local_store_access_answers_loopback_only() -> None:
    from interlink_kg.settings import Settings
    from interlink_kg.web.app import close_app, create_app

    app = create_app(Settings(store_url="memory:", workspace_url="memory:"), local_key="k" * 43)
    try:
        client = app.test_client()
        headers = {"Authorization": "Bearer " + "k" * 43}
        data = {"query": "ASK {}"}
        here = client.post("/_local/store/catalogue/query", data=data, headers=headers)
        assert here.status_code == 200
        there = client.post(
            "/_local/store/catalogue/query",
            data=data,
            headers=headers,
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        assert there.status_code == 404
    finally:
        close_app(app)


def test_sigterm_stops_the_server_cleanly_and_the_store_is_writable_again(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", log)
        assert read_record(tmp_path / "store") is not None
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert not record_path(tmp_path / "store").exists()
    assert not record_path(tmp_path / "store-workspace").exists()
    made = subprocess.run(
        [*CLI, "team", "create", "Parks of Tartu", "--type", "citizens", "--as", "ana"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr


def test_a_note_of_a_gone_process_is_ignored_and_another_servers_note_is_kept(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    write_record(
        folder, ServingRecord(gone.pid, "http://127.0.0.1:1/_local/store/catalogue/", "key")
    )
    assert read_record(folder) is None
    assert read_record(folder, check_alive=False) is not None
    mine = ServingRecord(os.getpid(), "http://127.0.0.1:2/_local/store/catalogue/", "mine")
    write_record(folder, mine)
    assert read_record(folder) == mine
    other = ServingRecord(os.getpid(), "http://127.0.0.1:3/_local/store/catalogue/", "other")
    remove_record(folder, other)
    assert read_record(folder) == mine  # not the caller's note: kept
    remove_record(folder, mine)
    assert not record_path(folder).exists()
    record_path(folder).write_text("{not json", encoding="utf-8")
    assert read_record(folder) is None


def test_a_note_someone_else_could_have_planted_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    good = ServingRecord(os.getpid(), "http://127.0.0.1:8080/_local/store/catalogue/", "k" * 43)
    write_record(folder, good)
    note = record_path(folder)
    assert note.stat().st_mode & 0o777 == 0o600
    assert read_record(folder) == good
    note.chmod(0o644)  # others could read (or have written) it
    assert read_record(folder) is None
    note.chmod(0o600)
    for url in (
        "http://evil.example/_local/store/catalogue/",
        "http://127.0.0.1:8080/sparql",
        "https://127.0.0.1:8080/_local/store/catalogue/",
        "http://127.0.0.1.evil.example:80/_local/store/catalogue/",
    ):
        write_record(folder, ServingRecord(os.getpid(), url, "k" * 43))
        assert read_record(folder) is None, url
    write_record(folder, good)
    elsewhere = tmp_path / "elsewhere.json"
    note.rename(elsewhere)
    note.symlink_to(elsewhere)  # a link to a note: not followed
    assert read_record(folder) is None
    note.unlink()
    # Writing never goes through a file or link planted beside the store.
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    for planted in (
        note.with_name(note.name + f".{os.getpid()}.tmp"),
        note.with_name(note.name + ".tmp"),
    ):
        planted.symlink_to(victim)
    write_record(folder, good)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not note.is_symlink()
    assert read_record(folder) == good


def test_a_note_that_leads_nowhere_says_the_store_is_in_use(tmp_path: Path) -> None:
    """Another program holds the store, and a note of a live process (its id reused, say)
    points at a port where no server answers: the command says so, it does not hang or crash."""
    env = _env(tmp_path)
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    folder = (tmp_path / "store").resolve()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import pyoxigraph, time; s = pyoxigraph.Store({str(folder)!r}); "
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        url = f"http://127.0.0.1:{free_port()}/_local/store/catalogue/"
        write_record(folder, ServingRecord(holder.pid, url, "k" * 43))
        result = subprocess.run(
            [*CLI, "query", "ASK {}"], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 2
        assert "in use by another process" in result.stderr
        assert "does not lead to a server that answers" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
