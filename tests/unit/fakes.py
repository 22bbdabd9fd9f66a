"""In-memory fakes for the ports in ``caseline.domain.ports``.

Each fake keeps the conditional-write semantics of the DynamoDB adapter it stands in for
(``caseline.adapters.dynamodb.repository``): writes are all-or-nothing, a condition that fails
writes nothing, and the same key never gets written twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from caseline.domain.delivery import DeliveryResult, ProviderPointer
from caseline.domain.errors import CaselineError, StorageUnavailableError
from caseline.domain.records import (
    AccessCodeRecord,
    CaseAggregate,
    CaseRecord,
    CaseSummary,
    Duty,
    DutyStatus,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    StoredEvent,
    VictimContact,
    WebhookReceipt,
    WriteOutcome,
)


class FixedClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class FakeSecrets:
    """Signing secrets per force; an unknown force has none."""

    def __init__(self, by_force: dict[str, Sequence[str]] | None = None) -> None:
        self.by_force = dict(by_force or {})

    def webhook_secrets(self, force_id: str) -> Sequence[str]:
        return tuple(self.by_force.get(force_id, ()))


ConcurrentWrite = Callable[["FakeCaseRepository"], None]


class FakeCaseRepository:
    """Cases, victims, timeline events and webhook receipts.

    ``concurrent_writes`` are run one per ``save_event`` call, just before its conditions are checked,
    to play another writer that got in between the service's read and its write.
    """

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], CaseRecord] = {}
        self.victims: dict[tuple[str, str, str], VictimContact] = {}
        self.events: dict[tuple[str, str, int, str], StoredEvent] = {}
        self.receipts: dict[tuple[str, str], WebhookReceipt] = {}
        self.concurrent_writes: list[ConcurrentWrite] = []
        self.save_attempts = 0

    # -- test set-up helpers
    def put_case(self, case: CaseRecord) -> None:
        self.cases[(case.force_id, case.case_id)] = case

    def put_victim(self, victim: VictimContact) -> None:
        self.victims[(victim.force_id, victim.case_id, victim.victim_id)] = victim

    def events_for(self, force_id: str, case_id: str) -> list[StoredEvent]:
        keys = sorted(k for k in self.events if k[:2] == (force_id, case_id))
        return [self.events[k] for k in keys]

    # -- CaseRepository
    def get_case(self, force_id: str, case_id: str) -> CaseRecord | None:
        return self.cases.get((force_id, case_id))

    def get_victims(self, force_id: str, case_id: str) -> list[VictimContact]:
        return [v for (f, c, _), v in sorted(self.victims.items()) if (f, c) == (force_id, case_id)]

    def load(self, force_id: str, case_id: str) -> CaseAggregate:
        return CaseAggregate(
            case=self.get_case(force_id, case_id),
            events=self.events_for(force_id, case_id),
            victims=self.get_victims(force_id, case_id),
        )

    def save_event(
        self,
        receipt: WebhookReceipt,
        event: StoredEvent,
        *,
        case: CaseRecord,
        expected_revision: int | None,
        victims: Sequence[VictimContact] = (),
        linked_users: Sequence[str] = (),
    ) -> WriteOutcome:
        self.save_attempts += 1
        if self.concurrent_writes:
            self.concurrent_writes.pop(0)(self)
        receipt_key = (receipt.force_id, receipt.webhook_id)
        event_key = (event.force_id, event.case_id, event.sequence, event.event_id)
        if receipt_key in self.receipts or event_key in self.events:
            return WriteOutcome.DUPLICATE
        stored = self.cases.get((case.force_id, case.case_id))
        if expected_revision is None and stored is not None:
            return WriteOutcome.CONFLICT
        if expected_revision is not None and (stored is None or stored.revision != expected_revision):
            return WriteOutcome.CONFLICT
        self.receipts[receipt_key] = receipt
        self.events[event_key] = event
        self.put_case(case)
        for victim in victims:
            self.put_victim(victim)
        return WriteOutcome.WRITTEN


class FakeOutboxRepository:
    """Outbox messages with the duties, access codes and officer tasks planned alongside them."""

    def __init__(self) -> None:
        self.messages: dict[tuple[str, str, str], OutboxMessage] = {}
        self.tasks: dict[tuple[str, str, str], OfficerTask] = {}
        self.duties: dict[tuple[str, str, str], Duty] = {}
        self.access_codes: dict[tuple[str, str, str], AccessCodeRecord] = {}
        self.sent_at: dict[str, datetime | None] = {}
        self.rendered: dict[str, str] = {}
        self.reasons: dict[str, str] = {}

    def put_message(self, message: OutboxMessage) -> None:
        self.messages[(message.force_id, message.case_id, message.key)] = message

    def get_message(self, force_id: str, case_id: str, key: str) -> OutboxMessage:
        return self.messages[(force_id, case_id, key)]

    def create_messages(
        self,
        messages: Sequence[OutboxMessage],
        *,
        duties: Sequence[Duty] = (),
        access_codes: Sequence[AccessCodeRecord] = (),
        tasks: Sequence[OfficerTask] = (),
    ) -> WriteOutcome:
        message_keys = [(m.force_id, m.case_id, m.key) for m in messages]
        task_keys = [(t.force_id, t.case_id, t.task_id) for t in tasks]
        duty_keys = [(d.force_id, d.case_id, d.duty_id) for d in duties]
        if (
            any(k in self.messages for k in message_keys)
            or any(k in self.tasks for k in task_keys)
            or any(k in self.duties for k in duty_keys)
        ):
            return WriteOutcome.DUPLICATE
        self.messages.update(zip(message_keys, messages, strict=True))
        self.tasks.update(zip(task_keys, tasks, strict=True))
        self.duties.update(zip(duty_keys, duties, strict=True))
        for code in access_codes:  # the adapter overwrites a victim's code unconditionally
            self.access_codes[(code.force_id, code.case_id, code.victim_id)] = code
        return WriteOutcome.WRITTEN

    def claim(self, force_id: str, case_id: str, key: str) -> OutboxMessage | None:
        stored = self.messages.get((force_id, case_id, key))
        if stored is None or stored.status is not OutboxStatus.PENDING:
            return None
        claimed = dataclasses.replace(stored, status=OutboxStatus.SENDING)
        self.put_message(claimed)
        return claimed

    def _finish(
        self,
        message: OutboxMessage,
        status: OutboxStatus,
        task: OfficerTask | None,
        provider_id: str | None = None,
        send_after: datetime | None = None,
    ) -> None:
        stored = self.messages.get((message.force_id, message.case_id, message.key))
        if stored is None or stored.status is not OutboxStatus.SENDING:
            raise StorageUnavailableError("the message is not being sent")
        personalisation = dict(stored.personalisation)
        if status in {OutboxStatus.SENT, OutboxStatus.BLOCKED, OutboxStatus.FAILED, OutboxStatus.SKIPPED}:
            personalisation.pop("access_code", None)
        self.put_message(
            dataclasses.replace(
                stored,
                status=status,
                personalisation=personalisation,
                provider_message_id=provider_id,
                send_after=send_after,
            )
        )
        if task is not None:
            self.tasks[(task.force_id, task.case_id, task.task_id)] = task

    def mark_sent(
        self,
        message: OutboxMessage,
        provider_message_id: str,
        *,
        sent_at: datetime | None = None,
        rendered_template: str | None = None,
    ) -> None:
        self._finish(message, OutboxStatus.SENT, None, provider_message_id)
        self.sent_at[message.key] = sent_at
        self.rendered[message.key] = rendered_template or message.template_id
        duty_key = (message.force_id, message.case_id, message.duty_id or "")
        if duty_key in self.duties:
            self.duties[duty_key] = dataclasses.replace(
                self.duties[duty_key], status=DutyStatus.MET, met_at=sent_at, met_by=message.key
            )

    def release(self, message: OutboxMessage) -> None:
        self._finish(message, OutboxStatus.PENDING, None)

    def mark_skipped(self, message: OutboxMessage, reason: str) -> None:
        self._finish(message, OutboxStatus.SKIPPED, None)
        self.reasons[message.key] = reason

    def mark_blocked(self, message: OutboxMessage, task: OfficerTask) -> None:
        self._finish(message, OutboxStatus.BLOCKED, task)
        self.reasons[message.key] = task.reason

    def mark_failed(self, message: OutboxMessage, task: OfficerTask, fallback: OutboxMessage | None = None) -> None:
        self._finish(message, OutboxStatus.FAILED, task)
        self.reasons[message.key] = task.reason
        if fallback is not None:
            self.put_message(fallback)

    def defer(self, message: OutboxMessage, send_after: datetime) -> None:
        self._finish(message, OutboxStatus.DEFERRED, None, send_after=send_after)

    def deferred_due(self, force_id: str, now: datetime) -> list[OutboxMessage]:
        due = [
            m
            for m in self.messages.values()
            if m.force_id == force_id and m.status is OutboxStatus.DEFERRED and m.send_after and m.send_after <= now
        ]
        return sorted(due, key=lambda m: m.send_after or now)

    def release_deferred(self, message: OutboxMessage) -> bool:
        stored = self.messages.get((message.force_id, message.case_id, message.key))
        if stored is None or stored.status is not OutboxStatus.DEFERRED:
            return False
        self.put_message(dataclasses.replace(stored, status=OutboxStatus.PENDING))
        return True


class FakeDutyRepository:
    """Stands in for ``caseline.adapters.dynamodb.duties`` as the ``DutyStore`` of ``services/duties.py``.

    ``due_before`` lists open and at-risk duties due on the day or earlier (the adapter's ``DUTY#{force}``
    index); ``due_between`` lists every duty due in the period, whatever its status. ``mark_at_risk`` and
    ``mark_missed`` are conditional on the status the caller read, as the adapter's are, and the first
    task with a given id is kept. The index is eventually consistent: ``stale_index`` entries are listed
    as they were when indexed, even if the duty has since moved. ``lose_races`` makes every ``mark_*``
    fail, as if something else had moved the duty first.
    """

    def __init__(self, duties: Sequence[Duty] = ()) -> None:
        self.duties: dict[tuple[str, str, str], Duty] = {}
        self.tasks: dict[tuple[str, str, str], OfficerTask] = {}
        self.stale_index: list[Duty] = []
        self.lose_races = False
        for duty in duties:
            self.duties[(duty.force_id, duty.case_id, duty.duty_id)] = duty

    def get(self, force_id: str, case_id: str, duty_id: str) -> Duty:
        return self.duties[(force_id, case_id, duty_id)]

    def settle(
        self, force_id: str, case_id: str, duty_id: str, met_at: datetime | None = None, met_by: str | None = None
    ) -> None:
        """Met; the first message to meet it keeps the credit."""
        key = (force_id, case_id, duty_id)
        stored = self.duties.get(key)
        if stored is not None:
            self.duties[key] = dataclasses.replace(
                stored, status=DutyStatus.MET, met_at=stored.met_at or met_at, met_by=stored.met_by or met_by
            )

    def due_before(self, force_id: str, day: date) -> list[Duty]:
        due = [
            d
            for d in self.duties.values()
            if d.force_id == force_id and d.status in (DutyStatus.OPEN, DutyStatus.AT_RISK) and d.due_on <= day
        ]
        due += [d for d in self.stale_index if d.force_id == force_id and d.due_on <= day]
        return sorted(due, key=lambda d: (d.due_on, d.case_id, d.duty_id))

    def due_between(self, force_id: str, first: date, last: date) -> list[Duty]:
        due = [d for d in self.duties.values() if d.force_id == force_id and first <= d.due_on <= last]
        return sorted(due, key=lambda d: (d.due_on, d.case_id, d.duty_id))

    def _move(self, duty: Duty, status: DutyStatus, reason: str, task: OfficerTask | None) -> bool:
        key = (duty.force_id, duty.case_id, duty.duty_id)
        stored = self.duties.get(key)
        if self.lose_races or stored is None or stored.status is not duty.status:
            return False
        if task is not None:
            task_key = (task.force_id, task.case_id, task.task_id)
            if task_key in self.tasks:
                return False
            self.tasks[task_key] = task
        self.duties[key] = dataclasses.replace(stored, status=status, reason=reason)
        return True

    def mark_at_risk(self, duty: Duty, task: OfficerTask) -> bool:
        return self._move(duty, DutyStatus.AT_RISK, "not met by the due date yet", task)

    def mark_missed(self, duty: Duty, reason: str) -> bool:
        return self._move(duty, DutyStatus.MISSED, reason, None)


class FakeVictimCaseReader:
    def __init__(self, links: dict[str, list[CaseSummary]] | None = None) -> None:
        self.links = {user: list(cases) for user, cases in (links or {}).items()}

    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return list(self.links.get(user_id, []))


class FakeEmailSender:
    """Records every email; ``fail_with`` makes the next sends raise instead."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str | None]] = []
        self.fail_with: CaselineError | None = None

    def send_email(self, *, to: str, subject: str, text: str, html: str | None, force_id: str) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append({"to": to, "subject": subject, "text": text, "html": html, "force_id": force_id})
        return f"email-{len(self.sent)}"


class FakeSmsSender:
    """Records every SMS; ``fail_with`` makes the next sends raise instead."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []
        self.fail_with: CaselineError | None = None

    def send_sms(self, *, to: str, text: str, force_id: str) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append({"to": to, "text": text, "force_id": force_id})
        return f"sms-{len(self.sent)}"


# ---------------------------------------------------------------- delivery events and the suppression list
# (stand-ins for caseline.adapters.dynamodb.delivery)


class FakeSuppressionList:
    """Suppressed addresses per (force, channel), first reason kept; ``opted_out`` plays SNS's STOP list."""

    def __init__(self, opted_out: Sequence[str] = ()) -> None:
        self.entries: dict[tuple[str, str, str], str] = {}
        self.opted_out = set(opted_out)

    def is_suppressed(self, force_id: str, channel: str, address: str) -> bool:
        listed = (force_id, channel, address.strip().lower()) in self.entries
        return listed or (channel == "sms" and address in self.opted_out)

    def suppress(self, force_id: str, channel: str, address: str, reason: str) -> None:
        self.entries.setdefault((force_id, channel, address.strip().lower()), reason)


class FakeSentMessages:
    """Provider pointers, and delivery results kept beside the outbox's messages as the adapter keeps
    them on the outbox item: a result only replaces a less serious one, and only on a message that exists."""

    def __init__(self, outbox: FakeOutboxRepository) -> None:
        self.outbox = outbox
        self.pointers: dict[str, ProviderPointer] = {}
        self.results: dict[tuple[str, str, str], tuple[DeliveryResult, datetime]] = {}

    def point(self, pointer: ProviderPointer) -> None:
        self.pointers[pointer.provider_message_id] = pointer

    def result_of(self, force_id: str, case_id: str, key: str) -> DeliveryResult | None:
        found = self.results.get((force_id, case_id, key))
        return found[0] if found else None

    def pointer(self, provider_message_id: str) -> ProviderPointer | None:
        return self.pointers.get(provider_message_id)

    def record_result(self, pointer: ProviderPointer, result: DeliveryResult, at: datetime) -> bool:
        key = (pointer.force_id, pointer.case_id, pointer.key)
        current = self.results.get(key)
        if key not in self.outbox.messages or (current is not None and current[0].severity >= result.severity):
            return False
        self.results[key] = (result, at)
        return True

    def case_messages(self, force_id: str, case_id: str) -> list[OutboxMessage]:
        return [m for (f, c, _), m in sorted(self.outbox.messages.items()) if (f, c) == (force_id, case_id)]
