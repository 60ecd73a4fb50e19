"""An on-disk store rebuilt beside itself, then put in its place by renaming folders.

Oxigraph deletes 26 to 42 µs a quad whichever way it is asked (``bench/RESULTS.md``), so a bulk
load that replaces most of a store spends most of its time deleting: the old graph, then the
staging copy. A rebuild deletes nothing: a new store in a folder beside the old one
(``STORE.rebuild``) receives every graph the load keeps, copied by the engine itself (each
graph dumped as N-Triples and read back by its bulk loader), and then the load's own triples;
once it is complete, the folders are swapped by renaming and the old one is removed as a
whole.

All or nothing, a crash included. The store's settings file (beside the folder, written
atomically) holds a note while a rebuild runs:
- ``building``: the old store is untouched; whoever opens the store next removes the new
  folder;
- ``swapping``, written once the new store is complete and flushed: from here the rebuild
  counts, and whoever opens the store next completes the swap (renames that are already done
  are not done again) before reading anything.
A process acts on the note once it holds the engine's lock on the store folder. That lock is
released during the swap itself, so this is not yet safe against a second process opening the
store at that moment: the rebuild is off by default (decision 0015, ninth-session addendum).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

NOTE_KEY = "rebuild"  # the store setting holding the note
BUILDING = "building"
SWAPPING = "swapping"


def fresh_folder(path: Path) -> Path:
    """Where the new store is built, beside ``path``."""
    return path.with_name(path.name + ".rebuild")


def retired_folder(path: Path) -> Path:
    """Where the old store goes while the new one takes its name."""
    return path.with_name(path.name + ".retired")


def copy_graphs(source: ox.Store, target: ox.Store, graphs: Iterable[str]) -> int:
    """Copy ``graphs`` of ``source`` into ``target`` through a temporary N-Triples file each
    (the engine's own dump and bulk loader: no Python object per quad); the bytes copied.
    The bulk loader names blank nodes afresh at each call, so a node two graphs share becomes
    two (a known fault, decision 0015: one N-Quads file for all graphs would keep it one)."""
    copied = 0
    with tempfile.TemporaryDirectory(prefix="interlink-kg-rebuild-") as folder:
        dumped = Path(folder) / "graph.nt"
        for name in graphs:
            graph = ox.NamedNode(name)
            source.dump(str(dumped), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            copied += dumped.stat().st_size
            target.bulk_load(path=str(dumped), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    return copied


def discard(path: Path) -> None:
    """Remove the folder of a rebuild that will not count (there may be none)."""
    shutil.rmtree(fresh_folder(path), ignore_errors=True)


def swap(path: Path) -> None:
    """Put the rebuilt store in ``path``'s place, the old one aside (:func:`remove_retired`
    removes it once no handle reads it). Each step is done only if it is still to do, so that
    doing it again after a crash at any point completes it."""
    fresh, retired = fresh_folder(path), retired_folder(path)
    if fresh.exists():
        if path.exists():
            shutil.rmtree(retired, ignore_errors=True)  # one a crash left behind
            path.rename(retired)
        fresh.rename(path)
        _sync_folder(path.parent)


def remove_retired(path: Path) -> None:
    shutil.rmtree(retired_folder(path), ignore_errors=True)


def settle(path: Path, phase: str) -> None:
    """What a process that died left of a rebuild, settled by the next one to hold the store:
    undone while ``building``, completed once ``swapping`` (the old folder is then aside, for
    :func:`remove_retired`)."""
    if phase == SWAPPING:
        swap(path)
    else:
        discard(path)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
