"""Bulk loading (`interlink-kg load --bulk`) against pyoxigraph's own bulk loader, in one run.

For synthetic catalogues of 10k (and, with --large, 100k) INTERLINKERs written as N-Triples
(``bench/synthetic.py``), each into a fresh on-disk store:
- raw: ``pyoxigraph.Store.bulk_load`` of the file (the engine's limit; no progress, no undo);
- bulk: ``bulk_load`` without validation (streamed parse, progress callback, pending note,
  statistics refresh), and the same file again, a replacement, both ways: the store rebuilt
  beside itself without the graph, then swapped in (what a replacement of most of a store does,
  ``curation/bulk_rebuild.py``), and in place (staging graph, the commit, then the staging graph
  copied onto the target in bulk and dropped: what a replacement of a small part does);
- gzip: the same file compressed;
- plain: the former ``load`` path (one atomic INSERT DATA update), at 10k only;
- with ``--remote``: the same file into a new graph of an ``oxigraph serve`` on loopback (the
  ``sparql+http`` backend: N-Quads posted to the server's bulk loader), against the embedded
  new graph; at 10k, the same file again (a replacement: the server's ``MOVE`` in one update).
Validation is measured apart, on copies of the 78 real INTERLINKERs (synthetic ones break the
shapes on purpose: they claim languages without texts), in INTERLINKERs per second.
Peak resident memory of the process is printed at the end.

Run: ``python bench/bulk_bench.py [--small] [--large] [--remote] [--no-in-place]``
(``--small`` adds 1k INTERLINKERs before the 10k); ``--huge [--remote]``: 1M INTERLINKERs from
one Turtle file, a new graph and then a replacement (the store rebuilt), against the raw loader,
and with ``--remote`` the same file into a new graph of an ``oxigraph serve``.
"""

from __future__ import annotations

import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))
import synthetic
from live_server import oxigraph_serve, scratch_folder

from interlink_kg.curation import bulk_rebuild
from interlink_kg.curation.bulk import bulk_load
from interlink_kg.curation.loading import load_files
from interlink_kg.rdf import bundle
from interlink_kg.store import open_store

BASE = synthetic.BASE


def _ntriples(n: int, folder: Path) -> Path:
    path = folder / f"items-{n}.nt"
    turtle = synthetic.generate(n)
    path.write_bytes(
        ox.serialize(ox.parse(turtle, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
        or b""
    )
    return path


def _seconds(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def _raw_load(path: Path, fmt: ox.RdfFormat, folder: Path) -> tuple[float, int]:
    """Seconds pyoxigraph's own bulk loader takes for ``path`` into a fresh on-disk store,
    and the triples it stored."""
    raw_store = ox.Store(str(folder))

    def raw() -> None:
        raw_store.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode("urn:g"))
        raw_store.flush()

    return _seconds(raw), len(raw_store)


def _into_server(path: Path, times: int = 1) -> list[float]:
    """Seconds each of ``times`` bulk loads of ``path`` takes into a new ``oxigraph serve``
    (RocksDB, loopback): a new graph, then replacements of it."""
    with (
        tempfile.TemporaryDirectory() as server_folder,
        oxigraph_serve(Path(server_folder)) as url,
    ):
        remote = open_store(url)
        try:
            return [
                _seconds(lambda: bulk_load(remote, [path], BASE, validate=False))
                for _ in range(times)
            ]
        finally:
            remote.close()


def measure(n: int, folder: Path) -> None:
    share = bulk_rebuild.REBUILD_SHARE
    path = _ntriples(n, folder)
    raw_s, triples = _raw_load(path, ox.RdfFormat.N_TRIPLES, folder / f"raw-{n}")
    store = open_store(f"oxigraph:{folder / f'ours-{n}'}")
    first = _seconds(lambda: bulk_load(store, [path], BASE, validate=False))
    again = _seconds(lambda: bulk_load(store, [path], BASE, validate=False))  # rebuilt
    in_place = None
    if "--no-in-place" not in sys.argv:  # minutes at 100k
        bulk_rebuild.REBUILD_SHARE = 2.0  # never rebuilt
        try:
            in_place = _seconds(lambda: bulk_load(store, [path], BASE, validate=False))
        finally:
            bulk_rebuild.REBUILD_SHARE = share
    store.close()
    packed = folder / f"items-{n}.nt.gz"
    packed.write_bytes(gzip.compress(path.read_bytes(), compresslevel=6))
    zipped_store = open_store(f"oxigraph:{folder / f'gz-{n}'}")
    zipped = _seconds(lambda: bulk_load(zipped_store, [packed], BASE, validate=False))
    zipped_store.close()
    rows = [
        ("pyoxigraph bulk_load (raw)", raw_s),
        ("load --bulk, new graph", first),
        ("load --bulk, replacing the graph (store rebuilt)", again),
        *([("load --bulk, replacing the graph in place", in_place)] if in_place else []),
        ("load --bulk, gzip", zipped),
    ]
    if "--remote" in sys.argv:
        # at 10k the same file again: the server's MOVE copies in a transaction, minutes at 100k
        served = _into_server(path, times=2 if n <= 10_000 else 1)
        rows.append(("load --bulk into oxigraph serve, new graph", served[0]))
        if len(served) > 1:
            rows.append(("load --bulk into oxigraph serve, replacing the graph", served[1]))
    if n <= 10_000:
        plain_store = open_store(f"oxigraph:{folder / f'plain-{n}'}")
        rows.append(
            (
                "load (plain: one INSERT DATA)",
                _seconds(lambda: load_files(plain_store, [path], BASE, validate=False)),
            )
        )
        plain_store.close()
    print(f"\n{n} INTERLINKERs, {triples} triples ({path.stat().st_size / 1e6:.1f} MB N-Triples)\n")
    print("| path | seconds | triples/s | rate / raw |")
    print("|---|---|---|---|")
    for name, seconds in rows:
        rate = triples / seconds
        print(f"| {name} | {seconds:.2f} | {rate:,.0f} | {raw_s / seconds:.0%} |")
    remote_s = dict(rows).get("load --bulk into oxigraph serve, new graph")
    if remote_s:
        print(f"\nremote / embedded, new graph: x{remote_s / first:.2f} of the time")


def validation(folder: Path, copies: int = 10) -> None:
    """Validated bulk load of ``copies`` x the 78 real INTERLINKERs (renamed per copy)."""
    files = [p for p in bundle.catalogue_files() if p.parent.name == "interlinkers"]
    quads = []
    for path in files:
        quads += list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    text = (ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    identifier = "<http://purl.org/dc/terms/identifier>"
    lines = []
    for copy in range(copies):
        for line in text.replace(
            f"{BASE}interlinkers/", f"{BASE}interlinkers/c{copy}_"
        ).splitlines():
            if f"{BASE}interlinkers/c{copy}_" in line.split(" ", 1)[0] and identifier in line:
                line = line.replace(f'{identifier} "', f'{identifier} "c{copy}_')
            lines.append(line + "\n")
    path = folder / "real.nt"
    path.write_text("".join(lines), encoding="utf-8")
    store = open_store(f"oxigraph:{folder / 'validated'}")
    others = [p for p in bundle.catalogue_files() if p.parent.name != "interlinkers"]
    from interlink_kg import resources

    load_files(store, [resources.ontology_file(), *others], BASE, validate=False)
    started = time.perf_counter()
    summary = bulk_load(store, [path], BASE, validate=True)
    seconds = time.perf_counter() - started
    print(
        f"\nvalidated bulk load: {summary.validated} INTERLINKERs ({summary.triples} triples) "
        f"in {seconds:.1f} s, {summary.validated / seconds:.0f} INTERLINKERs/s"
    )


def huge(n: int, folder: Path) -> None:
    """A new graph of ``n`` INTERLINKERs from one Turtle file, against the raw loader (the
    peak memory printed at the end is the whole run's)."""
    path = folder / f"items-{n}.ttl"
    path.write_bytes(synthetic.generate(n))
    raw_s, triples = _raw_load(path, ox.RdfFormat.TURTLE, folder / f"raw-{n}")
    store = open_store(f"oxigraph:{folder / f'ours-{n}'}")
    ours = _seconds(lambda: bulk_load(store, [path], BASE, validate=False))
    again = _seconds(lambda: bulk_load(store, [path], BASE, validate=False))  # rebuilt
    store.close()
    rows = [
        ("pyoxigraph bulk_load (raw)", raw_s),
        ("load --bulk, new graph", ours),
        ("load --bulk, replacing the graph (store rebuilt)", again),
    ]
    if "--remote" in sys.argv:
        rows.append(("load --bulk into oxigraph serve, new graph", _into_server(path)[0]))
    print(f"\n{n} INTERLINKERs, {triples} triples ({path.stat().st_size / 1e6:.0f} MB Turtle)\n")
    print("| path | seconds | triples/s | rate / raw |")
    print("|---|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} | {triples / seconds:,.0f} | {raw_s / seconds:.0%} |")
    if "--remote" in sys.argv:
        print(f"\nremote / embedded, new graph: x{rows[-1][1] / ours:.2f} of the time")


def main() -> None:
    with scratch_folder("ilk-bulk-") as folder:
        if "--huge" in sys.argv:  # 1M: a new graph, then the same file again (store rebuilt)
            huge(1_000_000, folder)
        else:
            small = [1_000] if "--small" in sys.argv else []
            for n in [*small, 10_000] + ([100_000] if "--large" in sys.argv else []):
                measure(n, folder)
            validation(folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
