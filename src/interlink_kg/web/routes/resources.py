"""Linked Data: the catalogue's resource IRIs dereference, with content negotiation and
suffix URLs (``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``).

Covers problem profiles, the parts of co-production schemas, vocabularies and their concepts,
licence documents, agents, catalogue records and their events; INTERLINKERs and schemas have
their own routes.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from rdflib import URIRef

from interlink_kg.errors import NotFoundError
from interlink_kg.finding.catalogue import describe
from interlink_kg.model import iris
from interlink_kg.model.iris import is_identifier
from interlink_kg.publishing.catalogue_pages import profile_node
from interlink_kg.publishing.named_graphs import published_graph
from interlink_kg.rdf.formats import RdfFormat
from interlink_kg.web.conditional import conditional
from interlink_kg.web.negotiation import SUFFIX_RULE, split_suffix
from interlink_kg.web.pages import wants_page
from interlink_kg.web.rdf_response import rdf_response
from interlink_kg.web.state import state
from interlink_kg.web.views import guide as guide_views

bp = Blueprint("resources", __name__)


def serve_path(*segments: str) -> Response:
    """Describe ``{base}/segment/...``; the last segment may carry a format suffix."""
    *head, last = segments
    candidates: list[tuple[str, RdfFormat | None]] = [(last, None)]
    stripped, fmt = split_suffix(last)
    if fmt is not None:
        candidates.insert(0, (stripped, fmt))
    for name, forced in candidates:
        parts = [*head, name]
        if not all(is_identifier(p) for p in parts):
            continue
        iri = URIRef(state().settings.base_iri + "/".join(parts))
        try:
            graph = describe(state().store, iri)
        except NotFoundError:
            continue
        return rdf_response(graph, forced)
    raise NotFoundError(f"nothing is published at /{'/'.join(segments)}")


@bp.get("/problem-profiles/<identifier>")
@conditional(vary="Accept")
def problem_profile(identifier: str) -> Response:
    return serve_path("problem-profiles", identifier)


@bp.get("/schemas/<schema>/<any(phases, objectives, tasks):kind>/<identifier>")
@conditional(vary="Accept")
def schema_part(schema: str, kind: str, identifier: str) -> Response:
    if kind == "tasks" and wants_page(request) and is_identifier(identifier):
        return guide_views.task(schema, identifier)
    return serve_path("schemas", schema, kind, identifier)


@bp.get("/vocabularies/<scheme>")
@conditional(vary="Accept")
def vocabulary(scheme: str) -> Response:
    return serve_path("vocabularies", scheme)


@bp.get("/vocabularies/<scheme>/<concept>")
@conditional(vary="Accept")
def concept(scheme: str, concept: str) -> Response:
    return serve_path("vocabularies", scheme, concept)


@bp.get("/licences/<identifier>")
@conditional(vary="Accept")
def licence(identifier: str) -> Response:
    return serve_path("licences", identifier)


@bp.get("/licences/<identifier>/rights")
@conditional(vary="Accept")
def licence_rights(identifier: str) -> Response:
    """What a reuser may do under a licence category, in plain words (``dct:rights``)."""
    return serve_path("licences", identifier, "rights")


@bp.get("/agents/<identifier>")
@conditional(vary="Accept")
def agent(identifier: str) -> Response:
    return serve_path("agents", identifier)


@bp.get("/graphs/<path:name>")
def named_graph(name: str) -> Response:
    """A named graph of the published data (as the SPARQL service description lists them),
    in the format ``Accept`` asks for; names end like files, so no suffix URLs here."""
    iri = state().settings.base_iri + iris.graph(name)
    endpoint = state().sparql
    if iri == endpoint.implied_types_graph:
        return rdf_response(endpoint.implied_types(), suffix_urls=False)
    return rdf_response(published_graph(state().store, iri), suffix_urls=False)


@bp.get("/agents/users/<user>")
@conditional(vary="Accept")
def user(user: str) -> Response:
    return serve_path("agents", "users", user)


@bp.get("/records/<identifier>")
@conditional(vary="Accept")
def record(identifier: str) -> Response:
    """An INTERLINKER's catalogue record, with its history (as at /interlinkers/{id}/record)."""
    name, fmt = split_suffix(identifier)
    if not is_identifier(name):
        raise NotFoundError(f"nothing is published at /records/{identifier}")
    return rdf_response(state().workspace.public_record(name), fmt)


@bp.get("/records/<identifier>/events/<number>")
@conditional(vary="Accept")
def record_event(identifier: str, number: str) -> Response:
    return serve_path("records", identifier, "events", number)


@bp.get("/agents/<identifier>/contact")
@bp.get("/agents/<identifier>/contact" + SUFFIX_RULE)
@conditional(vary="Accept")
def agent_contact(identifier: str, suffix: str = "") -> Response:
    return serve_path("agents", identifier, "contact" + suffix)


@bp.get("/interlinkers/<identifier>/distributions/<distribution>")
@conditional(vary="Accept")
def distribution(identifier: str, distribution: str) -> Response:
    try:
        return serve_path("interlinkers", identifier, "distributions", distribution)
    except NotFoundError:
        return _profile_node(identifier, "distributions", distribution)


@bp.get("/interlinkers/<identifier>/service")
@bp.get("/interlinkers/<identifier>/service" + SUFFIX_RULE)
@conditional(vary="Accept")
def service(identifier: str, suffix: str = "") -> Response:
    return _profile_node(identifier, "service" + suffix)


def _profile_node(identifier: str, *tail: str) -> Response:
    """A resource the DCAT-AP view mints under an INTERLINKER (its service, its distributions)."""
    *head, last = tail
    name, fmt = split_suffix(last)
    if not all(is_identifier(p) for p in (identifier, *head, name)):
        raise NotFoundError(f"nothing is published at /interlinkers/{identifier}/{'/'.join(tail)}")
    base_iri = state().settings.base_iri
    item = URIRef(f"{base_iri}interlinkers/{identifier}")
    node = URIRef("/".join([str(item), *head, name]))
    return rdf_response(profile_node(state().store, base_iri, item, node), fmt)
