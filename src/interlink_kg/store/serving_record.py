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
import re
import secrets
import stat
import tempfile
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
    """The folder of an on-disk store URL, resolved (the server and a command may spell one
    folder differently); None for the other backends."""
    scheme, _, rest = store_url.partition(":")
    return Path(rest).expanduser().resolve() if scheme in ON_DISK and rest.strip() else None


def record_path(folder: Path) -> Path:
    return folder.with_name(folder.name + SUFFIX)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def write_record(folder: Path, record: ServingRecord) -> Path:
    """Write the note atomically, readable by its owner only: a new file of a random name
    (``mkstemp``: created exclusively, mode 0600, never through a planted file or link) renamed
    over the note."""
    path = record_path(folder)
    descriptor, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(record.to_dict(), out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_record(folder: Path, record: ServingRecord) -> None:
    """Remove the note if it is still this server's (another server may have replaced it)."""
    if read_record(folder, check_alive=False) == record:
        record_path(folder).unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with this id exists (another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


# Where a note may send the command line: this machine's loopback, the local store access.
_LOCAL_URL = re.compile(
    r"http://(127\.0\.0\.1|\[::1\]):[1-9][0-9]{0,4}/_local/store/(catalogue|workspace)/"
)


def _trusted_text(path: Path) -> str | None:
    """The note's text if it is a regular file (not a link) of this user that no one else can
    read or write; None otherwise (a note planted by someone else is not followed)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "r", encoding="utf-8") as note:
        status = os.fstat(note.fileno())
        if (
            not stat.S_ISREG(status.st_mode)
            or status.st_uid != os.geteuid()
            or status.st_mode & 0o077
        ):
            return None
        try:
            return note.read(4096)
        except (OSError, UnicodeDecodeError):
            return None


def read_record(folder: Path, *, check_alive: bool = True) -> ServingRecord | None:
    """The server's note beside ``folder``; None when there is none, it cannot be read or
    trusted (see :func:`_trusted_text`), it points anywhere but this machine's local store
    access, or (``check_alive``) its process is gone."""
    text = _trusted_text(record_path(folder))
    if text is None:
        return None
    try:
        loaded = json.loads(text)
        record = ServingRecord(int(loaded["pid"]), str(loaded["url"]), str(loaded["key"]))
    except (ValueError, KeyError, TypeError):
        return None
    if not _LOCAL_URL.fullmatch(record.url) or not record.key:
        return None
    if check_alive and (record.pid <= 0 or not process_alive(record.pid)):
        return None
    return record
