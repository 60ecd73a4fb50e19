"""Namespaces and the terms of our ontology, as rdflib IRIs.

Kept in sync with ``ontology/interlink.ttl`` by ``tests/test_ontology.py``: every name listed
in :data:`ILK_TERMS` is declared there and every declared term is listed here.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

ILK = Namespace("https://w3id.org/interlink-kg/ontology#")
ONTOLOGY_IRI = "https://w3id.org/interlink-kg/ontology"

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA_MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")

DCT = DCTERMS

ILK_CLASSES: tuple[str, ...] = (
    "Interlinker",
    "SoftwareInterlinker",
    "KnowledgeInterlinker",
    "ExternalSoftwareInterlinker",
    "ExternalKnowledgeInterlinker",
    "ProblemProfile",
    "ProblemProfileGroup",
    "Purpose",
    "SchemaElement",
    "CoproductionSchema",
    "Phase",
    "Objective",
    "Task",
    "Team",
    "MemberRole",
    "CoproductionProcess",
    "InterlinkerUse",
    "Rating",
    "CoproducedService",
    "ProcessItem",
    "ProcessPhase",
    "ProcessObjective",
    "ProcessTask",
    "UsageSummary",
)

ILK_PROPERTIES: tuple[str, ...] = (
    "addressesProblem",
    "kind",
    "purpose",
    "difficulty",
    "target",
    "serviceType",
    "administrativeScope",
    "knowledgeForm",
    "knowledgeFormat",
    "licenceCategory",
    "openedWith",
    "sustainabilityRelated",
    "constraintsAndLimitations",
    "order",
    "hasPrerequisite",
    "hasPhase",
    "hasObjective",
    "hasTask",
    "inSchema",
    "partOfCodelivery",
    "followsSchema",
    "team",
    "memberRole",
    "teamType",
    "coproduces",
    "usedInterlinker",
    "forTask",
    "inProcess",
    "ratedInterlinker",
    "ratingValue",
    "interlinkerCount",
    "problemCount",
    "contentDigest",
    "status",
    "visibility",
    "progress",
    "plannedStart",
    "plannedEnd",
    "disabled",
    "aboutInterlinker",
    "teamCount",
    "selectionCount",
    "ratingCount",
    "averageRating",
    "builtWith",
)

ILK_TERMS: tuple[str, ...] = ILK_CLASSES + ILK_PROPERTIES

PREFIXES: dict[str, str] = {
    "ilk": str(ILK),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "skos": str(SKOS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "org": str(ORG),
    "vcard": str(VCARD),
    "adms": str(ADMS),
    "cpsv": str(CPSV),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

__all__ = [
    "ADMS",
    "ADMS_LICENCE_TYPE",
    "ADMS_PUBLISHER_TYPE",
    "CPSV",
    "DCAT",
    "DCT",
    "EU_COUNTRY",
    "EU_FILE_TYPE",
    "EU_LANGUAGE",
    "FOAF",
    "HYDRA",
    "IANA_MEDIA_TYPE",
    "ILK",
    "ILK_TERMS",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "VCARD",
    "XSD",
]
