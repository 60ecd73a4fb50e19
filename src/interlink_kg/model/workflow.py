"""The submission workflow: statuses, actions, who may act, and the allowed transitions. Pure.

    (new) --submit--> proposed --approve--> published --deprecate--> deprecated
                         |  ^                  |                        |
                  reject |  +------update------+------------------------+
                         v  |
                      rejected

``update`` (a new revision) is open to the owner of the submission and to curators; the
published version stays public until the new revision is approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from interlink_kg.errors import ConflictError
from interlink_kg.model.roles import Role


class Status(StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"


class Action(StrEnum):
    SUBMIT = "submit"
    UPDATE = "update"
    APPROVE = "approve"
    REJECT = "reject"
    DEPRECATE = "deprecate"


_TRANSITIONS: dict[Action, tuple[frozenset[Status | None], Status]] = {
    Action.SUBMIT: (frozenset({None}), Status.PROPOSED),
    Action.UPDATE: (
        frozenset({Status.PROPOSED, Status.REJECTED, Status.PUBLISHED, Status.DEPRECATED}),
        Status.PROPOSED,
    ),
    Action.APPROVE: (frozenset({Status.PROPOSED}), Status.PUBLISHED),
    Action.REJECT: (frozenset({Status.PROPOSED}), Status.REJECTED),
    Action.DEPRECATE: (frozenset({Status.PUBLISHED}), Status.DEPRECATED),
}

NEEDED_ROLE: dict[Action, Role] = {
    Action.SUBMIT: Role.CONTRIBUTOR,
    Action.UPDATE: Role.CONTRIBUTOR,
    Action.APPROVE: Role.CURATOR,
    Action.REJECT: Role.CURATOR,
    Action.DEPRECATE: Role.CURATOR,
}


def next_status(current: Status | None, action: Action) -> Status:
    """The status after ``action``, or a 409 saying why the action does not apply now."""
    allowed, target = _TRANSITIONS[action]
    if current not in allowed:
        state = current.value if current else "not submitted"
        raise ConflictError(
            f"cannot {action.value} a submission that is {state}",
            details={
                "status": current.value if current else None,
                "allowed_from": sorted(s.value for s in allowed if s is not None),
            },
        )
    return target


@dataclass(frozen=True)
class Event:
    """One transition: who did what, when, and why (for a rejection)."""

    number: int
    action: Action
    user: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class SubmissionRecord:
    """The catalogue record of one INTERLINKER submission and its history."""

    identifier: str
    owner: str | None
    status: Status
    events: tuple[Event, ...]

    @property
    def created(self) -> datetime | None:
        return self.events[0].at if self.events else None

    @property
    def modified(self) -> datetime | None:
        return self.events[-1].at if self.events else None

    def after(
        self, action: Action, user: str, at: datetime, reason: str | None = None
    ) -> SubmissionRecord:
        """The record once ``action`` is done (or a 409 if it does not apply now)."""
        status = next_status(self.status, action)
        event = Event(len(self.events) + 1, action, user, at, reason)
        return SubmissionRecord(self.identifier, self.owner, status, (*self.events, event))

    @classmethod
    def submitted(cls, identifier: str, owner: str, at: datetime) -> SubmissionRecord:
        status = next_status(None, Action.SUBMIT)
        return cls(identifier, owner, status, (Event(1, Action.SUBMIT, owner, at),))

    @classmethod
    def already_published(cls, identifier: str) -> SubmissionRecord:
        """A published INTERLINKER that never went through a submission (bundled data)."""
        return cls(identifier, None, Status.PUBLISHED, ())

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.identifier,
            "owner": self.owner,
            "status": self.status.value,
            "created": self.created.isoformat() if self.created else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "history": [
                {
                    "action": e.action.value,
                    "user": e.user,
                    "at": e.at.isoformat(),
                    **({"reason": e.reason} if e.reason else {}),
                }
                for e in self.events
            ],
        }
