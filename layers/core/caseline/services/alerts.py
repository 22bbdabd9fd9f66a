"""Must-acknowledge safety alerts: the victim confirms one from the case page (the victim API).

A journey run raises the alert and its first timer (``journey_writes.run_alert``); the sweep repeats an
unconfirmed one, then makes it an officer task (``alert_timers``). See ``caseline.domain.alerts``.
"""

from __future__ import annotations

from dataclasses import replace

from caseline.domain.account_ports import AlertStore, AuditLog, CaseReader
from caseline.domain.alerts import ACKNOWLEDGED_ACTION, ALERT_ID, AlertView, alerts_for
from caseline.domain.errors import NotFoundError, ValidationFailedError
from caseline.domain.ports import Clock
from caseline.domain.records import AuditEntry, WriteOutcome
from caseline.services.victim_cases import authorised


def acknowledge_alert(
    user_id: str,
    force_id: str,
    case_id: str,
    alert_id: str,
    *,
    reader: CaseReader,
    store: AlertStore,
    audit: AuditLog,
    clock: Clock,
) -> AlertView:
    """The victim has seen the alert. Idempotent: confirming again answers with the first confirmation.
    Another victim's alert, or one on a case the caller cannot see, is the same NotFoundError as none."""
    if not ALERT_ID.fullmatch(alert_id):
        raise ValidationFailedError("an alert id is 20 lowercase hexadecimal characters", field="alert_id")
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    alert = next((a for a in partition.alerts if a.alert_id == alert_id and a.victim_id == victim_id), None)
    if alert is None:
        raise NotFoundError("no such alert")
    if alert.acknowledged_at is None:
        now = clock.now()
        if store.acknowledge(alert, user_id, now) is WriteOutcome.DUPLICATE:  # confirmed a moment ago elsewhere
            alert = next(a for a in reader.read(force_id, case_id).alerts if a.alert_id == alert_id)
        else:
            reason = "victim confirmed they have seen a safety alert"
            audit.record(AuditEntry(force_id, case_id, user_id, ACKNOWLEDGED_ACTION, reason, now))
            alert = replace(alert, acknowledged_at=now, acknowledged_by=user_id)
    return alerts_for([alert], partition.events, victim_id)[0]
