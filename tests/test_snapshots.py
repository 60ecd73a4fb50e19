"""The public endpoint's snapshot folders: a server killed or crashed leaves one behind (at 1M
INTERLINKERs, gigabytes); the next server to write a snapshot removes it, and nothing a running
server holds."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from interlink_kg.sparql.snapshot import OWNER, OWNERLESS_AGE, PREFIX, Snapshots
from interlink_kg.store import Store


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder(parent: Path, name: str, owner: str | None, age: float = 0) -> Path:
    folder = parent / f"{PREFIX}{name}"
    folder.mkdir()
    (folder / "snapshot-1.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="ascii")
    if owner is not None:
        (folder / OWNER).write_text(owner, encoding="ascii")
    if age:
        then = time.time() - age
        os.utime(folder, (then, then))
    return folder


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_new_snapshot_folder_removes_those_of_dead_servers_only(
    temporary: Path, catalogue_store: Store
) -> None:
    dead = _folder(temporary, "dead", str(_dead_pid()))
    living = _folder(temporary, "living", str(os.getpid()))
    old = _folder(temporary, "old", None, age=OWNERLESS_AGE + 60)
    being_made = _folder(temporary, "new", None)
    unrelated = temporary / "someone-else"
    unrelated.mkdir()

    snapshots = Snapshots(catalogue_store)
    try:
        _, path = snapshots.current()
        ours = path.parent
        assert ours.parent == temporary
        assert (ours / OWNER).read_text(encoding="ascii") == str(os.getpid())
        assert path.stat().st_size > 0
        assert not dead.exists()
        assert not old.exists()
        assert living.exists()
        assert being_made.exists()
        assert unrelated.exists()
    finally:
        snapshots.close()
    assert not ours.exists()


def test_a_snapshot_folder_of_a_killed_server_goes_at_the_next_start(
    temporary: Path, catalogue_store: Store
) -> None:
    code = (
        "import os, tempfile\n"
        f"tempfile.tempdir = {str(temporary)!r}\n"
        "from interlink_kg.sparql import snapshot\n"
        "print(snapshot._new_directory(), flush=True)\n"
        "os._exit(9)\n"  # no clean-up, as after SIGKILL
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    left = Path(done.stdout.strip())
    assert left.is_dir()
    assert left.parent == temporary

    snapshots = Snapshots(catalogue_store)
    try:
        snapshots.current()
        assert not left.exists()
    finally:
        snapshots.close()
