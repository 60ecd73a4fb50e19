"""The settings of an on-disk embedded store: a small JSON file beside its folder
(``set_meta``), replaced atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from interlink_kg.errors import StoreError


def settings_path(folder: Path) -> Path:
    """The small JSON file beside an on-disk store that holds its settings (``set_meta``)."""
    return folder.with_name(folder.name + ".meta.json")


def read_settings(path: Path) -> dict[str, str]:
    """The settings in ``path`` (none when it does not exist); StoreError when unreadable."""
    if not path.is_file():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read the store settings {path}: {exc}") from exc
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def write_settings(path: Path, values: Mapping[str, str]) -> None:
    """Written to a new file, synced to disk, renamed over the settings file: a crash or a
    power loss leaves the old settings or the new ones (a bulk load's notes rely on it)."""
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(json.dumps(dict(values), indent=2))
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
