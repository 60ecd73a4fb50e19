"""Ratings of INTERLINKERs as read models and as RDF. Pure: no I/O.

``<interlinkers/{id}/ratings/{rating}> a ilk:Rating`` with a value from 0 to 5, an optional
text, when it was made and last changed, and (in the workspace only) who made it. The rating's
own id is random: published ratings name their author by nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import Graph, Literal, URIRef

from interlink_kg.model import iris
from interlink_kg.model.processes import is_user, utc_text
from interlink_kg.model.teams import user_iri
from interlink_kg.vocab import DCT, ILK, PROV, RDF, XSD

MIN_VALUE, MAX_VALUE = 0, 5
MAX_TEXT_CHARS = 2000


@dataclass(frozen=True)
class Rating:
    id: str
    interlinker_id: str
    user: str
    value: int
    created: datetime
    modified: datetime
    text: str | None = None
    language: str | None = None

    def to_dict(self, base_iri: str) -> dict[str, Any]:
        """The public view: the user only by the rating's opaque id."""
        return {
            "id": self.id,
            "iri": str(rating_iri(base_iri, self.interlinker_id, self.id)),
            "interlinker": self.interlinker_id,
            "value": self.value,
            "text": self.text,
            "language": self.language,
            "created": utc_text(self.created),
            "modified": utc_text(self.modified),
        }


def rating_iri(base_iri: str, interlinker: str, rating: str) -> URIRef:
    return URIRef(f"{base_iri}{iris.interlinker(interlinker)}/ratings/{iris.segment(rating)}")


def ratings_graph(ratings: list[Rating], base_iri: str, *, public: bool) -> Graph:
    graph = Graph()
    for rating in ratings:
        node = rating_iri(base_iri, rating.interlinker_id, rating.id)
        graph.add((node, RDF.type, ILK.Rating))
        graph.add((node, DCT.identifier, Literal(rating.id)))
        graph.add(
            (node, ILK.ratedInterlinker, URIRef(base_iri + iris.interlinker(rating.interlinker_id)))
        )
        graph.add((node, ILK.ratingValue, Literal(rating.value)))
        graph.add((node, DCT.created, Literal(rating.created, datatype=XSD.dateTime)))
        graph.add((node, DCT.modified, Literal(rating.modified, datatype=XSD.dateTime)))
        if rating.text:
            graph.add((node, DCT.description, Literal(rating.text, lang=rating.language)))
        if not public:
            graph.add((node, PROV.wasAttributedTo, user_iri(base_iri, rating.user)))
    return graph


def ratings_from_graph(graph: Graph, base_iri: str, interlinker: str) -> list[Rating]:
    out = []
    for node in graph.subjects(RDF.type, ILK.Rating):
        user = graph.value(node, PROV.wasAttributedTo)
        value = graph.value(node, ILK.ratingValue)
        created = graph.value(node, DCT.created)
        modified = graph.value(node, DCT.modified)
        text = graph.value(node, DCT.description)
        if not (
            user is not None
            and is_user(base_iri, user)
            and isinstance(value, Literal)
            and isinstance(created, Literal)
            and isinstance(modified, Literal)
        ):
            continue
        out.append(
            Rating(
                id=str(graph.value(node, DCT.identifier)),
                interlinker_id=interlinker,
                user=str(user).rsplit("/", 1)[-1],
                value=int(value.toPython()),
                created=created.toPython(),
                modified=modified.toPython(),
                text=str(text) if text is not None else None,
                language=text.language if isinstance(text, Literal) else None,
            )
        )
    return sorted(out, key=lambda r: (r.created, r.id))
