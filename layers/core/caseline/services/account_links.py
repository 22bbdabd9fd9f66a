"""Who can see this case: the accounts linked to the caller's victim record, and removing another one.

Only the victim record the caller is linked as is shown (never another victim's accounts). A link id
that is not one of those, or the caller's own, is refused; a removed account then gets the same
NotFoundError as a stranger on every case route, because every case route checks the member item.
The force removes links too, by a signed ``access.revoked`` event or a re-issued access code
(``revoke_links``, run by the journeys function).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from caseline.domain.account_ports import AccountDirectory, AccountLinkStore, AuditLog, CaseReader
from caseline.domain.accounts import AccountRemoval, LinkedAccount, link_id, mask_email
from caseline.domain.delegation import Delegation, ending_with_the_account, removed_event
from caseline.domain.errors import NotFoundError, OwnAccountError
from caseline.domain.outbound import LINKED_ACCOUNT_REMOVED, OutboundEvent
from caseline.domain.ports import Clock
from caseline.domain.records import AuditEntry


@dataclass(frozen=True)
class AccountView:
    link_id: str
    email: str | None  # masked
    linked_at: datetime
    last_signed_in_at: datetime | None
    you: bool


def list_accounts(
    user_id: str,
    force_id: str,
    case_id: str,
    *,
    reader: CaseReader,
    store: AccountLinkStore,
    directory: AccountDirectory,
) -> list[AccountView]:
    """The accounts linked to the caller's victim record of this case, oldest link first."""
    from caseline.services.victim_cases import authorised

    _, victim_id = authorised(user_id, force_id, case_id, reader)
    mine = sorted((a for a in store.accounts(force_id, case_id) if a.victim_id == victim_id), key=_linked_order)
    return [
        AccountView(
            link_id=link_id(force_id, case_id, account.user_id),
            email=mask_email(directory.email(account.user_id)),
            linked_at=account.linked_at,
            last_signed_in_at=account.last_signed_in_at,
            you=account.user_id == user_id,
        )
        for account in mine
    ]


def remove_account(
    user_id: str,
    force_id: str,
    case_id: str,
    removed_link_id: str,
    *,
    reader: CaseReader,
    store: AccountLinkStore,
    audit: AuditLog,
    clock: Clock,
) -> None:
    """Remove another account's link to the caller's victim record (NotFoundError if it is not one)."""
    from caseline.services.victim_cases import authorised

    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    if removed_link_id == link_id(force_id, case_id, user_id):
        raise OwnAccountError(
            "You cannot remove your own account from a case here. To stop using Caseline, close your account."
        )
    target = next(
        (
            a
            for a in store.accounts(force_id, case_id)
            if a.victim_id == victim_id
            and a.user_id != user_id
            and link_id(force_id, case_id, a.user_id) == removed_link_id
        ),
        None,
    )
    now = clock.now()
    # The force hears of it: an account of this victim took another's access away (either may be hers).
    notice_id = f"unlinked-{removed_link_id}-{int(now.timestamp())}"
    data = {"victim_id": victim_id, "link_id": removed_link_id, "removed_at": now.isoformat()}
    notice = OutboundEvent(force_id, case_id, notice_id, LINKED_ACCOUNT_REMOVED, data, now)
    if target is None:
        raise NotFoundError("no such linked account")
    ending = _given_by(target, partition.delegations, partition.members, now)
    if not store.remove(AccountRemoval(force_id, case_id, target, notice, ending)):
        raise NotFoundError("no such linked account")
    audit.record(
        AuditEntry(force_id, case_id, user_id, "removed-linked-account", "victim removed another account's access", now)
    )


def revoke_links(
    force_id: str,
    case_id: str,
    victim_id: str,
    linked_before: datetime,
    store: AccountLinkStore,
    only: str | None = None,
) -> int:
    """The force removes the accounts linked to a victim record before ``linked_before`` (all of them, or
    only the one with link id ``only``). An account linked later — the victim using a new code — stays,
    so a replayed event never removes it. The people an account invited lose access with it (the force
    hears of each, at ``linked_before``). Returns how many accounts were removed."""
    accounts = store.accounts(force_id, case_id)
    members = {account.user_id: account.victim_id for account in accounts}
    delegations: list[Delegation] | None = None
    removed = 0
    for account in accounts:
        if account.victim_id != victim_id or account.linked_at >= linked_before:
            continue
        if only is not None and link_id(force_id, case_id, account.user_id) != only:
            continue
        delegations = store.delegations(force_id, case_id) if delegations is None else delegations
        ending = _given_by(account, delegations, members, linked_before)
        if store.remove(AccountRemoval(force_id, case_id, account, ending=ending)):
            removed += 1
            members.pop(account.user_id)
            delegations = [d for d in delegations if all(d is not e for e, _ in ending)]
    return removed


def _given_by(
    account: LinkedAccount, delegations: list[Delegation], members: Mapping[str, str], now: datetime
) -> tuple[tuple[Delegation, OutboundEvent], ...]:
    """The access ``account`` gave that ends with it, each with the force's notice."""
    ending = ending_with_the_account(delegations, members, account.user_id, account.victim_id)
    return tuple((delegation, removed_event(delegation, now)) for delegation in ending)


def _linked_order(account: LinkedAccount) -> tuple[datetime, str]:
    return account.linked_at, account.user_id
