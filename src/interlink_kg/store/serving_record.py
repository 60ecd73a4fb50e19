"""The note a server leaves beside an on-disk store it holds, so that the command line can read
that store through the server while it runs.

One process at a time can open an on-disk Oxigraph store (RocksDB locks it); pyoxigraph's
read-only opening is undefined behaviour while another process writes. So ``interlink-kg serve``
writes ``PATH.serving.json`` (mode 0600: only the store's owner can read it) with its process
id, a loopback URL and a random key; a command that finds the store locked reads through that
URL with that key (:mod:`interlink_kg.store.held`). The server removes the note when it stops;
a note whose process is gone is ignored.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# Backends whose URL names a folder on this machine (the part after the colon).
ON_DISK = frozenset({"oxigraph", "oxigraph-mirror"})
SUFFIX = ".serving.json"


@dataclass(frozen=True)
class ServingRecord:
    pid: int
    url: str  # the server's local store access, e.g. http://127.0.0.1:8080/_local/store/catalogue/
    key: str

    def to_dict(self) -> dict[str, object]:
        return {"pid": self.pid, "url": self.url, "key": self.key}


def folder_of(store_url: str) -> Path | None:
    """The folder of an on-disk store URL; None for the other backends."""
    scheme, _, rest = store_url.partition(":")
    return Path(rest).expanduser() if scheme in ON_DISK and rest.strip() else None


def record_path(folder: Path) -> Path:
    return folder.with_name(folder.name + SUFFIX)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def write_record(folder: Path, record: ServingRecord) -> Path:
    """Write the note atomically, readable by its owner only."""
    path = record_path(folder)
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(record.to_dict(), out)
    temporary.replace(path)
    return path


def remove_record(folder: Path, record: ServingRecord) -> None:
    """Remove the note if it is still this server's (another server may have replaced it)."""
    if read_record(folder, check_alive=False) == record:
        record_path(folder).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def read_record(folder: Path, *, check_alive: bool = True) -> ServingRecord | None:
    """The server's note beside ``folder``; None when there is none, it cannot be read, or
    (``check_alive``) its process is gone."""
    try:
        loaded = json.loads(record_path(folder).read_text(encoding="utf-8"))
        record = ServingRecord(int(loaded["pid"]), str(loaded["url"]), str(loaded["key"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and (record.pid <= 0 or not _alive(record.pid)):
        return None
    return record
