"""The catalogue's metadata quality as data.europa.eu's Metadata Quality Assessment (MQA) scores it.

Harvests every page of ``GET /catalogue`` (DCAT-AP 3, as a portal would, through the API on an
in-process client: no network) and computes the MQA indicators that can be checked without
fetching the resources themselves: 325 of the 405 points. Left out, because they need the
network: the HTTP status of every access URL (50 points) and download URL (30 points).

How points are given (the published methodology): each indicator is worth its points times the
share of the entities it is computed on that meet it, datasets for dataset-level indicators and
distributions for distribution-level ones ("date of issue" and "modification date" are met by a
dataset that states them or has a distribution that does). DCAT-AP compliance is the share of
datasets on which SEMIC's official DCAT-AP 3.0.1 shapes report no violation (the dataset, its
distributions and data services as focus nodes).

Vocabulary checks: file types must be IRIs of the EU file-type table and media types IANA media
type IRIs; "non-proprietary" and "machine-readable" formats are data.europa.eu's curated lists
(edp-vocabularies, ``edp-non-proprietary-format`` and ``edp-machine-readable-format``, copied
below as facts); licences must be IRIs of the EU licence table; access rights IRIs of the EU
access-right table.

Run: ``python bench/mqa_bench.py`` (prints the table; ``--write`` replaces this benchmark's
section of ``bench/RESULTS.md``). ``tests/test_mqa.py`` pins the total.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from interlink_kg.curation.loading import load_bundled
from interlink_kg.settings import Settings
from interlink_kg.store import open_store
from interlink_kg.validation.profiles import dcat_ap3_shapes
from interlink_kg.vocab import DCAT, DCT, HYDRA
from interlink_kg.web.app import close_app, create_app

BASE = "http://127.0.0.1:8080/"
SECTION = "# Metadata quality (MQA)"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS = frozenset(
    ACCESS_RIGHT + code
    for code in ("PUBLIC", "RESTRICTED", "NON_PUBLIC", "CONFIDENTIAL", "SENSITIVE", "NORMAL")
)
IANA = re.compile(r"^https?://www\.iana\.org/assignments/media-types/[a-z]+/[A-Za-z0-9.+-]+$")
_NON_PROPRIETARY_CODES = """BMP CSV DBF GEOJSON GZIP HTML ICS JPEG2000 JSON JSON_LD KML KMZ NETCDF
ODS PNG RDF_N_QUADS RDF_N_TRIPLES RDF_TRIG RDF_TURTLE RDF_XML RSS RTF TAR TIFF TSV TXT WMS_SRVC
XML ZIP"""
_MACHINE_READABLE_CODES = """CSV GEOJSON ICS JSON JSON_LD KML KMZ NETCDF ODS RDFA RDF_N_QUADS
RDF_N_TRIPLES RDF_TRIG RDF_TURTLE RDF_XML RSS SHP XLS XLSX XML"""
NON_PROPRIETARY = frozenset(FILE_TYPE + code for code in _NON_PROPRIETARY_CODES.split())
MACHINE_READABLE = frozenset(FILE_TYPE + code for code in _MACHINE_READABLE_CODES.split())
# The score of the catalogue before issue 14's metadata work, with this script (for the record).
BEFORE = (203.5, "54e44ac")
# Not computed: they fetch every URL (the remaining 80 of the 405 points).
ONLINE_ONLY = {"accessibility": ["access URL answers (50)", "download URL answers (30)"]}


@dataclass(frozen=True)
class Harvest:
    graph: Graph
    datasets: list[Node]
    distributions: list[Node]
    non_compliant: frozenset[Node]  # datasets with a violation of the official shapes
    pages: int


@dataclass(frozen=True)
class Indicator:
    dimension: str
    name: str
    points: float
    level: str  # "dataset" or "distribution"
    met: int
    of: int

    @property
    def score(self) -> float:
        return self.points * self.met / self.of if self.of else 0.0


def harvest(per_page: int = 100) -> Harvest:
    """Every page of the catalogue, following ``hydra:next`` as a harvester does."""
    store = open_store("memory:")
    load_bundled(store, BASE, validate=False)
    app = create_app(Settings(base_iri=BASE, store_url="memory:"), store=store)
    graph = Graph()
    non_compliant: set[Node] = set()
    shapes = dcat_ap3_shapes().graph
    pages = 0
    try:
        client = app.test_client()
        url: str | None = f"/catalogue?per_page={per_page}"
        while url:
            response = client.get(url, headers={"Accept": "text/turtle"})
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            page = Graph().parse(data=response.data, format="turtle")
            non_compliant |= _violating_datasets(page, shapes)
            graph += page
            pages += 1
            following = next(
                (o for o in page.objects(None, HYDRA.next) if isinstance(o, URIRef)), None
            )
            url = str(following)[len(BASE) - 1 :] if following is not None else None
    finally:
        close_app(app)
        store.close()
    catalogue = URIRef(BASE + "catalogue")
    datasets = sorted(graph.objects(catalogue, DCAT.dataset), key=str)
    distributions = sorted(
        {d for ds in datasets for d in graph.objects(ds, DCAT.distribution)}, key=str
    )
    return Harvest(graph, datasets, distributions, frozenset(non_compliant), pages)


def _violating_datasets(page: Graph, shapes: Graph) -> set[Node]:
    _conforms, report, _text = pyshacl.validate(
        page, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    focus = {
        report.value(r, SH.focusNode)
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    }
    owners: set[Node] = set()
    for dataset in page.subjects(RDF.type, DCAT.Dataset):
        parts = {dataset, *page.objects(dataset, DCAT.distribution)}
        parts |= set(page.subjects(DCAT.servesDataset, dataset))
        if parts & focus:
            owners.add(dataset)
    return owners


def indicators(h: Harvest) -> list[Indicator]:
    """Every offline-checkable MQA indicator, with how many entities meet it."""
    g = h.graph

    def has(prop: URIRef) -> Callable[[Node], bool]:
        return lambda node: (node, prop, None) in g

    def any_of(prop: URIRef, allowed: Callable[[str], bool]) -> Callable[[Node], bool]:
        return lambda node: any(allowed(str(v)) for v in g.objects(node, prop))

    def dated(prop: URIRef) -> Callable[[Node], bool]:
        return lambda ds: (
            (ds, prop, None) in g
            or any((d, prop, None) in g for d in g.objects(ds, DCAT.distribution))
        )

    compliant: Callable[[Node], bool] = lambda ds: ds not in h.non_compliant  # noqa: E731
    dataset_level: list[tuple[str, str, float, Callable[[Node], bool]]] = [
        ("findability", "keywords (dcat:keyword)", 30, has(DCAT.keyword)),
        ("findability", "categories (dcat:theme)", 30, has(DCAT.theme)),
        ("findability", "geo search (dct:spatial)", 20, has(DCT.spatial)),
        ("findability", "time-based search (dct:temporal)", 20, has(DCT.temporal)),
        ("interoperability", "DCAT-AP compliance (official 3.0.1 shapes)", 30, compliant),
        ("reusability", "access restrictions (dct:accessRights)", 10, has(DCT.accessRights)),
        (
            "reusability",
            "access restrictions from the EU table",
            5,
            any_of(DCT.accessRights, ACCESS_RIGHTS.__contains__),
        ),
        ("reusability", "contact point (dcat:contactPoint)", 20, has(DCAT.contactPoint)),
        ("reusability", "publisher (dct:publisher)", 10, has(DCT.publisher)),
        ("contextuality", "date of issue (dct:issued)", 5, dated(DCT.issued)),
        ("contextuality", "modification date (dct:modified)", 5, dated(DCT.modified)),
    ]
    distribution_level: list[tuple[str, str, float, Callable[[Node], bool]]] = [
        ("accessibility", "download URL (dcat:downloadURL)", 20, has(DCAT.downloadURL)),
        ("interoperability", "format (dct:format)", 20, has(DCT.format)),
        ("interoperability", "media type (dcat:mediaType)", 10, has(DCAT.mediaType)),
        (
            "interoperability",
            "non-proprietary format",
            20,
            any_of(DCT.format, NON_PROPRIETARY.__contains__),
        ),
        (
            "interoperability",
            "machine-readable format",
            20,
            any_of(DCT.format, MACHINE_READABLE.__contains__),
        ),
        ("reusability", "licence (dct:license)", 20, has(DCT.license)),
        (
            "reusability",
            "licence from the EU licence table",
            10,
            any_of(DCT.license, lambda v: v.startswith(LICENCE)),
        ),
        ("contextuality", "rights (dct:rights)", 5, has(DCT.rights)),
        ("contextuality", "file size (dcat:byteSize)", 5, has(DCAT.byteSize)),
    ]
    ds, di = h.datasets, h.distributions
    found = [
        Indicator(dim, name, pts, "dataset", sum(map(test, ds)), len(ds))
        for dim, name, pts, test in dataset_level
    ]
    found += [
        Indicator(dim, name, pts, "distribution", sum(map(test, di)), len(di))
        for dim, name, pts, test in distribution_level
    ]
    # Half the points for file types from the EU table, half for IANA media types.
    in_vocabulary = sum(map(any_of(DCT.format, lambda v: v.startswith(FILE_TYPE)), di)) + sum(
        map(any_of(DCAT.mediaType, lambda v: bool(IANA.match(v))), di)
    )
    found.append(
        Indicator(
            "interoperability",
            "format and media type from the vocabularies",
            10,
            "distribution",
            in_vocabulary,
            2 * len(di),
        )
    )
    order = list(MAXIMA)
    return sorted(found, key=lambda i: order.index(i.dimension))


MAXIMA = {
    "findability": 100,
    "accessibility": 20,
    "interoperability": 110,
    "reusability": 75,
    "contextuality": 20,
}


def total(found: list[Indicator]) -> float:
    return sum(i.score for i in found)


def table(h: Harvest, found: list[Indicator]) -> str:
    lines = [
        f"{len(h.datasets)} datasets, {len(h.distributions)} distributions, "
        f"{h.pages} page(s) of `/catalogue` (DCAT-AP 3).",
        "",
        "| dimension | indicator | level | met | points |",
        "|---|---|---|---|---|",
    ]
    for i in found:
        lines.append(
            f"| {i.dimension} | {i.name} | {i.level} | {i.met} of {i.of} | "
            f"{i.score:.1f} of {i.points:g} |"
        )
    lines += ["", "| dimension | points |", "|---|---|"]
    for dimension, maximum in MAXIMA.items():
        got = sum(i.score for i in found if i.dimension == dimension)
        lines.append(f"| {dimension} | {got:.1f} of {maximum} |")
    lines.append(f"| **total (offline-checkable)** | **{total(found):.1f} of 325** |")
    lines.append(
        "\nNot computed (they fetch every URL): " + ", ".join(ONLINE_ONLY["accessibility"]) + "."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    h = harvest()
    found = indicators(h)
    text = table(h, found)
    print(text)
    if "--write" in sys.argv:
        target = Path(__file__).with_name("RESULTS.md")
        old = target.read_text(encoding="utf-8")
        section = (
            f"{SECTION}\n\nProduced by `python bench/mqa_bench.py --write` (the method is in the "
            "script's docstring). The same script on the catalogue before the metadata work of "
            f"issue 14 (commit {BEFORE[1]}) gave {BEFORE[0]} of 325.\n\n" + text
        )
        if SECTION in old:
            start = old.index(SECTION)
            end = old.find("\n# ", start + 1)
            rest = old[end + 1 :] if end != -1 else ""
            old = old[:start] + section + ("\n" + rest if rest else "")
        else:
            old = old.rstrip("\n") + "\n\n" + section
        target.write_text(old, encoding="utf-8")


if __name__ == "__main__":
    main()
