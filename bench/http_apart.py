"""``http_bench.py --apart``: each server alone on the machine, one after the other, for sizes
where both at once do not fit (at 1M the embedded server alone holds about 14 GB).

The embedded store is loaded, served, measured and stopped; then the same on an ``oxigraph
serve`` (RocksDB, its workspace on another in memory). Both are asked the same requests, per
kind ``--requests`` unique ones, in the same order, after one unmeasured request of each kind
(templates); then, unless ``--no-harvest``, the whole harvest by ``hydra:next``. Reported per
kind: the medians, their ratio and the ratio of the 90th percentiles, and how many answers
differ in size between the two. Minutes apart, on one machine: the paired mode of
``http_bench.py`` is the fairer measure where both servers fit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import synthetic
from http_bench import (
    Client,
    Request,
    differ,
    loaded_server,
    p90,
    plans_of,
    print_peaks,
    query_processes,
    walk,
)
from live_server import SERVER_PIDS, ready_within, serving, wait_until_idle

# kind -> its requests, and how many of them repeat an earlier one
Plans = dict[str, tuple[list[Request], int]]
# kind -> each request's seconds and answer size, in the plans' order
Timings = dict[str, list[tuple[float, int]]]


def _timed(base: str, plans: Plans, pause: float) -> Timings:
    client = Client(base)
    try:
        for requests, _ in plans.values():
            client.get(requests[-1])  # unmeasured: the kind's templates
        timings: Timings = {}
        for label, (requests, _) in plans.items():
            timings[label] = []
            for request in requests[:-1]:
                time.sleep(pause)
                elapsed, body = client.get(request)
                timings[label].append((elapsed, len(body)))
        return timings
    finally:
        client.close()


@contextmanager
def _server(
    store_url: str, log: Path, args: argparse.Namespace, env: dict[str, str]
) -> Iterator[str]:
    settle = ready_within(args.size)
    with serving(store_url, synthetic.BASE, log, settle, env) as base:
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[base], within=settle):.0f} s")
        yield base


def _measured(base: str, plans: Plans, args: argparse.Namespace) -> tuple[Timings, float]:
    pause = args.pause / 1000
    timings = _timed(base, plans, pause)
    harvest = 0.0 if args.no_harvest else walk({"one": base}, args.size, pause)["one"]
    return timings, harvest


def run(args: argparse.Namespace, folder: Path) -> None:
    public = query_processes(args)
    embedded_url = f"oxigraph:{folder / 'store'}"
    tasks, ids = synthetic.load_for_clients(embedded_url, args.size)
    rng = random.Random(args.requests)
    plans = plans_of(ids, tasks, args.requests + 1, rng, not args.no_sparql)
    with _server(embedded_url, folder / "embedded.log", args, public) as base:
        embedded, embedded_harvest = _measured(base, plans, args)
        print_peaks({"`interlink-kg serve` on the embedded store": SERVER_PIDS[base]})
    if args.embedded_only:
        _report_one(args, plans, embedded, embedded_harvest)
        return
    with loaded_server(folder, args.size) as (remote_url, workspace_url):
        env = {"INTERLINK_KG_WORKSPACE": workspace_url, **public}
        with _server(remote_url, folder / "remote.log", args, env) as base:
            remote, remote_harvest = _measured(base, plans, args)
            print_peaks(
                {
                    "`interlink-kg serve` on the remote store": SERVER_PIDS[base],
                    "the `oxigraph serve` of the catalogue": SERVER_PIDS[remote_url],
                }
            )
    _report(args, plans, embedded, remote, (embedded_harvest, remote_harvest))


def _report_one(args: argparse.Namespace, plans: Plans, embedded: Timings, harvest: float) -> None:
    print(
        f"\n{args.size} INTERLINKERs, `interlink-kg serve` on the embedded store alone; per "
        f"kind {args.requests} unique requests, one at a time, {args.pause:g} ms apart\n"
    )
    print("| request | embedded p50 | p90 | repeated |")
    print("|---|---|---|---|")
    for label, (_, repeated) in plans.items():
        seconds = [elapsed for elapsed, _ in embedded[label]]
        print(
            f"| {label} | {statistics.median(seconds) * 1000:.2f} ms | "
            f"{p90(seconds) * 1000:.2f} ms | {repeated} of {args.requests + 1} |"
        )
    if not args.no_harvest:
        print(f"\nWhole harvest, following hydra:next from /catalogue: {harvest:.1f} s")


def _report(
    args: argparse.Namespace,
    plans: Plans,
    embedded: Timings,
    remote: Timings,
    harvests: tuple[float, float],
) -> None:
    print(
        f"\n{args.size} INTERLINKERs, `interlink-kg serve` on the embedded store, then alone on "
        f"an oxigraph serve (RocksDB, loopback; the workspace on another, in memory); per kind "
        f"{args.requests} requests, the same to each, one at a time, {args.pause:g} ms apart\n"
    )
    print(
        "| request | embedded p50 | remote p50 | ratio | p90 ratio | repeated | answers differing |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, (_, repeated) in plans.items():
        first = [seconds for seconds, _ in embedded[label]]
        second = [seconds for seconds, _ in remote[label]]
        differing = sum(
            differ(one, other)
            for (_, one), (_, other) in zip(embedded[label], remote[label], strict=True)
        )
        p50 = statistics.median(first) * 1000, statistics.median(second) * 1000
        print(
            f"| {label} | {p50[0]:.2f} ms | {p50[1]:.2f} ms | x{p50[1] / p50[0]:.2f} | "
            f"x{p90(second) / p90(first):.2f} | {repeated} of {args.requests + 1} | "
            f"{differing} of {args.requests} |"
        )
    if not args.no_harvest:
        print(
            f"\nWhole harvest, following hydra:next from /catalogue ({(args.size + 99) // 100} "
            f"pages each): embedded {harvests[0]:.1f} s, remote {harvests[1]:.1f} s "
            f"(x{harvests[1] / harvests[0]:.2f})"
        )
