"""Victims' Code duties on the case's partition (DUTY#{duty}).

gsi1 keeps two lists per force, ordered by due date: ``DUTY#{force}`` holds open and at-risk duties
(what the sweep checks), ``DUTYDONE#{force}`` holds met and missed ones (what the compliance view
adds). Neither is ever scanned.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import QueryError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import by_name, connection, failed_indexes, is_condition_failed, on_case
from caseline.adapters.dynamodb.models import CaselineItem, DutyItem, case_pk
from caseline.adapters.dynamodb.tasks import save_task
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import Duty, DutyStatus, OfficerTask

_OPEN = (DutyStatus.OPEN, DutyStatus.AT_RISK)


def _index(force_id: str, status: DutyStatus) -> str:
    return f"DUTY#{force_id}" if status in _OPEN else f"DUTYDONE#{force_id}"


def duty_item(duty: Duty) -> DutyItem:
    return on_case(
        duty,
        DutyItem,
        sk=f"DUTY#{duty.duty_id}",
        due_on=duty.due_on.isoformat(),
        status=duty.status.value,
        started_on=duty.started_on.isoformat() if duty.started_on else None,
        working_days=duty.working_days or None,
        gsi1pk=_index(duty.force_id, duty.status),
        gsi1sk=f"{duty.due_on.isoformat()}#{duty.case_id}#{duty.duty_id}",
    )


def duty_record(item: DutyItem) -> Duty:
    return by_name(
        item,
        Duty,
        due_on=date.fromisoformat(item.due_on),
        status=DutyStatus(item.status),
        tier=item.tier or "standard",
        started_on=date.fromisoformat(item.started_on) if item.started_on else None,
        working_days={k: int(v) for k, v in (item.working_days or {}).items()},
    )


def met_actions(force_id: str, met_at: datetime, met_by: str) -> list[Any]:
    """Update actions that mark a duty met; the first message to meet it keeps the credit."""
    return [
        DutyItem.status.set(DutyStatus.MET.value),
        DutyItem.met_at.set(DutyItem.met_at | met_at),
        DutyItem.met_by.set(DutyItem.met_by | met_by),
        DutyItem.gsi1pk.set(_index(force_id, DutyStatus.MET)),
    ]


class DynamoDutyRepository:
    def settle(self, force_id: str, case_id: str, duty_id: str, met_at: datetime, met_by: str) -> None:
        item = DutyItem(case_pk(force_id, case_id), f"DUTY#{duty_id}")
        try:
            item.update(actions=met_actions(force_id, met_at, met_by), condition=DutyItem.pk.exists())
        except UpdateError as exc:
            if not is_condition_failed(exc):
                raise StorageUnavailableError() from exc

    def _query(self, pk: str, condition: Any) -> list[Duty]:
        try:
            return [duty_record(i) for i in CaselineItem.gsi1.query(pk, condition) if isinstance(i, DutyItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def due_before(self, force_id: str, day: date) -> list[Duty]:
        """Open and at-risk duties due on ``day`` or earlier."""
        return self._query(f"DUTY#{force_id}", CaselineItem.gsi1sk <= f"{day.isoformat()}#~")

    def due_between(self, force_id: str, first: date, last: date) -> list[Duty]:
        """Every duty (open, at risk, met, missed) due in the period: two Queries."""
        condition = CaselineItem.gsi1sk.between(f"{first.isoformat()}#", f"{last.isoformat()}#~")
        return self._query(f"DUTY#{force_id}", condition) + self._query(f"DUTYDONE#{force_id}", condition)

    def _move(self, duty: Duty, status: DutyStatus, reason: str | None, task: OfficerTask | None) -> bool:
        item = DutyItem(case_pk(duty.force_id, duty.case_id), f"DUTY#{duty.duty_id}")
        actions: list[Any] = [DutyItem.status.set(status.value), DutyItem.gsi1pk.set(_index(duty.force_id, status))]
        if reason is not None:
            actions.append(DutyItem.reason.set(reason))
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.update(item, actions=actions, condition=DutyItem.status == duty.status.value)
                if task is not None:
                    save_task(transaction, task)
        except TransactWriteError as exc:
            if failed_indexes(exc):
                return False
            raise StorageUnavailableError() from exc
        return True

    def mark_at_risk(self, duty: Duty, task: OfficerTask) -> bool:
        """OPEN -> AT_RISK with a task the force receives; False if something else moved it first."""
        return self._move(duty, DutyStatus.AT_RISK, None, task)  # keeps any reason a blocked message gave

    def mark_missed(self, duty: Duty, reason: str) -> bool:
        return self._move(duty, DutyStatus.MISSED, reason, None)

    def reschedule(self, duty: Duty, *, tier: str, due_on: date) -> None:
        item = DutyItem(case_pk(duty.force_id, duty.case_id), f"DUTY#{duty.duty_id}")
        try:
            item.update(
                actions=[
                    DutyItem.tier.set(tier),
                    DutyItem.due_on.set(due_on.isoformat()),
                    DutyItem.gsi1sk.set(f"{due_on.isoformat()}#{duty.case_id}#{duty.duty_id}"),
                ],
                condition=DutyItem.status == DutyStatus.OPEN.value,
            )
        except UpdateError as exc:
            if not is_condition_failed(exc):
                raise StorageUnavailableError() from exc
