"""A bulk load that replaces a large part of the embedded store rebuilds it beside itself and
takes its place (store/rebuild.py, curation/bulk_rebuild.py): the same store as a replacement
in place, nothing left behind by a failure, and a crash at any point undone before the swap
and completed after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support import BASE

from interlink_kg import resources
from interlink_kg.curation import bulk, bulk_rebuild
from interlink_kg.curation.bulk import bulk_load
from interlink_kg.curation.bulk_validation import BulkInvalidError
from interlink_kg.curation.loading import graph_name, load_files
from interlink_kg.errors import BadRequestError, ParseError, StoreError
from interlink_kg.rdf import bundle
from interlink_kg.store import Store, open_store, rebuild
from interlink_kg.store.oxigraph import OxigraphStore
from interlink_kg.store.registry import store_exists

# A blank node shared by two triples, and one per INTERLINKER: the copy keeps each one node.
FIRST = (
    f'<{BASE}things/a> <http://purl.org/dc/terms/title> "A" .\n'
    f"<{BASE}things/a> <http://purl.org/dc/terms/creator> _:who .\n"
    '_:who <http://xmlns.com/foaf/0.1/name> "Someone" .\n'
)


def _catalogue(files: int | None = None) -> bytes:
    """The bundled INTERLINKER files as one N-Triples document (the first ``files`` of them)."""
    paths = [p for p in bundle.catalogue_files() if p.parent.name == "interlinkers"]
    quads = []
    for path in paths[:files]:
        quads += list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b""


@pytest.fixture(scope="module")
def catalogue() -> bytes:
    return _catalogue()


def _filled(folder: Path, data: bytes) -> tuple[str, Path]:
    """An on-disk store with the bundled files (INTERLINKERs apart), a small graph of its own
    and ``data`` bulk-loaded as data.nt; its URL and that file."""
    url = f"oxigraph:{folder / 'store'}"
    store = open_store(url)
    others = [p for p in bundle.catalogue_files() if p.parent.name != "interlinkers"]
    load_files(store, [resources.ontology_file(), *others], BASE, validate=False)
    small = folder / "small.nt"
    small.write_text(FIRST, encoding="utf-8")
    path = folder / "data.nt"
    path.write_bytes(data)
    bulk_load(store, [small, path], BASE, validate=False)
    store.close()
    return url, path


@pytest.fixture
def rebuilt_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_rebuild, "REBUILD_SHARE", 0.0)


def _graphs(store: Store) -> dict[str, Graph]:
    """Every graph, a loaded file's by its file name (the stores compared are in two
    folders)."""
    names = [g.value for g in store._store.named_graphs()]  # type: ignore[attr-defined]
    return {_short(name): store.graph(name) for name in names}


def _short(name: str) -> str:
    return "file:" + name.rsplit("/", 1)[1] if name.startswith("file:") else name


def _same_store(left: Store, right: Store) -> None:
    """The same graphs, each isomorphic (blank nodes compared as such), the change markers
    aside (each load writes its own instant)."""
    _same_graphs(_graphs(left), _graphs(right))


def _same_graphs(ours: dict[str, Graph], theirs: dict[str, Graph]) -> None:
    """:func:`_same_store` for the graphs of two stores (or of one, at two moments)."""
    skip = {g for g in {*ours, *theirs} if "state/" in g or "bulk-commit" in g}
    assert set(ours) - skip == set(theirs) - skip
    for name in sorted(set(ours) - skip):
        assert isomorphic(ours[name], theirs[name]), name


def _leftovers(url: str) -> list[str]:
    folder = Path(url.removeprefix("oxigraph:"))
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name.startswith(folder.name + ".") and p.name != folder.name + ".lock"
    )


def test_a_replacement_rebuilds_the_store_and_gives_what_a_replacement_in_place_gives(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    smaller = _catalogue(30)
    stores = {}
    adopted: list[Store] = []
    real_adopt = OxigraphStore.adopt

    def adopt(self: OxigraphStore, fresh: Store) -> None:
        adopted.append(fresh)
        real_adopt(self, fresh)

    for way, share in (("rebuilt", 0.0), ("in place", 2.0)):
        monkeypatch.setattr(bulk_rebuild, "REBUILD_SHARE", share)
        monkeypatch.setattr(OxigraphStore, "adopt", adopt)
        url, path = _filled(tmp_path / way.replace(" ", "-"), catalogue)
        store = open_store(url)
        path.write_bytes(smaller)
        adopted.clear()
        summary = bulk_load(store, [path], BASE)
        assert summary.validated > 0
        assert len(adopted) == (1 if way == "rebuilt" else 0)
        assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(data=smaller))
        monkeypatch.undo()
        stores[way] = (store, url)
    try:
        _same_store(stores["rebuilt"][0], stores["in place"][0])
        rebuilt, url = stores["rebuilt"]
        assert _leftovers(url) == ["store.meta.json"]
        assert not rebuilt.get_meta(rebuild.NOTE_KEY)
        assert rebuilt.get_meta(bulk.PENDING_KEY) == "{}"
        # what it holds after the swap is on disk: opened again, the same
        rebuilt.close()
        again = open_store(url)
        try:
            _same_store(again, stores["in place"][0])
        finally:
            again.close()
    finally:
        stores["in place"][0].close()


@pytest.mark.usefixtures("rebuilt_always")
def test_a_failed_rebuild_leaves_the_store_as_it_was(tmp_path: Path, catalogue: bytes) -> None:
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    try:
        before = _graphs(store)
        lines = catalogue.splitlines()
        path.write_bytes(b"\n".join([*lines[:900], b"<a> <b> 'not n-triples", *lines[900:]]))
        with pytest.raises(ParseError):
            bulk_load(store, [path], BASE)
        trello = f"<{BASE}interlinkers/trello>".encode()
        untitled = [line for line in lines if not (line.startswith(trello) and b"/title>" in line)]
        path.write_bytes(b"\n".join(untitled) + b"\n")
        with pytest.raises(BulkInvalidError):
            bulk_load(store, [path], BASE)
        after = _graphs(store)
        assert set(after) == set(before)
        for name, graph in before.items():
            assert isomorphic(after[name], graph), name
        assert _leftovers(url) == ["store.meta.json"]
        assert not store.get_meta(rebuild.NOTE_KEY)
    finally:
        store.close()


@pytest.mark.usefixtures("rebuilt_always")
def test_a_failed_copy_holds_no_handle_that_refuses_the_next_rebuild(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error of a copy that failed, still held (as a traceback kept to be shown is), keeps
    no handle on the thrown-away store: the same process rebuilds the store again (the engine
    refuses a second handle on a folder this process already holds)."""
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    try:
        before = _graphs(store)
        serialize = ox.serialize

        def failing(*args: object, **kwargs: object) -> None:
            raise OSError("no space left on the device")

        monkeypatch.setattr(rebuild.ox, "serialize", failing)
        with pytest.raises(OSError, match="no space left") as failed:
            bulk_load(store, [path], BASE, validate=False)
        monkeypatch.setattr(rebuild.ox, "serialize", serialize)
        assert failed.value.__traceback__ is not None  # still held
        bulk_load(store, [path], BASE, validate=False)  # the same file again: the same store
        _same_graphs(_graphs(store), before)
        assert _leftovers(url) == ["store.meta.json"]
    finally:
        store.close()


@pytest.mark.usefixtures("rebuilt_always")
def test_rebuilds_are_for_large_replacements_of_a_store_on_disk(
    tmp_path: Path, catalogue: bytes
) -> None:
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    try:
        replaced = {graph_name(path, BASE)}
        assert bulk_rebuild.rebuilding(store, replaced) is store  # most of the store
        bulk_rebuild.REBUILD_SHARE = 0.1  # the rule itself (monkeypatched: restored after)
        assert bulk_rebuild.rebuilding(store, replaced) is store
        assert bulk_rebuild.rebuilding(store, {graph_name(tmp_path / "small.nt", BASE)}) is None
        assert bulk_rebuild.rebuilding(store, set()) is None
    finally:
        store.close()
    memory = open_store("memory:")
    memory.replace_graphs({})
    assert bulk_rebuild.rebuilding(memory, replaced) is None  # no folder to swap
    mirrored = open_store(f"oxigraph-mirror:{tmp_path / 'store'}")
    try:
        assert bulk_rebuild.rebuilding(mirrored, replaced) is None  # the server's store
    finally:
        mirrored.close()


def _die_during(url: str, path: Path, where: str) -> None:
    """Run a rebuilding load in another process that is killed at ``where``."""
    killers = {
        # the new store complete, the swap not yet begun
        "building": "bulk.change_markers = lambda *a, **k: os._exit(9)\n",
        # the note says the rebuild counts; no folder renamed yet
        "noted": "rebuild.swap = lambda path: os._exit(9)\n",
        # the old store set aside, the new one not yet in its place
        "renaming": (
            "def half(path):\n"
            "    path.rename(rebuild.retired_folder(path))\n"
            "    os._exit(9)\n"
            "rebuild.swap = half\n"
        ),
        # both renamed, the old folder not yet removed
        "removing": (
            "real = rebuild.remove_retired\n"
            "def dying(path):\n"
            "    if rebuild.retired_folder(path).exists():\n"
            "        os._exit(9)\n"
            "    real(path)\n"
            "rebuild.remove_retired = dying\n"
        ),
    }
    dying = (
        "import os\n"
        "from pathlib import Path\n"
        "from interlink_kg.curation import bulk, bulk_rebuild\n"
        "from interlink_kg.store import open_store, rebuild\n"
        "bulk_rebuild.REBUILD_SHARE = 0.0\n" + killers[where] + f"store = open_store({url!r})\n"
        f"bulk.bulk_load(store, [Path({str(path)!r})], {BASE!r}, validate=False)\n"
    )
    died = subprocess.run(
        [sys.executable, "-c", dying], capture_output=True, text=True, env=dict(os.environ)
    )
    assert died.returncode == 9, died.stderr


@pytest.mark.parametrize("where", ["building", "noted", "renaming", "removing"])
def test_a_process_killed_during_a_rebuild_is_undone_before_the_swap_and_completed_after(
    tmp_path: Path, catalogue: bytes, where: str
) -> None:
    url, path = _filled(tmp_path, catalogue)
    before = open_store(url)
    old = {name: graph for name, graph in _graphs(before).items() if "state/" not in name}
    before.close()
    smaller = _catalogue(20)
    path.write_bytes(smaller)
    _die_during(url, path, where)
    assert _leftovers(url) != ["store.meta.json"]  # something was left to settle
    assert store_exists(url)  # even with the folder renamed away: read commands settle it
    after = open_store(url)  # the next to open the store settles it
    try:
        target = after.graph(graph_name(path, BASE))
        if where == "building":
            assert isomorphic(target, old[_short(graph_name(path, BASE))])
        else:
            assert isomorphic(target, Graph().parse(data=smaller))
        small = graph_name(tmp_path / "small.nt", BASE)
        assert isomorphic(after.graph(small), old[_short(small)])  # a graph kept, as it was
        assert _leftovers(url) == ["store.meta.json"]
        assert not after.get_meta(rebuild.NOTE_KEY)
    finally:
        after.close()


def test_a_rebuild_still_running_is_not_settled_by_another_process(
    tmp_path: Path, catalogue: bytes
) -> None:
    """Its folder locked by the loading process: another opening is refused (as for any load
    holding the store) and leaves the new folder alone."""
    url, _ = _filled(tmp_path, catalogue)
    store = open_store(url)
    try:
        assert isinstance(store, OxigraphStore)
        fresh = store.rebuilt_beside()
        try:
            opened = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"from interlink_kg.store import open_store; open_store({url!r})",
                ],
                capture_output=True,
                text=True,
            )
            assert opened.returncode != 0
            assert "in use" in opened.stderr
            assert "store.rebuild" in _leftovers(url)
        finally:
            store.discard(fresh)
        assert _leftovers(url) == ["store.meta.json"]
    finally:
        store.close()


@pytest.mark.usefixtures("rebuilt_always")
@pytest.mark.parametrize("second", ["kept", "an empty file's"])
def test_a_blank_node_two_kept_graphs_share_stays_one(
    tmp_path: Path, catalogue: bytes, second: str
) -> None:
    """Kept: a graph the load does not name; or one it names with a file of no triples."""
    url, path = _filled(tmp_path, catalogue)
    small = tmp_path / "small.nt"
    store = open_store(url)
    try:
        shared = ox.BlankNode()
        one = ox.NamedNode((tmp_path / "one.nt").as_uri())
        two = ox.NamedNode(
            (tmp_path / "two.nt").as_uri() if second == "kept" else graph_name(small, BASE)
        )
        store.insert_quads(
            [
                ox.Quad(ox.NamedNode(f"{BASE}things/b"), ox.NamedNode(f"{BASE}p"), shared, one),
                ox.Quad(shared, ox.NamedNode(f"{BASE}q"), ox.Literal("x"), two),
            ]
        )
        joined = (
            f"ASK {{ GRAPH <{one.value}> {{ ?a ?p ?b }} GRAPH <{two.value}> {{ ?b ?q ?c }} "
            "FILTER(isBlank(?b)) }"
        )
        assert store.ask(joined, [one.value, two.value])
        path.write_bytes(_catalogue(10))
        small.write_bytes(b"" if second != "kept" else small.read_bytes())
        bulk_load(store, [path, small], BASE, validate=False)
        assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(data=_catalogue(10)))
        assert store.ask(joined, [one.value, two.value])
    finally:
        store.close()


def test_a_file_with_no_triples_replaces_nothing_either_way(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in place, a replacement file without triples leaves its graph as it was (a rebuild
    copies it back), while the other files of the load replace theirs."""
    rebuilt: list[object] = []
    real = OxigraphStore.rebuilt_beside

    def spied(self: OxigraphStore) -> OxigraphStore:
        rebuilt.append(self)
        return real(self)

    monkeypatch.setattr(OxigraphStore, "rebuilt_beside", spied)
    for way, share in (("rebuilt", 0.0), ("in place", 2.0)):
        monkeypatch.setattr(bulk_rebuild, "REBUILD_SHARE", share)
        url, path = _filled(tmp_path / way.replace(" ", "-"), catalogue)
        store = open_store(url)
        rebuilt.clear()
        try:
            data = graph_name(path, BASE)
            before = store.graph(data)
            assert len(before) > 1000
            small = tmp_path / way.replace(" ", "-") / "small.nt"
            small.write_text(f'<{BASE}things/a> <http://purl.org/dc/terms/title> "B" .\n')
            path.write_bytes(b"")
            summary = bulk_load(store, [path, small], BASE, validate=False)
            assert summary.graphs == (graph_name(small, BASE),), way
            assert len(rebuilt) == (way == "rebuilt"), way
            assert isomorphic(store.graph(data), before), way
            assert len(store.graph(graph_name(small, BASE))) == 1, way
            assert _leftovers(url) == ["store.meta.json"], way
        finally:
            store.close()


@pytest.mark.usefixtures("rebuilt_always")
def test_a_graph_a_bulk_load_may_not_write_is_refused_before_anything_is_copied(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = _filled(tmp_path, catalogue)
    store = open_store(url)
    copied: list[object] = []
    monkeypatch.setattr(rebuild, "copy_graphs", lambda *a, **k: copied.append(a))
    try:
        bundled = next(p for p in bundle.catalogue_files() if p.parent.name != "interlinkers")
        assert graph_name(bundled, BASE) in store.data_graphs()  # held: a replacement
        assert bulk_rebuild.rebuilding(store, {graph_name(bundled, BASE)}) is store
        with pytest.raises(BadRequestError, match="plain `load`"):
            bulk_load(store, [bundled], BASE, validate=False)
        assert copied == []
        assert _leftovers(url) == ["store.meta.json"]
    finally:
        store.close()


def _opens_elsewhere(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"from interlink_kg.store import open_store; open_store({url!r})"],
        capture_output=True,
        text=True,
    )


@pytest.mark.usefixtures("rebuilt_always")
def test_no_other_process_opens_the_store_while_the_folders_are_swapped(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's own lock is dropped for the renames; the store's lock is not."""
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    attempts: list[subprocess.CompletedProcess[str]] = []
    real_swap = rebuild.swap

    def swap(folder: Path) -> None:
        attempts.append(_opens_elsewhere(url))  # the engine's handle is closed here
        real_swap(folder)
        attempts.append(_opens_elsewhere(url))  # swapped, the note not yet cleared

    monkeypatch.setattr(rebuild, "swap", swap)
    try:
        path.write_bytes(_catalogue(10))
        bulk_load(store, [path], BASE, validate=False)
        assert len(attempts) == 2
        for attempt in attempts:
            assert attempt.returncode != 0
            assert "in use by another process" in attempt.stderr
        assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(data=_catalogue(10)))
    finally:
        store.close()
    assert _opens_elsewhere(url).returncode == 0  # closed: the lock is gone with it


@pytest.mark.usefixtures("rebuilt_always")
def test_a_swap_that_fails_half_way_is_completed_by_the_next_opening(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    real_swap = rebuild.swap

    def half(folder: Path) -> None:
        folder.rename(rebuild.retired_folder(folder))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rebuild, "swap", half)
    smaller = _catalogue(10)
    path.write_bytes(smaller)
    with pytest.raises(StoreError, match="counts"):
        bulk_load(store, [path], BASE, validate=False)
    store.close()  # nothing to flush: no error hides the first one
    store.close()
    monkeypatch.setattr(rebuild, "swap", real_swap)
    again = open_store(url)
    try:
        assert isomorphic(again.graph(graph_name(path, BASE)), Graph().parse(data=smaller))
        assert _leftovers(url) == ["store.meta.json"]
    finally:
        again.close()


@pytest.mark.usefixtures("rebuilt_always")
def test_a_store_reached_through_a_link_is_replaced_in_place(
    tmp_path: Path, catalogue: bytes
) -> None:
    """Renaming a link would move the link, not the store: no rebuild there."""
    url, path = _filled(tmp_path / "real", catalogue)
    link = tmp_path / "store"
    link.symlink_to(Path(url.removeprefix("oxigraph:")), target_is_directory=True)
    store = open_store(f"oxigraph:{link}")
    try:
        assert bulk_rebuild.rebuilding(store, {graph_name(path, BASE)}) is None
        smaller = _catalogue(10)
        path.write_bytes(smaller)
        bulk_load(store, [path], BASE, validate=False)
        assert isomorphic(store.graph(graph_name(path, BASE)), Graph().parse(data=smaller))
        assert link.is_symlink()
    finally:
        store.close()


@pytest.mark.usefixtures("rebuilt_always")
def test_a_rebuild_whose_completion_cannot_be_noted_does_not_count(
    tmp_path: Path, catalogue: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note that the new store counts is not written (a full disk): the load says so, the
    object writes nothing more, and the next opening keeps the old store."""
    url, path = _filled(tmp_path, catalogue)
    store = open_store(url)
    old = store.graph(graph_name(path, BASE))
    real = store.set_meta

    def full(key: str, value: str) -> None:
        if value == rebuild.SWAPPING:
            raise OSError(28, "No space left on device")
        real(key, value)

    monkeypatch.setattr(store, "set_meta", full)
    path.write_bytes(_catalogue(10))
    with pytest.raises(StoreError, match="settled when the store is next opened"):
        bulk_load(store, [path], BASE, validate=False)
    assert "_store" not in store.__dict__
    store.close()
    again = open_store(url)
    try:
        assert isomorphic(again.graph(graph_name(path, BASE)), old)
        assert _leftovers(url) == ["store.meta.json"]
    finally:
        again.close()
