"""Reporting a crime online: submit (never lost, once per form), my reports, and the force's answers.

A report, its idempotency key, its ``report.submitted`` outbound event and the reporter's
``report-received`` messages (the reference by each safe channel) are written in one transaction before
the reporter sees the reference; dispatch relays the event and the outbound function delivers it
(ADR 0009), opening the sealed personal fields only then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

from caseline.domain.errors import (
    PayloadTooLargeError,
    StorageUnavailableError,
    TooManyRequestsError,
    ValidationFailedError,
)
from caseline.domain.event_types import REPORT_NOT_RECORDED, REPORT_RECEIVED, REPORT_RECORDED
from caseline.domain.json_body import read_json
from caseline.domain.outbound import REPORT_SUBMITTED, OutboundEvent
from caseline.domain.ports import AddressKeyer, Clock, ReportStore
from caseline.domain.records import WebhookReceipt, WriteOutcome
from caseline.domain.reports import (
    FINAL_STATUSES,
    MAX_BODY_BYTES,
    ForceReporting,
    NewReport,
    ReportRecord,
    ReportStatus,
    client_network,
    message_destinations,
    new_reference,
    reporter_messages,
    submitted_data,
)
from caseline.domain.vocabulary import FORCE_NAMES

IP_LIMIT, IP_WINDOW = 5, timedelta(hours=1)
ACCOUNT_LIMIT, ACCOUNT_WINDOW = 10, timedelta(days=1)
# One email address or mobile number gets at most 3 reference messages a day, whoever sends the reports.
DESTINATION_LIMIT, DESTINATION_WINDOW = 3, timedelta(days=1)
_ATTEMPTS = 3


class RateLimitedError(TooManyRequestsError):
    title = "You have sent too many reports. Try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many reports from here: wait before sending another, or call 101")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SubmitResult:
    reference: str
    status: ReportStatus
    created: bool  # False: the same form again (same idempotency key), nothing stored twice


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=now.tzinfo)


def _check_limit(store: ReportStore, counter: str, now: datetime, window: timedelta, limit: int) -> None:
    start = _window_start(now, window)
    if not store.count(counter, start, window, limit):
        raise RateLimitedError(max(1, int((start + window - now).total_seconds())))


def _capped_channels(
    personal: Mapping[str, Any], *, store: ReportStore, keyer: AddressKeyer, now: datetime
) -> frozenset[str]:
    """The channels whose destination already had its reference messages today (counted once per new
    report, before it is stored: a report that then fails to store may use up one of the day's messages)."""
    start = _window_start(now, DESTINATION_WINDOW)
    capped = set()
    for channel, address in message_destinations(personal).items():
        counter = f"DEST#{keyer.key('report-destination', address)}"
        if not store.count(counter, start, DESTINATION_WINDOW, DESTINATION_LIMIT):
            capped.add(channel)
    return frozenset(capped)


def submit(
    body: bytes,
    *,
    user_id: str | None,
    source_ip: str | None,
    forces: Mapping[str, ForceReporting],
    store: ReportStore,
    keyer: AddressKeyer,
    clock: Clock,
) -> SubmitResult:
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError("A report can be at most 16 KiB")
    payload = read_json(body, max_bytes=MAX_BODY_BYTES)
    now = clock.now()
    # The form's pydantic models load only here: dispatch and outbound import this module without them.
    from caseline.domain.report_form import validate_report

    request = validate_report(payload, forces={f: s.online_categories for f, s in forces.items()}, now=now)
    prefix = forces[request.force_id].prefix
    if request.honeypot_filled:
        # Answer exactly as for a report; store and send nothing.
        return SubmitResult(new_reference(prefix), ReportStatus.SUBMITTED, created=True)
    existing = store.reference_for(request.force_id, request.idempotency_key)
    if existing:
        return SubmitResult(existing, ReportStatus.SUBMITTED, created=False)
    network = client_network(source_ip)
    if network:
        _check_limit(store, f"IP#{keyer.key('report-ip', network)}", now, IP_WINDOW, IP_LIMIT)
    if user_id:
        _check_limit(store, f"USER#{user_id}", now, ACCOUNT_WINDOW, ACCOUNT_LIMIT)
    personal = request.personal()
    capped = _capped_channels(personal, store=store, keyer=keyer, now=now)
    for _ in range(_ATTEMPTS):
        record = ReportRecord(
            force_id=request.force_id,
            reference=new_reference(prefix),
            category=request.category,
            submitted_at=now,
            user_id=user_id,
        )
        outbound = OutboundEvent(
            force_id=record.force_id,
            case_id=record.reference,
            outbound_id=f"report-{record.reference}",
            event_type=REPORT_SUBMITTED,
            # Only what is not personal: delivery opens the sealed fields (see delivery_data).
            data={"report_reference": record.reference, "account_linked": user_id is not None},
            created_at=now,
        )
        outcome = store.create(
            NewReport(
                record,
                request.idempotency_key,
                details=request.not_personal(),
                personal=personal,
                outbound=outbound,
                # The reference by a safe channel too, never lost and never twice: keyed on the reference;
                # none to a destination over its daily cap (the report itself is still stored and sent).
                messages=[
                    message
                    for message in reporter_messages(record, personal, force_name=FORCE_NAMES.get(record.force_id, ""))
                    if message.channel not in capped
                ],
            )
        )
        if outcome is WriteOutcome.WRITTEN:
            return SubmitResult(record.reference, ReportStatus.SUBMITTED, created=True)
        if outcome is WriteOutcome.DUPLICATE:
            again = store.reference_for(request.force_id, request.idempotency_key)
            if again:
                return SubmitResult(again, ReportStatus.SUBMITTED, created=False)
    raise StorageUnavailableError("the report could not be stored; send it again")


def my_reports(user_id: str, *, store: ReportStore) -> list[ReportRecord]:
    return store.for_user(user_id)


def delivery_data(event: OutboundEvent, *, store: ReportStore) -> dict[str, Any]:
    """The whole report for the force, decrypted at delivery time only (never stored in plain)."""
    opened = store.open(event.force_id, event.case_id)
    if opened is None:
        raise StorageUnavailableError("the report is not readable yet")
    record, details = opened
    return submitted_data(record, details, account_linked=bool(event.data.get("account_linked")))


# ---------------------------------------------------------------------- the force's answers
_STATUS_FOR = {
    REPORT_RECEIVED: ReportStatus.RECEIVED,
    REPORT_RECORDED: ReportStatus.RECORDED,
    REPORT_NOT_RECORDED: ReportStatus.NOT_RECORDED,
}


@dataclass(frozen=True)
class ReportEventResult:
    outcome: WriteOutcome
    newest: bool


def apply_force_event(
    force_id: str,
    reference: str,
    event_type: str,
    sequence: int,
    data: BaseModel,
    receipt: WebhookReceipt,
    *,
    store: ReportStore,
    now: datetime,
) -> ReportEventResult:
    """Store the force's news about a report; link a signed-in reporter once the case is recorded."""
    for _ in range(_ATTEMPTS):
        record = store.get(force_id, reference)
        if record is None:
            raise ValidationFailedError(f"no report {reference} for this force", field="subject")
        status = _STATUS_FOR[event_type]
        # Applied only if newer than what the report holds, and never "received" after a final answer:
        # the webhook's answer (accepted or stale) says which.
        newest = sequence > record.sequence and not (
            status is ReportStatus.RECEIVED and record.status in FINAL_STATUSES
        )
        updated = record
        if newest:
            fields = data.model_dump()
            updated = replace(
                record,
                status=status,
                crime_reference=fields.get("crime_reference", record.crime_reference),
                case_id=fields.get("case_id", record.case_id),
                victim_id=fields.get("victim_id", record.victim_id),
                reason=fields.get("reason") if status is ReportStatus.NOT_RECORDED else record.reason,
                where_to_go=fields.get("where_to_go") if status is ReportStatus.NOT_RECORDED else record.where_to_go,
            )
        updated = replace(updated, sequence=max(sequence, record.sequence))
        outcome = store.apply(receipt, updated, expected_sequence=record.sequence)
        if outcome is WriteOutcome.CONFLICT:
            continue
        final = store.get(force_id, reference) if outcome is WriteOutcome.DUPLICATE else updated
        if final and final.status is ReportStatus.RECORDED and final.user_id and not final.linked:
            store.link(final, now)
        return ReportEventResult(outcome, newest)
    raise StorageUnavailableError("the report changed concurrently; retry the delivery")


def link_waiting_reporters(force_id: str, case_id: str, *, store: ReportStore, now: datetime) -> int:
    """crime.recorded came after report.recorded: link each signed-in reporter waiting for this case."""
    linked = 0
    for record in store.waiting_for_case(force_id, case_id):
        if not record.linked and store.link(record, now):
            linked += 1
    return linked
