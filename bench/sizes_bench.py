"""Two sizes of the synthetic catalogue served at once, each on its embedded store, asked the
same kinds of request in turn: how much slower the larger is, measured so that the machine's
drift cancels out (at 1M against 100k, issue 15's "within 3x").

Runs measured minutes apart on this machine differed by up to a third on code neither run
changed (``bench/RESULTS.md``, twenty-second session), more than the margin a ratio of two
such runs is asked to show. Here both servers are up together (1M and 100k fit in memory at
once, unlike 1M embedded and remote); per kind, the i-th request of each size (each size's own
unique requests, drawn as ``http_bench.py`` draws them) go one after the other in a random
order, 2 ms apart. Reported per kind: both medians, their ratio, the ratio of the 90th
percentiles. Run: ``python bench/sizes_bench.py [--large N] [--small N] [--requests Q]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import synthetic
from http_bench import Client, p90, plans_of, print_peaks, query_processes
from live_server import SERVER_PIDS, ready_within, scratch_folder, serving, wait_until_idle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="unique requests per kind")
    parser.add_argument("--pause", type=float, default=2.0, help="ms before each request")
    args = parser.parse_args()
    args.no_sparql = True  # the public query processes' copies of 1M do not fit beside it
    sizes = {"small": args.small, "large": args.large}
    with scratch_folder("ilk-sizes-") as folder:
        loaded = {}
        for name, size in sizes.items():
            url = f"oxigraph:{folder / name}"
            loaded[name] = (url, *synthetic.load_for_clients(url, size))
        settle = ready_within(args.large)
        env = query_processes(args)
        small_url, large_url = loaded["small"][0], loaded["large"][0]
        with (
            serving(small_url, synthetic.BASE, folder / "small.log", settle, env) as small,
            serving(large_url, synthetic.BASE, folder / "large.log", settle, env) as large,
        ):
            bases = {"small": small, "large": large}
            for base in bases.values():
                wait_until_idle(SERVER_PIDS[base], within=settle)
            _measure(args, bases, loaded)
            print_peaks(
                {f"`interlink-kg serve` of {sizes[n]:,}": SERVER_PIDS[b] for n, b in bases.items()}
            )


def _measure(
    args: argparse.Namespace,
    bases: dict[str, str],
    loaded: dict[str, tuple[str, list[tuple[str, str]], list[str]]],
) -> None:
    rng = random.Random(args.requests)
    plans = {
        name: plans_of(ids, tasks, args.requests + 1, random.Random(args.requests), False)
        for name, (_, tasks, ids) in loaded.items()
    }
    clients = {name: Client(base) for name, base in bases.items()}
    try:
        for name, client in clients.items():  # each kind once, unmeasured (templates)
            for requests, _ in plans[name].values():
                client.get(requests[-1])
        print(
            f"\n{args.large:,} and {args.small:,} INTERLINKERs, each on `interlink-kg serve` on "
            f"its embedded store, both up at once; per kind the i-th of {args.requests} unique "
            f"requests of each in a random order, one at a time, {args.pause:g} ms apart\n"
        )
        print(
            f"| request | {args.small:,} p50 | {args.large:,} p50 | ratio | p90 ratio | "
            "repeated (each) |\n|---|---|---|---|---|---|"
        )
        for label in plans["small"]:
            seconds: dict[str, list[float]] = {name: [] for name in clients}
            for at in range(args.requests):
                order = list(clients)
                rng.shuffle(order)
                for name in order:
                    time.sleep(args.pause / 1000)
                    seconds[name].append(clients[name].get(plans[name][label][0][at])[0])
            small, large = (statistics.median(seconds[n]) * 1000 for n in ("small", "large"))
            repeated = "/".join(str(plans[n][label][1]) for n in ("small", "large"))
            print(
                f"| {label} | {small:.2f} ms | {large:.2f} ms | x{large / small:.2f} | "
                f"x{p90(seconds['large']) / p90(seconds['small']):.2f} | {repeated} |",
                flush=True,
            )
    finally:
        for client in clients.values():
            client.close()


if __name__ == "__main__":
    main()
