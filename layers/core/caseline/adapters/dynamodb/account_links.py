"""The accounts linked to a case: its ``MEMBER#{user}`` items (one Query of the case's partition by sort
key prefix), removed together with the account's ``USER#{user}`` link item (and, when the victim removed it,
the ``linked-account-removed`` outbound event for the force) in one transaction."""

from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import by_prefix, connection
from caseline.adapters.dynamodb.delegation import delegation_record, end_delegation
from caseline.adapters.dynamodb.models import (
    CaseDelegateItem,
    CaseLinkItem,
    CaseMemberItem,
    OutboundItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.domain.accounts import AccountRemoval, LinkedAccount
from caseline.domain.delegation import Delegation
from caseline.domain.errors import StorageUnavailableError


class DynamoAccountLinks:
    def delegations(self, force_id: str, case_id: str) -> list[Delegation]:
        return [delegation_record(i) for i in by_prefix(CaseDelegateItem, case_pk(force_id, case_id), "DELEGATE#")]

    def accounts(self, force_id: str, case_id: str) -> list[LinkedAccount]:
        return [
            LinkedAccount(i.user_id, i.victim_id, i.linked_at, i.last_signed_in_at)
            for i in by_prefix(CaseMemberItem, case_pk(force_id, case_id), "MEMBER#")
        ]

    def remove(self, removal: AccountRemoval) -> bool:
        pk, account, notice = case_pk(removal.force_id, removal.case_id), removal.account, removal.notice
        try:
            with TransactWrite(connection=connection()) as transaction:
                for delegation, removed in removal.ending:
                    end_delegation(transaction, delegation, removed)
                if notice is not None:
                    transaction.save(outbound_item(notice), condition=OutboundItem.pk.does_not_exist())
                # Only the link read: a member item re-written since (the same account linked again) stays.
                transaction.delete(
                    CaseMemberItem(pk, f"MEMBER#{account.user_id}"),
                    condition=(CaseMemberItem.victim_id == account.victim_id)
                    & (CaseMemberItem.linked_at == account.linked_at),
                )
                transaction.delete(CaseLinkItem(f"USER#{account.user_id}", pk))
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                return False
            raise StorageUnavailableError() from exc
        return True
