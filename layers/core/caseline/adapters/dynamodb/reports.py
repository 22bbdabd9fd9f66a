"""Online crime reports on the single table.

report         REPORT#{force}#{reference}              sk REPORT; gsi1 REPORTS#{user} /
               {submitted at}#{force}#{reference} (signed-in reporters only)
report event   REPORT#{force}#{reference}              sk OUTBOUND#report-{reference} (an outbound item)
report message REPORT#{force}#{reference}              sk OUTBOX#report#report-received#{channel}#~reporter
report key     REPORTKEY#{force}#{idempotency key}     sk REPORTKEY (TTL 7 days)
report rate    REPORTRATE#IP#{sha256} or #USER#{user}  sk {window start} (TTL: the window plus an hour)
report case    REPORTCASE#{force}#{case}               sk REPORT#{reference}

The report item holds the personal fields only sealed (``sealed``, KMS, see ``caseline.adapters.sealing``);
the outbound item holds only what is not personal and is completed at delivery. A *report case* item waits
on the case's force and id for ``crime.recorded`` when ``report.recorded`` came first, so a signed-in
reporter is linked to the case in either order. None of these items is on a ``CASE#`` partition, so the
readers of a case never meet them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import (
    DeleteError,
    PutError,
    QueryError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import (
    by_name,
    connection,
    failed_indexes,
    get_item,
    is_condition_failed,
    transaction_outcome,
)
from caseline.adapters.dynamodb.mappers import outbox_item, receipt_item
from caseline.adapters.dynamodb.models import (
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    OutboxItem,
    ReceiptItem,
    ReportCaseItem,
    ReportItem,
    ReportKeyItem,
    ReportRateItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.adapters.sealing import KmsFieldSealer
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import VictimContact, WebhookReceipt, WriteOutcome
from caseline.domain.reports import NewReport, ReportRecord, ReportStatus, reporter_contact

KEY_KEPT = timedelta(days=7)


def report_pk(force_id: str, reference: str) -> str:
    return f"REPORT#{force_id}#{reference}"


def _record(item: ReportItem) -> ReportRecord:
    return by_name(
        item, ReportRecord, status=ReportStatus(item.status), sequence=int(item.sequence or 0), linked=bool(item.linked)
    )


class DynamoReportStore:
    def __init__(self, sealer: KmsFieldSealer | None = None) -> None:
        self._sealer = sealer  # only submitting and delivering need the key (ingest never opens a report)

    @property
    def sealer(self) -> KmsFieldSealer:
        if self._sealer is None:
            raise RuntimeError("this function does not hold the report key")
        return self._sealer

    # ------------------------------------------------------------------ submitting
    def reference_for(self, force_id: str, idempotency_key: str) -> str | None:
        item = get_item(ReportKeyItem, f"REPORTKEY#{force_id}#{idempotency_key}", "REPORTKEY")
        return item.reference if item is not None else None

    def create(self, report: NewReport) -> WriteOutcome:
        """One TransactWrite; the reporter's messages go on the report's partition, keyed on the reference."""
        record, idempotency_key = report.record, report.idempotency_key
        pk = report_pk(record.force_id, record.reference)
        row = by_name(
            record,
            ReportItem,
            pk=pk,
            sk="REPORT",
            status=record.status.value,
            sequence=0,
            linked=False,
            details=report.details,
            sealed=self.sealer.seal(record.force_id, record.reference, report.personal),
        )
        if record.user_id:
            row.gsi1pk = f"REPORTS#{record.user_id}"
            row.gsi1sk = f"{record.submitted_at.isoformat()}#{record.force_id}#{record.reference}"
        key = ReportKeyItem(
            f"REPORTKEY#{record.force_id}#{idempotency_key}",
            "REPORTKEY",
            force_id=record.force_id,
            reference=record.reference,
            expires_at=record.submitted_at + KEY_KEPT,
        )
        outbound_row = outbound_item(report.outbound)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(row, condition=ReportItem.pk.does_not_exist())
                transaction.save(key, condition=ReportKeyItem.pk.does_not_exist())
                transaction.save(outbound_row, condition=CaselineItem.pk.does_not_exist())
                for message in report.messages:
                    transaction.save(outbox_item(message), condition=OutboxItem.pk.does_not_exist())
        except TransactWriteError as exc:
            return transaction_outcome(exc, duplicate=1)
        return WriteOutcome.WRITTEN

    def count(self, counter: str, window_start: datetime, window: timedelta, limit: int) -> bool:
        """Count one submission in a fixed window; False once the window already has ``limit``."""
        item = ReportRateItem(f"REPORTRATE#{counter}", window_start.isoformat())
        try:
            item.update(
                actions=[
                    ReportRateItem.submissions.add(1),
                    ReportRateItem.force_id.set("-"),
                    ReportRateItem.entity.set(ReportRateItem),
                    ReportRateItem.expires_at.set(window_start + window + timedelta(hours=1)),
                ],
                condition=ReportRateItem.submissions.does_not_exist() | (ReportRateItem.submissions < limit),
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return False
            raise StorageUnavailableError() from exc
        return True

    # ------------------------------------------------------------------ reading
    def get(self, force_id: str, reference: str) -> ReportRecord | None:
        item = get_item(ReportItem, report_pk(force_id, reference), "REPORT")
        return _record(item) if item is not None else None

    def for_user(self, user_id: str) -> list[ReportRecord]:
        try:
            items = CaselineItem.gsi1.query(f"REPORTS#{user_id}", scan_index_forward=False, limit=100)
            return [_record(i) for i in items if isinstance(i, ReportItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def every_report_of(self, user_id: str) -> list[ReportRecord]:
        """All the account's reports, every page (its data rights: download and close)."""
        try:
            items = CaselineItem.gsi1.query(f"REPORTS#{user_id}")
            return [_record(i) for i in items if isinstance(i, ReportItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def detach(self, user_id: str, record: ReportRecord) -> bool:
        """Take the report off the account: off ``REPORTS#{user}`` and the account forgotten on it, so
        a later ``report.recorded`` links no one. The report stays. False: not this account's (any more)."""
        item = ReportItem(report_pk(record.force_id, record.reference), "REPORT")
        try:
            item.update(
                actions=[ReportItem.user_id.remove(), ReportItem.gsi1pk.remove(), ReportItem.gsi1sk.remove()],
                condition=ReportItem.user_id == user_id,
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return False
            raise StorageUnavailableError() from exc
        if record.case_id and not record.linked:  # recorded before its case: nobody is waiting any more
            try:
                ReportCaseItem(f"REPORTCASE#{record.force_id}#{record.case_id}", f"REPORT#{record.reference}").delete()
            except DeleteError as exc:
                raise StorageUnavailableError() from exc
        return True

    def open(self, force_id: str, reference: str) -> tuple[ReportRecord, dict[str, Any]] | None:
        """The report with its personal fields decrypted (delivery to the force and its own reporter's
        download of their data only)."""
        item = get_item(ReportItem, report_pk(force_id, reference), "REPORT")
        if item is None:
            return None
        personal = self.sealer.open(force_id, reference, list(item.sealed or []))
        return _record(item), {**dict(item.details or {}), **personal}

    def reporter(self, force_id: str, reference: str) -> tuple[VictimContact | None, frozenset[str]]:
        """The reporter as the recipient of the report's messages (decrypted: dispatch only), and the
        keys of every message planned on the report's partition."""
        try:
            items = list(CaselineItem.query(report_pk(force_id, reference), consistent_read=True))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        planned = frozenset(i.key for i in items if isinstance(i, OutboxItem))
        report = next((i for i in items if isinstance(i, ReportItem)), None)
        if report is None:
            return None, planned
        personal = self.sealer.open(force_id, reference, list(report.sealed or []))
        return reporter_contact(force_id, reference, personal), planned

    # ------------------------------------------------------------------ the force's answers
    def apply(self, receipt: WebhookReceipt, record: ReportRecord, *, expected_sequence: int) -> WriteOutcome:
        """Store the force's newest news about a report with the webhook receipt, in one transaction."""
        report = ReportItem(report_pk(record.force_id, record.reference), "REPORT")
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(receipt_item(receipt), condition=ReceiptItem.pk.does_not_exist())
                transaction.update(
                    report,
                    actions=[
                        ReportItem.status.set(record.status.value),
                        ReportItem.answered_at.set(receipt.received_at),
                        ReportItem.sequence.set(record.sequence),
                        *(
                            attribute.set(value) if value is not None else attribute.remove()
                            for attribute, value in (
                                (ReportItem.crime_reference, record.crime_reference),
                                (ReportItem.case_id, record.case_id),
                                (ReportItem.victim_id, record.victim_id),
                                (ReportItem.reason, record.reason),
                                (ReportItem.where_to_go, record.where_to_go),
                            )
                        ),
                    ],
                    condition=ReportItem.sequence == expected_sequence,
                )
                if record.user_id and record.case_id and record.status is ReportStatus.RECORDED:
                    transaction.save(
                        ReportCaseItem(
                            f"REPORTCASE#{record.force_id}#{record.case_id}",
                            f"REPORT#{record.reference}",
                            force_id=record.force_id,
                            reference=record.reference,
                            case_id=record.case_id,
                        )
                    )
        except TransactWriteError as exc:
            return transaction_outcome(exc, duplicate=0)
        return WriteOutcome.WRITTEN

    def waiting_for_case(self, force_id: str, case_id: str) -> list[ReportRecord]:
        try:
            items = list(CaselineItem.query(f"REPORTCASE#{force_id}#{case_id}", consistent_read=True))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        found = [self.get(force_id, i.reference) for i in items if isinstance(i, ReportCaseItem)]
        return [r for r in found if r is not None]

    def link(self, record: ReportRecord, now: datetime) -> bool:
        """Link the reporter's account to the recorded case (no access code). False: the case is not
        recorded yet (crime.recorded will link it). Safe to repeat."""
        if not (record.user_id and record.case_id and record.victim_id):
            return False
        pk = case_pk(record.force_id, record.case_id)
        case = get_item(CaseItem, pk, "CASE")
        if case is None or not case.crime_reference:
            return False
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(
                    by_name(record, CaseMemberItem, pk=pk, sk=f"MEMBER#{record.user_id}", linked_at=now),
                    condition=CaseMemberItem.pk.does_not_exist(),
                )
                transaction.save(
                    CaseLinkItem(
                        f"USER#{record.user_id}",
                        pk,
                        force_id=record.force_id,
                        user_id=record.user_id,
                        case_id=record.case_id,
                        crime_reference=case.crime_reference,
                        category=case.category or record.category,
                        stage=case.stage,
                        updated_at=case.updated_at or now,
                    )
                )
        except TransactWriteError as exc:
            if not failed_indexes(exc):  # a member already there: linked before (or by an access code)
                raise StorageUnavailableError() from exc
        try:
            ReportItem(report_pk(record.force_id, record.reference), "REPORT").update(
                actions=[ReportItem.linked.set(True)]
            )
            ReportCaseItem(f"REPORTCASE#{record.force_id}#{record.case_id}", f"REPORT#{record.reference}").delete()
        except (UpdateError, DeleteError, PutError) as exc:
            raise StorageUnavailableError() from exc
        return True
