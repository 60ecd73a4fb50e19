"""N-Quads snapshots of the published graphs, one per catalogue generation, for the workers."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation

PREFIX = "interlink-kg-sparql-"
MAKING = ".making-interlink-kg-sparql-"  # a folder being set up (the sweep does not match it)
LOCK = "owner.lock"  # locked by the process whose snapshots the folder holds, while it lives
OWNERLESS_AGE = 24 * 3600  # seconds after which a folder without a lock file is abandoned


def _owned(folder: Path) -> bool | None:
    """Whether a live process holds the folder's lock (None: the folder has no lock file).
    The kernel drops a lock when its process ends, however it ends, so neither a reused pid
    nor another pid namespace (a container) can pass for the owner."""
    try:
        descriptor = os.open(folder / LOCK, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # releases the lock this test may have taken
    return False


def remove_abandoned(parent: Path) -> None:
    """Remove the snapshot folders in ``parent`` of servers that ended without cleaning up
    (killed, crashed): those whose lock no process holds, and, untouched for a day and
    unlocked, those without a lock file (written before locks were used) and those left half
    set up."""
    folders = [(f, False) for f in parent.glob(PREFIX + "*")]
    folders += [(f, True) for f in parent.glob(MAKING + "*")]  # left half set up by a crash
    for folder, half_made in folders:
        try:
            owned = _owned(folder)
            recent = time.time() - folder.stat().st_mtime <= OWNERLESS_AGE
            if owned is None or half_made:
                owned = owned or recent  # a half-made folder may not be locked yet
        except OSError:
            continue  # not a folder of ours, or gone meanwhile
        if not owned and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _new_directory() -> tuple[Path, int]:
    """A folder for this process's snapshots and the descriptor holding its lock, after
    removing those of dead servers (a snapshot of a large catalogue is gigabytes: a crash
    must not leave it for ever). The folder is set up under a name the sweep ignores, locked,
    then renamed into place, so no sweep ever sees it unlocked."""
    parent = Path(tempfile.gettempdir())
    remove_abandoned(parent)
    making = Path(tempfile.mkdtemp(prefix=MAKING, dir=parent))
    descriptor = os.open(making / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        directory = parent / (PREFIX + making.name.removeprefix(MAKING))
        making.rename(directory)
    except BaseException:
        os.close(descriptor)
        shutil.rmtree(making, ignore_errors=True)
        raise
    return directory, descriptor


class Snapshots:
    """Writes the store's data graphs to a file when first needed for each generation of the
    catalogue (:mod:`interlink_kg.store.generation`), whoever changed it.

    The three newest files are kept, so a worker told to load one a moment before a change (or
    two: an approval stamps its data, then its refreshed statistics) still finds it.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._directory: Path | None = None
        self._lock_descriptor: int | None = None
        self._written: list[tuple[str, Path]] = []
        self._count = 0

    def current(self) -> tuple[str, Path]:
        """The generation of the catalogue now, and its snapshot file."""
        with self._lock:
            stamp = latest_generation(self._store)  # public processes are published too
            if self._written and self._written[-1][0] == stamp and self._written[-1][1].exists():
                return self._written[-1]
            if self._directory is None or not self._directory.is_dir():
                self._release()  # gone (removed by hand or a cleaner): start a new one
                self._directory, self._lock_descriptor = _new_directory()
                self._written.clear()
            self._count += 1
            path = self._directory / f"snapshot-{self._count}.nq"
            temporary = path.with_suffix(".tmp")
            self._store.write_quads(temporary)  # streamed: 13 million quads at 1M
            temporary.replace(path)
            self._written.append((stamp, path))
            while len(self._written) > 3:
                _, old = self._written.pop(0)
                old.unlink(missing_ok=True)
            return self._written[-1]

    def close(self) -> None:
        with self._lock:
            if self._directory is not None:
                shutil.rmtree(self._directory, ignore_errors=True)
                self._directory = None
                self._written.clear()
            self._release()

    def _release(self) -> None:
        if self._lock_descriptor is not None:
            os.close(self._lock_descriptor)
            self._lock_descriptor = None
