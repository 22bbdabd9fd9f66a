"""In-memory fakes for the ports in ``caseline.domain.ports``.

Each fake keeps the conditional-write semantics of the DynamoDB adapter it stands in for
(``caseline.adapters.dynamodb.cases`` and ``.outbox``): writes are all-or-nothing, a condition that fails
writes nothing, and the same key never gets written twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from caseline.domain.account_recovery import is_high_risk_victim
from caseline.domain.accounts import CaseMembership
from caseline.domain.alerts import SafetyAlert
from caseline.domain.allowances import Allowance
from caseline.domain.delegation import Invitation
from caseline.domain.delivery import DeliveryResult, ProviderPointer
from caseline.domain.errors import CaselineError, StorageUnavailableError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import (
    AccessCodeRecord,
    CaseAggregate,
    CasePartition,
    CaseRecord,
    CaseSummary,
    Duty,
    DutyStatus,
    EventWrite,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    RaisedRequest,
    SendReceipt,
    StoredEvent,
    VictimContact,
    VictimMessage,
    WebhookReceipt,
    WriteOutcome,
    original_key,
)
from caseline.domain.signing import SigningSecrets
from caseline.services.journeys import JourneyState, RunWrites


class FixedClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class FakeCodeSealer:
    """Seals like KMS with an encryption context: a sealed code opens only for the force, case and message
    (a fallback's original, ``records.original_key``) it was sealed for. The sealed form never contains the code."""

    def __init__(self) -> None:
        self._plain: dict[str, tuple[tuple[str, str, str], str]] = {}
        self.opened: list[tuple[str, str, str]] = []

    def seal_code(self, force_id: str, case_id: str, message_key: str, code: str) -> str:
        sealed = f"sealed-{len(self._plain) + 1}"
        self._plain[sealed] = ((force_id, case_id, original_key(message_key)), code)
        return sealed

    def open_code(self, force_id: str, case_id: str, message_key: str, sealed: str) -> str:
        context, code = self._plain.get(sealed, (None, ""))
        if context != (force_id, case_id, original_key(message_key)):
            raise StorageUnavailableError("the sealed code does not open for this message")
        self.opened.append(context)
        return code

    def code_in(self, sealed: str | None) -> str | None:
        """What a sealed value holds (for tests that check what would be sent)."""
        return self._plain[sealed][1] if sealed in self._plain else None


class FakeSecrets:
    """Signing secrets per force; an unknown force has none."""

    def __init__(self, by_force: dict[str, Sequence[str] | SigningSecrets] | None = None) -> None:
        """A list holds the current secret alone; pass ``SigningSecrets`` to play a rotation."""
        self.by_force = {
            force: value if isinstance(value, SigningSecrets) else SigningSecrets(*value[:1])
            for force, value in (by_force or {}).items()
        }

    def webhook_secrets(self, force_id: str) -> SigningSecrets | None:
        return self.by_force.get(force_id)


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
        self.requests: dict[tuple[str, str], list[RaisedRequest]] = {}  # the victims' requests to the force
        self.concurrent_writes: list[ConcurrentWrite] = []
        self.save_attempts = 0

    # -- test set-up helpers
    def put_case(self, case: CaseRecord) -> None:
        self.cases[(case.force_id, case.case_id)] = case

    def put_victim(self, victim: VictimContact) -> None:
        self.victims[(victim.force_id, victim.case_id, victim.victim_id)] = victim

    def put_request(self, force_id: str, case_id: str, request: RaisedRequest) -> None:
        """A victim's request raised on the case (its outbound event is on the case's partition)."""
        self.requests.setdefault((force_id, case_id), []).append(request)

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
            requests=list(self.requests.get((force_id, case_id), [])),
        )

    def save_event(self, write: EventWrite) -> WriteOutcome:
        receipt, event, case, expected_revision = write.receipt, write.event, write.case, write.expected_revision
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
        for victim in write.victims:
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
        self.claimed_at: dict[str, datetime] = {}  # set by tests to say when a message was claimed

    def put_message(self, message: OutboxMessage) -> None:
        self.messages[(message.force_id, message.case_id, message.key)] = message

    def get_message(self, force_id: str, case_id: str, key: str) -> OutboxMessage:
        return self.messages[(force_id, case_id, key)]

    def add_messages(self, messages: Sequence[OutboxMessage], codes: Sequence[AccessCodeRecord] = ()) -> WriteOutcome:
        message_keys = [(m.force_id, m.case_id, m.key) for m in messages]
        if any(k in self.messages for k in message_keys):
            return WriteOutcome.DUPLICATE
        self.messages.update(zip(message_keys, messages, strict=True))
        for code in codes:  # the adapter overwrites a victim's code unconditionally
            self.access_codes[(code.force_id, code.case_id, code.victim_id)] = code
        return WriteOutcome.WRITTEN

    def add_task(self, task: OfficerTask) -> WriteOutcome:
        key = (task.force_id, task.case_id, task.task_id)
        if key in self.tasks:
            return WriteOutcome.DUPLICATE
        self.tasks[key] = task
        return WriteOutcome.WRITTEN

    def claim(self, force_id: str, case_id: str, key: str, at: datetime | None = None) -> OutboxMessage | None:
        stored = self.messages.get((force_id, case_id, key))
        if stored is None or stored.status is not OutboxStatus.PENDING:
            return None
        if at is not None:
            self.claimed_at[key] = at
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
        sealed_code = stored.sealed_code
        if status in {
            OutboxStatus.SENT,
            OutboxStatus.BLOCKED,
            OutboxStatus.FAILED,
            OutboxStatus.SKIPPED,
            OutboxStatus.UNKNOWN,
        }:
            personalisation.pop("access_code", None)
            sealed_code = None
        self.put_message(
            dataclasses.replace(
                stored,
                status=status,
                personalisation=personalisation,
                provider_message_id=provider_id,
                send_after=send_after,
                sealed_code=sealed_code,
            )
        )
        if task is not None:
            self.tasks[(task.force_id, task.case_id, task.task_id)] = task

    def mark_sent(self, message: OutboxMessage, receipt: SendReceipt) -> None:
        sent_at = receipt.sent_at
        self._finish(message, OutboxStatus.SENT, None, receipt.provider_message_id)
        self.sent_at[message.key] = sent_at
        self.rendered[message.key] = receipt.rendered_template or message.template_id
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

    def mark_fell_back(self, message: OutboxMessage, reason: str, fallback: OutboxMessage | None) -> None:
        self._finish(message, OutboxStatus.FAILED, None)
        self.reasons[message.key] = reason
        if fallback is not None:
            self.put_message(fallback)

    def defer(self, message: OutboxMessage, send_after: datetime, *, failed_attempt: bool = False) -> None:
        self._finish(message, OutboxStatus.DEFERRED, None, send_after=send_after)
        if failed_attempt:
            stored = self.get_message(message.force_id, message.case_id, message.key)
            self.put_message(dataclasses.replace(stored, attempts=stored.attempts + 1))

    def stuck_sending(self, force_id: str, claimed_before: datetime) -> list[OutboxMessage]:
        return [
            m
            for m in self.messages.values()
            if m.force_id == force_id
            and m.status is OutboxStatus.SENDING
            and self.claimed_at.get(m.key, claimed_before) <= claimed_before
        ]

    def mark_unknown(self, message: OutboxMessage, task: OfficerTask) -> bool:
        self._finish(message, OutboxStatus.UNKNOWN, task)
        return True

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


# ---------------------------------------------------------------- journeys
# (stand-in for caseline.adapters.dynamodb.journeys)


class FakeJourneyStore:
    """Case partitions as the journeys read them, and their runs, timers, messages, duties, tasks and codes.

    ``apply`` is one all-or-nothing transaction, as in the adapter: it writes nothing and answers
    DUPLICATE when the run exists, the consumed timer is gone or has moved (its ``due_at`` changed), a
    message, duty or task it would create exists, or a duty it settles does not exist. Access codes and
    the new timer overwrite; settling keeps the first ``met_at``/``met_by``. A transaction that names one
    item twice is refused (DynamoDB rejects it) with ``StorageUnavailableError``. ``stale_timers`` play
    the eventually consistent timer index: ``due_timers`` lists them as they were when indexed, even after
    they were consumed or moved.
    """

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], CaseRecord] = {}
        self.victims: dict[tuple[str, str, str], VictimContact] = {}
        self.events: dict[tuple[str, str, int, str], StoredEvent] = {}
        self.preferences: dict[tuple[str, str, str], VictimPreferences] = {}
        self.linked: set[tuple[str, str, str]] = set()
        self.accounts: dict[tuple[str, str, str], set[str]] = {}  # the MEMBER# items' accounts, by victim
        self.runs: dict[tuple[str, str, str], tuple[str, int, str]] = {}  # run id -> (journey, version, victim)
        self.timers: dict[tuple[str, str, str], JourneyTimer] = {}
        self.stale_timers: list[JourneyTimer] = []
        self.messages: dict[tuple[str, str, str], OutboxMessage] = {}
        self.duties: dict[tuple[str, str, str], Duty] = {}
        self.tasks: dict[tuple[str, str, str], OfficerTask] = {}
        self.access_codes: dict[tuple[str, str, str], AccessCodeRecord] = {}
        self.alerts: dict[tuple[str, str, str], SafetyAlert] = {}

    # -- test set-up helpers (what ingest, linking and preferences write)
    def put_case(self, case: CaseRecord) -> None:
        self.cases[(case.force_id, case.case_id)] = case

    def put_victim(self, victim: VictimContact) -> None:
        self.victims[(victim.force_id, victim.case_id, victim.victim_id)] = victim

    def put_event(self, event: StoredEvent) -> None:
        self.events[(event.force_id, event.case_id, event.sequence, event.event_id)] = event

    def put_preferences(self, force_id: str, case_id: str, victim_id: str, preferences: VictimPreferences) -> None:
        self.preferences[(force_id, case_id, victim_id)] = preferences

    def link(self, force_id: str, case_id: str, victim_id: str, user_id: str | None = None) -> None:
        self.linked.add((force_id, case_id, victim_id))
        if user_id is not None:
            self.accounts.setdefault((force_id, case_id, victim_id), set()).add(user_id)

    def put_duty(self, duty: Duty) -> None:
        self.duties[(duty.force_id, duty.case_id, duty.duty_id)] = duty

    def timer(self, force_id: str, case_id: str, timer_id: str) -> JourneyTimer | None:
        return self.timers.get((force_id, case_id, timer_id))

    # -- JourneyStore
    def state(self, force_id: str, case_id: str) -> JourneyState:
        here = (force_id, case_id)
        choices = {v: p for (f, c, v), p in self.preferences.items() if (f, c) == here}
        victims = [v for (f, c, _), v in sorted(self.victims.items()) if (f, c) == here]
        return JourneyState(
            case=self.cases.get(here),
            events=[e for key, e in sorted(self.events.items()) if key[:2] == here],
            victims=[
                dataclasses.replace(v, safe_contact=effective_profile(v.safe_contact, choices[v.victim_id]))
                if v.victim_id in choices
                else v
                for v in victims
            ],
            linked_victims={v for (f, c, v) in self.linked if (f, c) == here},
            preferences=choices,
            duties=[d for (f, c, _), d in sorted(self.duties.items()) if (f, c) == here],
            versions={(j, v): version for (f, c, _), (j, version, v) in self.runs.items() if (f, c) == here},
            linked_accounts={v: tuple(sorted(users)) for (f, c, v), users in self.accounts.items() if (f, c) == here},
            force_profiles={v.victim_id: v.safe_contact for v in victims},
            alerts={a.alert_id: a for (f, c, _), a in self.alerts.items() if (f, c) == here},
        )

    def apply(self, writes: RunWrites) -> WriteOutcome:
        here = (writes.force_id, writes.case_id)
        run_key = (*here, writes.run_id) if writes.run_id is not None else None
        consumed = writes.consumed
        consumed_key = (consumed.force_id, consumed.case_id, consumed.timer_id) if consumed else None
        message_keys = [(m.force_id, m.case_id, m.key) for m in writes.messages]
        duty_keys = [(d.force_id, d.case_id, d.duty_id) for d in writes.duties]
        settled_keys = [(*here, duty_id) for duty_id in writes.settled]
        task_keys = [(t.force_id, t.case_id, t.task_id) for t in writes.tasks]
        timer_key = (writes.timer.force_id, writes.timer.case_id, writes.timer.timer_id) if writes.timer else None
        alert_timer = writes.alert_timer
        alert_timer_key = (*here, alert_timer.timer_id) if alert_timer else None
        items = [
            *([("RUN", run_key)] if run_key else []),
            *([("TIMER", consumed_key)] if consumed_key else []),
            *[("OUTBOX", k) for k in message_keys],
            *[("DUTY", k) for k in duty_keys + settled_keys],
            *[("TASK", k) for k in task_keys],
            *[("ACCESS", (c.force_id, c.case_id, c.victim_id)) for c in writes.access_codes],
            *([("TIMER", timer_key)] if timer_key else []),
            *([("TIMER", alert_timer_key)] if alert_timer_key else []),
            *([("ALERT", (*here, writes.alert.alert_id))] if writes.alert else []),
        ]
        if len(set(items)) != len(items):
            raise StorageUnavailableError("a transaction cannot name one item twice")
        stored_timer = self.timers.get(consumed_key) if consumed_key else None
        if (
            (run_key is not None and run_key in self.runs)
            or (consumed is not None and (stored_timer is None or stored_timer.due_at != consumed.due_at))
            or any(k in self.messages for k in message_keys)
            or any(k in self.duties for k in duty_keys)
            or any(k not in self.duties for k in settled_keys)
            or any(k in self.tasks for k in task_keys)
        ):
            return WriteOutcome.DUPLICATE
        if run_key is not None:
            self.runs[run_key] = (writes.journey_id, writes.version, writes.victim_id)
        if consumed_key is not None:
            del self.timers[consumed_key]
        self.messages.update(zip(message_keys, writes.messages, strict=True))
        self.duties.update(zip(duty_keys, writes.duties, strict=True))
        met_at = datetime.now(UTC)
        for key in settled_keys:
            stored = self.duties[key]
            self.duties[key] = dataclasses.replace(
                stored,
                status=DutyStatus.MET,
                met_at=stored.met_at or met_at,
                met_by=stored.met_by or f"settled#{writes.journey_id}",
            )
        self.tasks.update(zip(task_keys, writes.tasks, strict=True))
        for code in writes.access_codes:
            self.access_codes[(code.force_id, code.case_id, code.victim_id)] = code
        if writes.timer is not None and timer_key is not None:
            self.timers[timer_key] = writes.timer
        if alert_timer is not None and alert_timer_key is not None:
            self.timers[alert_timer_key] = alert_timer
        if writes.alert is not None:
            self.alerts[(*here, writes.alert.alert_id)] = writes.alert
        return WriteOutcome.WRITTEN

    def due_timers(self, force_id: str, now: datetime) -> list[JourneyTimer]:
        due = [t for t in self.timers.values() if t.force_id == force_id and t.due_at <= now]
        due += [t for t in self.stale_timers if t.force_id == force_id and t.due_at <= now]
        return sorted(due, key=lambda t: (t.due_at, t.case_id, t.timer_id))

    def set_timer(self, timer: JourneyTimer, *, only_if_later: bool) -> None:
        key = (timer.force_id, timer.case_id, timer.timer_id)
        stored = self.timers.get(key)
        if only_if_later and stored is not None and stored.due_at >= timer.due_at:
            return
        self.timers[key] = timer

    def drop_timer(self, timer: JourneyTimer) -> None:
        self.timers.pop((timer.force_id, timer.case_id, timer.timer_id), None)

    def reschedule_duty(self, duty: Duty, *, tier: str, due_on: date) -> None:
        """Only an open duty moves (the adapter's condition)."""
        key = (duty.force_id, duty.case_id, duty.duty_id)
        stored = self.duties.get(key)
        if stored is not None and stored.status is DutyStatus.OPEN:
            self.duties[key] = dataclasses.replace(stored, tier=tier, due_on=due_on)


class FakeIdentityAdmin:
    """The user pool as the recovery rule sees it: which accounts may still recover by themselves.
    ``fail`` makes every call raise (Cognito unavailable)."""

    def __init__(self, *accounts: str, fail: bool = False) -> None:
        self.self_service = dict.fromkeys(accounts, True)
        self.calls: list[str] = []
        self.fail = fail

    def disable_self_service_recovery(self, user_id: str) -> None:
        self.calls.append(user_id)
        if self.fail:
            raise StorageUnavailableError("the account could not be updated")
        self.self_service[user_id] = False


class FakeVictimRisks:
    """(force, case, victim) -> (tier, case flags); the rule itself is the domain's."""

    def __init__(self, facts: dict[tuple[str, str, str], tuple[str, tuple[str, ...]]] | None = None) -> None:
        self.facts = facts or {}

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        fact = self.facts.get((force_id, case_id, victim_id))
        return fact is not None and is_high_risk_victim(*fact)


class FakeSignInStore:
    """An account's case memberships and the sign-in records written, keyed as the adapter keys them
    (case, UK day, account): ``record`` answers DUPLICATE when that key exists."""

    def __init__(self, memberships: dict[str, list[CaseMembership]] | None = None) -> None:
        self.by_user = memberships or {}
        self.records: dict[tuple[str, str, date, str], tuple[str, datetime]] = {}  # -> (victim, signed in at)

    def memberships(self, user_id: str) -> list[CaseMembership]:
        return list(self.by_user.get(user_id, []))

    def record(self, membership: CaseMembership, user_id: str, signed_in_at: datetime, day: date) -> WriteOutcome:
        key = (membership.force_id, membership.case_id, day, user_id)
        if key in self.records:
            return WriteOutcome.DUPLICATE
        self.records[key] = (membership.victim_id, signed_in_at)
        return WriteOutcome.WRITTEN


class FakeSessionStore:
    """Session-end marks in memory: on the account and on each case, as DynamoSessionStore keeps them."""

    def __init__(self) -> None:
        self.account: dict[str, datetime] = {}
        self.cases: dict[tuple[str, str, str], datetime] = {}  # (user, force, case) -> valid after
        self.fail = False

    def account_ended(self, user_id: str) -> datetime | None:
        return self.account.get(user_id)

    def end_sessions(self, user_id: str, valid_after: datetime, cases: Sequence[tuple[str, str]]) -> None:
        for force_id, case_id in cases:
            self.mark_case(user_id, force_id, case_id, valid_after)
        if self.fail:
            raise StorageUnavailableError()
        self.account[user_id] = valid_after

    def mark_case(self, user_id: str, force_id: str, case_id: str, valid_after: datetime) -> None:
        self.cases[(user_id, force_id, case_id)] = valid_after


class FakeLimitedCase:
    """One case behind the case reader, the message store and the delegation store's ``invite``, with the
    adapters' allowance semantics (domain/allowances.py): a message or delegation that exists already is
    DUPLICATE; otherwise a write holds only while its allowance is the version read (CONFLICT, nothing
    written, when not), and increments it. Each of ``meanwhile`` runs once, before a write: another
    request's write landing between this request's read and its own write."""

    def __init__(self, partition: CasePartition) -> None:
        self.partition = partition
        self.meanwhile: list[Callable[[], object]] = []
        self.reads = 0
        self.sent: list[OutboundEvent] = []
        self.codes: list[str] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        self.reads += 1
        p = self.partition
        return dataclasses.replace(
            p, messages=list(p.messages), delegations=list(p.delegations), allowances=dict(p.allowances)
        )

    def record(self, entry: object) -> None:  # the audit log
        pass

    def send(self, message: VictimMessage, outbound: OutboundEvent, allowance: Allowance) -> WriteOutcome:
        self._another_write_first()
        if any(m.message_id == message.message_id for m in self.partition.messages):
            return WriteOutcome.DUPLICATE
        if not self._use(allowance, as_read=True):
            return WriteOutcome.CONFLICT
        self.partition.messages.append(message)
        self.sent.append(outbound)
        return WriteOutcome.WRITTEN

    def invite(self, invitation: Invitation) -> WriteOutcome:
        delegation = invitation.delegation
        self._another_write_first()
        if any(d.delegation_id == delegation.delegation_id for d in self.partition.delegations):
            return WriteOutcome.DUPLICATE
        if not self._use(invitation.allowance, as_read=invitation.as_read is not None):
            return WriteOutcome.CONFLICT
        self.partition.delegations.append(dataclasses.replace(delegation, code_hash=invitation.code_hash))
        self.codes.append(invitation.code_hash)
        return WriteOutcome.WRITTEN

    def _another_write_first(self) -> None:
        if self.meanwhile:  # the other request runs from read to write uninterrupted
            write, rest, self.meanwhile = self.meanwhile[0], self.meanwhile[1:], []
            write()
            self.meanwhile = rest

    def _use(self, allowance: Allowance, *, as_read: bool) -> bool:
        versions = self.partition.allowances
        if as_read and versions.get(allowance.scope, 0) != allowance.version:
            return False
        versions[allowance.scope] = versions.get(allowance.scope, 0) + 1
        return True
