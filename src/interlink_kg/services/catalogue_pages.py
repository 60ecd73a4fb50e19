"""The harvestable DCAT-AP catalogue, one page at a time (``GET /catalogue``).

Each page holds the catalogue node, the DCAT-AP view of a slice of the published INTERLINKERs in
identifier order, everything they reference, and a Hydra paging node typed both
``hydra:PartialCollectionView`` and ``hydra:PagedCollection`` (the two harvesters follow
different ones), with ``next``/``nextPage`` and the other links, ``totalItems`` and
``itemsPerPage``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from interlink_kg.errors import NotFoundError
from interlink_kg.model.catalogue import page_count
from interlink_kg.queries import query
from interlink_kg.services.catalogue import count_interlinkers
from interlink_kg.services.profiles import dcat_ap3
from interlink_kg.store.base import Store
from interlink_kg.vocab import DCAT, DCT, FOAF, HYDRA, RDF

_CATALOGUE_PROPERTIES = (
    DCT.title,
    DCT.description,
    DCT.publisher,
    DCT.language,
    DCT.spatial,
    DCAT.themeTaxonomy,
    DCAT.contactPoint,
    DCT.identifier,
)


def _vocabulary_graph(store: Store, base_iri: str) -> Graph:
    names = [
        g
        for g in store.data_graphs()
        if g.startswith(f"{base_iri}graphs/catalogue_data/vocabularies/")
        or g
        in {
            f"{base_iri}graphs/catalogue_data/problem-profiles.ttl",
            f"{base_iri}graphs/catalogue_data/catalogue.ttl",
        }
    ]
    return store.construct("CONSTRUCT WHERE { ?s ?p ?o }", graphs=names)


def page_url(base_iri: str, page: int, per_page: int, default_per_page: int) -> str:
    params: dict[str, int] = {"page": page}
    if per_page != default_per_page:
        params["per_page"] = per_page
    return f"{base_iri}catalogue?{urlencode(params)}"


def catalogue_page(
    store: Store,
    base_iri: str,
    *,
    page: int,
    per_page: int,
    default_per_page: int,
    requested_url: str,
) -> Graph:
    """One page of the DCAT-AP 3 catalogue; ``requested_url`` names the page node."""
    total = count_interlinkers(store)
    rows = store.select(query("interlinker-page", limit=per_page, offset=(page - 1) * per_page))
    items = [r["item"] for r in rows if isinstance(r.get("item"), URIRef)]
    source = _vocabulary_graph(store, base_iri)
    if items:
        source += store.construct(query("resource-description", {"item": items}))
    catalogue = URIRef(base_iri + "catalogue")
    view = dcat_ap3.build(source, catalogue)
    view.add((catalogue, RDF.type, DCAT.Catalog))
    for prop in _CATALOGUE_PROPERTIES:
        for value in source.objects(catalogue, prop):
            view.add((catalogue, prop, value))
    view.add((catalogue, FOAF.homepage, catalogue))
    view.add((catalogue, RDF.type, FOAF.Document))  # the range DCAT-AP gives foaf:homepage
    for item in items:
        view.add((catalogue, DCAT.dataset, item))
    for service in view.subjects(RDF.type, DCAT.DataService):
        view.add((catalogue, DCAT.service, service))
    for node in [*view.objects(catalogue, DCT.language), *view.objects(catalogue, DCT.spatial)]:
        for triple in source.triples((node, None, None)):
            view.add(triple)
    # The datasets' EU theme (GOVE) comes from the EU data-theme scheme: name it as a taxonomy too.
    view.add((catalogue, DCAT.themeTaxonomy, dcat_ap3.DATA_THEME_SCHEME))
    for taxonomy in list(view.objects(catalogue, DCAT.themeTaxonomy)):
        view.add((taxonomy, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme")))
        titles = list(source.objects(taxonomy, DCT.title)) or list(
            source.objects(taxonomy, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
        )
        for title in titles:
            view.add((taxonomy, DCT.title, title))
    last = page_count(total, per_page)
    view_node = URIRef(requested_url)
    view.bind("hydra", HYDRA)
    view.add((view_node, RDF.type, HYDRA.PartialCollectionView))
    view.add((view_node, RDF.type, HYDRA.PagedCollection))
    view.add((view_node, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    view.add((view_node, HYDRA.itemsPerPage, Literal(per_page, datatype=XSD.integer)))

    def link(number: int) -> URIRef:
        return URIRef(page_url(base_iri, number, per_page, default_per_page))

    view.add((view_node, HYDRA.first, link(1)))
    view.add((view_node, HYDRA.firstPage, link(1)))
    view.add((view_node, HYDRA.last, link(last)))
    view.add((view_node, HYDRA.lastPage, link(last)))
    if page < last:
        view.add((view_node, HYDRA.next, link(page + 1)))
        view.add((view_node, HYDRA.nextPage, link(page + 1)))
    if page > 1:
        view.add((view_node, HYDRA.previous, link(page - 1)))
        view.add((view_node, HYDRA.previousPage, link(page - 1)))
    return view


def profile_node(store: Store, base_iri: str, item: URIRef, node: URIRef) -> Graph:
    """The DCAT-AP description of ``node``, a resource only the DCAT-AP view of ``item`` mints
    (its ``/service`` and its per-kind distributions), so that those IRIs dereference too."""
    source = _vocabulary_graph(store, base_iri) + store.construct(
        query("resource-description", {"item": [item]})
    )
    view = dcat_ap3.build(source, URIRef(base_iri + "catalogue"))
    out = Graph(namespace_manager=view.namespace_manager)
    for triple in view.triples((node, None, None)):
        out.add(triple)
    if len(out) == 0:
        raise NotFoundError(f"nothing is known about {node}", details={"iri": str(node)})
    for value in set(out.objects()):
        for prop in (DCT.title, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")):
            for triple in view.triples((value, prop, None)):
                out.add(triple)
    return out
