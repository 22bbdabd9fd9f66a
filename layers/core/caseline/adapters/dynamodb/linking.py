"""Linking accounts to cases: crime reference lookup, access codes, failed-attempt counters, links."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, GetError, PutError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.account_recovery import DynamoVictimRisks
from caseline.adapters.dynamodb.base import connection as _connection
from caseline.adapters.dynamodb.models import (
    AccessCodeItem,
    AttemptsItem,
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    CrimeReferenceItem,
    case_pk,
    crime_reference_pk,
)
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import AccessCodeRecord, WriteOutcome

ATTEMPTS_KEPT = timedelta(hours=25)


def _attempts_keys(crime_reference: str, user_id: str) -> tuple[str, str]:
    return f"ATTEMPTS#{crime_reference_pk(crime_reference)}", f"ATTEMPTS#USER#{user_id}"


class DynamoLinkRepository:
    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        try:
            items = CaselineItem.query(crime_reference_pk(crime_reference), CaselineItem.sk.startswith("CASE#"))
            return [
                (i.force_id, i.case_id, i.crime_reference or crime_reference)
                for i in items
                if isinstance(i, CrimeReferenceItem)
            ]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]:
        try:
            items = CaselineItem.query(
                case_pk(force_id, case_id), CaselineItem.sk.startswith("ACCESS#"), consistent_read=True
            )
            return [
                AccessCodeRecord(i.force_id, i.case_id, i.victim_id, i.code_hash, i.expires_at)
                for i in items
                if isinstance(i, AccessCodeItem)
            ]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def failures(self, crime_reference: str, user_id: str, since: datetime) -> tuple[int, int]:
        counts = []
        for pk in _attempts_keys(crime_reference, user_id):
            try:
                item = CaselineItem.get(pk, "ATTEMPTS", consistent_read=True)
            except DoesNotExist:
                counts.append(0)
                continue
            except GetError as exc:
                raise StorageUnavailableError() from exc
            stamps = item.failures if isinstance(item, AttemptsItem) else []
            counts.append(sum(1 for stamp in stamps if datetime.fromisoformat(stamp) >= since))
        return counts[0], counts[1]

    def record_failure(self, crime_reference: str, user_id: str, now: datetime) -> None:
        """Append a failure to both counters (read, then a write conditional on what was read)."""
        for pk in _attempts_keys(crime_reference, user_id):
            for _ in range(3):
                condition: Any
                try:
                    current = CaselineItem.get(pk, "ATTEMPTS", consistent_read=True)
                    stamps = list(current.failures) if isinstance(current, AttemptsItem) else []
                    condition = AttemptsItem.version == current.version if isinstance(current, AttemptsItem) else None
                    version = (current.version if isinstance(current, AttemptsItem) else 0) + 1
                except DoesNotExist:
                    stamps, condition, version = [], AttemptsItem.pk.does_not_exist(), 1
                except GetError as exc:
                    raise StorageUnavailableError() from exc
                recent = [s for s in stamps if datetime.fromisoformat(s) >= now - ATTEMPTS_KEPT][-20:]
                item = AttemptsItem(
                    pk,
                    "ATTEMPTS",
                    force_id="-",
                    failures=[*recent, now.isoformat()],
                    expires_at=now + ATTEMPTS_KEPT,
                    version=version,
                )
                try:
                    item.save(condition=condition)
                    break
                except PutError as exc:
                    if exc.cause_response_code != "ConditionalCheckFailedException":
                        raise StorageUnavailableError() from exc

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        pk = case_pk(code.force_id, code.case_id)
        try:
            case = CaselineItem.get(pk, "CASE", consistent_read=True)
        except (DoesNotExist, GetError):
            return WriteOutcome.CONFLICT
        if not isinstance(case, CaseItem):
            return WriteOutcome.CONFLICT
        try:
            with TransactWrite(connection=_connection()) as transaction:
                transaction.delete(
                    AccessCodeItem(pk, f"ACCESS#{code.victim_id}"),
                    condition=AccessCodeItem.code_hash == code.code_hash,
                )
                transaction.save(
                    CaseMemberItem(
                        pk,
                        f"MEMBER#{user_id}",
                        force_id=code.force_id,
                        case_id=code.case_id,
                        user_id=user_id,
                        victim_id=code.victim_id,
                        linked_at=now,
                    )
                )
                transaction.save(
                    CaseLinkItem(
                        f"USER#{user_id}",
                        pk,
                        force_id=code.force_id,
                        user_id=user_id,
                        case_id=code.case_id,
                        crime_reference=crime_reference,
                        category=case.category or "other-crime",
                        stage=case.stage,
                        updated_at=case.updated_at or now,
                    )
                )
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        return DynamoVictimRisks().is_high_risk(force_id, case_id, victim_id)

    def clear(self, crime_reference: str) -> None:
        """The force re-issued a code: guessing this crime reference is no longer locked."""
        try:
            AttemptsItem(_attempts_keys(crime_reference, "-")[0], "ATTEMPTS").delete()
        except DeleteError as exc:
            raise StorageUnavailableError() from exc
