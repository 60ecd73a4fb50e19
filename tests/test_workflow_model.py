"""The workflow's transitions and the record's RDF form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support import BASE

from interlink_kg.errors import ConflictError
from interlink_kg.model.records import record_from_graph, record_graph
from interlink_kg.model.workflow import Action, Status, SubmissionRecord, next_status

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        (None, Action.SUBMIT, Status.PROPOSED),
        (Status.PROPOSED, Action.APPROVE, Status.PUBLISHED),
        (Status.PROPOSED, Action.REJECT, Status.REJECTED),
        (Status.PUBLISHED, Action.DEPRECATE, Status.DEPRECATED),
        (Status.REJECTED, Action.UPDATE, Status.PROPOSED),
        (Status.PUBLISHED, Action.UPDATE, Status.PROPOSED),
        (Status.DEPRECATED, Action.UPDATE, Status.PROPOSED),
    ],
)
def test_allowed_transitions(current: Status | None, action: Action, expected: Status) -> None:
    assert next_status(current, action) is expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (Status.PUBLISHED, Action.APPROVE),
        (Status.REJECTED, Action.APPROVE),
        (Status.DEPRECATED, Action.DEPRECATE),
        (Status.PROPOSED, Action.DEPRECATE),
        (Status.PUBLISHED, Action.REJECT),
        (Status.PROPOSED, Action.SUBMIT),
        (None, Action.APPROVE),
    ],
)
def test_refused_transitions(current: Status | None, action: Action) -> None:
    with pytest.raises(ConflictError, match=f"cannot {action.value}"):
        next_status(current, action)


def test_record_round_trips_through_rdf() -> None:
    record = (
        SubmissionRecord.submitted("tool", "ana", T0)
        .after(Action.REJECT, "cora", T0.replace(hour=5), "needs an English description")
        .after(Action.UPDATE, "ana", T0.replace(hour=6))
        .after(Action.APPROVE, "cora", T0.replace(hour=7))
    )
    graph = record_graph(record, BASE)
    assert record_from_graph(graph, BASE, "tool") == record
    assert record.status is Status.PUBLISHED
    assert record.created == T0
    assert [e.action for e in record.events] == [
        Action.SUBMIT,
        Action.REJECT,
        Action.UPDATE,
        Action.APPROVE,
    ]
