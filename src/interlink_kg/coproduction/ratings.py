"""Ratings of INTERLINKERs by the people who selected them.

One rating per person and INTERLINKER (rating again replaces the value and text, keeping when
it was first made). Ratings live in the workspace store, one graph per INTERLINKER; anyone reads
them without their authors; their count and mean are published (:mod:`.publication`).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from rdflib import Graph

from interlink_kg.coproduction import inputs
from interlink_kg.coproduction.clock import utc_now
from interlink_kg.coproduction.processes import Processes
from interlink_kg.coproduction.publication import RATINGS_PREFIX, Publication
from interlink_kg.errors import BadRequestError, ForbiddenError, GoneError, UnprocessableError
from interlink_kg.finding.catalogue import interlinker_iri
from interlink_kg.model import iris
from interlink_kg.model.labels import SUPPORTED_LANGUAGES
from interlink_kg.model.ratings import (
    MAX_TEXT_CHARS,
    MAX_VALUE,
    MIN_VALUE,
    Rating,
    ratings_from_graph,
    ratings_graph,
)
from interlink_kg.model.roles import Account
from interlink_kg.rdf.formats import NTRIPLES
from interlink_kg.rdf.serialize import serialize
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.validation.engine import Validator
from interlink_kg.vocab import ILK, RDF


@dataclass
class Ratings:
    store: Store  # the workspace
    catalogue: Store
    base_iri: str
    validator: Validator
    processes: Processes
    publication: Publication
    is_deprecated: Callable[[str], bool] = lambda identifier: False
    clock: Callable[[], datetime] = utc_now
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _graph_name(self, interlinker: str) -> str:
        return self.base_iri + RATINGS_PREFIX + iris.segment(interlinker)

    def _known(self, interlinker: str) -> str:
        """The INTERLINKER's IRI; 410 for a deprecated one, 404 for an unknown one."""
        if self.is_deprecated(interlinker):
            raise GoneError(
                f"the INTERLINKER {interlinker!r} has been deprecated",
                details={"interlinker": interlinker},
            )
        return str(interlinker_iri(self.catalogue, interlinker))

    def of(self, interlinker: str) -> list[Rating]:
        """Every rating of the INTERLINKER, oldest first."""
        # A deprecated INTERLINKER's ratings stay readable; an unknown one has none (404).
        if not (iris.is_identifier(interlinker) and self.is_deprecated(interlinker)):
            self._known(interlinker)
        graph = self.store.graph(self._graph_name(interlinker))
        return ratings_from_graph(graph, self.base_iri, interlinker)

    def rdf(self, interlinker: str) -> Graph:
        return ratings_graph(self.of(interlinker), self.base_iri, public=True)

    def rate(self, account: Account, interlinker: str, body: object) -> tuple[Rating, bool]:
        """Rate (or rate again); the rating and whether it is new."""
        data = inputs.json_object(body, '{"value": 0..5, "text", "language"}')
        inputs.only(data, ("value", "text", "language"))
        value = data.get("value")
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MIN_VALUE <= value <= MAX_VALUE
        ):
            raise BadRequestError(
                f"value must be a whole number from {MIN_VALUE} to {MAX_VALUE}",
                details={"field": "value"},
            )
        text = inputs.text(data.get("text"), "text", MAX_TEXT_CHARS, required=False)
        language = inputs.choice(data.get("language", "en"), "language", SUPPORTED_LANGUAGES)
        iri = self._known(interlinker)
        if not self.processes.selected_by(account.user, iri):
            raise ForbiddenError(
                "rate an INTERLINKER after selecting it for a task of one of your processes",
                details={"interlinker": interlinker},
            )
        with self._lock:
            ratings = self.of(interlinker)
            mine = next((r for r in ratings if r.user == account.user), None)
            now = self.clock()
            if mine is None:
                rating = Rating(
                    id=f"r{secrets.token_hex(8)}",
                    interlinker_id=interlinker,
                    user=account.user,
                    value=value,
                    created=now,
                    modified=now,
                    text=text,
                    language=language if text else None,
                )
            else:
                rating = replace(
                    mine, value=value, text=text, language=language if text else None, modified=now
                )
            others = [r for r in ratings if r.user != account.user]
            self._write(interlinker, [*others, rating], rating)
        return rating, mine is None

    def _write(self, interlinker: str, ratings: list[Rating], changed: Rating) -> None:
        graph = ratings_graph(ratings, self.base_iri, public=False)
        data = ratings_graph([changed], self.base_iri, public=False)
        context = Graph()
        for rated in set(data.objects(None, ILK.ratedInterlinker)):
            context.add((rated, RDF.type, ILK.Interlinker))
        report = self.validator.validate(data, context=context)
        if not report.conforms:
            raise UnprocessableError(
                f"the rating breaks {len(report.violations)} rule(s) of the shapes; nothing was "
                "stored",
                details={"report": report.to_dict()},
            )
        payload = GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, self.base_iri, "ratings")
        self.store.replace_graphs({self._graph_name(interlinker): payload})
        self.publication.publish()
