"""Cases, their victims and timeline events, and webhook receipts: the case's partition (``CASE#``)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import connection, failed_indexes, get_item, partition_items
from caseline.adapters.dynamodb.mappers import (
    case_item,
    case_record,
    effective_victims,
    event_item,
    event_record,
    receipt_item,
    victim_item,
    victim_record,
)
from caseline.adapters.dynamodb.models import (
    CaseDelegateItem,
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    CrimeReferenceItem,
    EventItem,
    OutboundItem,
    PreferencesItem,
    ReceiptItem,
    VictimItem,
    case_pk,
    crime_reference_pk,
)
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.event_types import OFFICER_MESSAGE
from caseline.domain.records import (
    CaseAggregate,
    CaseRecord,
    EventWrite,
    RaisedRequest,
    VictimContact,
    WriteOutcome,
)
from caseline.domain.requests import REQUEST_TYPES


class DynamoCaseRepository:
    """Cases, victims, timeline events and webhook receipts."""

    def get_case(self, force_id: str, case_id: str) -> CaseRecord | None:
        item = get_item(CaseItem, case_pk(force_id, case_id), "CASE")
        return case_record(item) if item is not None else None

    def get_victims(self, force_id: str, case_id: str) -> list[VictimContact]:
        """Victims with the profile messages must obey: the force's, made stricter by their own choices."""
        return effective_victims(partition_items(force_id, case_id, VictimItem, PreferencesItem))

    def load(self, force_id: str, case_id: str) -> CaseAggregate:
        """One strongly consistent Query over the case's partition: the case, its timeline, victims, the accounts
        that follow it and, of its outbound events, only the victims' requests (which the force's answers name)."""
        requests = (CaselineItem.entity == OutboundItem) & OutboundItem.event_type.is_in(*REQUEST_TYPES)
        kinds = (CaseItem, EventItem, VictimItem, CaseMemberItem, CaseDelegateItem)
        items = partition_items(force_id, case_id, *kinds, also=requests)
        return CaseAggregate(
            case=next((case_record(i) for i in items if isinstance(i, CaseItem)), None),
            events=[event_record(i) for i in items if isinstance(i, EventItem)],
            victims=[victim_record(i) for i in items if isinstance(i, VictimItem)],
            linked_users=[i.user_id for i in items if isinstance(i, CaseMemberItem)],
            followers=[i.user_id for i in items if isinstance(i, CaseDelegateItem) and i.user_id],
            requests=[
                RaisedRequest(i.outbound_id, i.event_type, str((i.data or {}).get("victim_id", "")))
                for i in items
                if isinstance(i, OutboundItem)
            ],
        )

    def save_event(self, write: EventWrite) -> WriteOutcome:
        event, case, followers = write.event, write.case, write.followers
        pk = case_pk(event.force_id, event.case_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(receipt_item(write.receipt), condition=ReceiptItem.pk.does_not_exist())
                transaction.save(event_item(event), condition=EventItem.pk.does_not_exist())
                transaction.save(case_item(case), condition=_case_condition(write.expected_revision))
                if case.crime_reference is not None:
                    transaction.save(
                        CrimeReferenceItem(
                            crime_reference_pk(case.crime_reference),
                            case_pk(case.force_id, case.case_id),
                            force_id=case.force_id,
                            case_id=case.case_id,
                            crime_reference=case.crime_reference,
                        )
                    )
                for victim in write.victims:
                    transaction.save(victim_item(victim))
                for user_id in (*write.linked_users, *followers):  # keep "my cases" at a glance current
                    actions: list[Any] = [
                        CaseLinkItem.stage.set(case.stage.slug),
                        CaseLinkItem.updated_at.set(case.updated_at or event.received_at),
                    ]
                    if event.event_type == OFFICER_MESSAGE and user_id not in followers:  # a delegate's is never read
                        actions.append(CaseLinkItem.unread.add(1))
                    transaction.update(
                        CaseLinkItem(f"USER#{user_id}", pk), actions=actions, condition=CaseLinkItem.pk.exists()
                    )
        except TransactWriteError as exc:
            failed = failed_indexes(exc)
            if 0 in failed or 1 in failed:
                return WriteOutcome.DUPLICATE
            if 2 in failed:
                return WriteOutcome.CONFLICT
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN


def _case_condition(expected_revision: int | None) -> Any:
    if expected_revision is None:
        return CaseItem.pk.does_not_exist()
    return CaseItem.revision == expected_revision
