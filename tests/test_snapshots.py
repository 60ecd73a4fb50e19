"""The public endpoint's snapshot folders: a server killed or crashed leaves one behind (at 1M
INTERLINKERs, gigabytes); the next server to write a snapshot removes it, and nothing a running
server holds. A folder is owned while its server holds the lock of its lock file: the kernel
drops the lock with the process, so a reused pid or another pid namespace cannot pass for it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interlink_kg.sparql.snapshot import LOCK, MAKING, OWNERLESS_AGE, PREFIX, Snapshots
from interlink_kg.store import Store

HOLD = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def _folder(parent: Path, name: str, *, lock: bool, age: float = 0, prefix: str = PREFIX) -> Path:
    folder = parent / f"{prefix}{name}"
    folder.mkdir()
    (folder / "snapshot-1.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="ascii")
    if lock:
        (folder / LOCK).write_text("12345\n", encoding="ascii")  # what it says does not count
    if age:
        then = time.time() - age
        os.utime(folder, (then, then))
    return folder


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def held(temporary: Path) -> Iterator[Path]:
    """A folder whose lock another live process holds (another server)."""
    folder = _folder(temporary, "held", lock=True, age=OWNERLESS_AGE + 60)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder / LOCK)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    yield folder
    holder.communicate("")


def test_a_new_snapshot_folder_removes_those_of_dead_servers_only(
    temporary: Path, held: Path, catalogue_store: Store
) -> None:
    dead = _folder(temporary, "dead", lock=True)  # its lock file is there, nobody holds it
    old = _folder(temporary, "old", lock=False, age=OWNERLESS_AGE + 60)
    recent = _folder(temporary, "recent", lock=False)  # an older server's, or being made
    half_made = _folder(temporary, "half", lock=True, age=OWNERLESS_AGE + 60, prefix=MAKING)
    being_made = _folder(temporary, "making", lock=True, prefix=MAKING)
    unrelated = temporary / "someone-else"
    unrelated.mkdir()

    snapshots = Snapshots(catalogue_store)
    try:
        _, path = snapshots.current()
        ours = path.parent
        assert ours.parent == temporary
        assert ours.name.startswith(PREFIX)
        assert path.stat().st_size > 0
        assert not dead.exists()
        assert not old.exists()
        assert not half_made.exists()
        for kept in (held, recent, being_made, unrelated, ours):
            assert kept.exists(), kept

        other = Snapshots(catalogue_store)  # a second server in this process keeps ours
        try:
            assert other.current()[1].parent != ours
            assert ours.exists()
        finally:
            other.close()
    finally:
        snapshots.close()
    assert not ours.exists()
    assert held.exists()


def test_a_snapshot_folder_of_a_killed_server_goes_at_the_next_start(
    temporary: Path, catalogue_store: Store
) -> None:
    code = (
        "import os, tempfile\n"
        f"tempfile.tempdir = {str(temporary)!r}\n"
        "from interlink_kg.sparql import snapshot\n"
        "print(snapshot._new_directory()[0], flush=True)\n"
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


def test_a_snapshot_folder_removed_under_a_running_server_is_made_again(
    temporary: Path, catalogue_store: Store
) -> None:
    snapshots = Snapshots(catalogue_store)
    try:
        _, first = snapshots.current()
        shutil.rmtree(first.parent)  # a temp cleaner, or a hand
        _, again = snapshots.current()  # the same generation of the catalogue
        assert again.exists()
        assert again.parent != first.parent
    finally:
        snapshots.close()
    assert not again.parent.exists()
