"""A deterministic synthetic catalogue of N INTERLINKERs shaped like the real one.

The number of problem profiles per INTERLINKER and the popularity of each profile follow the
real catalogue (so catch-alls and rare profiles occur in the same proportions); kinds, languages,
difficulty, purposes and targets are drawn from the real vocabularies. The real schemas,
vocabularies and ontology come along, so recommendations for real tasks can be measured at any
size.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib.namespace import XSD

from interlink_kg import resources
from interlink_kg.curation.loading import graph_name
from interlink_kg.curation.records import record_graph_name
from interlink_kg.finding.statistics import refresh_statistics
from interlink_kg.model.records import record_iri, status_iri
from interlink_kg.model.workflow import Status
from interlink_kg.queries import query
from interlink_kg.rdf import bundle
from interlink_kg.rdf.formats import TURTLE
from interlink_kg.store import open_store
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.vocab import ADMS, DCAT, DCT, FOAF, ILK, RDF

BASE = "http://127.0.0.1:8080/"
KINDS = {"software": 5, "knowledge": 46, "externalsoftware": 15, "externalknowledge": 12}
CLASSES = {
    "software": "SoftwareInterlinker",
    "knowledge": "KnowledgeInterlinker",
    "externalsoftware": "ExternalSoftwareInterlinker",
    "externalknowledge": "ExternalKnowledgeInterlinker",
}
DIFFICULTIES = ["very_easy", "easy", "medium", "difficult", "very_difficult"]
PURPOSES = ["aid_service_development", "build_capacity", "guide_coproduction"]
TARGETS = [
    "all",
    "businesses",
    "citizens",
    "expert_citizens",
    "freelancers",
    "large_companies",
    "pas",
    "politicians",
    "public_servants",
    "smes",
    "universities",
]
WORDS = [
    "stakeholder",
    "map",
    "canvas",
    "survey",
    "guide",
    "template",
    "plan",
    "workshop",
    "consent",
    "agreement",
    "data",
    "accessibility",
    "cloud",
    "security",
    "open",
    "source",
    "interview",
    "persona",
    "journey",
    "scenario",
    "budget",
    "evaluation",
    "monitoring",
    "citizens",
    "engagement",
    "prototype",
    "design",
    "specification",
    "api",
    "platform",
]


def real_shape() -> tuple[list[int], Counter[str]]:
    """Profiles-per-INTERLINKER sizes and profile popularity in the bundled catalogue."""
    graph = bundle.load_graph(
        sorted((resources.catalogue_dir() / "interlinkers").glob("*.ttl")), BASE
    )
    rows = graph.query(
        "PREFIX ilk: <https://w3id.org/interlink-kg/ontology#> "
        "SELECT ?i ?p WHERE { ?i ilk:addressesProblem ?p }"
    )
    per_item: Counter[str] = Counter()
    popularity: Counter[str] = Counter()
    for item, problem in rows:  # type: ignore[misc]
        per_item[str(item)] += 1
        popularity[str(problem).rsplit("/", 1)[1]] += 1
    return sorted(per_item.values()), popularity


def generate(n: int, seed: int = 7) -> bytes:
    """N INTERLINKERs as N-Triples-compatible Turtle with absolute IRIs."""
    rng = random.Random(seed)
    # Difficulty, purposes and target groups from a second generator: the draws above stay
    # those of earlier runs, so figures before and after they were added compare.
    facet_rng = random.Random(seed + 1)
    sizes, popularity = real_shape()
    profiles = sorted(popularity)
    weights = [popularity[p] for p in profiles]
    kinds = list(KINDS)
    kind_weights = [KINDS[k] for k in kinds]
    lines = [
        "@prefix ilk: <https://w3id.org/interlink-kg/ontology#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix lang: <http://publications.europa.eu/resource/authority/language/> .",
    ]
    for index in range(n):
        ident = f"synthetic_{index:06d}"
        kind = rng.choices(kinds, kind_weights)[0]
        chosen: set[str] = set()
        size = rng.choice(sizes)
        while len(chosen) < size:
            chosen.add(rng.choices(profiles, weights)[0])
        words = " ".join(rng.sample(WORDS, 4))
        languages = ["ENG", *rng.sample(["SPA", "ITA", "LAV"], rng.randint(0, 2))]
        facets = (
            f"ilk:difficulty <{BASE}vocabularies/difficulty-levels/"
            f"{facet_rng.choice(DIFFICULTIES)}> ; "
            + " ".join(
                f"ilk:purpose <{BASE}vocabularies/purposes/{p}> ;"
                for p in sorted(facet_rng.sample(PURPOSES, facet_rng.randint(1, 2)))
            )
            + " "
            + " ".join(
                f"ilk:target <{BASE}vocabularies/targets/{t}> ;"
                for t in sorted(facet_rng.sample(TARGETS, facet_rng.randint(1, 2)))
            )
        )
        lines.append(
            f'<{BASE}interlinkers/{ident}> a ilk:{CLASSES[kind]} ; dct:identifier "{ident}" ; '
            f'dct:title "{words.title()} {index}"@en ; dct:description "A synthetic {words}."@en ; '
            f"ilk:kind <{BASE}vocabularies/interlinker-kinds/{kind}> ; {facets} "
            + " ".join(
                f"ilk:addressesProblem <{BASE}problem-profiles/{p}> ;" for p in sorted(chosen)
            )
            + " dct:language "
            + " , ".join(f"lang:{code}" for code in languages)
            + f" ; dct:license <{BASE}licences/permissive> ; "
            f'dcat:keyword "{rng.choice(WORDS)}"@en .'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def records(n: int) -> Iterator[ox.Quad]:
    """The catalogue record of each INTERLINKER, as ``load`` writes one
    (``model.records.loaded_record_graph``), each in its own graph: listed a minute apart from
    2024-01-01, one in four changed a week after. Written here term by term: building each
    with ``loaded_record_graph`` takes half a millisecond, minutes at 1M."""
    status = ox.NamedNode(str(status_iri(BASE, Status.PUBLISHED)))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(n):
        ident = f"synthetic_{index:06d}"
        graph = ox.NamedNode(record_graph_name(BASE, ident))
        record = ox.NamedNode(str(record_iri(BASE, ident)))
        issued = start + timedelta(minutes=index)
        modified = issued + timedelta(days=7) if index % 4 == 0 else issued
        for predicate, value in (
            (_TYPE, _RECORD),
            (_IDENTIFIER, ox.Literal(ident)),
            (_TOPIC, ox.NamedNode(f"{BASE}interlinkers/{ident}")),
            (_ISSUED, ox.Literal(issued.isoformat(), datatype=_DATE_TIME)),
            (_MODIFIED, ox.Literal(modified.isoformat(), datatype=_DATE_TIME)),
            (_STATUS, status),
            (_DIGEST, ox.Literal(f"synthetic {ident}")),
        ):
            yield ox.Quad(record, predicate, value, graph)


_TYPE = ox.NamedNode(str(RDF.type))
_RECORD = ox.NamedNode(str(DCAT.CatalogRecord))
_IDENTIFIER = ox.NamedNode(str(DCT.identifier))
_TOPIC = ox.NamedNode(str(FOAF.primaryTopic))
_ISSUED = ox.NamedNode(str(DCT.issued))
_MODIFIED = ox.NamedNode(str(DCT.modified))
_STATUS = ox.NamedNode(str(ADMS.status))
_DIGEST = ox.NamedNode(str(ILK.contentDigest))
_DATE_TIME = ox.NamedNode(str(XSD.dateTime))


def load(store: Store, n: int) -> None:
    """The ontology, vocabularies and schemas of the bundle (in the graphs ``load`` names them,
    so catalogue pages carry the vocabularies as in a deployment), plus N synthetic
    INTERLINKERs and their catalogue records."""
    files = [
        resources.ontology_file(),
        *bundle.vocabulary_files(),
        *sorted((resources.catalogue_dir() / "schemas").glob("*.ttl")),
    ]
    store.replace_graphs(
        {
            graph_name(path, BASE): GraphPayload(path.read_bytes(), TURTLE, BASE, str(path))
            for path in files
        }
    )
    # The engine's bulk path (large INSERT DATA batches on a SPARQL server, whose one-update
    # replacement refuses 100k INTERLINKERs).
    graph = ox.NamedNode(f"{BASE}graphs/synthetic")
    store.insert_quads(
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(generate(n), format=ox.RdfFormat.TURTLE)
    )
    store.insert_quads(records(n))
    refresh_statistics(store, BASE, patient=True)


def load_for_clients(url: str, n: int) -> tuple[list[tuple[str, str]], list[str]]:
    """:func:`load` N INTERLINKERs into the store at ``url`` for a served catalogue (its base
    IRI set), opened for it and closed after (so that a server may open it next); returns its
    tasks (schema and task identifiers) and INTERLINKER identifiers, for the requests of the
    benchmarks' clients."""
    started = time.perf_counter()
    store = open_store(url)
    try:
        load(store, n)
        store.set_meta("base_iri", BASE)
        tasks = [(str(r["schemaId"]), str(r["taskId"])) for r in store.select(query("all-tasks"))]
        ids = sorted(str(r["id"]) for r in store.select(query("interlinker-keys")))
    finally:
        store.close()
    print(f"{n} INTERLINKERs loaded into {url} in {time.perf_counter() - started:.1f} s")
    return tasks, ids
