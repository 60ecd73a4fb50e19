"""The DCAT-AP 3 view of INTERLINKER descriptions. Pure: graphs in, a graph out.

Every INTERLINKER becomes a ``dcat:Dataset`` (the class harvesters import): knowledge resources
keep their file distributions; external ones get their landing page and a distribution that
points to it; software ones are also a ``dcat:DataService`` reached through a distribution. The
view carries a short description of everything it references (languages, places, file and media
types, licences, rights, themes, publisher, contact point), because the official range and
vocabulary shapes check the class and scheme of each object *in the data*.

What portals score (data.europa.eu's metadata quality assessment) is stated wherever the data
allows it truthfully: the access rights the description states, a media type on every
distribution whose format implies one, the rights statement of the licence's category on every
distribution, and a download URL where the distribution is a file reachable at a URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from interlink_kg.model import file_types
from interlink_kg.rdf.graphs import triples_graph
from interlink_kg.vocab import (
    DCAT,
    DCT,
    EU_LANGUAGE,
    FOAF,
    ILK,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    VCARD,
)

NAME = "dcat-ap-3"
VERSION = "3.0.1"
DATA_THEME_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")
GOVERNMENT_THEME = URIRef(f"{DATA_THEME_SCHEME}/GOVE")
HTML, HTML_MEDIA_TYPE = file_types.HTML
_SOFTWARE_CLASSES = {ILK.SoftwareInterlinker, ILK.ExternalSoftwareInterlinker}
_DATASET_PROPERTIES = (
    DCT.identifier,
    DCT.title,
    DCT.description,
    DCAT.keyword,
    DCT.language,
    DCT.spatial,
    DCAT.landingPage,
    DCAT.distribution,
    DCT.accessRights,
)
_DISTRIBUTION_PROPERTIES = (
    DCT.title,
    DCAT.accessURL,
    DCAT.downloadURL,
    DCT.format,
    DCAT.mediaType,
    DCT.license,
    DCT.language,
)
# What the view copies about referenced things (from the vocabularies and the catalogue node).
_DESCRIPTION_PROPERTIES = (
    RDF.type,
    SKOS.prefLabel,
    SKOS.inScheme,
    SKOS.notation,
    DCT.type,
    DCT.title,
    DCT.description,
    RDFS.label,
    FOAF.name,
    VCARD.fn,
    VCARD.hasURL,
    VCARD.hasEmail,
)


def _copy(source: Graph, target: Graph, node: Node, properties: Iterable[URIRef]) -> None:
    for prop in properties:
        for value in source.objects(node, prop):
            target.add((node, prop, value))


def describe(source: Graph, target: Graph, node: Node) -> None:
    """Copy what the vocabularies say about ``node`` (and its scheme, typed and titled)."""
    _copy(source, target, node, _DESCRIPTION_PROPERTIES)
    for scheme in source.objects(node, SKOS.inScheme):
        _copy(source, target, scheme, _DESCRIPTION_PROPERTIES)
        target.add((scheme, RDF.type, SKOS.ConceptScheme))
        if (scheme, DCT.title, None) not in target:
            for label in source.objects(scheme, SKOS.prefLabel):
                target.add((scheme, DCT.title, label))


def interlinkers_in(source: Graph) -> list[URIRef]:
    """The INTERLINKERs a graph describes (every one has an ``ilk:kind``), sorted."""
    return sorted(s for s in source.subjects(ILK.kind, None) if isinstance(s, URIRef))


def build(source: Graph, catalogue: URIRef | None = None) -> Graph:
    """The DCAT-AP 3 view of the INTERLINKERs in ``source``.

    ``source`` holds the descriptions together with the vocabularies (and the catalogue node,
    whose publisher and contact point every dataset names).
    """
    view = triples_graph()
    for prefix, namespace in PREFIXES.items():
        view.bind(prefix, namespace)
    publisher = source.value(catalogue, DCT.publisher) if catalogue is not None else None
    contact = source.value(catalogue, DCAT.contactPoint) if catalogue is not None else None
    referenced: set[Node] = set()
    for item in interlinkers_in(source):
        _dataset(source, view, item, publisher, contact, referenced)
    # Every EU language named anywhere in the view (once per page: walking the view for each
    # dataset made a page quadratic in its size).
    referenced.update(
        language
        for language in view.objects(None, DCT.language)
        if str(language).startswith(str(EU_LANGUAGE))
    )
    for node in sorted(referenced, key=str):
        describe(source, view, node)
    for node in view.objects(None, DCAT.landingPage):
        view.add((node, RDF.type, FOAF.Document))
    for node in view.objects(None, DCAT.mediaType):
        view.add((node, RDF.type, DCT.MediaType))
    for node in view.objects(None, DCAT.contactPoint):
        view.add((node, RDF.type, VCARD.Kind))
    for node in view.objects(None, DCT.license):
        view.add((node, RDF.type, DCT.LicenseDocument))
    return view


def _dataset(
    source: Graph,
    view: Graph,
    item: URIRef,
    publisher: Node | None,
    contact: Node | None,
    referenced: set[Node],
) -> None:
    """The INTERLINKER as a ``dcat:Dataset``, with its distributions and, for software, the
    data service it runs as; ``referenced`` collects what the page must describe too."""
    view.add((item, RDF.type, DCAT.Dataset))
    _copy(source, view, item, _DATASET_PROPERTIES)
    for problem in source.objects(item, ILK.addressesProblem):
        view.add((item, DCAT.theme, problem))
        referenced.add(problem)
    view.add((item, DCAT.theme, GOVERNMENT_THEME))
    referenced.add(GOVERNMENT_THEME)
    if publisher is not None:
        view.add((item, DCT.publisher, publisher))
        referenced.add(publisher)
        referenced.update(source.objects(publisher, DCT.type))
    if contact is not None:
        view.add((item, DCAT.contactPoint, contact))
        referenced.add(contact)
    for prop in (DCT.language, DCT.spatial, DCT.accessRights):
        referenced.update(source.objects(item, prop))
    licence = source.value(item, DCT.license)
    distributions = _file_distributions(source, view, item, licence, referenced)
    landing = source.value(item, DCAT.landingPage)
    is_software = bool(set(source.objects(item, RDF.type)) & _SOFTWARE_CLASSES)
    if landing is not None and not distributions and not is_software:
        web = _distribution(
            view,
            item,
            "web",
            landing,
            licence,
            "on the web",
            "The INTERLINKER's page on its publisher's web site.",
        )
        as_file = file_types.of_url(str(landing))
        if as_file is not None:  # the publisher's address is the file itself
            file_type, media_type = as_file
            view.set((web, DCT.format, file_type))
            view.set((web, DCAT.mediaType, media_type))
            view.add((web, DCAT.downloadURL, landing))
            view.set(
                (web, DCT.description, Literal("The file on its publisher's web site.", lang="en"))
            )
            referenced.add(file_type)
        else:
            referenced.add(HTML)
    if is_software:
        _data_service(source, view, item, landing, licence)
        referenced.add(HTML)
    if licence is not None:
        referenced.add(licence)
        referenced.update(source.objects(licence, DCT.type))
        rights = _rights_statement(source, licence)
        if rights is not None:
            for distribution in view.objects(item, DCAT.distribution):
                view.add((distribution, DCT.rights, rights))
            referenced.add(rights)


def _file_distributions(
    source: Graph, view: Graph, item: URIRef, licence: Node | None, referenced: set[Node]
) -> list[Node]:
    """The distributions the description states, each with a licence and a description."""
    distributions = list(source.objects(item, DCAT.distribution))
    for distribution in distributions:
        view.add((distribution, RDF.type, DCAT.Distribution))
        _copy(source, view, distribution, _DISTRIBUTION_PROPERTIES)
        if licence is not None and (distribution, DCT.license, None) not in view:
            view.add((distribution, DCT.license, licence))
        if (distribution, DCT.description, None) not in view:
            view.add((distribution, DCT.description, _file_description(source, distribution)))
        for prop in (DCT.format, DCT.language, DCT.license):
            referenced.update(view.objects(distribution, prop))
    return distributions


def _data_service(
    source: Graph, view: Graph, item: URIRef, landing: Node | None, licence: Node | None
) -> None:
    """A software INTERLINKER as a ``dcat:DataService`` and the running instance reached at
    its address."""
    service = URIRef(f"{item}/service")
    endpoint = landing if landing is not None else item
    view.add((service, RDF.type, DCAT.DataService))
    for title in source.objects(item, DCT.title):
        view.add((service, DCT.title, title))
    view.add((service, DCAT.endpointURL, endpoint))
    view.add((service, DCAT.servesDataset, item))
    if licence is not None:
        view.add((service, DCT.license, licence))
    # What DCAT-AP recommends for a data service is what the INTERLINKER already states:
    # its publisher, contact point, keywords and themes.
    for prop in (DCT.publisher, DCAT.contactPoint, DCAT.keyword, DCAT.theme):
        for value in list(view.objects(item, prop)):
            view.add((service, prop, value))
    running = _distribution(
        view,
        item,
        "service",
        endpoint,
        licence,
        "running instance",
        "A running instance of the software, reached at its web address.",
    )
    view.add((running, DCAT.accessService, service))


def _rights_statement(source: Graph, licence: Node) -> Node | None:
    """The rights statement of the licence's category (``licences/<category>/rights``)."""
    category = source.value(licence, ILK.licenceCategory)
    if category is None:
        return None
    return next(
        (
            s
            for s in source.subjects(ILK.licenceCategory, category)
            if (s, RDF.type, DCT.RightsStatement) in source
        ),
        None,
    )


def _label(source: Graph, node: Node) -> str:
    for label in source.objects(node, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return str(node).rsplit("/", 1)[-1]


def _file_description(source: Graph, distribution: Node) -> Literal:
    """A plain account of a file distribution from its format and languages."""
    formats = sorted(_label(source, f) for f in source.objects(distribution, DCT.format))
    languages = sorted(_label(source, lang) for lang in source.objects(distribution, DCT.language))
    text = f"{' / '.join(formats)} file" if formats else "File"
    if languages:
        text += f" in {', '.join(languages)}"
    return Literal(text + ".", lang="en")


def _distribution(
    view: Graph,
    item: URIRef,
    name: str,
    url: Node,
    licence: Node | None,
    label: str,
    description: str,
) -> URIRef:
    distribution = URIRef(f"{item}/distributions/{name}")
    view.add((item, DCAT.distribution, distribution))
    view.add((distribution, RDF.type, DCAT.Distribution))
    view.add((distribution, DCAT.accessURL, url))
    view.add((distribution, DCT.title, Literal(label, lang="en")))
    view.add((distribution, DCT.description, Literal(description, lang="en")))
    view.add((distribution, DCT.format, HTML))
    view.add((distribution, DCAT.mediaType, HTML_MEDIA_TYPE))
    if licence is not None:
        view.add((distribution, DCT.license, licence))
    return distribution
