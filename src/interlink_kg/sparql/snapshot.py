"""N-Quads snapshots of the published graphs, one per catalogue generation, for the workers."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from interlink_kg.store.base import Store
from interlink_kg.store.generation import latest_generation


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
                self._directory = Path(tempfile.mkdtemp(prefix="interlink-kg-sparql-"))
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
