"""An on-disk store rebuilt beside itself, then put in its place by renaming folders.

Oxigraph deletes 26 to 42 µs a quad whichever way it is asked (``bench/RESULTS.md``), so a bulk
load that replaces most of a store spends most of its time deleting: the old graph, then the
staging copy. A rebuild deletes nothing: a new store in a folder beside the old one
(``STORE.rebuild``) receives every graph the load keeps, copied by the engine itself (all of
them written as one N-Quads file beside the store and read back by its bulk loader in one
call, so that a blank node two graphs share stays one node), and then the load's own triples;
once it is complete, the folders are swapped by renaming and the old one is removed as a
whole.

All or nothing, a crash included. The store's settings file (beside the folder, written
atomically) holds a note while a rebuild runs:
- ``building``: the old store is untouched; whoever opens the store next removes the new
  folder;
- ``swapping``, written once the new store is complete and flushed: from here the rebuild
  counts, and whoever opens the store next completes the swap (renames that are already done
  are not done again) before reading anything.
The process rebuilding holds the store's own lock (:mod:`interlink_kg.store.folder_lock`) from
before it reads the settings until it closes the store, the swap included, so only a process
that died leaves a note, and only the next to hold the lock acts on it.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

NOTE_KEY = "rebuild"  # the store setting holding the note
BUILDING = "building"
SWAPPING = "swapping"
DUMPS = ".dump-"  # STORE.dump-XXXX: the folder of the kept graphs' copy


def fresh_folder(path: Path) -> Path:
    """Where the new store is built, beside ``path``."""
    return path.with_name(path.name + ".rebuild")


def retired_folder(path: Path) -> Path:
    """Where the old store goes while the new one takes its name."""
    return path.with_name(path.name + ".retired")


def copy_graphs(source: ox.Store, target: ox.Store, graphs: Sequence[str], beside: Path) -> None:
    """Copy ``graphs`` of ``source`` into ``target`` through one N-Quads file in a folder
    beside ``beside`` (the store's own disk, not a temporary one that may be small). One file
    read by one call of the bulk loader, which names blank nodes afresh at each call: a node
    two graphs share stays one. On a failure this frame, kept in the error's traceback, lets go
    of both stores' handles: the engine refuses a second handle on a folder one still holds, so
    a handle kept there would refuse the next rebuild in this process."""
    try:
        if not graphs:
            return
        folder = Path(tempfile.mkdtemp(prefix=beside.name + DUMPS, dir=beside.parent))
        try:
            dumped = folder / "kept.nq"
            quads = (
                quad
                for name in graphs
                for quad in source.quads_for_pattern(None, None, None, ox.NamedNode(name))
            )
            ox.serialize(quads, output=str(dumped), format=ox.RdfFormat.N_QUADS)
            target.bulk_load(path=str(dumped), format=ox.RdfFormat.N_QUADS)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        del source, target  # (the quads' generator reads the source through the same cell)


def renamable(path: Path) -> bool:
    """Whether renaming moves the store's folder and one beside it: a plain name (not ``..``),
    not a link (the link would move, not the store), not a mount point, on its parent's file
    system, in a folder this process may write."""
    try:
        return (
            path.name not in ("", ".", "..")
            and not path.is_symlink()
            and not os.path.ismount(path)
            and path.stat().st_dev == path.parent.stat().st_dev
            and os.access(path.parent, os.W_OK)
        )
    except OSError:
        return False


def discard(path: Path) -> None:
    """Remove the folder of a rebuild that will not count (there may be none), and the
    copies a process that died left beside the store."""
    shutil.rmtree(fresh_folder(path), ignore_errors=True)
    _remove_dumps(path)


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
    """Remove the old folder a swap set aside, and any copies a process that died left."""
    shutil.rmtree(retired_folder(path), ignore_errors=True)
    _remove_dumps(path)


def _remove_dumps(path: Path) -> None:
    for left in path.parent.glob(glob.escape(path.name + DUMPS) + "*"):
        shutil.rmtree(left, ignore_errors=True)


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
