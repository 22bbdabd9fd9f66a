"""Linking accounts to cases: crime reference lookup, access codes, failed-attempt counters, links.

Failure counters: ``ATTEMPTS#USER#{user}`` and ``ATTEMPTS#REF#{normalised reference}``, one item per
fixed window (sort key: the window's start, UTC ISO 8601), ``attempts`` counted with an atomic ADD,
removed by TTL an hour after the window ends."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, GetError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.account_recovery import DynamoVictimRisks
from caseline.adapters.dynamodb.base import by_prefix, connection, is_condition_failed
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
from caseline.domain.access_code import ATTEMPT_WINDOW, attempt_window
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.ports import Clock
from caseline.domain.records import AccessCodeRecord, WriteOutcome


def _counters(crime_reference: str, user_id: str, window: datetime) -> tuple[AttemptsItem, AttemptsItem]:
    """The account's and the reference's failure counters for one window (sort key: its start)."""
    sk = window.isoformat()
    account = AttemptsItem(f"ATTEMPTS#USER#{user_id}", sk)
    reference = AttemptsItem(f"ATTEMPTS#{crime_reference_pk(crime_reference)}", sk)
    return account, reference


def add_attempt(counter: AttemptsItem, amount: int, window: datetime) -> int:
    """An atomic ADD to one failure counter; answers its new value."""
    try:
        counter.update(
            actions=[
                AttemptsItem.attempts.add(amount),
                AttemptsItem.force_id.set("-"),
                AttemptsItem.entity.set(AttemptsItem),
                AttemptsItem.expires_at.set(window + ATTEMPT_WINDOW + timedelta(hours=1)),
            ]
        )
    except UpdateError as exc:
        raise StorageUnavailableError() from exc
    return int(counter.attempts)


class DynamoLinkRepository:
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def reserve_attempt(
        self, crime_reference: str, user_id: str, window: datetime, *, account_limit: int, reference_limit: int
    ) -> bool:
        """Two UpdateItems, each an atomic ADD that answers the counter's new value.

        Parallel attempts each get a different count, so no more than the limit of them are allowed. An
        account past its limit adds 0 to the reference's counter: the same two writes as any attempt,
        but it cannot use up the reference's allowance."""
        account, reference = _counters(crime_reference, user_id, window)
        by_account = add_attempt(account, 1, window)
        by_reference = add_attempt(reference, 1 if by_account <= account_limit else 0, window)
        return by_account <= account_limit and by_reference <= reference_limit

    def release_attempt(self, crime_reference: str, user_id: str, window: datetime) -> None:
        for counter in _counters(crime_reference, user_id, window):
            try:
                counter.update(actions=[AttemptsItem.attempts.add(-1)], condition=AttemptsItem.attempts > 0)
            except UpdateError as exc:
                if not is_condition_failed(exc):
                    raise StorageUnavailableError() from exc

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        return [
            (i.force_id, i.case_id, i.crime_reference or crime_reference)
            for i in by_prefix(CrimeReferenceItem, crime_reference_pk(crime_reference), "CASE#")
        ]

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]:
        return [
            AccessCodeRecord(i.force_id, i.case_id, i.victim_id, i.code_hash, i.expires_at)
            for i in by_prefix(AccessCodeItem, case_pk(force_id, case_id), "ACCESS#")
        ]

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        pk = case_pk(code.force_id, code.case_id)
        try:
            case = CaselineItem.get(pk, "CASE", consistent_read=True)
        except (DoesNotExist, GetError):
            return WriteOutcome.CONFLICT
        if not isinstance(case, CaseItem):
            return WriteOutcome.CONFLICT
        try:
            with TransactWrite(connection=connection()) as transaction:
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
        """The force re-issued a code: delete the reference's counter for this window (lifts its lock)."""
        _, counter = _counters(crime_reference, "-", attempt_window(self._clock.now()))
        try:
            counter.delete()
        except DeleteError as exc:
            raise StorageUnavailableError() from exc
