"""SPARQLWrapper against the remote store's pooled client (urllib3), on the same server and the
same queries: the measurement issue 15 asks for ("whichever measures faster"; decision 0012).

An `oxigraph serve` (RocksDB, loopback) is loaded with the synthetic catalogue; then, for two
kinds of read the service makes, unique requests go through both clients in a random order,
each asking for the same media type with the same query in the same way (POSTed as
``application/sparql-query``, ``union-default-graph=true`` in the URL), and each answer read to
its last byte. What is compared is the HTTP exchange alone: both answers would then be parsed
by the same code.
- one INTERLINKER's description (the store's own query) as N-Triples;
- the titles of 100 INTERLINKERs (a SELECT, as a page reads its items' names) as SPARQL JSON.
Each kind's first answer is checked to be the same both ways.

SPARQLWrapper opens a new connection for every query: its keep-alive needs the ``keepalive``
package, which no longer builds on current Python (it is not installed). The pooled client
keeps its connections.

    python bench/client_bench.py [--size 10000] [--requests 400]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import synthetic
from live_server import SERVER_PIDS, oxigraph_serve, scratch_folder, wait_until_idle
from rdflib import URIRef
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper

from interlink_kg.store import open_store
from interlink_kg.store.base import description_query
from interlink_kg.store.remote import RemoteStore

TITLES = (
    "SELECT ?item ?title WHERE {{ VALUES ?item {{ {items} }} "
    "?item <http://purl.org/dc/terms/title> ?title }}"
)


def _wrapper(endpoint: str, accept: str) -> SPARQLWrapper:
    """A SPARQLWrapper sending queries as the store does: POSTed directly, the union of the
    graphs asked for in the URL, ``accept`` as the only media type (no format parameters)."""
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)
    client.setOnlyConneg(True)
    client.addParameter("union-default-graph", "true")
    client.addCustomHttpHeader("Accept", accept)
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400, help="unique requests per kind")
    args = parser.parse_args()
    with scratch_folder("ilk-client-") as folder, oxigraph_serve(folder) as url:
        _, ids = synthetic.load_for_clients(url, args.size)
        print(f"  server idle after {wait_until_idle(SERVER_PIDS[url]):.0f} s")
        store = open_store(url)
        assert isinstance(store, RemoteStore)
        try:
            _measure(store, ids, args.requests)
        finally:
            store.close()


def _measure(store: RemoteStore, ids: list[str], requests: int) -> None:
    endpoint = store.endpoints.query
    http = store._http  # the pooled client the store sends every query through
    union = f"{endpoint}?union-default-graph=true"
    rng = random.Random(15)
    requests = min(requests, len(ids) // 2)
    chosen = rng.sample(ids, requests * 2)
    iris = [URIRef(f"{synthetic.BASE}interlinkers/{i}") for i in chosen]

    def titles(n: int) -> str:
        """The titles of 100 INTERLINKERs, one of them unique to request ``n``."""
        items = [chosen[n], *rng.sample(ids, 99)]
        return TITLES.format(items=" ".join(f"<{synthetic.BASE}interlinkers/{i}>" for i in items))

    kinds: dict[str, tuple[Callable[[int], str], str]] = {
        "one INTERLINKER's description, N-Triples": (
            lambda n: description_query([iris[n]], published=False),
            "application/n-triples",
        ),
        "titles of 100 INTERLINKERs, SPARQL JSON": (titles, "application/sparql-results+json"),
    }
    print(
        f"\n{len(ids)} INTERLINKERs on an oxigraph serve (RocksDB, loopback); per kind "
        f"{requests} unique requests through each client, in a random order, 1 ms apart\n"
    )
    print("| read | SPARQLWrapper p50 | pooled client p50 | SPARQLWrapper / pooled |")
    print("|---|---|---|---|")
    for name, (text_of, accept) in kinds.items():
        wrapper = _wrapper(endpoint, accept)

        def through_wrapper(text: str, wrapper: SPARQLWrapper = wrapper) -> bytes:
            wrapper.setQuery(text)
            return bytes(wrapper.query().response.read())

        def through_pool(text: str, accept: str = accept) -> bytes:
            return http.call(
                "POST",
                union,
                body=text.encode("utf-8"),
                content_type="application/sparql-query",
                accept=accept,
            )

        first = text_of(0)
        assert sorted(through_wrapper(first).splitlines()) == sorted(
            through_pool(first).splitlines()
        ), name  # the same answer both ways (lines in any order)
        times: dict[str, list[float]] = {"wrapper": [], "pooled": []}
        for n in range(requests):
            order = [("wrapper", through_wrapper, n), ("pooled", through_pool, n + requests)]
            rng.shuffle(order)
            for label, send, at in order:
                text = text_of(at)
                time.sleep(0.001)
                started = time.perf_counter()
                send(text)
                times[label].append(time.perf_counter() - started)
        wrapper_ms = statistics.median(times["wrapper"]) * 1000
        pooled_ms = statistics.median(times["pooled"]) * 1000
        print(
            f"| {name} | {wrapper_ms:.2f} ms | {pooled_ms:.2f} ms | x{wrapper_ms / pooled_ms:.2f} |"
        )


if __name__ == "__main__":
    main()
