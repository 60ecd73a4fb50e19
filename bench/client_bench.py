"""SPARQLWrapper against the remote store's pooled client (urllib3), on the same server and the
same queries: the measurement issue 15 asks for ("whichever measures faster"; decision 0012).

An `oxigraph serve` (RocksDB, loopback) is loaded with the synthetic catalogue; then, for each
kind of read the service makes, unique requests go through both clients in a random order:
- one INTERLINKER's description (the store's own query), as Turtle bytes, and as an rdflib
  graph (SPARQLWrapper's Turtle parsed by rdflib, as its ``convert()`` leaves Turtle as
  bytes; the store's ``describe_resources``, N-Triples parsed by pyoxigraph);
- the titles of 100 INTERLINKERs (a SELECT, as a page reads its items' names), as the server's
  JSON, and as rows (SPARQLWrapper's ``convert()`` of JSON gives dictionaries; the store gives
  rdflib terms, more work).

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
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from interlink_kg.store import open_store
from interlink_kg.store.base import description_query
from interlink_kg.store.remote import RemoteStore

TITLES = (
    "SELECT ?item ?title WHERE {{ VALUES ?item {{ {items} }} "
    "?item <http://purl.org/dc/terms/title> ?title }}"
)


def _wrapper(endpoint: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint + "?union-default-graph=true")
    client.setMethod(POST)
    client.setRequestMethod("postdirectly")
    client.setReturnFormat(fmt)
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
    chosen = rng.sample(ids, min(len(ids), requests * 2))
    iris = [URIRef(f"{synthetic.BASE}interlinkers/{i}") for i in chosen]

    def titles(n: int) -> str:
        """The titles of 100 INTERLINKERs, as a catalogue page reads its items' names."""
        items = rng.sample(ids, 100)
        items[0] = chosen[n]  # unique: no two requests alike
        return TITLES.format(items=" ".join(f"<{synthetic.BASE}interlinkers/{i}>" for i in items))

    def sparqlwrapper_bytes(text: str, fmt: str) -> bytes:
        client = _wrapper(endpoint, fmt)
        client.setQuery(text)
        return bytes(client.query().response.read())

    def pooled_bytes(text: str, accept: str) -> bytes:
        return http.call(
            "POST",
            union,
            body=text.encode("utf-8"),
            content_type="application/sparql-query",
            accept=accept,
        )

    def sparqlwrapper_graph(text: str) -> Graph:
        client = _wrapper(endpoint, TURTLE)
        client.setQuery(text)
        answer = client.query().convert()  # Turtle comes back as bytes, for rdflib to parse
        assert isinstance(answer, bytes)
        return Graph().parse(data=answer, format="turtle")

    def sparqlwrapper_rows(text: str) -> object:
        client = _wrapper(endpoint, JSON)
        client.setQuery(text)
        return client.query().convert()

    kinds: dict[str, tuple[Callable[[int], object], Callable[[int], object]]] = {
        "one INTERLINKER, Turtle bytes": (
            lambda n: sparqlwrapper_bytes(description_query([iris[n]], published=False), TURTLE),
            lambda n: pooled_bytes(description_query([iris[n]], published=False), "text/turtle"),
        ),
        "one INTERLINKER, rdflib graph": (
            lambda n: sparqlwrapper_graph(description_query([iris[n]], published=False)),
            lambda n: store.describe_resources([iris[n]]),
        ),
        "titles of 100 INTERLINKERs, JSON bytes": (
            lambda n: sparqlwrapper_bytes(titles(n), JSON),
            lambda n: pooled_bytes(titles(n), "application/sparql-results+json"),
        ),
        "titles of 100 INTERLINKERs, rows": (
            lambda n: sparqlwrapper_rows(titles(n)),
            lambda n: store.select(titles(n)),
        ),
    }
    # the same answers both ways: the comparison is of like with like
    one = description_query([iris[0]], published=False)
    assert len(sparqlwrapper_graph(one)) == len(store.describe_resources([iris[0]])) > 0
    some = titles(0)
    rows = sparqlwrapper_rows(some)
    assert isinstance(rows, dict)
    assert len(rows["results"]["bindings"]) == len(store.select(some)) >= 100
    print(
        f"\n{len(ids)} INTERLINKERs on an oxigraph serve (RocksDB, loopback); per kind "
        f"{requests} unique requests through each client, in a random order, 1 ms apart\n"
    )
    print("| read | SPARQLWrapper p50 | pooled client p50 | SPARQLWrapper / pooled |")
    print("|---|---|---|---|")
    for name, (wrapped, pooled) in kinds.items():
        times: dict[str, list[float]] = {"wrapper": [], "pooled": []}
        for n in range(requests):
            order = [("wrapper", wrapped, n), ("pooled", pooled, n + requests)]
            rng.shuffle(order)
            for label, work, at in order:
                time.sleep(0.001)
                started = time.perf_counter()
                work(at)
                times[label].append(time.perf_counter() - started)
        wrapper_ms = statistics.median(times["wrapper"]) * 1000
        pooled_ms = statistics.median(times["pooled"]) * 1000
        print(
            f"| {name} | {wrapper_ms:.2f} ms | {pooled_ms:.2f} ms | x{wrapper_ms / pooled_ms:.2f} |"
        )


if __name__ == "__main__":
    main()
