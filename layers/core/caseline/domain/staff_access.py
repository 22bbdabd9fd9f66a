"""Force staff reading a case (issue 15, item 3): the roles the staff pool's groups give, why a call handler
may look a case up, and the audit entries each look-up and each recorded call leave.

Groups (the staff user pool's, one set per force; docs/api.md#the-call-handlers-view):

- ``force-{force}``: the force's analysts (figures, and the look-ups made on a case);
- ``contact-{force}``: the force's contact centre (call handlers): find a case by crime reference and
  see what its victims see, record that a victim called;
- ``dpo-{force}``: the force's data protection officer (the look-ups made on a case).

The prefixes never overlap, so no force id can make one role read as another's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

ANALYSTS = "force-"
CONTACT_CENTRE = "contact-"
DPO = "dpo-"

VIEWED_BY_STAFF = "staff-viewed-case"  # not "viewed-case": a call handler's look-up is not a victim's visit
VICTIM_CALLED = "victim-called"  # counted as the figure calls_recorded (domain/insights.py)
STAFF_ACTIONS = frozenset({VIEWED_BY_STAFF, VICTIM_CALLED})

# Why a call handler opens a case: one of these, and free text (required with "other").
LOOKUP_REASONS = {
    "victim-called-for-update": "The victim called asking for an update",
    "victim-called-other": "The victim called about something else",
    "returning-a-call": "Returning the victim's call",
    "safeguarding": "A safeguarding concern about the victim",
    "other": "Another reason (say which)",
}
MAX_DETAIL_CHARS = 500


def forces_with(role: str, groups: Collection[str]) -> set[str]:
    """The forces for which ``groups`` give ``role`` (one of the prefixes above)."""
    return {group.removeprefix(role) for group in groups if group.startswith(role) and len(group) > len(role)}


@dataclass(frozen=True)
class StaffMember:
    """The signed-in staff member, from the staff pool's ID token."""

    sub: str
    email: str | None
    groups: frozenset[str]


@dataclass(frozen=True)
class StaffAuditEntry:
    force_id: str
    case_id: str
    sub: str
    email: str | None
    action: str  # one of STAFF_ACTIONS
    reason: str
    at: datetime


@dataclass(frozen=True)
class SentMessage:
    """One message Caseline sent (or tried to send) to a victim, as the outbox item keeps it. The content
    itself is not stored: the template (and its content-free variant, when one was used) names it."""

    victim_id: str
    template_id: str
    rendered_template: str | None
    channel: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    delivery: str | None
    reason: str | None
