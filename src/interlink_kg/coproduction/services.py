"""The public service a process co-produces: its JSON body checked, and its RDF checked
against SEMIC's official CPSV-AP 3.2.0 shapes (``shapes/official/cpsv-ap-3.2.0``)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef

from interlink_kg import resources
from interlink_kg.coproduction import inputs
from interlink_kg.errors import BadRequestError
from interlink_kg.model.labels import LANGUAGE_CODES, SUPPORTED_LANGUAGES
from interlink_kg.model.report import ValidationReport
from interlink_kg.model.services import CV, Service
from interlink_kg.rdf import bundle
from interlink_kg.validation.results import apply_shapes
from interlink_kg.validation.shapes import ShapeSet
from interlink_kg.vocab import DCT, EU_COUNTRY, EU_LANGUAGE, RDF

if TYPE_CHECKING:
    from interlink_kg.model.processes import Process

CPSV_AP_VERSION = "3.2.0"
_FIELDS = (
    "identifier",
    "title",
    "description",
    "competent_authority",
    "languages",
    "spatial",
    "keywords",
    "processing_time",
)
_DURATION = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?")
# The countries of the EU and EEA (and Switzerland, the UK), by their codes in the EU
# countries table; any other place is given by the IRI of a place in an authority table.
EUROPEAN_COUNTRIES = frozenset(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
        "ISL",
        "LIE",
        "NOR",
        "CHE",
        "GBR",
    ]
)
_MAX_TEXT = 5000


@cache
def cpsv_ap_shapes() -> ShapeSet:
    folder = resources.shapes_dir() / "official" / f"cpsv-ap-{CPSV_AP_VERSION}"
    graph = bundle.load_graph(sorted(folder.glob("*.ttl")), "https://semiceu.github.io/CPSV-AP/")
    return ShapeSet("cpsv-ap", CPSV_AP_VERSION, graph)


def _texts(value: object, what: str, language: str) -> dict[str, str]:
    """A text, or texts by language: ``"..."`` (in the process's language) or
    ``{"en": "...", "es": "..."}``."""
    if isinstance(value, str):
        value = {language: value}
    if not isinstance(value, dict) or not value:
        raise BadRequestError(
            f'{what} must be a text or an object of texts by language, e.g. {{"en": "..."}}',
            details={"field": what},
        )
    out = {}
    for lang, text in value.items():
        inputs.choice(lang, f"{what} language", SUPPORTED_LANGUAGES)
        cleaned = inputs.text(text, what, _MAX_TEXT, required=True)
        assert cleaned is not None
        out[str(lang)] = cleaned
    return out


def _location(value: object, what: str, base_iri: str) -> str:
    """A place: a European country by its code in the EU countries table (``ESP``), or the
    http(s) IRI of a place outside this catalogue (e.g. from the EU administrative territorial
    units table)."""
    if isinstance(value, str) and value in EUROPEAN_COUNTRIES:
        return str(EU_COUNTRY[value])
    if isinstance(value, str) and "://" not in value:
        raise BadRequestError(
            f"{what} must be the code of a European country in the EU countries table "
            f"({', '.join(sorted(EUROPEAN_COUNTRIES)[:6])}...) or the http(s) IRI of a place",
            details={"field": what, "allowed": sorted(EUROPEAN_COUNTRIES)},
        )
    return _outside(inputs.iri(value, what), what, base_iri)


def _outside(value: str, what: str, base_iri: str) -> str:
    """Refuse IRIs of this catalogue: the service would otherwise state facts about them (that
    an INTERLINKER is a public organisation, or a person's IRI in public data)."""
    if value.startswith(base_iri) or value.rstrip("/") == base_iri.rstrip("/"):
        raise BadRequestError(
            f"{what} must name something outside this catalogue, not {value[:200]!r}",
            details={"field": what},
        )
    return value


def parse_service(body: object, process: Process, base_iri: str) -> Service:
    data = inputs.json_object(
        body,
        '{"title", "description", "competent_authority": {"name", "spatial"}, "languages", '
        '"spatial", "keywords", "processing_time"}',
    )
    inputs.only(data, _FIELDS)
    language = process.language
    identifier = inputs.identifier(data.get("identifier", process.id), "identifier")
    authority = data.get("competent_authority")
    if not isinstance(authority, dict):
        raise BadRequestError(
            'competent_authority must be an object: {"name", "spatial", "iri" (optional)}',
            details={"field": "competent_authority"},
        )
    inputs.only(authority, ("name", "spatial", "iri"))
    authority_iri = authority.get("iri")
    if authority_iri is not None:
        authority_iri = _outside(
            inputs.iri(authority_iri, "competent_authority.iri"),
            "competent_authority.iri",
            base_iri,
        )
    languages = data.get("languages", [language])
    if not isinstance(languages, list) or not languages:
        raise BadRequestError(
            "languages must be a list of language tags", details={"field": "languages"}
        )
    spatial = data.get("spatial", [])
    if not isinstance(spatial, list) or len(spatial) > 20:
        raise BadRequestError(
            "spatial must be a list of up to 20 places", details={"field": "spatial"}
        )
    keywords = data.get("keywords", [])
    if not isinstance(keywords, list) or len(keywords) > 50:
        raise BadRequestError(
            "keywords must be a list of up to 50 words", details={"field": "keywords"}
        )
    time = data.get("processing_time")
    if time is not None and not (isinstance(time, str) and _DURATION.fullmatch(time)):
        raise BadRequestError(
            "processing_time must be an ISO 8601 duration such as P5D or PT4H",
            details={"field": "processing_time"},
        )
    words = tuple(
        sorted({w for w in (inputs.text(k, "keywords", 100, required=True) for k in keywords) if w})
    )
    return Service(
        identifier=identifier,
        titles=_texts(data.get("title"), "title", language),
        descriptions=_texts(data.get("description"), "description", language),
        authority_name=_texts(authority.get("name"), "competent_authority.name", language),
        authority_spatial=_location(
            authority.get("spatial"), "competent_authority.spatial", base_iri
        ),
        authority_iri=authority_iri,
        languages=tuple(
            sorted(
                {
                    str(EU_LANGUAGE[_code(inputs.choice(t, "languages", SUPPORTED_LANGUAGES))])
                    for t in languages
                }
            )
        ),
        spatial=tuple(sorted({_location(s, "spatial", base_iri) for s in spatial})),
        keywords={language: words} if words else {},
        processing_time=time if isinstance(time, str) else None,
    )


def _code(tag: str) -> str:
    return LANGUAGE_CODES[tag]


def service_part(graph: Graph, process: Process, base_iri: str) -> tuple[Graph, set[URIRef]]:
    """The service's own triples (service, authority, places, languages) from a process graph."""
    node = URIRef(f"{base_iri}processes/{process.id}/service")
    subjects: set[URIRef] = {node}
    for predicate in (CV.hasCompetentAuthority, DCT.spatial, DCT.language):
        subjects.update(o for o in graph.objects(node, predicate) if isinstance(o, URIRef))
    for authority in list(graph.objects(node, CV.hasCompetentAuthority)):
        subjects.update(o for o in graph.objects(authority, DCT.spatial) if isinstance(o, URIRef))
    part = Graph()
    for subject in subjects:
        for triple in graph.triples((subject, None, None)):
            part.add(triple)
    return part, {node, *(s for s in subjects if (s, RDF.type, CV.PublicOrganisation) in graph)}


def official_report(graph: Graph, process: Process, base_iri: str) -> ValidationReport:
    """The service part of ``graph`` against the official CPSV-AP shapes."""
    part, focus = service_part(graph, process, base_iri)
    shapes = cpsv_ap_shapes()
    results = apply_shapes(shapes, part, set(focus))
    return ValidationReport.of(shapes.name, shapes.version, results)
