"""Ports: what services need from the outside world. Adapters implement them; tests use fakes.

The case side is here; the victim's account and case view are in ``caseline.domain.account_ports``.
Services define no ports of their own (except the two whose value types are still services' own:
``services.dispatch.DispatchReader`` and ``services.journeys.JourneyStore``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import (
    AccessCodeRecord,
    CaseAggregate,
    CaseRecord,
    CaseSummary,
    Duty,
    EventWrite,
    OfficerTask,
    OutboxMessage,
    SendReceipt,
    VictimContact,
    WebhookReceipt,
    WriteOutcome,
)
from caseline.domain.signing import SigningSecrets

if TYPE_CHECKING:  # annotations only (cold start)
    from caseline.domain.delivery import DeliveryResult, ProviderPointer
    from caseline.domain.insights import CaseProfile, Counted
    from caseline.domain.insights_read import DayFigures
    from caseline.domain.reports import NewReport, ReportRecord


# A scheduled run's budget: True while there is time to handle one more item. The sweep stops before its
# function's time-out and leaves the rest to the next minute, so a backlog never makes every run time out.
TimeLeft = Callable[[], bool]


def always() -> bool:
    return True


class Clock(Protocol):
    def now(self) -> datetime: ...


class CodeSealer(Protocol):
    """Seals a one-time access code for one message (force, case, message) until it is sent."""

    def seal_code(self, force_id: str, case_id: str, message_key: str, code: str) -> str: ...

    def open_code(self, force_id: str, case_id: str, message_key: str, sealed: str) -> str: ...


class SecretProvider(Protocol):
    def webhook_secrets(self, force_id: str) -> SigningSecrets | None:
        """The force's signing secrets (``previous`` only during a rotation). None if the force is unknown."""
        ...


class CaseRepository(Protocol):
    def get_case(self, force_id: str, case_id: str) -> CaseRecord | None: ...

    def load(self, force_id: str, case_id: str) -> CaseAggregate:
        """The case, its timeline and its victims, in one consistent read."""
        ...

    def save_event(self, write: EventWrite) -> WriteOutcome:
        """Write receipt, event, case state, changed victims and linked accounts' case summaries in one
        conditional transaction.

        DUPLICATE if the receipt or the event exists already; CONFLICT if the case's revision is no
        longer ``expected_revision``.
        """
        ...

    def get_victims(self, force_id: str, case_id: str) -> list[VictimContact]: ...


class OutboxRepository(Protocol):
    def add_messages(self, messages: Sequence[OutboxMessage], codes: Sequence[AccessCodeRecord] = ()) -> WriteOutcome:
        """The messages (and the access codes they carry), all or none; DUPLICATE if one exists already."""
        ...

    def add_task(self, task: OfficerTask) -> WriteOutcome:
        """An officer task; DUPLICATE if it was raised already."""
        ...

    def claim(self, force_id: str, case_id: str, key: str, at: datetime | None = None) -> OutboxMessage | None:
        """Move a PENDING message to SENDING (noting when) and return it; None if it is not pending."""
        ...

    def mark_sent(self, message: OutboxMessage, receipt: SendReceipt) -> None:
        """SENT, meeting the message's duty, if any."""
        ...

    def release(self, message: OutboxMessage) -> None: ...

    def mark_skipped(self, message: OutboxMessage, reason: str) -> None: ...

    def mark_blocked(self, message: OutboxMessage, task: OfficerTask) -> None: ...

    def mark_failed(self, message: OutboxMessage, task: OfficerTask, fallback: OutboxMessage | None = None) -> None:
        """FAILED with a task for the force; ``fallback`` (the same message on another channel) is
        created in the same write."""
        ...

    def mark_fell_back(self, message: OutboxMessage, reason: str, fallback: OutboxMessage | None) -> None:
        """FAILED with ``reason`` and no task: the same content goes another way (``fallback``, created in the
        same write, or a message of the same step already planned on that channel), which meets its duty."""
        ...

    def defer(self, message: OutboxMessage, send_after: datetime, *, failed_attempt: bool = False) -> None:
        """Hold a claimed message until ``send_after`` (safe hours, quiet hours, the cap, or a backoff
        after a provider failure, counted when ``failed_attempt``)."""
        ...

    def stuck_sending(self, force_id: str, claimed_before: datetime) -> list[OutboxMessage]:
        """Messages claimed before ``claimed_before`` whose outcome was never recorded."""
        ...

    def mark_unknown(self, message: OutboxMessage, task: OfficerTask) -> bool:
        """False if an outcome was recorded after all."""
        ...

    def deferred_due(self, force_id: str, now: datetime) -> list[OutboxMessage]:
        """Deferred messages of a force whose time has come, oldest first."""
        ...

    def release_deferred(self, message: OutboxMessage) -> bool:
        """DEFERRED -> PENDING, which hands the message back to dispatch. False if it moved on already."""
        ...


class VictimCaseReader(Protocol):
    def linked_cases(self, user_id: str) -> list[CaseSummary]: ...


class OutboundRepository(Protocol):
    def create(self, event: OutboundEvent) -> WriteOutcome: ...

    def get(self, force_id: str, case_id: str, outbound_id: str) -> OutboundEvent | None: ...

    def mark_queued(self, event: OutboundEvent) -> bool:
        """PENDING -> QUEUED; False if it was queued already."""
        ...

    def mark_delivered(self, event: OutboundEvent, attempts: int) -> None: ...

    def mark_delayed(self, event: OutboundEvent, attempts: int) -> None: ...


class OutboundQueue(Protocol):
    def send(self, event: OutboundEvent) -> None: ...


class ForceEndpoint(Protocol):
    def deliver(self, force_id: str, event: OutboundEvent) -> None:
        """POST the signed event to the force. Raises DeliveryFailedError unless the force answered 2xx."""
        ...


class EmailSender(Protocol):
    def send_email(self, *, to: str, subject: str, text: str, html: str | None, force_id: str) -> str:
        """Send and return the provider's message id."""
        ...


class SmsSender(Protocol):
    def send_sms(self, *, to: str, text: str, force_id: str) -> str: ...


class SuppressionList(Protocol):
    """Addresses Caseline must not send to: bounced or complained emails, numbers that replied STOP."""

    def is_suppressed(self, force_id: str, channel: str, address: str) -> bool: ...

    def suppress(self, force_id: str, channel: str, address: str, reason: str) -> None: ...


# -- Journeys, dispatch, delivery, duties and reports


class TemplateFacts(Protocol):
    @property
    def discloses(self) -> bool: ...

    @property
    def content_free(self) -> str | None: ...


class LinkLocks(Protocol):
    def clear(self, crime_reference: str) -> None:
        """Lift the lock on guessing this crime reference (the force re-issued a code)."""
        ...


class SentMessages(Protocol):
    def pointer(self, provider_message_id: str) -> ProviderPointer | None: ...

    def record_result(self, pointer: ProviderPointer, result: DeliveryResult, at: datetime) -> bool:
        """Set the message's delivery result unless it has one at least as serious. False if unchanged."""
        ...

    def case_messages(self, force_id: str, case_id: str) -> list[OutboxMessage]: ...


class DutyStore(Protocol):
    def due_before(self, force_id: str, day: date) -> list[Duty]: ...

    def due_between(self, force_id: str, first: date, last: date) -> list[Duty]: ...

    def mark_at_risk(self, duty: Duty, task: OfficerTask) -> bool: ...

    def mark_missed(self, duty: Duty, reason: str) -> bool: ...


class ReportStore(Protocol):
    def reference_for(self, force_id: str, idempotency_key: str) -> str | None: ...

    def create(self, report: NewReport) -> WriteOutcome:
        """The report, its idempotency key, its outbound event and the reporter's ``report-received``
        messages, all or none.

        DUPLICATE: the key was used already (``reference_for`` gives its reference); CONFLICT: the
        reference was taken (draw another).
        """
        ...

    def count(self, counter: str, window_start: datetime, window: timedelta, limit: int) -> bool: ...

    def get(self, force_id: str, reference: str) -> ReportRecord | None: ...

    def for_user(self, user_id: str) -> list[ReportRecord]: ...

    def open(self, force_id: str, reference: str) -> tuple[ReportRecord, dict[str, Any]] | None: ...

    def apply(self, receipt: WebhookReceipt, record: ReportRecord, *, expected_sequence: int) -> WriteOutcome: ...

    def waiting_for_case(self, force_id: str, case_id: str) -> list[ReportRecord]: ...

    def link(self, record: ReportRecord, now: datetime) -> bool: ...


class AddressKeyer(Protocol):
    """A keyed hash (HMAC with a per-deployment secret) of an address the counters must not keep."""

    def key(self, purpose: str, value: str) -> str: ...


class InsightsStore(Protocol):
    """A force's daily figures (docs/adr/0015): ``add`` counts a source transition once (False: counted
    already); ``days`` reads the rollups from ``first`` to ``last`` inclusive; ``profile`` reads what a
    survey or a link counts by, and the first sent message to the victim made from one of ``invitations``."""

    def add(self, counted: Counted, now: datetime) -> bool: ...

    def days(self, force_id: str, first: date, last: date) -> Iterable[DayFigures]: ...

    def profile(self, force_id: str, case_id: str, victim_id: str, invitations: Collection[str]) -> CaseProfile: ...
