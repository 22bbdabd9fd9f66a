"""Delegated access: a person the victim trusts (family, a friend, an advocate such as an IDVA or ISVA),
or one the force sets up (a parent or guardian of a child victim, a bereaved family's spokesperson), who
follows the case from their own account.

A delegation starts as an invitation with a one-time code. The victim passes the code on herself (the
force's officer does, for one the force set up): Caseline never holds a delegate's contact details and
never sends them anything, so no message can reach the victim's circle by a way she has not said is safe.
A delegate sees the case page (never the victim's contact details, her choices or her own messages to
the officer) and, with the ``message`` scope, writes to the officer and asks for updates. Everything else
stays the victim's: her preferences, safety alerts to confirm, review and statement requests, the survey,
"who can see this case". Removing a delegation ends its access at once, with the stranger's 404.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from caseline.domain.allowances import Allowance, delegates_of
from caseline.domain.errors import ValidationFailedError
from caseline.domain.outbound import DELEGATE_INVITATION, DELEGATE_REMOVED, OutboundEvent

INVITATION_VALID = timedelta(days=7)
MAX_DELEGATES = 5  # per victim record: pending and active together
MAX_NAME_CHARS = 60
# Crockford's base32 without the letters people misread; 16 symbols are 80 bits: not guessable, so one
# hash (not a slow one) is enough, and attempts are still counted per account.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_SYMBOLS = 16
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


class Scope(StrEnum):
    VIEW = "view"  # see the case page
    MESSAGE = "message"  # and write to the officer, ask for updates


class GrantedBy(StrEnum):
    VICTIM = "victim"
    FORCE = "force"


VICTIM_RELATIONSHIPS = ("family", "friend", "advocate")
FORCE_RELATIONSHIPS = ("parent-guardian", "family-spokesperson", "advocate")
RELATIONSHIP_LABELS = {
    "family": "Family member",
    "friend": "Friend",
    "advocate": "Advocate or support worker",
    "parent-guardian": "Parent or guardian",
    "family-spokesperson": "Family spokesperson",
}


@dataclass(frozen=True)
class Delegation:
    """One delegation of a victim record, as stored (``DELEGATE#{delegation_id}`` on the case)."""

    force_id: str
    case_id: str
    victim_id: str
    delegation_id: str  # opaque, 20 hex characters
    name: str  # what the victim (or the force) calls the person: shown to the victim, never to the force
    relationship: str
    scope: Scope
    granted_by: GrantedBy
    created_at: datetime
    invitation_expires_at: datetime
    user_id: str | None = None  # the delegate's account, once the invitation is accepted
    accepted_at: datetime | None = None
    code_hash: str | None = None  # while the invitation is open (the code itself is never kept)
    invited_by: str | None = None  # the account that invited (a victim's invitation; None before it was kept)

    @classmethod
    def invited(
        cls,
        force_id: str,
        case_id: str,
        victim_id: str,
        delegation_id: str,
        name: str,
        relationship: str,
        scope: Scope,
        now: datetime,
        granted_by: GrantedBy = GrantedBy.VICTIM,
        invited_by: str | None = None,
    ) -> Delegation:
        """A new delegation, its invitation open for ``INVITATION_VALID`` from ``now``."""
        return cls(
            force_id, case_id, victim_id, delegation_id, name, relationship, scope, granted_by, now,
            now + INVITATION_VALID, invited_by=invited_by,
        )  # fmt: skip

    def status(self, now: datetime) -> str:
        if self.user_id is not None:
            return "active"
        return "invited" if now < self.invitation_expires_at else "expired"

    @property
    def may_message(self) -> bool:
        return self.scope is Scope.MESSAGE


def new_delegation_id() -> str:
    return secrets.token_hex(10)


def new_code() -> str:
    """``7KQ4-M2XD-9HBT-RW3C``: grouped for reading aloud or copying by hand."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_SYMBOLS))
    return "-".join(symbols[i : i + 4] for i in range(0, _CODE_SYMBOLS, 4))


def normalise_code(text: str) -> str | None:
    """The code as typed (any case, spaces or dashes, O for 0), or None when it cannot be one."""
    symbols = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_MISREAD)
    if len(symbols) != _CODE_SYMBOLS or any(ch not in _ALPHABET for ch in symbols):
        return None
    return symbols


def code_hash(code: str) -> str:
    """What is stored and looked up: a SHA-256 of the normalised code (the code itself is never kept)."""
    symbols = normalise_code(code)
    if symbols is None:
        raise ValidationFailedError("an invitation code is 16 letters and numbers", field="code")
    return hashlib.sha256(symbols.encode()).hexdigest()


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_CHARS:
        raise ValidationFailedError(f"a name has 1 to {MAX_NAME_CHARS} characters", field="name")
    return cleaned


def ending_with_the_account(
    delegations: list[Delegation], members: Mapping[str, str], user_id: str, victim_id: str
) -> list[Delegation]:
    """The delegations that end when ``user_id``, linked to the case as ``victim_id``, leaves it (its owner
    closes it, another account of the victim removes it, the force revokes it): the invitations it made,
    pending or active, so no access outlives the account that gave it; and, once no account of the victim
    is left, her invitations whose inviter was not kept. The force's stay: it ends them by its own event."""
    others = any(linked == victim_id and user != user_id for user, linked in members.items())
    return [
        d
        for d in delegations
        if d.victim_id == victim_id
        and d.granted_by is GrantedBy.VICTIM
        and (d.invited_by == user_id or (d.invited_by is None and not others))
    ]


def followed_by(delegations: list[Delegation], user_id: str) -> Delegation | None:
    """The delegation through which ``user_id`` follows the case for a victim, if it does."""
    return next((d for d in delegations if d.user_id == user_id), None)


def check_room(existing: list[Delegation], victim_id: str, now: datetime) -> None:
    """At most ``MAX_DELEGATES`` people for one victim record, counting invitations still open."""
    live = [d for d in existing if d.victim_id == victim_id and d.status(now) != "expired"]
    if len(live) >= MAX_DELEGATES:
        raise ValidationFailedError(
            f"You can give up to {MAX_DELEGATES} people access to your case. Remove someone to add another.",
            field="name",
        )


def removed_event(delegation: Delegation, now: datetime) -> OutboundEvent:
    """What the force hears when the victim ends a delegation (``victim.delegate-removed``)."""
    outbound_id = f"undelegated-{delegation.delegation_id}-{int(now.timestamp())}"
    data = {
        "relationship": delegation.relationship,
        "granted_by": delegation.granted_by.value,
        "removed_at": now.isoformat(),
    }
    return _about(delegation, outbound_id, DELEGATE_REMOVED, data, at=now)


def invitation_event(delegation: Delegation, code: str) -> OutboundEvent:
    """The code of a delegation the force set up, back to the force (``access.delegate-invitation``)."""
    data = {"invitation_code": code, "expires_at": delegation.invitation_expires_at.isoformat()}
    return _about(
        delegation, f"delegated-{delegation.delegation_id}", DELEGATE_INVITATION, data, at=delegation.created_at
    )


def _about(
    delegation: Delegation, outbound_id: str, event_type: str, data: dict[str, str], at: datetime
) -> OutboundEvent:
    """An event to the force about one delegation: on its case, naming the victim and the delegation."""
    return OutboundEvent(
        force_id=delegation.force_id,
        case_id=delegation.case_id,
        outbound_id=outbound_id,
        event_type=event_type,
        data={"victim_id": delegation.victim_id, "delegation_id": delegation.delegation_id} | data,
        created_at=at,
    )


@dataclass(frozen=True)
class Invitation:
    """One delegation to write with its code's hash, as one write: with the force's ``notice`` if any, and
    one more on the victim record's delegates allowance: only if still ``as_read`` (the victim's invitation,
    limited), else whatever it is (the force's, not limited but counted)."""

    delegation: Delegation
    code_hash: str
    notice: OutboundEvent | None = None
    as_read: Allowance | None = None

    @property
    def allowance(self) -> Allowance:
        return self.as_read or Allowance(delegates_of(self.delegation.victim_id))
