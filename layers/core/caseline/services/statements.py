"""Victim Personal Statement requests from the case page (the victim API): one open request at a time per
victim and case; it goes to the officer as a signed outbound event. See ``caseline.domain.statements``."""

from __future__ import annotations

from caseline.domain.account_ports import AuditLog, CaseReader, RequestStore
from caseline.domain.errors import ConflictError, ValidationFailedError
from caseline.domain.ports import Clock
from caseline.domain.records import AuditEntry, WriteOutcome
from caseline.domain.statements import KINDS, REQUESTED_ACTION, USES, StatementRequest, latest, mine, statement_event
from caseline.services.victim_cases import authorised


def request_statement(
    user_id: str,
    force_id: str,
    case_id: str,
    kind: str,
    use: str,
    *,
    reader: CaseReader,
    store: RequestStore,
    audit: AuditLog,
    clock: Clock,
) -> tuple[StatementRequest, bool]:
    """Ask the officer to take (or update) a personal statement: (the request, whether this call made it).
    While one is still waiting to be taken, asking again answers with it. A closed case is ConflictError."""
    if kind not in KINDS:
        raise ValidationFailedError(f"kind is one of {', '.join(KINDS)}", field="kind")
    if use not in USES:
        raise ValidationFailedError(f"use is one of {', '.join(USES)}", field="use")
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    assert partition.case is not None
    if partition.case.stage.slug == "closed":
        raise ConflictError("the case is closed: call 101 to ask about a personal statement")
    current = latest(partition.outbound, partition.events, victim_id)
    if current is not None and current.state == "requested":
        return current, False
    now = clock.now()
    event = statement_event(force_id, case_id, victim_id, len(mine(partition.outbound, victim_id)) + 1, kind, use, now)
    if store.create(event, ()) is WriteOutcome.DUPLICATE:  # asked a moment ago from another device
        return StatementRequest(event.data["request_id"], "requested", kind, use, now), False
    audit.record(AuditEntry(force_id, case_id, user_id, REQUESTED_ACTION, "victim asked to give a statement", now))
    return StatementRequest(event.data["request_id"], "requested", kind, use, now), True
