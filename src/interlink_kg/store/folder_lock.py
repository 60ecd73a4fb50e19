"""The lock an embedded store's process holds on it for as long as it has the store open.

The engine locks its folder too (RocksDB's ``LOCK`` file), but only while its handle is open,
and a rebuild (:mod:`interlink_kg.store.rebuild`) closes that handle to rename the folders:
another process opening the store at that moment would read a half-swapped store and act on
the rebuild's note itself. This lock is a file beside the folder (``STORE.lock``), taken
before the store's settings are read and the engine opened, held across any swap, and
released when the store is closed or its process ends, however it ends (the kernel drops it).
The file itself stays: removing a lock file while another process waits on it would let two
hold it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from interlink_kg.errors import StoreError, StoreInUseError

# Never through a link planted in its place (it could make the store's process create or lock
# a file elsewhere), never inherited by a child process.
_OPEN = os.O_NOFOLLOW | os.O_CLOEXEC


def in_use(folder: Path | None, url: str) -> StoreInUseError:
    """The error of a store another process holds (its lock, or the engine's)."""
    return StoreInUseError(
        f"cannot open store: the store at {folder} is in use by another process "
        "(is `interlink-kg serve` running?)",
        details={"store": url},
    )


def lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + ".lock")


class FolderLock:
    """An exclusive lock on an on-disk store, taken at once or refused."""

    def __init__(self, folder: Path, url: str) -> None:
        self._descriptor: int | None = None
        path = lock_path(folder)
        try:
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _OPEN, 0o644)
            except OSError as refused:
                if refused.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                if not path.exists():
                    # A folder this process cannot write beside: no lock file to take, and no
                    # rebuild either (rebuild.renamable), so the engine's own lock is enough.
                    return
                descriptor = os.open(path, os.O_RDONLY | _OPEN)  # another user's: locks too
        except OSError as exc:
            planted = " (a link, never followed: remove it)" if path.is_symlink() else ""
            raise StoreError(
                f"cannot open store: cannot open its lock file {path}{planted}: {exc.strerror}",
                details={"store": url},
            ) from exc
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(descriptor)
            raise in_use(folder, url) from exc
        except OSError:
            os.close(descriptor)
            raise
        self._descriptor = descriptor

    def release(self) -> None:
        """Let another process open the store (closing the file drops the lock)."""
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            os.close(descriptor)

    def __del__(self) -> None:
        self.release()
