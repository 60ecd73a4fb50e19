"""N-Quads snapshots of the published graphs, one per catalogue generation, for the workers."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation

PREFIX = "interlink-kg-sparql-"
OWNER = "owner.pid"  # the process whose snapshots a folder holds
OWNERLESS_AGE = 24 * 3600  # seconds after which a folder without an owner is abandoned


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove the snapshot folders in ``parent`` of servers that ended without cleaning up
    (killed, crashed): those whose owner is no longer running, and those without an owner
    (written before owners were recorded) untouched for a day. Returns what was removed."""
    removed = []
    for folder in parent.glob(PREFIX + "*"):
        try:
            owner = (folder / OWNER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            owner = ""
        except OSError:
            continue
        if owner.isdigit():
            abandoned = not _alive(int(owner))
        else:  # being created this moment, or an old folder
            try:
                abandoned = time.time() - folder.stat().st_mtime > OWNERLESS_AGE
            except OSError:
                continue
        if abandoned and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _new_directory() -> Path:
    """A folder for this process's snapshots, after removing those of dead servers (a snapshot
    of a large catalogue is gigabytes: a crash must not leave it for ever)."""
    parent = Path(tempfile.gettempdir())
    remove_abandoned(parent)
    directory = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    (directory / OWNER).write_text(str(os.getpid()), encoding="ascii")
    return directory


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
        self._written: list[tuple[str, Path]] = []
        self._count = 0

    def current(self) -> tuple[str, Path]:
        """The generation of the catalogue now, and its snapshot file."""
        with self._lock:
            stamp = latest_generation(self._store)  # public processes are published too
            if self._written and self._written[-1][0] == stamp:
                return self._written[-1]
            if self._directory is None:
                self._directory = _new_directory()
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
