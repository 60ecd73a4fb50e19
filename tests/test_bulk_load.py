"""`interlink-kg load --bulk`: large files streamed in with the engine's bulk loader, validated
INTERLINKER by INTERLINKER, all or nothing (a parse error, a violation or a dead process leave
the store as it was), on the embedded store and on a SPARQL server."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support import BASE

from interlink_kg import cli as cli_module
from interlink_kg import resources
from interlink_kg.curation import bulk, bulk_rebuild
from interlink_kg.curation.bulk import BulkInProgressError, bulk_load, recover
from interlink_kg.curation.bulk_validation import BulkInvalidError, Progress
from interlink_kg.curation.loading import graph_name, load_bundled
from interlink_kg.errors import BadRequestError, ParseError
from interlink_kg.rdf import bundle
from interlink_kg.store import Store, open_store
from interlink_kg.store.generation import generation
from interlink_kg.store.oxigraph import OxigraphStore

CLI = [sys.executable, "-m", "interlink_kg"]
# What a bulk load of the bundled INTERLINKER files validates: the 78 INTERLINKERs and the other
# typed resources those files describe (distributions go with their INTERLINKER).
RESOURCES = 78


def _catalogue_ntriples() -> bytes:
    """Every bundled INTERLINKER file as one N-Triples document (valid data, 78 INTERLINKERs)."""
    files = [p for p in bundle.catalogue_files() if p.parent.name == "interlinkers"]
    quads = []
    for path in files:
        quads += list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b""


@pytest.fixture(scope="module")
def interlinkers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulk")
    path = folder / "interlinkers.nt"
    path.write_bytes(_catalogue_ntriples())
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An on-disk store holding the bundled catalogue without its INTERLINKERs' files."""
    opened = open_store(f"oxigraph:{tmp_path / 'store'}")
    others = [p for p in bundle.catalogue_files() if p.parent.name != "interlinkers"]
    from interlink_kg.curation.loading import load_files

    load_files(opened, [resources.ontology_file(), *others], BASE, validate=False)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _replaced_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacements here go through staging graphs, never a rebuild of the store (which
    tests/test_bulk_rebuild.py covers): the share of the store replaced never reaches 2."""
    monkeypatch.setattr(bulk_rebuild, "REBUILD_SHARE", 2.0)


@pytest.fixture(params=["in place", "rebuilt"])
def either_way(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[str]]:
    """For what holds whichever way a graph is replaced: in place (this module's default) or
    by rebuilding the store beside itself (the default for a large share of the store). The
    way, and the rebuilds begun (for the test to check that its way was taken)."""
    begun: list[str] = []
    if request.param == "rebuilt":
        monkeypatch.setattr(bulk_rebuild, "REBUILD_SHARE", 0.0)
        real = OxigraphStore.rebuilt_beside

        def counted(self: OxigraphStore) -> OxigraphStore:
            begun.append(self.url)
            return real(self)

        monkeypatch.setattr(OxigraphStore, "rebuilt_beside", counted)
    return request.param, begun


def _snapshot(store: Store) -> bytes:
    return b"\n".join(sorted(store.dump_quads().splitlines()))


def _graphs(store: Store) -> set[str]:
    return {str(r["g"]) for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}


def test_a_bulk_load_streams_validates_and_reports_progress(
    store: Store, interlinkers: Path
) -> None:
    seen: list[Progress] = []
    summary = bulk_load(store, [interlinkers], BASE, progress=seen.append)
    target = graph_name(interlinkers, BASE)
    assert summary.graphs == (target,)
    assert summary.validated == RESOURCES
    assert summary.triples == len(Graph().parse(interlinkers, format="nt"))
    assert summary.rate > 0
    assert isomorphic(store.graph(target), Graph().parse(interlinkers, format="nt"))
    loading = [p for p in seen if p.stage == "loading"]
    assert loading[0].done == 0
    assert loading[-1].done == summary.triples
    assert loading[-1].bytes_read == loading[-1].total_bytes == interlinkers.stat().st_size
    assert [p.done for p in seen if p.stage == "validating"][-1] == RESOURCES
    assert store.get_meta(bulk.PENDING_KEY) == "{}"
    assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(store))
    # The catalogue answers from it: the INTERLINKERs are there for search and recommendation.
    from interlink_kg.finding import recommendations

    found = recommendations.for_task(store, BASE, "default", "task-define_personas")
    assert any(item.id == "model_for_personas_in_english" for item in found.items)


def test_gzip_and_turtle_load_the_same_triples(
    tmp_path: Path, store: Store, interlinkers: Path
) -> None:
    packed = tmp_path / "interlinkers.nt.gz"
    packed.write_bytes(gzip.compress(interlinkers.read_bytes()))
    summary = bulk_load(store, [packed], BASE, validate=False)
    assert isomorphic(store.graph(graph_name(packed, BASE)), Graph().parse(interlinkers))
    turtle = tmp_path / "one.ttl"
    turtle.write_text(
        "@prefix dct: <http://purl.org/dc/terms/> .\n<things/a> dct:title 'A' .\n",
        encoding="utf-8",
    )
    bulk_load(store, [turtle], BASE, validate=False)
    assert len(store.graph(graph_name(turtle, BASE))) == 1
    assert summary.triples == len(Graph().parse(interlinkers))


def test_a_violation_loads_nothing(tmp_path: Path, store: Store, interlinkers: Path) -> None:
    broken = tmp_path / "broken.nt"
    trello = f"<{BASE}interlinkers/trello>"
    lines = interlinkers.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not (line.startswith(trello) and "/title>" in line)]
    assert len(kept) < len(lines)
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    before = _snapshot(store)
    with pytest.raises(BulkInvalidError) as caught:
        bulk_load(store, [broken], BASE)
    assert "nothing was loaded" in caught.value.message
    assert {r.focus_node for r in caught.value.report.violations} == {f"{BASE}interlinkers/trello"}
    assert _snapshot(store) == before
    assert store.get_meta(bulk.PENDING_KEY) == "{}"


@pytest.mark.parametrize("replacing", [False, True])
def test_a_parse_error_half_way_loads_nothing(
    tmp_path: Path,
    store: Store,
    interlinkers: Path,
    replacing: bool,
    either_way: tuple[str, list[str]],
) -> None:
    path = tmp_path / "data.nt"
    if replacing:  # the graph exists: the load goes through a staging graph
        path.write_bytes(interlinkers.read_bytes())
        bulk_load(store, [path], BASE, validate=False)
    lines = interlinkers.read_bytes().splitlines()
    half = len(lines) // 2
    path.write_bytes(b"\n".join([*lines[:half], b"<a> <b> 'not n-triples", *lines[half:]]))
    before = _snapshot(store)
    with pytest.raises(ParseError, match=r"data\.nt is not valid"):
        bulk_load(store, [path], BASE, validate=False)
    assert _snapshot(store) == before
    way, begun = either_way
    assert len(begun) == (1 if replacing and way == "rebuilt" else 0)
    assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(store))


def test_reloading_replaces_the_graph(
    tmp_path: Path, store: Store, interlinkers: Path, either_way: tuple[str, list[str]]
) -> None:
    path = tmp_path / "data.nt"
    path.write_bytes(interlinkers.read_bytes())
    bulk_load(store, [path], BASE, validate=False)
    smaller = b"\n".join(interlinkers.read_bytes().splitlines()[:100]) + b"\n"
    path.write_bytes(smaller)
    summary = bulk_load(store, [path], BASE, validate=False)
    assert summary.triples == 100
    assert len(store.graph(graph_name(path, BASE))) == 100
    way, begun = either_way
    assert len(begun) == (1 if way == "rebuilt" else 0)  # the first load: a new graph
    assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(store))


def test_n_quads_keep_their_graphs_but_never_an_internal_one(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "dump.nq"
    path.write_text(
        f'<{BASE}things/a> <http://purl.org/dc/terms/title> "A" <{BASE}datasets/extra> .\n'
        f'<{BASE}things/b> <http://purl.org/dc/terms/title> "B" .\n',
        encoding="utf-8",
    )
    bulk_load(store, [path], BASE, validate=False)
    assert len(store.graph(f"{BASE}datasets/extra")) == 1
    assert len(store.graph(graph_name(path, BASE))) == 1
    internal = tmp_path / "internal.nq"
    internal.write_text('<urn:x> <urn:y> "z" <urn:interlink-kg:meta> .\n', encoding="utf-8")
    before = _snapshot(store)
    with pytest.raises(BadRequestError, match="internal graph"):
        bulk_load(store, [internal], BASE, validate=False)
    assert _snapshot(store) == before


@pytest.mark.parametrize("name", ["data.rdf", "data.json", "data.gz", "data"])
def test_other_formats_are_refused_before_anything(tmp_path: Path, store: Store, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    before = _snapshot(store)
    with pytest.raises(BadRequestError, match="N-Triples"):
        bulk_load(store, [path], BASE, validate=False)
    assert _snapshot(store) == before


def test_blank_nodes_of_two_files_stay_two(tmp_path: Path, store: Store) -> None:
    """Parsers keep blank node labels as written: "_:b0" of one file, of another and of one
    already stored must stay three nodes."""
    _three_files_with_one_blank_label(tmp_path, store)


def test_blank_nodes_of_two_files_stay_two_on_a_server(
    tmp_path: Path, remote_store_url: str
) -> None:
    """The same through Oxigraph's bulk loader, which keeps the labels it is given."""
    remote = open_store(remote_store_url)
    try:
        load_bundled(remote, BASE, validate=False)
        _three_files_with_one_blank_label(tmp_path, remote)
    finally:
        remote.close()


def _three_files_with_one_blank_label(tmp_path: Path, store: Store) -> None:
    first, second = tmp_path / "one.nt", tmp_path / "two.nt"
    first.write_text('<urn:a> <urn:has> _:b0 .\n_:b0 <urn:name> "one" .\n', encoding="utf-8")
    second.write_text('<urn:b> <urn:has> _:b0 .\n_:b0 <urn:name> "two" .\n', encoding="utf-8")
    bulk_load(store, [first, second], BASE, validate=False)
    third = tmp_path / "three.nt"
    third.write_text('<urn:c> <urn:has> _:b0 .\n_:b0 <urn:name> "three" .\n', encoding="utf-8")
    bulk_load(store, [third], BASE, validate=False)
    rows = store.select("SELECT ?s ?name WHERE { ?s <urn:has> ?b . ?b <urn:name> ?name }")
    assert sorted((str(r["s"]), str(r["name"])) for r in rows) == [
        ("urn:a", "one"),
        ("urn:b", "two"),
        ("urn:c", "three"),
    ]


def test_a_committed_load_whose_staging_graph_is_gone_does_not_lock_the_store(
    tmp_path: Path, store: Store
) -> None:
    """A staging graph gone before its copy (an undo that raced the commit, then a crash): the
    target keeps what it held, recover() says so and clears the note instead of failing for
    ever."""
    path = tmp_path / "data.nt"
    path.write_text("<urn:a> <urn:p> <urn:old> .\n", encoding="utf-8")
    bulk_load(store, [path], BASE, validate=False)
    target = graph_name(path, BASE)
    note = {
        "token": "gone",
        "owner": "elsewhere:1",
        "graphs": [f"{bulk.STAGING_PREFIX}gone:0"],
        "copies": [[f"{bulk.STAGING_PREFIX}gone:0", target]],
        "copied": [],
    }
    store.set_meta(bulk.PENDING_KEY, json.dumps(note))
    commit = f'<{bulk.COMMITS_GRAPH}> <{bulk._COMMITTED}> "gone" .\n'.encode()
    store.replace_graphs({bulk.COMMITS_GRAPH: bulk.GraphPayload(commit, bulk.NTRIPLES, BASE, "c")})
    recovered = recover(store)  # another host's note: not waited for on a store held alone
    assert recovered.missing == (target,)
    assert recovered.completed == ()
    assert store.get_meta(bulk.PENDING_KEY) == "{}"
    assert len(store.graph(target)) == 1
    small = tmp_path / "small.nt"
    small.write_text("<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
    bulk_load(store, [small], BASE, validate=False)  # the store is not locked


def test_the_embedded_store_replaces_a_graph_by_a_copy_in_bulk(
    tmp_path: Path, store: Store, interlinkers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No MOVE on the embedded store (it copies triple by triple in a transaction): the commit
    notes the copy, the bulk loader makes it, the staging graph and the note go."""
    path = tmp_path / "data.nt"
    path.write_bytes(interlinkers.read_bytes())
    bulk_load(store, [path], BASE, validate=False)
    moved: list[object] = []
    original = store.move_graphs
    monkeypatch.setattr(store, "move_graphs", lambda pairs, then=None: moved.append(pairs))
    smaller = b"\n".join(interlinkers.read_bytes().splitlines()[:100]) + b"\n"
    path.write_bytes(smaller)
    bulk_load(store, [path], BASE, validate=False)
    assert moved == []
    monkeypatch.setattr(store, "move_graphs", original)
    assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(data=smaller, format="nt"))
    assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(store))
    assert store.get_meta(bulk.PENDING_KEY) == "{}"


@pytest.mark.parametrize("dies_in", ["copy_graph_in_bulk", "drop_graphs"])
def test_a_process_that_dies_while_copying_is_completed_not_undone(
    tmp_path: Path, interlinkers: Path, dies_in: str
) -> None:
    """After the commit a replacement counts: a process killed half-way through the copy (or
    after it, before the staging graph is dropped) leaves a note from which recover() completes
    the copy."""
    url = f"oxigraph:{tmp_path / 'store'}"
    path = tmp_path / "data.nt"
    path.write_bytes(interlinkers.read_bytes())
    first = open_store(url)
    bulk_load(first, [path], BASE, validate=False)
    first.close()
    smaller = b"\n".join(interlinkers.read_bytes().splitlines()[:300]) + b"\n"
    path.write_bytes(smaller)
    dying = (
        "import os\n"
        "from pathlib import Path\n"
        "from interlink_kg.curation import bulk, bulk_rebuild\n"
        "from interlink_kg.store import open_store\n"
        "from interlink_kg.store.oxigraph import OxigraphStore\n"
        "bulk_rebuild.REBUILD_SHARE = 2.0\n"  # in place, through a staging graph
        "real_copy = OxigraphStore.copy_graph_in_bulk\n"
        "def half_copy(self, source, target):\n"  # half the triples in, then killed
        "    import itertools, pyoxigraph as ox\n"
        "    name = ox.NamedNode(target)\n"
        "    self._store.clear_graph(name)\n"
        "    found = self._store.quads_for_pattern(None, None, None, ox.NamedNode(source))\n"
        "    self._store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, name)\n"
        "        for q in itertools.islice(found, 150))\n"
        "    self._store.flush()\n"
        "    os._exit(9)\n"
        "def die(self, names):\n"
        "    os._exit(9)\n"
        f"if {dies_in!r} == 'copy_graph_in_bulk':\n"
        "    OxigraphStore.copy_graph_in_bulk = half_copy\n"
        "else:\n"
        "    OxigraphStore.drop_graphs = die\n"
        f"store = open_store({url!r})\n"
        f"bulk.bulk_load(store, [Path({str(path)!r})], {BASE!r}, validate=False)\n"
    )
    died = subprocess.run([sys.executable, "-c", dying], capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    expected = Graph().parse(data=smaller, format="nt")
    after_crash = open_store(url)
    try:
        note = json.loads(after_crash.get_meta(bulk.PENDING_KEY) or "{}")
        target = after_crash.graph(graph_name(path, BASE))
        if dies_in == "copy_graph_in_bulk":  # the target half written
            assert note["copied"] == []
            assert len(target) == 150
        else:  # copied, its staging graph not yet dropped
            assert note["copied"] == [note["copies"][0][0]]
            assert isomorphic(target, expected)
        recovered = recover(after_crash)
        assert recovered.dropped == ()  # nothing undone
        assert recovered.completed == (graph_name(path, BASE),)
        assert isomorphic(after_crash.graph(graph_name(path, BASE)), expected)
        assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(after_crash))
        assert after_crash.get_meta(bulk.PENDING_KEY) == "{}"
    finally:
        after_crash.close()


def test_a_process_that_dies_half_way_is_undone(tmp_path: Path, interlinkers: Path) -> None:
    """The bulk loader writes without a transaction: a process killed before the load is
    complete leaves triples behind, which the next load (or the server's start) removes."""
    url = f"oxigraph:{tmp_path / 'store'}"
    env = {**os.environ, "INTERLINK_KG_STORE": url, "INTERLINK_KG_BASE_IRI": BASE}
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    first = open_store(url)
    before = _snapshot(first)
    first.close()
    dying = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from interlink_kg.curation import bulk\n"
        "from interlink_kg.store import open_store\n"
        "def die(base_iri, subjects):\n"  # after the data is in, before the load is complete
        "    os._exit(9)\n"
        "bulk.change_markers = die\n"
        f"store = open_store({url!r})\n"
        f"bulk.bulk_load(store, [Path({str(interlinkers)!r})], {BASE!r}, validate=False)\n"
    )
    died = subprocess.run([sys.executable, "-c", dying], env=env, capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    after_crash = open_store(url)
    try:
        assert json.loads(after_crash.get_meta(bulk.PENDING_KEY) or "{}")["graphs"]
        assert _snapshot(after_crash) != before  # half a load is in the store
        assert recover(after_crash).dropped
        assert _snapshot(after_crash) == before
    finally:
        after_crash.close()
    # The next load undoes it too, before its own work.
    died = subprocess.run([sys.executable, "-c", dying], env=env, capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    small = tmp_path / "small.nt"
    small.write_text(f'<{BASE}things/a> <http://purl.org/dc/terms/title> "A" .\n')
    loaded = subprocess.run(
        [*CLI, "load", "--bulk", "--no-validate", str(small)], env=env, capture_output=True
    )
    assert loaded.returncode == 0, loaded.stderr
    again = open_store(url)
    try:
        assert graph_name(interlinkers, BASE) not in again.data_graphs()
        assert graph_name(small, BASE) in again.data_graphs()
    finally:
        again.close()


def test_the_command_line_shows_progress_and_the_rate(tmp_path: Path, interlinkers: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    env = {**os.environ, "INTERLINK_KG_STORE": url, "INTERLINK_KG_BASE_IRI": BASE}
    subprocess.run([*CLI, "load", "--no-validate"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*CLI, "load", "--bulk", str(interlinkers)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "triples/s" in result.stdout
    assert f"{RESOURCES} resource(s) validated" in result.stdout
    assert "loading" in result.stderr
    assert "validating" in result.stderr
    for args, message in (
        (["load", "--bulk"], "--bulk needs the files"),
        (["load", "--bulk", "--reset", str(interlinkers)], "--reset"),
        (["load", "--bulk", str(tmp_path / "missing.nt")], "no such file"),
    ):
        refused = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True)
        assert refused.returncode == 2, args
        assert message in refused.stderr
        assert "Traceback" not in refused.stderr


def test_a_bulk_load_into_a_sparql_server(remote_store_url: str, interlinkers: Path) -> None:
    remote = open_store(remote_store_url)
    try:
        load_bundled(remote, BASE, validate=False)
        summary = bulk_load(remote, [interlinkers], BASE, validate=False)
        assert isomorphic(remote.graph(graph_name(interlinkers, BASE)), Graph().parse(interlinkers))
        before = _snapshot(remote)
        lines = interlinkers.read_bytes().splitlines()
        broken = interlinkers.with_name("broken.nt")
        broken.write_bytes(b"\n".join([*lines[:5000], b"<a> <b>", *lines[5000:]]))
        with pytest.raises(ParseError):
            bulk_load(remote, [broken], BASE, validate=False)
        assert _snapshot(remote) == before
        assert summary.triples == len(lines)
    finally:
        remote.close()


def test_a_failing_commit_loads_nothing(
    tmp_path: Path, store: Store, interlinkers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.nt"
    path.write_bytes(interlinkers.read_bytes())
    bulk_load(store, [path], BASE, validate=False)  # the next load replaces: staged
    path.write_bytes(b"\n".join(interlinkers.read_bytes().splitlines()[:100]) + b"\n")
    before = _snapshot(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    # The commit update: a move where the store moves graphs, else the commit noting the copy.
    monkeypatch.setattr(store, "move_graphs", broken)
    monkeypatch.setattr(store, "replace_graphs", broken)
    with pytest.raises(OSError, match="disk full"):
        bulk_load(store, [path], BASE, validate=False)
    assert _snapshot(store) == before
    assert not any(g.startswith(bulk.STAGING_PREFIX) for g in _graphs(store))


def test_after_the_commit_nothing_is_undone(
    tmp_path: Path, store: Store, interlinkers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data and the commit go in one transaction; if forgetting the note fails after it,
    the load stays (recover() sees the commit and only clears the note)."""
    path = tmp_path / "data.nt"
    path.write_bytes(interlinkers.read_bytes())
    original = store.set_meta
    calls: list[str] = []

    def failing_once(key: str, value: str) -> None:
        if key == bulk.PENDING_KEY and value == "{}" and not calls:
            calls.append(value)
            raise OSError("cannot write the settings")
        original(key, value)

    monkeypatch.setattr(store, "set_meta", failing_once)
    with pytest.raises(OSError, match="cannot write the settings"):
        bulk_load(store, [path], BASE, validate=False)
    loaded = store.graph(graph_name(path, BASE))
    assert isomorphic(loaded, Graph().parse(interlinkers))
    assert recover(store) == bulk.Recovered()
    assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(interlinkers))
    assert store.get_meta(bulk.PENDING_KEY) == "{}"


def test_a_load_still_running_is_left_alone(tmp_path: Path, store: Store) -> None:
    """recover() never drops the graphs of a load whose process is alive: a second load and a
    server start leave it alone; `load --recover` forces it once that process is gone."""
    import socket

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        graph = f"{BASE}datasets/half"
        store.replace_graphs(
            {
                graph: bulk.GraphPayload(
                    b"<urn:a> <urn:b> <urn:c> .\n", bulk.NTRIPLES, BASE, "half a load"
                )
            }
        )
        note = {"token": "t", "owner": f"{socket.gethostname()}:{sleeper.pid}", "graphs": [graph]}
        store.set_meta(bulk.PENDING_KEY, json.dumps(note))
        with pytest.raises(BulkInProgressError, match="has not finished"):
            recover(store)
        small = tmp_path / "small.nt"
        small.write_text("<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
        with pytest.raises(BulkInProgressError):
            bulk_load(store, [small], BASE, validate=False)
        assert graph in store.data_graphs()
        assert recover(store, force=True).dropped == (graph,)
        assert graph not in store.data_graphs()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_failed_first_load_leaves_no_ontology_behind(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        broken = tmp_path / "broken.nt"
        broken.write_text("<urn:a> <urn:b> 'not n-triples\n", encoding="utf-8")
        with pytest.raises(ParseError):
            bulk_load(store, [broken], BASE, validate=False)
        assert store.data_graphs() == []
    finally:
        store.close()


def test_an_interlinker_without_identifier_is_still_validated(
    tmp_path: Path, store: Store, interlinkers: Path
) -> None:
    trello = f"<{BASE}interlinkers/trello>"
    lines = interlinkers.read_text(encoding="utf-8").splitlines()
    kept = [x for x in lines if not (x.startswith(trello) and "/identifier>" in x)]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "no-identifier.nt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(BulkInvalidError) as caught:
        bulk_load(store, [path], BASE)
    assert f"{BASE}interlinkers/trello" in {r.focus_node for r in caught.value.report.violations}


def test_what_is_not_a_regular_readable_file_is_refused_first(tmp_path: Path, store: Store) -> None:
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.nt"
    folder.mkdir()
    before = _snapshot(store)
    for path, message in ((fifo, "not a regular file"), (folder, "not a regular file")):
        with pytest.raises(BadRequestError, match=message):
            bulk_load(store, [path], BASE, validate=False)
    assert _snapshot(store) == before


@pytest.mark.parametrize("layout", ["", "?query=query&update=update"])
def test_a_failure_after_batches_reached_the_server_is_undone(
    remote_store_url: str, interlinkers: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Through Oxigraph's bulk loader (its own layout) and through SPARQL Update (the layout
    named in the URL, as for another server)."""
    from interlink_kg.store import remote as remote_backend

    monkeypatch.setattr(remote_backend, "INSERT_BATCH", 500)
    monkeypatch.setattr(remote_backend, "BULK_BATCH", 500)
    remote = open_store(remote_store_url + layout)
    assert isinstance(remote, remote_backend.RemoteStore)
    assert (remote.endpoints.bulk is None) == bool(layout)
    try:
        load_bundled(remote, BASE, validate=False)
        before = _snapshot(remote)
        stamp = generation(remote)
        lines = interlinkers.read_bytes().splitlines()
        broken = interlinkers.with_name("late-error.nt")
        broken.write_bytes(b"\n".join([*lines[:-10], b"<a> <b>", *lines[-10:]]))
        with pytest.raises(ParseError):
            bulk_load(remote, [broken], BASE, validate=False)
        assert _snapshot(remote) == before
        # Readers saw the batches while they streamed in: the undo is a change of its own, so
        # what they kept under the stamp before (conditional GET's tags, indexes) is not used.
        assert generation(remote) not in {"", stamp}
        # A blank node met again after its batch went out is refused, never split in two
        # (each request's blank nodes are its own, through the bulk loader too).
        spread = interlinkers.with_name("spread.nt")
        filler = [f"<urn:s{i}> <urn:p> <urn:o> .".encode() for i in range(600)]
        spread.write_bytes(
            b"\n".join([b"<urn:a> <urn:link> _:shared .", *filler, b'_:shared <urn:p> "x" .'])
        )
        with pytest.raises(BadRequestError, match="blank node"):
            bulk_load(remote, [spread], BASE, validate=False)
        assert _snapshot(remote) == before
    finally:
        remote.close()


def test_a_plain_load_of_large_or_compressed_files_goes_in_bulk(
    cli,
    interlinkers: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`load FILE` streams what a bulk load takes once every file is large (or gzip, which
    only a bulk load reads); smaller ones, N-Quads, a file named twice, `--reset` and
    `--no-bulk` keep the plain load."""
    assert cli("load", "--no-validate").code == 0
    size = interlinkers.stat().st_size
    monkeypatch.setattr(cli_module, "BULK_FROM_BYTES", size + 1)
    plain = cli("load", str(interlinkers))
    assert plain.code == 0, plain.err
    assert "catalogue record(s)" in plain.out
    assert "in bulk" not in plain.err
    monkeypatch.setattr(cli_module, "BULK_FROM_BYTES", size)
    large = cli("load", str(interlinkers))
    assert large.code == 0, large.err
    assert "loaded in bulk" in large.err
    assert f"{RESOURCES} resource(s) validated" in large.out
    assert "triples/s" in large.out
    small = tmp_path / "small.nt"
    small.write_bytes(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    quads = tmp_path / "large.nq"
    quads.write_bytes(interlinkers.read_bytes())
    for args in (
        ["--reset", "--no-validate", str(interlinkers)],
        ["--no-bulk", str(interlinkers)],
        [str(interlinkers), str(small)],  # not every file is large
        [str(interlinkers), str(interlinkers)],
        ["--no-validate", str(quads)],
    ):
        kept = cli("load", *args)
        assert kept.code == 0, (args, kept.err)
        assert "in bulk" not in kept.err, args
    packed = tmp_path / "one.ttl.gz"
    packed.write_bytes(gzip.compress(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"))
    compressed = cli("load", "--no-validate", str(packed))
    assert compressed.code == 0, compressed.err
    assert "loaded in bulk" in compressed.err
