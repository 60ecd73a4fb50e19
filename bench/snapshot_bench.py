"""What a copy of every data graph costs (the public SPARQL endpoint's snapshot, written at
start and after each catalogue change), from the embedded store and from an ``oxigraph serve``.

On the synthetic catalogue (100k INTERLINKERs by default, ``--size N``), loaded at once into the
embedded store (in memory) and into a server on loopback (RocksDB), measured in the same run:
- the embedded store's copy (the baseline);
- the server's dump (one answer of its graph store, kept to the data graphs: the way taken on
  Oxigraph's layout);
- the same graphs read by SPARQL query, a few thousand named per query (the way taken on other
  servers, and on Oxigraph's before the dump).
Each copy is written ``--rounds`` times (default 3; 1 at 1M), in turn; medians, rates, the ratio
to the embedded copy, and a check that all three copies hold the same number of quads.

Run: ``python bench/snapshot_bench.py [--size N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import oxigraph_serve, scratch_folder

from interlink_kg.store import Store, open_store


def _timed(write: Callable[[Path], None], path: Path) -> tuple[float, int, int]:
    """Seconds to write the copy, its size in bytes and its number of lines (one per quad)."""
    started = time.perf_counter()
    write(path)
    taken = time.perf_counter() - started
    with path.open("rb") as copy:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: copy.read(1 << 24), b""))
    size = path.stat().st_size
    path.unlink()
    return taken, size, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    n = args.size
    rounds = args.rounds or (1 if n >= 1_000_000 else 3)
    with scratch_folder("ilk-snapshot-bench-") as folder, oxigraph_serve(folder) as url:
        embedded, remote = open_store("memory:"), open_store(url, timeout=600.0)
        for store, where in ((embedded, "the embedded store"), (remote, "oxigraph serve")):
            started = time.perf_counter()
            synthetic.load(store, n)
            print(f"{n} INTERLINKERs loaded into {where} in {time.perf_counter() - started:.1f} s")
        ways: dict[str, Callable[[Path], None]] = {
            "embedded store (baseline)": embedded.write_quads,
            "server, its dump": remote.write_quads,
            "server, graphs by query": lambda path: _by_query(remote, path),
        }
        taken: dict[str, list[float]] = {name: [] for name in ways}
        shape: dict[str, tuple[int, int]] = {}
        for _ in range(rounds):
            for name, write in ways.items():
                seconds, size, lines = _timed(write, folder / "copy.nq")
                taken[name].append(seconds)
                shape[name] = (size, lines)
        baseline = statistics.median(taken["embedded store (baseline)"])
        print(f"\ncopy of every data graph, median of {rounds}")
        print(f"  {'from':<28}{'seconds':>9}{'MB':>8}{'quads':>12}{'quads/s':>11}  ratio")
        for name, figures in taken.items():
            median = statistics.median(figures)
            size, lines = shape[name]
            print(
                f"  {name:<28}{median:9.2f}{size / 1e6:8.0f}{lines:12,}"
                f"{lines / median:11,.0f}  x{median / baseline:.2f}"
            )
        counts = {lines for _, lines in shape.values()}
        print(
            "  same number of quads in every copy:", "yes" if len(counts) == 1 else f"NO {counts}"
        )
        embedded.close()
        remote.close()


def _by_query(store: Store, path: Path) -> None:
    store.write_quads(path, store.data_graphs())


if __name__ == "__main__":
    main()
