"""The files a bulk load reads: their format by name, checks made before the store is touched,
and the readers that count bytes for progress and name the file in a read error."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from interlink_kg.errors import BadRequestError, ParseError

_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
}


def format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of a bulk file and whether it is gzip-compressed (by its suffixes)."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes = suffixes[:-1]
    fmt = _FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise BadRequestError(
            f"{path}: a bulk load takes N-Triples (.nt), N-Quads (.nq) or Turtle (.ttl), "
            "optionally gzip-compressed (.gz)",
            details={"file": str(path)},
        )
    return fmt, compressed


class CountedBytes:
    """The bytes read from the disk, counted (for progress)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self.count += len(chunk)
        return chunk

    def readable(self) -> bool:
        return True


class NamedReader:
    """The bytes of a file for the parser, read errors (gzip's included) turned into a
    ParseError naming the file, so that a store error is never taken for a file error."""

    def __init__(self, path: Path, source: object) -> None:
        self._path = path
        self._source = source

    def read(self, size: int = -1) -> bytes:
        try:
            chunk: bytes = self._source.read(size)  # type: ignore[attr-defined]
        except (OSError, EOFError) as exc:
            raise ParseError(f"{self._path} cannot be read: {exc}") from exc
        return chunk

    def readable(self) -> bool:
        return True


def check_file(path: Path) -> None:
    """A clear BadRequestError for what cannot be bulk loaded: an unknown format, a missing
    file, a folder, a FIFO that would block, no permission. Checked before the store is
    touched."""
    format_of(path)
    try:
        status = path.stat()
    except FileNotFoundError as exc:
        raise BadRequestError(f"no such file: {path}") from exc
    except OSError as exc:
        raise BadRequestError(f"cannot read {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(status.st_mode):
        raise BadRequestError(f"{path} is not a regular file")
    if not os.access(path, os.R_OK):
        raise BadRequestError(f"cannot read {path}: permission denied")


def open_file(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise BadRequestError(f"cannot read {path}: {exc.strerror}") from exc
