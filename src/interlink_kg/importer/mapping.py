"""Map the upstream seed to RDF graphs, one graph per output file. Pure: no I/O.

The mapping follows the field table of the project's vocabulary notes; every upstream data
defect is repaired here (spelling of enumeration values, ``:`` for ``;``, languages claimed
without text, HTML in descriptions, sibling order only given by 'previous' links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from rdflib import Graph, Literal, URIRef

from interlink_kg.errors import SeedImportError
from interlink_kg.importer import tables
from interlink_kg.importer.concept_fields import CONCEPT_FIELDS, ConceptField
from interlink_kg.importer.ordering import ordered
from interlink_kg.importer.seed import (
    Seed,
    SeedInterlinker,
    SeedItem,
    SeedProblemProfile,
    SeedSchema,
    Translations,
)
from interlink_kg.importer.text import html_to_text, is_trivial
from interlink_kg.model import iris
from interlink_kg.vocab import (
    DCAT,
    DCT,
    EU_COUNTRY,
    EU_FILE_TYPE,
    EU_LANGUAGE,
    IANA_MEDIA_TYPE,
    ILK,
    PREFIXES,
    RDF,
    SKOS,
    XSD,
)

GROUP_LABELS: dict[str, Translations] = {
    "ORG": {
        "en": "Organising co-production",
        "es": "Organizar la coproducción",
        "it": "Organizzare la co-produzione",
        "lv": "Kopražošanas organizēšana",
    },
    "UND": {
        "en": "Understanding the problem and the people",
        "es": "Comprender el problema y las personas",
        "it": "Comprendere il problema e le persone",
        "lv": "Problēmas un cilvēku izpratne",
    },
    "DEF": {
        "en": "Defining the service",
        "es": "Definir el servicio",
        "it": "Definire il servizio",
        "lv": "Pakalpojuma definēšana",
    },
    "BUILD": {
        "en": "Building the service",
        "es": "Construir el servicio",
        "it": "Realizzare il servizio",
        "lv": "Pakalpojuma izveide",
    },
    "VAL": {
        "en": "Validating and evaluating",
        "es": "Validar y evaluar",
        "it": "Validare e valutare",
        "lv": "Validēšana un novērtēšana",
    },
    "SUS": {
        "en": "Sustaining the service",
        "es": "Sostener el servicio",
        "it": "Sostenere il servizio",
        "lv": "Pakalpojuma ilgtspēja",
    },
    "HACKATHON": {
        "en": "Hackathons and contests",
        "es": "Hackatones y concursos",
        "it": "Hackathon e concorsi",
        "lv": "Hakatoni un konkursi",
    },
}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


class _Minter:
    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def __call__(self, path: str) -> URIRef:
        return iris.absolute(self.base, path)

    def concept(self, scheme: str, concept: str) -> URIRef:
        return self(iris.concept(scheme, concept))


def _texts(graph: Graph, subject: URIRef, prop: URIRef, texts: Translations, *, html: bool) -> None:
    for lang, value in sorted(texts.items()):
        if lang not in tables.LANGUAGE_CODES:
            continue
        text = html_to_text(value) if html else value.strip()
        if text:
            graph.add((subject, prop, Literal(text, lang=lang)))


def _one(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _strings(data: dict[str, object], key: str) -> list[str]:
    value = data.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _add_concepts(
    g: Graph, s: URIRef, mint: _Minter, ident: str, data: dict[str, object], field: ConceptField
) -> None:
    one = _one(data, field.key)
    values = _strings(data, field.key) if field.many else ([one] if one else [])
    for value in values:
        concept = field.concept_of(value)
        if concept is None:
            raise SeedImportError(f"{ident}: unknown {field.label} {value!r}")
        g.add((s, field.predicate, mint.concept(field.scheme, concept)))


def interlinker_graph(item: SeedInterlinker, base_iri: str) -> Graph:
    """One INTERLINKER bundle as RDF."""
    mint = _Minter(base_iri)
    data = item.data
    ident = item.identifier
    if not iris.is_identifier(ident):
        raise SeedImportError(f"INTERLINKER id {ident!r} cannot be used in an IRI")
    if item.folder_kind not in tables.KIND_CLASSES:
        raise SeedImportError(f"{ident}: unknown INTERLINKER kind {item.folder_kind!r}")
    g = new_graph()
    s = mint(iris.interlinker(ident))
    g.add((s, RDF.type, ILK[tables.KIND_CLASSES[item.folder_kind]]))
    g.add((s, DCT.identifier, Literal(ident)))
    g.add((s, ILK.kind, mint.concept("interlinker-kinds", item.folder_kind)))
    if "en" not in item.names:
        raise SeedImportError(f"{ident}: no English name")
    _texts(g, s, DCT.title, item.names, html=False)
    _texts(g, s, DCT.description, item.descriptions, html=True)
    tags = data.get("tags_translations")
    if isinstance(tags, dict):
        for lang, words in sorted(tags.items()):
            for word in words if isinstance(words, list) else []:
                if isinstance(word, str) and word.strip() and lang in tables.LANGUAGE_CODES:
                    g.add((s, DCAT.keyword, Literal(word.strip(), lang=lang)))
    problems = _strings(data, "problemprofiles") or list(
        tables.PROBLEM_PROFILE_REPAIRS.get(ident, ())
    )
    purposes: set[str] = set()
    for problem in problems:
        g.add((s, ILK.addressesProblem, mint(iris.problem_profile(problem))))
        purposes.update(tables.purposes_of_problem(problem))
    for purpose in sorted(purposes):
        g.add((s, ILK.purpose, mint.concept("purposes", purpose)))
    for field in CONCEPT_FIELDS:
        _add_concepts(g, s, mint, ident, data, field)
    licence = _one(data, "licence")
    if licence not in tables.LICENCE_CATEGORIES:
        raise SeedImportError(f"{ident}: unknown licence category {licence!r}")
    g.add((s, DCT.license, mint(iris.licence(tables.LICENCE_CATEGORIES[licence]))))
    for environment in _strings(data, "environments"):
        country = tables.ENVIRONMENT_COUNTRIES.get(environment)
        if country:
            g.add((s, DCT.spatial, EU_COUNTRY[country]))
    g.add((s, ILK.sustainabilityRelated, Literal(bool(data.get("is_sustainability_related")))))
    constraints = data.get("constraints_and_limitations_translations")
    if isinstance(constraints, dict):
        kept = {k: v for k, v in constraints.items() if isinstance(v, str) and not is_trivial(v)}
        _texts(g, s, ILK.constraintsAndLimitations, kept, html=True)
    for url in _landing_pages(item):
        g.add((s, DCAT.landingPage, URIRef(url)))
    opener = _one(data, "softwareinterlinker")
    if opener:
        g.add(
            (s, ILK.openedWith, mint(iris.interlinker(tables.SOFTWARE_OPENERS.get(opener, opener))))
        )
    languages = _content_languages(item)
    for lang in sorted(languages):
        g.add((s, DCT.language, EU_LANGUAGE[tables.LANGUAGE_CODES[lang]]))
    _distributions(g, mint, s, item)
    return g


def _landing_pages(item: SeedInterlinker) -> list[str]:
    """The external address; where upstream left it empty, the one its instructions give."""
    uris = item.data.get("uri_translations")
    found: set[str] = set()
    if isinstance(uris, dict):
        found = {u.strip() for u in uris.values() if isinstance(u, str)}
    urls = sorted(u for u in found if u.startswith(("http://", "https://")))
    if not urls and item.folder_kind.startswith("external") and item.instruction_urls:
        urls = [item.instruction_urls[0]]
    return urls


def _content_languages(item: SeedInterlinker) -> set[str]:
    """Languages the record really has text in (upstream claims all four everywhere).

    DCAT defines ``dct:language`` of a resource as the language of its textual metadata, so a
    language is claimed only where both a name and a description exist in it. The language of
    each downloadable file is stated on its distribution.
    """
    return {
        lang for lang in tables.LANGUAGE_CODES if lang in item.names and lang in item.descriptions
    }


def _distributions(g: Graph, mint: _Minter, s: URIRef, item: SeedInterlinker) -> None:
    files = item.data.get("file_translations")
    if not isinstance(files, dict):
        return
    licence = g.value(s, DCT.license)
    for lang, path in sorted(files.items()):
        if lang not in tables.LANGUAGE_CODES or not isinstance(path, str):
            continue
        extension = PurePosixPath(path).suffix.lstrip(".").lower()
        dist = mint(iris.distribution(item.identifier, lang))
        g.add((s, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        title = f"{item.names['en']} ({lang})"
        g.add((dist, DCT.title, Literal(title, lang="en")))
        g.add((dist, DCAT.accessURL, s))
        relative = path.strip().removeprefix("./")
        if all(iris.is_identifier(part) for part in relative.split("/")):  # no "..", no "/x"
            g.add((dist, DCAT.downloadURL, URIRef(tables.SEED_FILES_URL + relative)))
        g.add((dist, DCT.language, EU_LANGUAGE[tables.LANGUAGE_CODES[lang]]))
        if licence is not None:
            g.add((dist, DCT.license, licence))
        if extension in tables.FILE_TYPES:
            code, media_type = tables.FILE_TYPES[extension]
            g.add((dist, DCT.format, EU_FILE_TYPE[code]))
            g.add((dist, DCAT.mediaType, IANA_MEDIA_TYPE[media_type]))


def problem_profiles_graph(profiles: Iterable[SeedProblemProfile], base_iri: str) -> Graph:
    """The problem-profile concept scheme with its group top concepts."""
    mint = _Minter(base_iri)
    g = new_graph()
    scheme = mint(iris.PROBLEM_PROFILE_SCHEME)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCT.identifier, Literal("problem-profiles")))
    g.add((scheme, DCT.title, Literal("INTERLINK problem profiles", lang="en")))
    g.add((scheme, SKOS.prefLabel, Literal("INTERLINK problem profiles", lang="en")))
    g.add(
        (
            scheme,
            DCT.description,
            Literal(
                "The recurring problems of co-production teams, grouped by the stage of the "
                "work they belong to; INTERLINKERs and schema tasks point to them.",
                lang="en",
            ),
        )
    )
    for group, labels in GROUP_LABELS.items():
        top = mint.concept("problem-profiles", group)
        g.add((top, RDF.type, SKOS.Concept))
        g.add((top, RDF.type, ILK.ProblemProfileGroup))
        g.add((top, SKOS.notation, Literal(group)))
        g.add((top, SKOS.inScheme, scheme))
        g.add((top, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, top))
        _texts(g, top, SKOS.prefLabel, labels, html=False)
    for profile in profiles:
        if not iris.is_identifier(profile.identifier):
            raise SeedImportError(
                f"problem profile id {profile.identifier!r} cannot be used in an IRI"
            )
        s = mint(iris.problem_profile(profile.identifier))
        g.add((s, RDF.type, SKOS.Concept))
        g.add((s, RDF.type, ILK.ProblemProfile))
        g.add((s, DCT.identifier, Literal(profile.identifier)))
        g.add((s, SKOS.notation, Literal(profile.identifier)))
        g.add((s, SKOS.inScheme, scheme))
        g.add(
            (
                s,
                SKOS.broader,
                mint.concept("problem-profiles", tables.problem_group(profile.identifier)),
            )
        )
        _texts(g, s, SKOS.prefLabel, profile.names, html=False)
        _texts(g, s, SKOS.definition, profile.descriptions, html=True)
        for purpose in tables.purposes_of_problem(profile.identifier):
            g.add((s, ILK.purpose, mint.concept("purposes", purpose)))
    return g


def schema_graph(schema: SeedSchema, base_iri: str) -> Graph:
    """One co-production schema with its whole phase -> objective -> task tree."""
    mint = _Minter(base_iri)
    g = new_graph()
    sid = schema.identifier
    s = mint(iris.schema(sid))
    g.add((s, RDF.type, ILK.CoproductionSchema))
    g.add((s, DCT.identifier, Literal(sid)))
    _texts(g, s, DCT.title, schema.names, html=False)
    _texts(g, s, DCT.description, schema.descriptions, html=True)
    for lang, words in sorted(schema.tags.items()):
        for word in words:
            if lang in tables.LANGUAGE_CODES and word.strip():
                g.add((s, DCAT.keyword, Literal(word.strip(), lang=lang)))
    if schema.licence in tables.LICENCE_CATEGORIES:
        g.add((s, DCT.license, mint(iris.licence(tables.LICENCE_CATEGORIES[schema.licence]))))
    phases = ordered(schema.phases, f"schema {sid}")
    for position, phase in enumerate(phases, start=1):
        p = mint(iris.phase(sid, phase.identifier))
        g.add((s, ILK.hasPhase, p))
        _element(g, mint, phase, p, ILK.Phase, s, s, position, lambda i: iris.phase(sid, i))
        if phase.part_of_codelivery is not None:
            g.add((p, ILK.partOfCodelivery, Literal(phase.part_of_codelivery)))
        objectives = ordered(phase.children, f"{sid}/{phase.identifier}")
        for o_pos, objective in enumerate(objectives, start=1):
            o = mint(iris.objective(sid, objective.identifier))
            g.add((p, ILK.hasObjective, o))
            _element(
                g, mint, objective, o, ILK.Objective, p, s, o_pos, lambda i: iris.objective(sid, i)
            )
            tasks = ordered(objective.children, f"{sid}/{objective.identifier}")
            for t_pos, task in enumerate(tasks, start=1):
                t = mint(iris.task(sid, task.identifier))
                g.add((o, ILK.hasTask, t))
                _element(g, mint, task, t, ILK.Task, o, s, t_pos, lambda i: iris.task(sid, i))
    return g


def _element(
    g: Graph,
    mint: _Minter,
    item: SeedItem,
    subject: URIRef,
    cls: URIRef,
    parent: URIRef,
    schema: URIRef,
    position: int,
    sibling_path: Callable[[str], str],
) -> None:
    if not iris.is_identifier(item.identifier):
        raise SeedImportError(f"schema element id {item.identifier!r} cannot be used in an IRI")
    g.add((subject, RDF.type, cls))
    g.add((subject, DCT.identifier, Literal(item.identifier)))
    g.add((subject, DCT.isPartOf, parent))
    g.add((subject, ILK.inSchema, schema))
    g.add((subject, ILK.order, Literal(position, datatype=XSD.integer)))
    _texts(g, subject, DCT.title, item.names, html=False)
    _texts(g, subject, DCT.description, item.descriptions, html=True)
    for problem in item.problem_profiles:
        g.add((subject, ILK.addressesProblem, mint(iris.problem_profile(problem))))
    for previous in item.previous:
        g.add((subject, ILK.hasPrerequisite, mint(sibling_path(previous))))


def convert(seed: Seed, base_iri: str) -> dict[str, Graph]:
    """All graphs of a seed, keyed by their output path (``interlinkers/<id>.ttl`` ...)."""
    out: dict[str, Graph] = {}
    seen: set[str] = set()
    for item in seed.interlinkers:
        if item.identifier in seen:
            raise SeedImportError(f"duplicate INTERLINKER id {item.identifier!r}")
        seen.add(item.identifier)
        out[f"interlinkers/{item.identifier}.ttl"] = interlinker_graph(item, base_iri)
    out["problem-profiles.ttl"] = problem_profiles_graph(seed.problem_profiles, base_iri)
    for schema in seed.schemas:
        out[f"schemas/{schema.identifier}.ttl"] = schema_graph(schema, base_iri)
    return out


__all__ = ["convert", "interlinker_graph", "problem_profiles_graph", "schema_graph"]
