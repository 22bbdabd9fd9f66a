"""Delegated access (domain/delegation.py): the victim invites a person she trusts, lists and removes them;
the force sets one up or ends it by signed event; the invited person accepts with their own account.

Only the victim herself manages her delegations: a delegate, a stranger or another victim of the case gets
the stranger's NotFoundError. Every change is in the consultation log; the force hears of each by a signed
outbound event (it carries the invitation code only for one the force set up, so its officer can hand it
over). An invitation code that does not work gets one answer, whatever the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caseline.domain import access_code
from caseline.domain import event_types as ev
from caseline.domain.account_ports import AuditLog, CaseReader, DelegationStore
from caseline.domain.allowances import WRITE_ATTEMPTS, Allowance, delegates_of
from caseline.domain.delegation import (
    RELATIONSHIP_LABELS,
    VICTIM_RELATIONSHIPS,
    Delegation,
    GrantedBy,
    Invitation,
    Scope,
    check_room,
    clean_name,
    code_hash,
    invitation_event,
    new_code,
    new_delegation_id,
    removed_event,
)
from caseline.domain.errors import (
    InvitationRefusedError,
    NotFoundError,
    StorageUnavailableError,
    ValidationFailedError,
)
from caseline.domain.ports import Clock
from caseline.domain.records import AuditEntry, StoredEvent, WriteOutcome

INVITATION_ATTEMPTS = 10  # wrong codes per account per access-code window


@dataclass(frozen=True)
class NewInvitation:
    delegation: Delegation
    code: str  # shown once to the victim, never stored


@dataclass(frozen=True)
class DelegationView:
    delegation_id: str
    name: str
    relationship: str
    relationship_label: str
    scope: str
    granted_by: str
    invited_by_you: bool  # False: the force, or another account linked to the victim's record, set it up
    status: str  # invited, expired or active
    created_at: datetime
    invitation_expires_at: datetime | None
    accepted_at: datetime | None


@dataclass(frozen=True)
class AcceptedCase:
    force_id: str
    case_id: str


def invite(
    user_id: str,
    force_id: str,
    case_id: str,
    name: str,
    relationship: str,
    scope: Scope,
    *,
    reader: CaseReader,
    store: DelegationStore,
    audit: AuditLog,
    clock: Clock,
) -> NewInvitation:
    """The victim invites someone: a new delegation and its one-time code, valid for ``INVITATION_VALID``.
    At most ``MAX_DELEGATES`` people per victim record, however many invitations arrive at once: the write
    holds only while the record's delegates allowance is the version read with its delegations."""
    from caseline.services.victim_cases import authorised

    if relationship not in VICTIM_RELATIONSHIPS:
        raise ValidationFailedError(f"relationship is one of {', '.join(VICTIM_RELATIONSHIPS)}", field="relationship")
    cleaned = clean_name(name)
    for _ in range(WRITE_ATTEMPTS):
        partition, victim_id = authorised(user_id, force_id, case_id, reader)
        now = clock.now()
        check_room(partition.delegations, victim_id, now)
        delegation = Delegation.invited(
            force_id, case_id, victim_id, new_delegation_id(), cleaned, relationship, scope, now, invited_by=user_id
        )
        code = new_code()
        allowance = Allowance.read(partition.allowances, delegates_of(victim_id))
        # Not written: the victim record's people changed since they were counted (or, rarely, a random id or
        # code was taken). Count again, with a new id and code.
        if store.invite(Invitation(delegation, code_hash(code), as_read=allowance)) is WriteOutcome.WRITTEN:
            reason = f"victim invited a {relationship}"
            audit.record(AuditEntry(force_id, case_id, user_id, "delegate-invited", reason, now))
            return NewInvitation(delegation, code)
    raise StorageUnavailableError("Other people were being invited at the same time. Nobody was invited: try again.")


def list_delegations(
    user_id: str, force_id: str, case_id: str, *, reader: CaseReader, clock: Clock
) -> list[DelegationView]:
    """The people following the victim's record of this case for her, oldest first."""
    from caseline.services.victim_cases import authorised

    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    return views([d for d in partition.delegations if d.victim_id == victim_id], clock.now(), user_id)


def views(delegations: list[Delegation], now: datetime, user_id: str) -> list[DelegationView]:
    """What the victim sees of each delegation, oldest first (never the code, never the delegate's account)."""
    return [
        DelegationView(
            delegation_id=d.delegation_id,
            name=d.name,
            relationship=d.relationship,
            relationship_label=RELATIONSHIP_LABELS.get(d.relationship, d.relationship),
            scope=d.scope.value,
            granted_by=d.granted_by.value,
            invited_by_you=d.invited_by == user_id,
            status=d.status(now),
            created_at=d.created_at,
            invitation_expires_at=d.invitation_expires_at if d.user_id is None else None,
            accepted_at=d.accepted_at,
        )
        for d in sorted(delegations, key=lambda d: d.created_at)
    ]


def remove(
    user_id: str,
    force_id: str,
    case_id: str,
    delegation_id: str,
    *,
    reader: CaseReader,
    store: DelegationStore,
    audit: AuditLog,
    clock: Clock,
) -> None:
    """The victim ends a delegation (hers, pending or active, whoever set it up): access ends at once."""
    from caseline.services.victim_cases import authorised

    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    target = next(
        (d for d in partition.delegations if d.victim_id == victim_id and d.delegation_id == delegation_id), None
    )
    now = clock.now()
    if target is None or not store.remove(target, removed_event(target, now)):
        raise NotFoundError("no such delegation")
    audit.record(
        AuditEntry(force_id, case_id, user_id, "delegate-removed", f"victim removed a {target.relationship}", now)
    )


def accept(user_id: str, code: str, *, store: DelegationStore, audit: AuditLog, clock: Clock) -> AcceptedCase:
    """The invited person's account takes the invitation. Unknown, used, expired or withdrawn codes, too many
    attempts, and an account that already sees the case all get the same InvitationRefusedError."""
    now = clock.now()
    refused = InvitationRefusedError(
        "Check the invitation code. It works once, for 7 days. If it has expired, ask the person who gave it "
        "to you for a new one."
    )
    hashed = code_hash(code)  # a string that cannot be a code is a ValidationFailedError, counted as nothing
    if store.count_attempt(user_id, access_code.attempt_window(now)) > INVITATION_ATTEMPTS:
        raise refused
    found = store.find(hashed)
    if (
        found is None
        or found.status(now) != "invited"
        or store.accept(found, user_id, hashed, now) is not WriteOutcome.WRITTEN
    ):
        raise refused
    audit.record(
        AuditEntry(found.force_id, found.case_id, user_id, "delegate-linked", f"a {found.relationship} accepted", now)
    )
    return AcceptedCase(found.force_id, found.case_id)


def apply_force_event(event: StoredEvent, store: DelegationStore) -> WriteOutcome | None:
    """Run by the journeys function for each applied case event: ``access.delegated`` and
    ``access.delegation-ended`` change delegations; any other event, nothing (None)."""
    if event.event_type == ev.ACCESS_DELEGATED:
        return _grant_by_force(event, store)
    if event.event_type == ev.ACCESS_DELEGATION_ENDED:
        target = store.get(event.force_id, event.case_id, str(event.data["delegation_id"]))
        # An unknown or already ended id changes nothing.
        return WriteOutcome.WRITTEN if target is not None and store.remove(target) else WriteOutcome.DUPLICATE
    return None


def _grant_by_force(event: StoredEvent, store: DelegationStore) -> WriteOutcome:
    """The force sets up access for a parent or guardian, a family spokesperson or an advocate. The code
    goes back to the force in a signed outbound event, in the same transaction; a redelivered event finds
    the delegation there and writes nothing. Ingest stored the event only if the case has its victim
    (``event_types.ABOUT_A_KNOWN_VICTIM``), so she sees the delegate and can remove them."""
    data = event.data
    delegation_id = str(data["delegation_id"])
    now = event.received_at
    delegation = Delegation.invited(
        event.force_id,
        event.case_id,
        str(data["victim_id"]),
        delegation_id,
        clean_name(str(data["name"])),
        str(data["relationship"]),
        Scope(str(data.get("scope", Scope.MESSAGE.value))),
        now,
        granted_by=GrantedBy.FORCE,
    )
    code = new_code()
    # Not limited, but counted: it increments the victim record's allowance, so an invitation of hers that
    # read the record before it is counted again. CONFLICT: the transaction met a concurrent one (or a
    # taken code) and wrote nothing; the stream retries the event.
    outcome = store.invite(Invitation(delegation, code_hash(code), invitation_event(delegation, code)))
    if outcome is WriteOutcome.CONFLICT:
        raise StorageUnavailableError("the delegation could not be written now; retry the event")
    return outcome
