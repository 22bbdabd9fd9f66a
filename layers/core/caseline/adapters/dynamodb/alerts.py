"""Must-acknowledge safety alerts on the case's partition (``ALERT#{alert}``) and their confirmation."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from caseline.adapters.dynamodb.base import is_condition_failed
from caseline.adapters.dynamodb.models import AlertItem, case_pk
from caseline.domain.alerts import SafetyAlert
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import WriteOutcome


def alert_item(alert: SafetyAlert) -> AlertItem:
    return AlertItem(
        case_pk(alert.force_id, alert.case_id),
        f"ALERT#{alert.alert_id}",
        force_id=alert.force_id,
        case_id=alert.case_id,
        victim_id=alert.victim_id,
        alert_id=alert.alert_id,
        event_type=alert.event_type,
        event_sequence=alert.event_sequence,
        raised_at=alert.raised_at,
        channels=list(alert.channels),
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=alert.acknowledged_by,
    )


def alert_record(item: AlertItem) -> SafetyAlert:
    return SafetyAlert(
        force_id=item.force_id,
        case_id=item.case_id,
        alert_id=item.alert_id,
        victim_id=item.victim_id,
        event_type=item.event_type,
        event_sequence=int(item.event_sequence),
        raised_at=item.raised_at,
        channels=tuple(item.channels or ()),
        acknowledged_at=item.acknowledged_at,
        acknowledged_by=item.acknowledged_by,
    )


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
