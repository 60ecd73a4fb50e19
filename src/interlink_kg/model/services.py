"""The public service a co-production process co-produces, as CPSV-AP 3.2 RDF. Pure: no I/O.

``<processes/{id}/service> a cpsv:PublicService, ilk:CoproducedService`` with an identifier,
titles and descriptions by language, a competent authority (``cv:PublicOrganisation`` with a
``skos:prefLabel`` and a ``dct:spatial`` location), languages, keywords, a processing time,
``prov:wasGeneratedBy`` its process and ``ilk:builtWith`` the INTERLINKERs the process selected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef

from interlink_kg.model.labels import texts_by_language
from interlink_kg.vocab import CPSV, DCAT, DCT, EU_LANGUAGE, ILK, PROV, RDF, SKOS, XSD

CV = Namespace("http://data.europa.eu/m8g/")


@dataclass(frozen=True)
class Service:
    identifier: str
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    authority_name: Mapping[str, str]
    authority_spatial: str  # a location IRI (EU country or ATU table)
    authority_iri: str | None = None  # None: minted under the service
    languages: tuple[str, ...] = ()  # EU language-table IRIs
    spatial: tuple[str, ...] = ()  # location IRIs
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    processing_time: str | None = None  # ISO 8601 duration

    def to_dict(self, iri: str, built_with: Iterable[str] = ()) -> dict[str, Any]:
        return {
            "iri": iri,
            "identifier": self.identifier,
            "title": dict(self.titles),
            "description": dict(self.descriptions),
            "competent_authority": {
                "iri": self.authority_iri or f"{iri}/authority",
                "name": dict(self.authority_name),
                "spatial": self.authority_spatial,
            },
            "languages": list(self.languages),
            "spatial": list(self.spatial),
            "keywords": {lang: list(words) for lang, words in self.keywords.items()},
            "processing_time": self.processing_time,
            "built_with": sorted(built_with),
        }


def service_graph(
    service: Service, process: URIRef, base_iri: str, built_with: Iterable[str]
) -> Graph:
    graph = Graph()
    node = URIRef(f"{process}/service")
    authority = URIRef(service.authority_iri or f"{node}/authority")
    graph.add((node, RDF.type, CPSV.PublicService))
    graph.add((node, RDF.type, ILK.CoproducedService))
    graph.add((node, DCT.identifier, Literal(service.identifier)))
    for lang, text in sorted(service.titles.items()):
        graph.add((node, DCT.title, Literal(text, lang=lang)))
    for lang, text in sorted(service.descriptions.items()):
        graph.add((node, DCT.description, Literal(text, lang=lang)))
    graph.add((node, CV.hasCompetentAuthority, authority))
    graph.add((authority, RDF.type, CV.PublicOrganisation))
    for lang, text in sorted(service.authority_name.items()):
        graph.add((authority, SKOS.prefLabel, Literal(text, lang=lang)))
    graph.add((authority, DCT.spatial, URIRef(service.authority_spatial)))
    for location in {service.authority_spatial, *service.spatial}:
        graph.add((URIRef(location), RDF.type, DCT.Location))
    for location in service.spatial:
        graph.add((node, DCT.spatial, URIRef(location)))
    for language in service.languages:
        graph.add((node, DCT.language, URIRef(language)))
        graph.add((URIRef(language), RDF.type, DCT.LinguisticSystem))
    for lang, words in sorted(service.keywords.items()):
        for word in words:
            graph.add((node, DCAT.keyword, Literal(word, lang=lang)))
    if service.processing_time:
        graph.add(
            (node, CV.processingTime, Literal(service.processing_time, datatype=XSD.duration))
        )
    graph.add((node, PROV.wasGeneratedBy, process))
    for interlinker in built_with:
        graph.add((node, ILK.builtWith, URIRef(interlinker)))
    return graph


def service_from_graph(graph: Graph, node: URIRef) -> Service | None:
    identifier = graph.value(node, DCT.identifier)
    authority = graph.value(node, CV.hasCompetentAuthority)
    if identifier is None or authority is None:
        return None
    keywords: dict[str, list[str]] = {}
    for word in graph.objects(node, DCAT.keyword):
        if isinstance(word, Literal):
            keywords.setdefault(word.language or "", []).append(str(word))
    minted = str(authority) == f"{node}/authority"
    time = graph.value(node, CV.processingTime)
    return Service(
        identifier=str(identifier),
        titles=texts_by_language(graph, node, DCT.title),
        descriptions=texts_by_language(graph, node, DCT.description),
        authority_name=texts_by_language(graph, authority, SKOS.prefLabel),
        authority_spatial=str(graph.value(authority, DCT.spatial)),
        authority_iri=None if minted else str(authority),
        languages=tuple(sorted(str(x) for x in graph.objects(node, DCT.language))),
        spatial=tuple(sorted(str(x) for x in graph.objects(node, DCT.spatial))),
        keywords={lang: tuple(sorted(words)) for lang, words in sorted(keywords.items())},
        processing_time=str(time) if time is not None else None,
    )


__all__ = ["CV", "EU_LANGUAGE", "Service", "service_from_graph", "service_graph"]
