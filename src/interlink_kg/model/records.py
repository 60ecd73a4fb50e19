"""A submission record as RDF (``dcat:CatalogRecord`` + PROV activities) and back. Pure."""

from __future__ import annotations

from datetime import datetime

from rdflib import Graph, Literal, URIRef

from interlink_kg.model import iris
from interlink_kg.model.workflow import Action, Event, Status, SubmissionRecord
from interlink_kg.vocab import ADMS, DCAT, DCT, FOAF, ILK, PREFIXES, PROV, RDF, RDFS, XSD


def record_iri(base_iri: str, identifier: str) -> URIRef:
    return URIRef(f"{base_iri}records/{identifier}")


def user_iri(base_iri: str, user: str) -> URIRef:
    return URIRef(f"{base_iri}agents/users/{user}")


def status_iri(base_iri: str, status: Status) -> URIRef:
    return iris.absolute(base_iri, iris.concept("submission-statuses", status.value))


def action_iri(base_iri: str, action: Action) -> URIRef:
    return iris.absolute(base_iri, iris.concept("submission-actions", action.value))


def _when(at: datetime) -> Literal:
    return Literal(at.isoformat(), datatype=XSD.dateTime)


def record_graph(record: SubmissionRecord, base_iri: str) -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    node = record_iri(base_iri, record.identifier)
    graph.add((node, RDF.type, DCAT.CatalogRecord))
    graph.add((node, DCT.identifier, Literal(record.identifier)))
    graph.add(
        (node, FOAF.primaryTopic, iris.absolute(base_iri, iris.interlinker(record.identifier)))
    )
    if record.created and record.modified:
        graph.add((node, DCT.issued, _when(record.created)))
        graph.add((node, DCT.modified, _when(record.modified)))
    graph.add((node, ADMS.status, status_iri(base_iri, record.status)))
    if record.owner:
        graph.add((node, DCT.creator, user_iri(base_iri, record.owner)))
    users = {record.owner} if record.owner else set()
    for event in record.events:
        activity = URIRef(f"{node}/events/{event.number}")
        graph.add((node, PROV.wasGeneratedBy, activity))
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, DCT.identifier, Literal(str(event.number))))
        graph.add((activity, DCT.type, action_iri(base_iri, event.action)))
        graph.add((activity, PROV.endedAtTime, _when(event.at)))
        if event.user:
            graph.add((activity, PROV.wasAssociatedWith, user_iri(base_iri, event.user)))
            users.add(event.user)
        if event.reason:
            graph.add((activity, RDFS.comment, Literal(event.reason, lang="en")))
    for user in users:
        agent = user_iri(base_iri, user)
        graph.add((agent, RDF.type, FOAF.Agent))
        graph.add((agent, RDF.type, PROV.Agent))
        graph.add((agent, FOAF.name, Literal(user)))
        graph.add((agent, FOAF.accountName, Literal(user)))
    return graph


def _last_segment(node: object) -> str:
    return str(node).rsplit("/", 1)[-1]


def record_from_graph(graph: Graph, base_iri: str, identifier: str) -> SubmissionRecord | None:
    node = record_iri(base_iri, identifier)
    status = graph.value(node, ADMS.status)
    if status is None:
        return None
    owner = graph.value(node, DCT.creator)
    events = []
    for activity in graph.objects(node, PROV.wasGeneratedBy):
        number = graph.value(activity, DCT.identifier)
        kind = graph.value(activity, DCT.type)
        at = graph.value(activity, PROV.endedAtTime)
        user = graph.value(activity, PROV.wasAssociatedWith)
        reason = graph.value(activity, RDFS.comment)
        if number is None or kind is None or not isinstance(at, Literal):
            continue
        events.append(
            Event(
                number=int(str(number)),
                action=Action(_last_segment(kind)),
                user=_last_segment(user) if user is not None else "",
                at=datetime.fromisoformat(str(at)),
                reason=str(reason) if reason is not None else None,
            )
        )
    events.sort(key=lambda e: e.number)
    return SubmissionRecord(
        identifier=identifier,
        owner=_last_segment(owner) if owner is not None else None,
        status=Status(_last_segment(status)),
        events=tuple(events),
    )


def loaded_record_graph(
    base_iri: str, identifier: str, issued: datetime, modified: datetime, digest: str
) -> Graph:
    """The catalogue record of an INTERLINKER loaded from a file (not through the workflow):
    when it was first listed, when its content last changed, and a digest of that content."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    node = record_iri(base_iri, identifier)
    graph.add((node, RDF.type, DCAT.CatalogRecord))
    graph.add((node, DCT.identifier, Literal(identifier)))
    graph.add((node, FOAF.primaryTopic, iris.absolute(base_iri, iris.interlinker(identifier))))
    graph.add((node, DCT.issued, _when(issued)))
    graph.add((node, DCT.modified, _when(modified)))
    graph.add((node, ADMS.status, status_iri(base_iri, Status.PUBLISHED)))
    graph.add((node, ILK.contentDigest, Literal(digest)))
    return graph
