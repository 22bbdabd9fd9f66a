"""Victim Personal Statement requests: the victim asks to make or update a statement and says how they
want it used; the officer takes it in the force's own process and answers ``statement.taken``. Like a
review request, it is an outbound event whose state the force's answer moves on (docs/adr/0020)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from caseline.domain import event_types as ev
from caseline.domain.outbound import STATEMENT_REQUESTED, OutboundEvent
from caseline.domain.records import StoredEvent

KINDS = ("make", "update")
# How the victim wants it used in court, in the words of the guidance (Victims' Code, Right 7)
USES = ("read-by-me", "read-by-someone-else", "read-by-prosecutor", "considered-only")
REQUESTED_ACTION = "requested-statement"  # the audit entry's action


@dataclass(frozen=True)
class StatementRequest:
    request_id: str
    state: str  # requested, taken
    kind: str
    use: str
    requested_at: datetime
    taken_at: datetime | None = None


def mine(outbound: Iterable[OutboundEvent], victim_id: str) -> list[OutboundEvent]:
    """The victim's own statement requests on the case, oldest first."""
    found = [o for o in outbound if o.event_type == STATEMENT_REQUESTED and o.data.get("victim_id") == victim_id]
    return sorted(found, key=lambda o: o.created_at)


def status_of(request: OutboundEvent, events: Sequence[StoredEvent]) -> StatementRequest:
    rid = str(request.data["request_id"])
    taken = next(
        (e for e in events if e.applied and e.event_type == ev.STATEMENT_TAKEN and e.data.get("request_id") == rid),
        None,
    )
    return StatementRequest(
        request_id=rid,
        state="taken" if taken else "requested",
        kind=str(request.data["kind"]),
        use=str(request.data["use"]),
        requested_at=request.created_at,
        taken_at=taken.occurred_at if taken else None,
    )


def latest(outbound: Iterable[OutboundEvent], events: Sequence[StoredEvent], victim_id: str) -> StatementRequest | None:
    requests = mine(outbound, victim_id)
    return status_of(requests[-1], events) if requests else None


def statement_event(
    force_id: str, case_id: str, victim_id: str, number: int, kind: str, use: str, now: datetime
) -> OutboundEvent:
    """The victim's ``number``-th request on the case: its id is the key that makes asking twice harmless."""
    rid = f"vps-{number}-{victim_id}"
    data = {"request_id": rid, "victim_id": victim_id, "kind": kind, "use": use, "requested_at": now.isoformat()}
    return OutboundEvent(force_id, case_id, rid, STATEMENT_REQUESTED, data, now)
