"""An on-disk embedded store whose reads are served from a copy of it in memory (the server's
store: ``oxigraph-mirror:FOLDER``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from interlink_kg.errors import StoreError
from interlink_kg.store.oxigraph import OxigraphStore

MIRROR_CHUNK = 100_000  # quads a mirrored bulk insert holds at a time


class MirroredOxigraphStore(OxigraphStore):
    """An on-disk store whose reads are served from an in-memory copy of it.

    Oxigraph answers the ranking queries about 3x faster from memory than from RocksDB. The copy
    is made when the store opens; every write goes to the disk first (durability), then to the
    copy, in the same single-update form.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.url = f"oxigraph-mirror:{path}"
        self._disk = self._store
        try:
            self._memory = ox.Store()
            self._memory.bulk_extend(self._disk.quads_for_pattern(None, None, None, None))
        except BaseException:
            self.close()
            raise
        self._store = self._memory
        self._reads_in_memory = True

    @property
    def rebuilds(self) -> bool:
        return False  # the server's store: a bulk load opens the store itself

    def _write(self, update: str) -> None:
        self._disk.update(update)
        self._memory.update(update)

    def _reader(self) -> ox.Store:
        return self._disk

    def _clear_graph(self, name: ox.NamedNode) -> None:
        self._disk.clear_graph(name)
        self._memory.clear_graph(name)

    def _bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        """The disk first, then the copy, a chunk at a time (memory stays bounded)."""
        iterator = iter(quads)
        while chunk := list(itertools.islice(iterator, MIRROR_CHUNK)):
            self._disk.bulk_extend(chunk)
            self._memory.bulk_extend(chunk)

    def optimize(self) -> None:
        self._disk.optimize()

    def close(self) -> None:
        """The copy dropped, then the disk closed as the embedded store closes."""
        self.__dict__.pop("_memory", None)
        if "_disk" in self.__dict__:
            self._store = self.__dict__.pop("_disk")
        super().close()


def open_mirrored(rest: str) -> MirroredOxigraphStore:
    if not rest.strip():
        raise StoreError("oxigraph-mirror: store URL needs a folder")
    path = Path(rest).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return MirroredOxigraphStore(path)
