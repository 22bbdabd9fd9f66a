"""The call handler's view (issue 15, item 3). A force's contact centre finds a case by its crime reference
and sees, read-only, what each of its victims sees and every message sent to them; each look-up is audited
first (who, when, why). A call handler records that a victim called; analysts and the data protection
officer list a case's look-ups and calls. A case of a force the caller has no role for is not found, the
same as a case that does not exist; a caller with no role for the route at all is forbidden."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseline.domain.account_ports import ArticleRecommender, StaffCaseStore
from caseline.domain.errors import ForbiddenError, NotFoundError, ValidationFailedError
from caseline.domain.ports import Clock
from caseline.domain.staff_access import (
    ANALYSTS,
    CONTACT_CENTRE,
    DPO,
    LOOKUP_REASONS,
    MAX_DETAIL_CHARS,
    STAFF_ACTIONS,
    VICTIM_CALLED,
    VIEWED_BY_STAFF,
    SentMessage,
    StaffAuditEntry,
    StaffMember,
    forces_with,
)
from caseline.services.victim_cases import CaseView, victim_view


@dataclass(frozen=True)
class VictimOnCase:
    victim_id: str
    name: str
    view: CaseView  # what this victim sees (GET /v1/cases/{force}/{case})
    messages_sent: list[SentMessage] = field(default_factory=list)


@dataclass(frozen=True)
class StaffCaseView:
    force_id: str
    case_id: str
    crime_reference: str
    victims: list[VictimOnCase]


def _role_forces(staff: StaffMember, *roles: str) -> set[str]:
    forces = set().union(*(forces_with(role, staff.groups) for role in roles))
    if not forces:
        raise ForbiddenError("your account has no role for this")
    return forces


def reason_text(reason: str, detail: str | None) -> str:
    """``{reason}: {detail}``; refuses a reason not in the list, and "other" without a detail."""
    detail = (detail or "").strip()
    if reason not in LOOKUP_REASONS:
        raise ValidationFailedError(f"reason must be one of: {', '.join(LOOKUP_REASONS)}", field="reason")
    if len(detail) > MAX_DETAIL_CHARS or (reason == "other" and not detail):
        raise ValidationFailedError(f"say why in 1 to {MAX_DETAIL_CHARS} characters", field="detail")
    return f"{reason}: {detail}" if detail else reason


def look_up(
    staff: StaffMember,
    crime_reference: str,
    reason: str,
    detail: str | None,
    force_id: str | None,
    *,
    store: StaffCaseStore,
    clock: Clock,
    articles: ArticleRecommender | None = None,
) -> StaffCaseView:
    """Find the case with this reference among the caller's contact-centre forces (``force_id`` narrows it
    when the caller handles calls for several), write the audit entry, then answer."""
    forces = _role_forces(staff, CONTACT_CENTRE)
    why = reason_text(reason, detail)
    if force_id is not None:
        forces &= {force_id}
    found = [(force, case) for force, case, _ in store.candidates(crime_reference) if force in forces]
    if len(found) > 1:
        raise ValidationFailedError("this reference is a case of several of your forces: say which", field="force_id")
    if not found:
        raise NotFoundError("no such case")
    force, case_id = found[0]
    partition, sent = store.read(force, case_id)
    case = partition.case
    if case is None or case.crime_reference is None:
        raise NotFoundError("no such case")
    now = clock.now()
    store.record(StaffAuditEntry(force, case_id, staff.sub, staff.email, VIEWED_BY_STAFF, why, now))
    victims = [
        VictimOnCase(
            victim.victim_id,
            victim.name,
            victim_view(
                partition,
                victim.victim_id,
                now,
                articles=articles,
                accounts={user for user, linked in partition.members.items() if linked == victim.victim_id},
            ),
            sorted((m for m in sent if m.victim_id == victim.victim_id), key=lambda m: m.created_at),
        )
        for victim in sorted(partition.victims, key=lambda v: v.victim_id)
    ]
    return StaffCaseView(force, case_id, case.crime_reference, victims)


def record_call(
    staff: StaffMember, force_id: str, case_id: str, note: str | None, *, store: StaffCaseStore, clock: Clock
) -> StaffAuditEntry:
    """ "Victim called for an update": one audit entry (counted as the force's ``calls_recorded``)."""
    if force_id not in _role_forces(staff, CONTACT_CENTRE) or not store.case_exists(force_id, case_id):
        raise NotFoundError("no such case")
    note = (note or "").strip()
    if len(note) > MAX_DETAIL_CHARS:
        raise ValidationFailedError(f"a note has at most {MAX_DETAIL_CHARS} characters", field="note")
    entry = StaffAuditEntry(force_id, case_id, staff.sub, staff.email, VICTIM_CALLED, note or "update", clock.now())
    store.record(entry)
    return entry


def case_lookups(staff: StaffMember, force_id: str, case_id: str, *, store: StaffCaseStore) -> list[StaffAuditEntry]:
    """Every look-up and recorded call on a case, for the force's analysts and data protection officer."""
    if force_id not in _role_forces(staff, ANALYSTS, DPO):
        raise NotFoundError("no such case")
    return [entry for entry in store.entries(force_id, case_id) if entry.action in STAFF_ACTIONS]
