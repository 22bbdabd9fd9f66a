"""The call handler's view: a case found by crime reference (``REF#``), its partition (one Query, the same
the victim view reads, with its outbox messages) and the staff entries of its consultation log
(``AUDIT#{force}#{case}``, sort key ``{at}#{sub}#{action}``: the victim API's audit items, with the staff
member's address)."""

from __future__ import annotations

from dataclasses import fields

from pynamodb.exceptions import PutError, QueryError

from caseline.adapters.dynamodb.base import get_item, partition_items
from caseline.adapters.dynamodb.case_view import CASE_VIEW_KINDS, audit_item, case_partition
from caseline.adapters.dynamodb.linking import DynamoLinkRepository
from caseline.adapters.dynamodb.models import AuditItem, CaseItem, CaselineItem, OutboxItem, case_pk
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import AuditEntry, CasePartition
from caseline.domain.staff_access import SentMessage, StaffAuditEntry


def sent_message(item: OutboxItem) -> SentMessage:
    """The outbox item's own attributes of the same names (its personalisation and sealed code stay behind)."""
    return SentMessage(**{found.name: getattr(item, found.name) for found in fields(SentMessage)})


class DynamoStaffCases:
    def __init__(self) -> None:
        self._references = DynamoLinkRepository()

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        return self._references.candidates(crime_reference)

    def read(self, force_id: str, case_id: str) -> tuple[CasePartition, list[SentMessage]]:
        items = partition_items(force_id, case_id, *CASE_VIEW_KINDS, OutboxItem)
        return case_partition(items), [sent_message(i) for i in items if isinstance(i, OutboxItem)]

    def case_exists(self, force_id: str, case_id: str) -> bool:
        case = get_item(CaseItem, case_pk(force_id, case_id), "CASE")
        return case is not None and case.crime_reference is not None

    def record(self, entry: StaffAuditEntry) -> None:
        item = audit_item(AuditEntry(entry.force_id, entry.case_id, entry.sub, entry.action, entry.reason, entry.at))
        item.staff_email = entry.email
        try:
            item.save()
        except PutError as exc:
            raise StorageUnavailableError() from exc

    def entries(self, force_id: str, case_id: str) -> list[StaffAuditEntry]:
        try:
            items = list(CaselineItem.query(f"AUDIT#{force_id}#{case_id}", consistent_read=True))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        return [
            StaffAuditEntry(i.force_id, i.case_id, i.user_id, i.staff_email, i.action, i.reason, i.at)
            for i in items
            if isinstance(i, AuditItem)
        ]
