"""The curators' workflow: submit, update, approve, reject, deprecate INTERLINKER descriptions.

Two stores keep what is public apart from what is not: the *catalogue* store holds only
published data (what the public API, the recommendations and the public SPARQL view read), the
*workspace* store holds submissions and their records. A submission lives in its own named
graph in the workspace; approving it copies it into the catalogue store (replacing whatever
graph described that INTERLINKER before) together with its public ``dcat:CatalogRecord``.
Every step is recorded (PROV activity: who, when, why) and every write to one store is all or
nothing; a transition that writes both stores is made recoverable instead (below).

A transition that changes both stores (approve, deprecate) cannot be one transaction, so it is
made in an order that can always be completed: first an *intent* (the new record) in the
workspace, then the catalogue (content, public record and the stale marker of the derived
graphs, in one write), then the workspace record (dropping the intent), then the derived
graphs. After a crash at any point, :meth:`Workspace.recover` (run at start-up, and for one
INTERLINKER before its next transition) finishes what the catalogue already shows, or forgets
an intent the catalogue never saw.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef

from interlink_kg.curation.ownership import owned_identifier
from interlink_kg.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnprocessableError,
)
from interlink_kg.finding.statistics import (
    change,
    problems_of,
    refresh_if_stale,
    refresh_statistics,
)
from interlink_kg.model import iris
from interlink_kg.model.records import record_from_graph, record_graph
from interlink_kg.model.report import ValidationReport
from interlink_kg.model.roles import Account, Role
from interlink_kg.model.workflow import NEEDED_ROLE, Action, Status, SubmissionRecord
from interlink_kg.queries import query
from interlink_kg.rdf.formats import NTRIPLES, RdfFormat
from interlink_kg.rdf.serialize import serialize
from interlink_kg.rdf.untrusted import InputLimits, parse_untrusted
from interlink_kg.store.base import GraphPayload, Store
from interlink_kg.store.changes import subjects_of
from interlink_kg.validation.engine import Validator

MAX_REASON_CHARS = 2000


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Outcome:
    """A submission or update that was accepted, with the warnings that came with it."""

    record: SubmissionRecord
    report: ValidationReport


@dataclass
class Workspace:
    catalogue: Store
    workspace: Store
    base_iri: str
    validator: Validator
    limits: InputLimits = field(default_factory=InputLimits)
    clock: Callable[[], datetime] = utc_now
    on_change: list[Callable[[], None]] = field(default_factory=list)  # after catalogue writes
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _changed(self) -> None:
        for callback in self.on_change:
            callback()

    # -- recovery ---------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Complete or forget every transition a crash interrupted, then bring the derived
        graphs up to date; the ids that had an interrupted transition."""
        prefix = self.base_iri + iris.PENDING_PREFIX
        with self._lock:
            pending = [
                g.removeprefix(prefix) for g in self.workspace.data_graphs() if g.startswith(prefix)
            ]
            for identifier in pending:
                self._finish(identifier)
            refreshed = refresh_if_stale(self.catalogue, self.base_iri, patient=True)
        if pending or refreshed:
            self._changed()
        return pending

    def _finish(self, identifier: str) -> None:
        """Settle an interrupted transition of ``identifier`` (the caller holds the lock)."""
        intended = record_from_graph(
            self.workspace.graph(self._pending_graph(identifier)),
            self.base_iri,
            identifier,
        )
        public = self.catalogue.graph(self._record_graph(identifier))
        shown = record_from_graph(public, self.base_iri, identifier)
        updates: dict[str, GraphPayload] = {}
        if intended is not None and shown is not None and shown.events == intended.events:
            # The catalogue took the transition: the workspace record follows it.
            updates[self._record_graph(identifier)] = self._payload(public, "record")
        self.workspace.replace_graphs(updates, drop=[self._pending_graph(identifier)])

    def _settle(self, identifier: str) -> None:
        if self._pending_graph(identifier) in self.workspace.data_graphs():
            self._finish(identifier)
            refresh_if_stale(self.catalogue, self.base_iri)

    # -- names ------------------------------------------------------------------------------

    def _submission_graph(self, identifier: str) -> str:
        return self.base_iri + iris.submission_graph(identifier)

    def _record_graph(self, identifier: str) -> str:
        return self.base_iri + iris.record_graph(identifier)

    def _pending_graph(self, identifier: str) -> str:
        return self.base_iri + iris.pending_graph(identifier)

    def _published_graph(self, identifier: str) -> str:
        return self.base_iri + iris.published_graph(identifier)

    def _iri(self, identifier: str) -> URIRef:
        return iris.absolute(self.base_iri, iris.interlinker(identifier))

    # -- reading ----------------------------------------------------------------------------

    def record(self, identifier: str) -> SubmissionRecord | None:
        if not iris.is_identifier(identifier):
            return None
        graph = self.workspace.graph(self._record_graph(identifier))
        return record_from_graph(graph, self.base_iri, identifier)

    def public_record(self, identifier: str) -> Graph:
        if not iris.is_identifier(identifier):
            raise NotFoundError(f"no public record for {identifier!r}")
        graph = self.catalogue.graph(self._record_graph(identifier))
        if len(graph) == 0:
            raise NotFoundError(f"no public record for {identifier!r}", details={"id": identifier})
        return graph

    def is_deprecated(self, identifier: str) -> bool:
        """True when the public record of ``identifier`` says it was deprecated."""
        try:
            graph = self.public_record(identifier)
        except NotFoundError:
            return False
        record = record_from_graph(graph, self.base_iri, identifier)
        return record is not None and record.status is Status.DEPRECATED

    def is_published(self, identifier: str) -> bool:
        return bool(self._graphs_describing(self._iri(identifier)))

    def _graphs_describing(self, iri: URIRef) -> list[str]:
        """The graphs of data about ``iri`` (not the derived ones, such as the statistics,
        which are computed again after the change)."""
        rows = self.catalogue.select(query("graphs-describing", {"item": [iri]}))
        derived = self.base_iri + iris.DERIVED_GRAPHS
        return sorted(str(r["g"]) for r in rows if "g" in r and not str(r["g"]).startswith(derived))

    def content(self, identifier: str) -> Graph:
        return self.workspace.graph(self._submission_graph(identifier))

    def visible_record(self, account: Account, identifier: str) -> SubmissionRecord:
        record = self.record(identifier)
        if record is None:
            raise NotFoundError(f"no submission {identifier!r}", details={"id": identifier})
        if not account.can(Role.CURATOR) and record.owner != account.user:
            raise ForbiddenError("only its contributor and curators may read this submission")
        return record

    def list(self, account: Account, status: Status | None = None) -> list[SubmissionRecord]:
        out = []
        for row in self.workspace.select(query("submission-records")):
            record = self.record(str(row["id"]))
            if record is None or (status is not None and record.status is not status):
                continue
            if account.can(Role.CURATOR) or record.owner == account.user:
                out.append(record)
        return out

    # -- writing ----------------------------------------------------------------------------

    def _check_role(self, account: Account, action: Action) -> None:
        needed = NEEDED_ROLE[action]
        if not account.can(needed):
            raise ForbiddenError(
                f"{action.value} needs the {needed.label} role; you are {account.role.label}",
                details={"needed": needed.label, "role": account.role.label},
            )

    def _parse_and_validate(
        self, data: bytes, fmt: RdfFormat
    ) -> tuple[str, Graph, ValidationReport]:
        graph = parse_untrusted(data, fmt, self.base_iri, self.limits)
        identifier = owned_identifier(graph, self.base_iri)
        report = self.validator.validate(graph)
        if not report.conforms:
            raise UnprocessableError(
                f"the description has {len(report.violations)} violation(s) of the "
                f"{report.shapes_name} shapes; nothing was stored",
                details={"report": report.to_dict()},
            )
        return identifier, graph, report

    def _payload(self, graph: Graph, source: str) -> GraphPayload:
        return GraphPayload(serialize(graph, NTRIPLES), NTRIPLES, self.base_iri, source)

    def submit(self, account: Account, data: bytes, fmt: RdfFormat) -> Outcome:
        self._check_role(account, Action.SUBMIT)
        identifier, graph, report = self._parse_and_validate(data, fmt)
        with self._lock:
            if self.record(identifier) is not None or self.is_published(identifier):
                raise ConflictError(
                    f"an INTERLINKER with id {identifier!r} already exists; "
                    f"send a new revision with PUT /interlinkers/{identifier}",
                    details={"id": identifier},
                )
            similar = self._identifier_like(identifier)
            if similar is not None:
                raise ConflictError(
                    f"the id {identifier!r} differs from the existing {similar!r} only by letter "
                    "case; choose another id, or revise that INTERLINKER",
                    details={"id": identifier, "existing": similar},
                )
            record = SubmissionRecord.submitted(identifier, account.user, self.clock())
            self.workspace.replace_graphs(
                {
                    self._submission_graph(identifier): self._payload(graph, "submission"),
                    self._record_graph(identifier): self._payload(
                        record_graph(record, self.base_iri), "record"
                    ),
                }
            )
        return Outcome(record, report)

    def update(self, account: Account, identifier: str, data: bytes, fmt: RdfFormat) -> Outcome:
        self._check_role(account, Action.UPDATE)
        found, graph, report = self._parse_and_validate(data, fmt)
        if found != identifier:
            raise BadRequestError(
                f"the body describes {found!r}, not {identifier!r}",
                details={"id": identifier, "found": found},
            )
        with self._lock:
            current = self._current(identifier)
            if not account.can(Role.CURATOR) and current.owner != account.user:
                raise ForbiddenError(
                    "only its contributor and curators may revise this INTERLINKER"
                )
            record = current.after(Action.UPDATE, account.user, self.clock())
            self.workspace.replace_graphs(
                {
                    self._submission_graph(identifier): self._payload(graph, "submission"),
                    self._record_graph(identifier): self._payload(
                        record_graph(record, self.base_iri), "record"
                    ),
                }
            )
        return Outcome(record, report)

    def _identifier_like(self, identifier: str) -> str | None:
        """An existing INTERLINKER id equal to ``identifier`` but for letter case."""
        text = query("interlinker-id-like", {"wanted": [Literal(identifier)]})
        for store in (self.catalogue, self.workspace):
            rows = store.select(text)
            if rows:
                return str(rows[0]["id"])
        return None

    def _current(self, identifier: str) -> SubmissionRecord:
        """The record a transition starts from (the caller holds the lock)."""
        if not iris.is_identifier(identifier):
            raise NotFoundError(
                f"no INTERLINKER or submission {identifier[:100]!r}: identifiers are letters, "
                "digits, _ . -",
                details={"id": identifier[:100]},
            )
        self._settle(identifier)
        record = self.record(identifier)
        if record is not None:
            return record
        if self.is_published(identifier):
            return SubmissionRecord.already_published(identifier)
        raise NotFoundError(
            f"no INTERLINKER or submission {identifier!r}", details={"id": identifier}
        )

    def approve(self, account: Account, identifier: str) -> SubmissionRecord:
        self._check_role(account, Action.APPROVE)
        with self._lock:
            record = self._current(identifier).after(Action.APPROVE, account.user, self.clock())
            content = self.content(identifier)
            stale = [
                g
                for g in self._graphs_describing(self._iri(identifier))
                if g != self._published_graph(identifier)
            ]
            self._both_stores(
                record,
                {self._published_graph(identifier): self._payload(content, "submission")},
                drop=stale,
                subjects={str(s) for s in content.subjects() if isinstance(s, URIRef)},
            )
        self._changed()
        return record

    def _both_stores(
        self,
        record: SubmissionRecord,
        published: dict[str, GraphPayload],
        drop: Iterable[str],
        subjects: Iterable[str] = (),
    ) -> None:
        """A transition that changes both stores, in the order recovery can complete (see the
        module's docstring); the caller holds the lock. ``subjects``: those the new published
        triples describe (the change log adds those the replaced graphs described)."""
        identifier = record.identifier
        drop = list(drop)
        touched = subjects_of(self.catalogue, [*published, *drop])
        touched |= {*subjects, str(self._iri(identifier))}
        problems_before = problems_of(self.catalogue, touched)
        changed = change(self.base_iri, touched)
        record_payload = self._payload(record_graph(record, self.base_iri), "record")
        self.workspace.replace_graphs({self._pending_graph(identifier): record_payload})
        self.catalogue.replace_graphs(
            {
                **published,
                self._record_graph(identifier): record_payload,
                **changed.payloads,
            },
            drop=drop,
        )
        self.workspace.replace_graphs(
            {self._record_graph(identifier): record_payload},
            drop=[self._pending_graph(identifier)],
        )
        refresh_statistics(self.catalogue, self.base_iri, changed, problems_before)

    def reject(self, account: Account, identifier: str, reason: str) -> SubmissionRecord:
        self._check_role(account, Action.REJECT)
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON_CHARS:
            raise BadRequestError(
                f"a rejection needs a reason of 1 to {MAX_REASON_CHARS} characters"
            )
        with self._lock:
            record = self._current(identifier).after(
                Action.REJECT, account.user, self.clock(), reason
            )
            self.workspace.replace_graphs(
                {
                    self._record_graph(identifier): self._payload(
                        record_graph(record, self.base_iri), "record"
                    )
                }
            )
        return record

    def deprecate(self, account: Account, identifier: str) -> SubmissionRecord:
        self._check_role(account, Action.DEPRECATE)
        with self._lock:
            current = self._current(identifier)
            if current.status is Status.PROPOSED and self.is_published(identifier):
                # A pending revision of a published INTERLINKER: deprecate what is public.
                current = SubmissionRecord(
                    current.identifier, current.owner, Status.PUBLISHED, current.events
                )
            record = current.after(Action.DEPRECATE, account.user, self.clock())
            self._both_stores(record, {}, drop=self._graphs_describing(self._iri(identifier)))
        self._changed()
        return record
