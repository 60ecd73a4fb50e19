"""The harvestable catalogue, one page at a time (``GET /catalogue``), in a chosen profile.

Each page holds the catalogue node, the profile's view of a slice of the published INTERLINKERs
in identifier order (optionally only those whose record changed since a moment), their
catalogue records, everything they reference, and a Hydra paging node typed both
``hydra:PartialCollectionView`` and ``hydra:PagedCollection`` (the two harvesters follow
different ones), with ``next``/``nextPage`` and the other links, ``totalItems`` and
``itemsPerPage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from rdflib import Graph, Literal, URIRef

from interlink_kg.errors import NotFoundError
from interlink_kg.finding.cache import PerGeneration
from interlink_kg.finding.keys import Keys, keys
from interlink_kg.finding.record_dates import RecordDates, record_dates
from interlink_kg.model import iris
from interlink_kg.model.catalogue import page_count
from interlink_kg.publishing import profiles
from interlink_kg.publishing.profiles import DEFAULT, Profile, dcat_ap3
from interlink_kg.queries import query
from interlink_kg.rdf.graphs import over
from interlink_kg.store.base import Store
from interlink_kg.vocab import ADMS, DCAT, DCT, FOAF, HYDRA, RDF, SKOS, XSD

CHANGE_TYPE = "http://purl.org/adms/changetype/"

_CATALOGUE_PROPERTIES = (
    DCT.title,
    DCT.description,
    DCT.publisher,
    DCT.language,
    DCT.spatial,
    DCAT.themeTaxonomy,
    DCAT.contactPoint,
    DCT.identifier,
    DCT.license,
)


def _source(store: Store, base_iri: str, items: list[URIRef], *, published: bool) -> Graph:
    """What a profile builds a page's view from: the descriptions of ``items`` (``published``:
    what the profiles publish of them) read into a new graph over the shared vocabularies
    (which stay as they are)."""
    vocabularies = over(_VOCABULARIES.get(store, base_iri))
    return store.describe_resources(items, published=published, into=vocabularies)


def warm(store: Store, base_iri: str) -> None:
    """Read what every page of the current generation shares (vocabularies, the catalogue's
    dates, the records' dates), so that the first page after a change does not wait for it
    (seconds at 100k)."""
    _VOCABULARIES.get(store, base_iri)
    _ = record_dates(store).span  # the catalogue's dates, worked out once per generation


def _read_vocabularies(store: Store, base_iri: str) -> Graph:
    names = [
        g
        for g in store.data_graphs()
        if g.startswith(base_iri + iris.bundled_file_graph("catalogue_data/vocabularies/"))
        or g
        in {
            base_iri + iris.bundled_file_graph("catalogue_data/problem-profiles.ttl"),
            base_iri + iris.bundled_file_graph("catalogue_data/catalogue.ttl"),
        }
    ]
    return store.graph(*names)


# The vocabularies, profiles and catalogue node each page describes its items with, per store
# and base IRI: read once per content generation (they change only with the catalogue's content,
# which moves the stamp) and read in place by every page of it, never copied nor changed.
# On a SPARQL server, listing the graphs to read them took 45 ms per page at 100k INTERLINKERs.
_VOCABULARIES: PerGeneration[Graph] = PerGeneration(_read_vocabularies)


@dataclass(frozen=True)
class PageRequest:
    """What a harvester asked for: which page, how big, in which profile, changed since when."""

    page: int = 1
    per_page: int = 100
    default_per_page: int = 100
    profile: Profile = DEFAULT
    modified_since: datetime | None = None  # timezone-aware
    modified_since_text: str | None = None  # as the client wrote it (kept in the links)
    after: str | None = None  # a page by key: the INTERLINKERs whose identifier comes after

    def url(self, base_iri: str, page: int) -> str:
        """The page by number ``page``, with this request's other parameters."""
        return f"{base_iri}catalogue?{urlencode({'page': page, **self._kept()})}"

    def key_url(self, base_iri: str, after: str | None) -> str:
        """The page by key that starts after ``after`` (None: the first page)."""
        params = {**({"after": after} if after is not None else {}), **self._kept()}
        return f"{base_iri}catalogue" + (f"?{urlencode(params)}" if params else "")

    def _kept(self) -> dict[str, str | int]:
        """The parameters every link of a harvest keeps (those that differ from the default)."""
        params: dict[str, str | int] = {}
        if self.per_page != self.default_per_page:
            params["per_page"] = self.per_page
        if self.profile is not DEFAULT:
            params["profile"] = self.profile.name
        if self.modified_since_text is not None:
            params["modified_since"] = self.modified_since_text
        return params


def _since(request: PageRequest) -> dict[str, list[Literal]]:
    assert request.modified_since is not None
    return {"since": [Literal(request.modified_since.isoformat(), datatype=XSD.dateTime)]}


@dataclass(frozen=True)
class Selection:
    total: int  # INTERLINKERs in the whole collection (of this harvest)
    items: list[URIRef]
    more: bool  # whether INTERLINKERs come after this page
    start: int | None = None  # the page's position in the collection, where it is known
    last_key: str | None = None  # the identifier of the page's last INTERLINKER
    keys: Keys | None = None  # the sorted keys the page was cut from (the whole catalogue)


def _select_items(store: Store, request: PageRequest) -> Selection:
    if request.modified_since is None:
        index = keys(store)
        if request.after is not None:
            start = index.position(request.after)
            items = index.after(request.after, request.per_page)
        else:
            start = (request.page - 1) * request.per_page
            items = index.page(request.page, request.per_page)
        end = start + len(items)
        return Selection(
            len(index),
            items,
            end < len(index),
            start,
            index.ids[end - 1] if items else request.after,
            index,
        )
    counted = store.select(query("interlinker-count-since", _since(request)))
    total = int(str(counted[0]["total"])) if counted else 0
    if request.after is None:
        offset = (request.page - 1) * request.per_page
        rows = store.select(
            query(
                "interlinker-page-since", _since(request), limit=request.per_page + 1, offset=offset
            )
        )
    else:
        values = {**_since(request), "after": [Literal(request.after)]}
        rows = store.select(
            query("interlinker-page-since-after", values, limit=request.per_page + 1)
        )
    found = [(str(r["id"]), item) for r in rows if isinstance(item := r.get("item"), URIRef)]
    page = found[: request.per_page]
    return Selection(
        total,
        [item for _, item in page],
        len(found) > request.per_page,
        None,
        page[-1][0] if page else request.after,
    )


def _add_records(
    view: Graph,
    source: Graph,
    listed: RecordDates,
    catalogue: URIRef,
    items: list[URIRef],
    profile: Profile,
) -> None:
    """Each INTERLINKER's catalogue record (:mod:`interlink_kg.finding.record_dates`): when it was
    listed and changed, and the profile."""
    if not items:
        return
    view.add((profile.standard, RDF.type, DCT.Standard))
    view.add((profile.standard, DCT.title, Literal(profile.title, lang="en")))
    changes: set[URIRef] = set()
    for item in items:
        for listing in listed.listings(item):
            record, modified, issued = listing.terms()
            view.add((catalogue, DCAT.record, record))
            view.add((record, RDF.type, DCAT.CatalogRecord))
            view.add((record, FOAF.primaryTopic, item))
            view.add((record, DCT.modified, modified))
            view.add((record, DCT.conformsTo, profile.standard))
            # The dataset was issued in this catalogue when its record was, and last changed
            # when its record says (the only dates the catalogue knows for an INTERLINKER).
            view.add((item, DCT.modified, modified))
            change = URIRef(CHANGE_TYPE + ("Created" if issued == modified else "Updated"))
            if issued is not None:
                view.add((record, DCT.issued, issued))
                view.add((item, DCT.issued, issued))
            view.add((record, ADMS.status, change))
            changes.add(change)
    for change in changes:
        dcat_ap3.describe(source, view, change)


def catalogue_page(
    store: Store,
    base_iri: str,
    request: PageRequest,
    *,
    requested_url: str,
    contact_email: str | None = None,
) -> Graph:
    """One page of the catalogue in ``request.profile``; ``requested_url`` names the page node.

    ``contact_email`` (from the settings) is added to the catalogue's contact point.
    """
    selection = _select_items(store, request)
    items = selection.items
    source = _source(store, base_iri, items, published=True)
    catalogue = URIRef(base_iri + "catalogue")
    profiles.add_contact_email(source, catalogue, contact_email)
    view = request.profile.build(source, catalogue)
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
    for node in [
        *view.objects(catalogue, DCT.language),
        *view.objects(catalogue, DCT.spatial),
        *view.objects(catalogue, DCAT.contactPoint),
    ]:
        for triple in source.triples((node, None, None)):
            view.add(triple)
    for licence in view.objects(catalogue, DCT.license):
        dcat_ap3.describe(source, view, licence)
    dated = record_dates(store)
    if dated.span is not None:
        view.add((catalogue, DCT.issued, dated.span[0]))
        view.add((catalogue, DCT.modified, dated.span[1]))
    _add_records(view, source, dated, catalogue, items, request.profile)
    _name_theme_taxonomies(view, source, catalogue)
    if request.after is None:
        _add_paging(view, request, base_iri, selection.total, URIRef(requested_url))
    else:
        _add_key_paging(view, request, base_iri, selection, URIRef(requested_url))
    return view


def _name_theme_taxonomies(view: Graph, source: Graph, catalogue: URIRef) -> None:
    """The datasets' EU theme (GOVE) comes from the EU data-theme scheme: name it as a taxonomy
    too; every taxonomy is a typed, titled concept scheme."""
    view.add((catalogue, DCAT.themeTaxonomy, dcat_ap3.DATA_THEME_SCHEME))
    for taxonomy in list(view.objects(catalogue, DCAT.themeTaxonomy)):
        view.add((taxonomy, RDF.type, SKOS.ConceptScheme))
        titles = list(source.objects(taxonomy, DCT.title)) or list(
            source.objects(taxonomy, SKOS.prefLabel)
        )
        for title in titles:
            view.add((taxonomy, DCT.title, title))


def _add_paging(
    view: Graph, request: PageRequest, base_iri: str, total: int, view_node: URIRef
) -> None:
    """Hydra paging on the page node: counts and first, last, next and previous links (also in
    the ``firstPage``... forms ckanext-dcat reads)."""
    page = request.page
    last = page_count(total, request.per_page)
    view.bind("hydra", HYDRA)
    view.add((view_node, RDF.type, HYDRA.PartialCollectionView))
    view.add((view_node, RDF.type, HYDRA.PagedCollection))
    view.add((view_node, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    view.add((view_node, HYDRA.itemsPerPage, Literal(request.per_page, datatype=XSD.integer)))

    def link(number: int) -> URIRef:
        return URIRef(request.url(base_iri, number))

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


def _add_key_paging(
    view: Graph,
    request: PageRequest,
    base_iri: str,
    selection: Selection,
    view_node: URIRef,
) -> None:
    """Hydra paging of a page by key: ``next`` starts after this page's last identifier, so a
    harvester following it pays the same for every page, however deep; ``first`` is the first
    page by key, and ``previous``/``last`` where the position is known (the whole catalogue)."""
    view.bind("hydra", HYDRA)
    view.add((view_node, RDF.type, HYDRA.PartialCollectionView))
    view.add((view_node, RDF.type, HYDRA.PagedCollection))
    view.add((view_node, HYDRA.totalItems, Literal(selection.total, datatype=XSD.integer)))
    view.add((view_node, HYDRA.itemsPerPage, Literal(request.per_page, datatype=XSD.integer)))
    first = URIRef(request.key_url(base_iri, None))
    view.add((view_node, HYDRA.first, first))
    view.add((view_node, HYDRA.firstPage, first))
    if selection.more and selection.last_key is not None:
        following = URIRef(request.key_url(base_iri, selection.last_key))
        view.add((view_node, HYDRA.next, following))
        view.add((view_node, HYDRA.nextPage, following))
    index = selection.keys
    if selection.start is None or index is None:
        return
    if selection.start > 0:
        before = max(selection.start - request.per_page, 0)
        previous = URIRef(request.key_url(base_iri, index.key_before(before)))
        view.add((view_node, HYDRA.previous, previous))
        view.add((view_node, HYDRA.previousPage, previous))
    pages = page_count(selection.total, request.per_page)
    last = URIRef(request.key_url(base_iri, index.key_before((pages - 1) * request.per_page)))
    view.add((view_node, HYDRA.last, last))
    view.add((view_node, HYDRA.lastPage, last))


def profile_node(store: Store, base_iri: str, item: URIRef, node: URIRef) -> Graph:
    """The DCAT-AP description of ``node``, a resource only the DCAT-AP view of ``item`` mints
    (its ``/service`` and its per-kind distributions), so that those IRIs dereference too."""
    source = _source(store, base_iri, [item], published=False)
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
