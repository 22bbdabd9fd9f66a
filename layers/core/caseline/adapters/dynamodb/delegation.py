"""Delegated access on the table: the ``DELEGATE#{delegation}`` item on the case's partition (read with the
case, so every case route sees it at no extra cost), the ``DELEGATECODE#{sha256}`` item that finds an open
invitation from its code, and the delegate's own ``USER#{user}`` link (``role`` "delegate"), so the case is
in their "my cases". Each change writes its items in one transaction; a new delegation also increments the
victim record's delegates allowance (``ALLOWANCE#DELEGATES#{victim}``, domain/allowances.py).

Invitation attempts are counted per account (``ATTEMPTS#DELEGATE#{user}``, the access-code window)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.allowances import use_allowance
from caseline.adapters.dynamodb.base import by_name, connection, get_item, lost_a_race, transaction_outcome
from caseline.adapters.dynamodb.models import (
    AttemptsItem,
    CaseDelegateItem,
    CaseItem,
    CaseLinkItem,
    DelegateCodeItem,
    OutboundItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.domain.delegation import Delegation, GrantedBy, Invitation, Scope
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import WriteOutcome

_CODE_SK = "DELEGATECODE"


def _code_pk(code_hash: str) -> str:
    return f"DELEGATECODE#{code_hash}"


def delegate_sk(delegation_id: str) -> str:
    return f"DELEGATE#{delegation_id}"


def delegation_record(item: CaseDelegateItem) -> Delegation:
    return by_name(item, Delegation, scope=Scope(item.scope), granted_by=GrantedBy(item.granted_by))


MOST_WRITES_ENDING = 4  # what ``end_delegation`` may add to a transaction


def end_delegation(t: TransactWrite, delegation: Delegation, notice: OutboundEvent | None) -> None:
    """The writes that end a delegation, in the caller's transaction (which fails if it is gone already): its
    item, its open code, the delegate's link and ``notice``, those that apply (``MOST_WRITES_ENDING``)."""
    pk = case_pk(delegation.force_id, delegation.case_id)
    t.delete(CaseDelegateItem(pk, delegate_sk(delegation.delegation_id)), condition=CaseDelegateItem.pk.exists())
    if delegation.code_hash is not None:
        t.delete(DelegateCodeItem(_code_pk(delegation.code_hash), _CODE_SK))
    if delegation.user_id is not None:
        t.delete(CaseLinkItem(f"USER#{delegation.user_id}", pk))
    if notice is not None:
        t.save(outbound_item(notice), condition=OutboundItem.pk.does_not_exist())


class DynamoDelegationStore:
    def invite(self, invitation: Invitation) -> WriteOutcome:
        """The delegation and its code, the force's notice if any, and the victim record's delegates
        allowance (still the version read, when read); DUPLICATE when the id is taken, CONFLICT when the
        code is taken or the allowance changed."""
        delegation, code_hash, notice = invitation.delegation, invitation.code_hash, invitation.notice
        pk = case_pk(delegation.force_id, delegation.case_id)
        item = by_name(
            delegation,
            CaseDelegateItem,
            pk=pk,
            sk=delegate_sk(delegation.delegation_id),
            scope=delegation.scope.value,
            granted_by=delegation.granted_by.value,
            code_hash=code_hash,
        )
        code = DelegateCodeItem(
            _code_pk(code_hash),
            _CODE_SK,
            force_id=delegation.force_id,
            case_id=delegation.case_id,
            delegation_id=delegation.delegation_id,
            expires_at=delegation.invitation_expires_at,
        )

        def writes(t: TransactWrite) -> None:
            t.save(item, condition=CaseDelegateItem.pk.does_not_exist())
            t.save(code, condition=DelegateCodeItem.pk.does_not_exist())
            if notice is not None:
                t.save(outbound_item(notice), condition=OutboundItem.pk.does_not_exist())
            read = invitation.as_read is not None
            use_allowance(t, delegation.force_id, delegation.case_id, invitation.allowance, as_read=read)

        try:
            with TransactWrite(connection=connection()) as transaction:
                writes(transaction)
        except TransactWriteError as exc:
            return WriteOutcome.CONFLICT if lost_a_race(exc) else transaction_outcome(exc, duplicate=0)
        return WriteOutcome.WRITTEN

    def find(self, code_hash: str) -> Delegation | None:
        """The open invitation with this code (two GetItems), or None."""
        code = get_item(DelegateCodeItem, _code_pk(code_hash), _CODE_SK)
        if code is None:
            return None
        item = get_item(CaseDelegateItem, case_pk(code.force_id, code.case_id), delegate_sk(code.delegation_id))
        if item is None or item.code_hash != code_hash or item.user_id is not None:
            return None
        return delegation_record(item)

    def get(self, force_id: str, case_id: str, delegation_id: str) -> Delegation | None:
        item = get_item(CaseDelegateItem, case_pk(force_id, case_id), delegate_sk(delegation_id))
        return delegation_record(item) if item is not None else None

    def count_attempt(self, user_id: str, window: datetime) -> int:
        from caseline.adapters.dynamodb.linking import add_attempt  # the case view reads delegations without it

        return add_attempt(AttemptsItem(f"ATTEMPTS#DELEGATE#{user_id}", window.isoformat()), 1, window)

    def accept(self, delegation: Delegation, user_id: str, code_hash: str, now: datetime) -> WriteOutcome:
        """The invitation becomes the account's access: the code goes, the delegation takes the account and
        the account gets its link. CONFLICT if the account already sees the case or the code was used."""
        pk = case_pk(delegation.force_id, delegation.case_id)
        case = get_item(CaseItem, pk, "CASE")
        if case is None or case.crime_reference is None:
            return WriteOutcome.CONFLICT
        link = CaseLinkItem(
            f"USER#{user_id}",
            pk,
            force_id=delegation.force_id,
            case_id=delegation.case_id,
            user_id=user_id,
            role="delegate",
            crime_reference=case.crime_reference,
            category=case.category or "other-crime",
            stage=case.stage,
            updated_at=case.updated_at or now,
        )

        def writes(t: TransactWrite) -> None:
            t.delete(DelegateCodeItem(_code_pk(code_hash), _CODE_SK), condition=DelegateCodeItem.pk.exists())
            t.update(
                CaseDelegateItem(pk, delegate_sk(delegation.delegation_id)),
                actions=[
                    CaseDelegateItem.user_id.set(user_id),
                    CaseDelegateItem.accepted_at.set(now),
                    CaseDelegateItem.code_hash.remove(),
                ],
                condition=(CaseDelegateItem.code_hash == code_hash) & CaseDelegateItem.user_id.does_not_exist(),
            )
            t.save(link, condition=CaseLinkItem.pk.does_not_exist())

        outcome = self._write(writes)
        return WriteOutcome.CONFLICT if outcome is WriteOutcome.DUPLICATE else outcome

    def remove(self, delegation: Delegation, notice: OutboundEvent | None = None) -> bool:
        """End a delegation: its item, its open code or the delegate's link, and the force's notice."""
        return self._write(lambda t: end_delegation(t, delegation, notice)) is WriteOutcome.WRITTEN

    @staticmethod
    def _write(writes: Callable[[TransactWrite], None]) -> WriteOutcome:
        try:
            with TransactWrite(connection=connection()) as transaction:
                writes(transaction)
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN
