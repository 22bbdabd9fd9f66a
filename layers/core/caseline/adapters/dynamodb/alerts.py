"""Must-acknowledge safety alerts on the case's partition (``ALERT#{alert}``) and their confirmation."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from caseline.adapters.dynamodb.base import by_name, is_condition_failed, on_case
from caseline.adapters.dynamodb.models import AlertItem, case_pk
from caseline.domain.alerts import SafetyAlert
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import WriteOutcome


def alert_item(alert: SafetyAlert) -> AlertItem:
    return on_case(alert, AlertItem, sk=f"ALERT#{alert.alert_id}", channels=list(alert.channels))


def alert_record(item: AlertItem) -> SafetyAlert:
    return by_name(item, SafetyAlert, event_sequence=int(item.event_sequence), channels=tuple(item.channels or ()))


class DynamoAlertStore:
    def acknowledge(self, alert: SafetyAlert, user_id: str, at: datetime) -> WriteOutcome:
        """Set once: DUPLICATE when the alert was confirmed already."""
        item = AlertItem(case_pk(alert.force_id, alert.case_id), f"ALERT#{alert.alert_id}")
        try:
            item.update(
                actions=[AlertItem.acknowledged_at.set(at), AlertItem.acknowledged_by.set(user_id)],
                condition=AlertItem.pk.exists() & AlertItem.acknowledged_at.does_not_exist(),
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN
