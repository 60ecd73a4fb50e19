"""Benchmarks of the foundation, each against a baseline measured in the same run.

Run with ``make bench``. Prints median wall times and the ratio to the baseline:
- loading the bundled catalogue: our store (pyoxigraph) vs rdflib's in-memory graph;
- listing a page of INTERLINKERs: our services on pyoxigraph vs the same SPARQL on rdflib;
- validating one INTERLINKER: our service (shape subset, slim shared background, SPARQL parsed
  once) vs a plain pySHACL call on an rdflib graph with every shape and the full background.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pyoxigraph
import pyshacl
from rdflib import Graph

from interlink_kg import resources
from interlink_kg.curation.loading import load_bundled
from interlink_kg.finding.catalogue import list_interlinkers
from interlink_kg.queries import query
from interlink_kg.rdf import bundle
from interlink_kg.rdf.parse import parse_file
from interlink_kg.store import open_store
from interlink_kg.validation.engine import background, interlink_shapes, validator

BASE = "http://127.0.0.1:8080/"


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float, baseline_name: str) -> None:
    print(
        f"{name:<34} {ours * 1000:9.2f} ms   {baseline_name:<28} {baseline * 1000:9.2f} ms"
        f"   ratio {baseline / ours:6.1f}x"
    )


def main() -> None:
    files = [resources.ontology_file(), *bundle.catalogue_files()]

    def load_ours() -> None:
        load_bundled(open_store("memory:"), BASE, validate=False)

    def load_rdflib() -> None:
        bundle.load_graph(files, BASE)

    report(
        "load catalogue (pyoxigraph)",
        median_seconds(load_ours, 5),
        median_seconds(load_rdflib, 5),
        "rdflib Graph.parse",
    )

    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    graph = bundle.load_graph(files, BASE)
    page_query = query("interlinker-page", limit=100, offset=0)
    report(
        "list 100 INTERLINKERs (service)",
        median_seconds(lambda: list_interlinkers(store, lang="en", page=1, per_page=100), 20),
        median_seconds(lambda: list(graph.query(page_query)), 5),
        "page query on rdflib only",
    )

    check = validator(BASE)
    one = parse_file(resources.catalogue_dir() / "interlinkers" / "trello.ttl", BASE)
    check.validate(one)
    shapes = interlink_shapes().graph

    def naive() -> None:
        data = Graph()
        data += background(BASE, one)
        data += one
        pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)

    service = median_seconds(lambda: check.validate(one), 21)
    report(
        "validate one INTERLINKER (service)",
        service,
        median_seconds(naive, 5),
        "pySHACL, rdflib, all shapes",
    )
    combined = Graph()
    combined += background(BASE, one)
    combined += one
    triples = combined.serialize(format="nt", encoding="utf-8")

    def on_oxigraph() -> None:
        store = pyoxigraph.Store()
        store.load(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        pyshacl.validate(store, shacl_graph=shapes, inference="none", allow_warnings=True)

    report(
        "validate one INTERLINKER (service)",
        service,
        median_seconds(on_oxigraph, 5),
        "pySHACL, pyoxigraph data graph",
    )
    whole = Graph()
    whole += graph
    full = median_seconds(lambda: check.validate(whole, with_background=False), 1)
    per_item = full / 78 * 1000
    print(f"{'validate whole catalogue':<34} {full * 1000:9.2f} ms   ({per_item:.2f} ms each)")


if __name__ == "__main__":
    main()
