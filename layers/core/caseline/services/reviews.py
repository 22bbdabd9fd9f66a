"""Victims' Right to Review online: the victim asks from the case page (the victim API); the request goes
to the force as a signed outbound event with its two duties, in one write. The force's answers meet the
duties (``journeys._settle_review``). See ``caseline.domain.reviews``."""

from __future__ import annotations

from caseline.content import review_rights
from caseline.domain.account_ports import AuditLog, CaseReader, RequestStore
from caseline.domain.calendar import uk_date
from caseline.domain.errors import ConflictError, ValidationFailedError
from caseline.domain.ports import Clock
from caseline.domain.records import AuditEntry, WriteOutcome
from caseline.domain.reviews import (
    REQUESTED_ACTION,
    ReviewRules,
    ReviewStatus,
    offer,
    request_id,
    review_duties,
    review_event,
    status_of,
    victim_requests,
)
from caseline.services.victim_cases import authorised


def rules() -> ReviewRules:
    return ReviewRules.of(review_rights())


def request_review(
    user_id: str,
    force_id: str,
    case_id: str,
    reasons: str | None,
    *,
    reader: CaseReader,
    store: RequestStore,
    audit: AuditLog,
    clock: Clock,
    scheme: ReviewRules | None = None,
) -> tuple[ReviewStatus, bool]:
    """Ask for a review of the case's decision: (where the request stands, whether this call made it).
    Asking again about the same decision answers with the first request. A case the caller cannot see is
    NotFoundError; a decision without the right, or a window that has closed, is ConflictError."""
    scheme = scheme or rules()
    cleaned = (reasons or "").strip() or None
    if cleaned is not None and len(cleaned) > scheme.max_reasons:
        raise ValidationFailedError(f"reasons have at most {scheme.max_reasons} characters", field="reasons")
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    chosen = offer(partition.events, scheme)
    if chosen is None:
        raise ConflictError("no decision on this case carries the right to ask for a review online")
    rid = request_id(chosen.decision_sequence, victim_id)
    asked = next((r for r in victim_requests(partition.outbound, victim_id) if r.data["request_id"] == rid), None)
    if asked is not None:
        return status_of(asked, partition.events, partition.duties), False
    now = clock.now()
    if uk_date(now) > chosen.closes_on:
        raise ConflictError("the time to ask for a review online has passed: call 101 to ask the force")
    victim = next((v for v in partition.victims if v.victim_id == victim_id), None)
    event = review_event(force_id, case_id, victim_id, chosen, cleaned, now)
    duties = review_duties(event, victim.tier if victim else "standard", scheme)
    if store.create(event, duties) is WriteOutcome.DUPLICATE:  # asked a moment ago from another device
        return status_of(event, partition.events, duties), False
    audit.record(AuditEntry(force_id, case_id, user_id, REQUESTED_ACTION, "victim asked for a review", now))
    return status_of(event, partition.events, duties), True
