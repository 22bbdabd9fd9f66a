"""Delivery events: results recorded on the message, suppression, and the follow-up of a statutory bounce."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from caseline.domain import access_code
from caseline.domain.delivery import DeliveryNotification, DeliveryResult, ProviderPointer
from caseline.domain.errors import RetryableError
from caseline.domain.records import OutboxMessage, OutboxStatus, VictimContact
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.templates import MessageTemplate
from caseline.domain.vocabulary import Channel
from caseline.services.delivery import POINTER_PATIENCE, DeliveryOutcome, Fallback, record_delivery
from tests.unit.builders import CASE_ID, FORCE, NOW, VICTIM_ID, outbox_message, right3_personalisation, victim_contact
from tests.unit.fakes import (
    FakeCaseRepository,
    FakeCodeSealer,
    FakeOutboxRepository,
    FakeSentMessages,
    FakeSuppressionList,
    FixedClock,
)

BOUNCED_ADDRESS = "Alex@Example.org"
TEMPLATES = {
    ("right3-confirmation", "email"): MessageTemplate("right3-confirmation", "email", "Code ((access_code))", "Hi"),
    ("right3-confirmation", "sms"): MessageTemplate(
        "right3-confirmation", "sms", "Ref ((crime_reference)) ((access_code))"
    ),
    ("case-update", "email"): MessageTemplate("case-update", "email", "Sign in", "Update"),
}


def sent_email(**overrides: Any) -> OutboxMessage:
    """A Right 3 email dispatch has sent: the plain access code is gone from its personalisation."""
    personalisation = {k: v for k, v in right3_personalisation().items() if k != "access_code"}
    defaults: dict[str, Any] = {"status": OutboxStatus.SENT, "personalisation": personalisation}
    return outbox_message("email", **{**defaults, **overrides})


def notification(result: DeliveryResult = DeliveryResult.BOUNCED, **overrides: Any) -> DeliveryNotification:
    note = DeliveryNotification(
        provider_message_id="ses-1",
        result=result,
        occurred_at=NOW,
        sent_at=NOW - timedelta(minutes=1),
        addresses=(BOUNCED_ADDRESS,) if result in {DeliveryResult.BOUNCED, DeliveryResult.COMPLAINED} else (),
    )
    return dataclasses.replace(note, **overrides)


@dataclass
class World:
    cases: FakeCaseRepository = field(default_factory=FakeCaseRepository)
    outbox: FakeOutboxRepository = field(default_factory=FakeOutboxRepository)
    suppressions: FakeSuppressionList = field(default_factory=FakeSuppressionList)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    codes: FakeCodeSealer = field(default_factory=FakeCodeSealer)
    sent: FakeSentMessages = field(init=False)

    def __post_init__(self) -> None:
        self.sent = FakeSentMessages(self.outbox)

    def given_sent(
        self,
        message: OutboxMessage,
        *,
        statutory: bool,
        victim: VictimContact | None = None,
        provider_id: str = "ses-1",
    ) -> OutboxMessage:
        self.outbox.put_message(message)
        self.cases.put_victim(victim or victim_contact())
        self.sent.point(
            ProviderPointer(
                provider_message_id=provider_id,
                force_id=message.force_id,
                case_id=message.case_id,
                key=message.key,
                victim_id=message.victim_id,
                channel=message.channel,
                statutory=statutory,
            )
        )
        return message

    def receive(self, note: DeliveryNotification) -> DeliveryOutcome:
        return record_delivery(
            note,
            sent=self.sent,
            suppressions=self.suppressions,
            cases=self.cases,
            outbox=self.outbox,
            templates=TEMPLATES,
            clock=self.clock,
            codes=self.codes,
        )

    def result(self, message: OutboxMessage) -> DeliveryResult | None:
        return self.sent.result_of(FORCE, CASE_ID, message.key)

    def fallbacks(self) -> list[OutboxMessage]:
        return [m for m in self.outbox.messages.values() if m.key.endswith("#fallback-sms")]


@pytest.fixture
def world() -> World:
    return World()


def test_a_delivery_is_recorded_and_nothing_else_happens(world: World) -> None:
    # Given a sent statutory email
    message = world.given_sent(sent_email(), statutory=True)
    # When SES reports it delivered
    outcome = world.receive(notification(DeliveryResult.DELIVERED))
    # Then the result is on the message, its status is unchanged, and nobody is suppressed or tasked
    assert outcome is DeliveryOutcome.RECORDED
    assert world.result(message) is DeliveryResult.DELIVERED
    assert world.outbox.get_message(FORCE, CASE_ID, message.key).status is OutboxStatus.SENT
    assert world.suppressions.entries == {} and world.outbox.tasks == {}


def test_a_late_delivery_does_not_hide_a_bounce(world: World) -> None:
    # Given a non-statutory email that bounced
    message = world.given_sent(sent_email(), statutory=False)
    world.receive(notification(DeliveryResult.BOUNCED))
    # When a "delivered" for the same message arrives afterwards
    world.receive(notification(DeliveryResult.DELIVERED))
    # Then the message still says bounced
    assert world.result(message) is DeliveryResult.BOUNCED


def test_a_complaint_after_delivery_replaces_it(world: World) -> None:
    message = world.given_sent(sent_email(), statutory=False)
    world.receive(notification(DeliveryResult.DELIVERED))
    world.receive(notification(DeliveryResult.COMPLAINED))
    assert world.result(message) is DeliveryResult.COMPLAINED
    assert world.suppressions.entries == {(FORCE, "email", "alex@example.org"): "complaint"}


def test_a_permanent_bounce_of_a_non_statutory_message_suppresses_the_address_only(world: World) -> None:
    # Given a sent non-statutory email
    message = world.given_sent(sent_email(template_id="case-update"), statutory=False)
    # When it bounces permanently
    outcome = world.receive(notification(DeliveryResult.BOUNCED))
    # Then the address is suppressed (normalised) and the result recorded, with no task and no SMS
    assert outcome is DeliveryOutcome.SUPPRESSED
    assert world.suppressions.is_suppressed(FORCE, "email", "alex@example.org")
    assert world.suppressions.entries == {(FORCE, "email", "alex@example.org"): "bounce"}
    assert world.result(message) is DeliveryResult.BOUNCED
    assert world.outbox.tasks == {} and world.fallbacks() == []


def test_a_transient_bounce_only_records_the_result(world: World) -> None:
    # Given a sent statutory email
    message = world.given_sent(sent_email(), statutory=True)
    # When it bounces transiently (a full mailbox)
    outcome = world.receive(notification(DeliveryResult.BOUNCED, permanent=False))
    # Then it is recorded, and nothing is suppressed, tasked or sent again
    assert outcome is DeliveryOutcome.RECORDED
    assert world.result(message) is DeliveryResult.BOUNCED
    assert world.suppressions.entries == {} and world.outbox.tasks == {} and world.fallbacks() == []


def test_a_rejected_message_is_recorded_as_failed(world: World) -> None:
    message = world.given_sent(sent_email(), statutory=True)
    assert world.receive(notification(DeliveryResult.FAILED)) is DeliveryOutcome.RECORDED
    assert world.result(message) is DeliveryResult.FAILED
    assert world.suppressions.entries == {}


def test_a_statutory_bounce_sends_the_same_message_by_sms_and_tasks_no_one(world: World) -> None:
    # Given a sent Right 3 email (its access code removed when it was sent) to a victim with a safe mobile
    message = world.given_sent(sent_email(), statutory=True)
    # When it bounces permanently
    outcome = world.receive(notification(DeliveryResult.BOUNCED))
    # Then no officer task: the SMS carries the same content (dispatch tasks the officer if it fails)
    assert outcome is DeliveryOutcome.FOLLOWED_UP
    assert world.outbox.tasks == {}
    # And a pending SMS with the same template and personalisation, plus a new access code sealed for it
    # (never in clear) that replaces the bounced one, with its own expiry
    [fallback] = world.fallbacks()
    assert fallback.key == f"{message.key}#fallback-sms"
    assert (fallback.channel, fallback.template_id, fallback.status) == ("sms", "right3-confirmation", "pending")
    assert fallback.duty_id == message.duty_id
    assert "access_code" not in fallback.personalisation
    assert fallback.personalisation.pop("access_code_expires") == "Wednesday 1 April 2026"  # NOW + 30 days
    assert fallback.personalisation == message.personalisation
    new_code = world.codes.open_code(FORCE, CASE_ID, fallback.key, fallback.sealed_code or "")
    [stored] = world.outbox.access_codes.values()
    assert access_code.matches(new_code, stored.code_hash)


def test_a_fallback_keeps_a_template_without_an_access_code_as_it_is(world: World) -> None:
    templates_without_code = {("right3-confirmation", "sms"): MessageTemplate("right3-confirmation", "sms", "Hi")}
    world.given_sent(sent_email(), statutory=True)
    record_delivery(
        notification(),
        sent=world.sent,
        suppressions=world.suppressions,
        cases=world.cases,
        outbox=world.outbox,
        templates=templates_without_code,
        clock=world.clock,
        codes=world.codes,
    )
    [fallback] = world.fallbacks()
    assert "access_code" not in fallback.personalisation and fallback.sealed_code is None
    assert world.outbox.access_codes == {}


def test_a_statutory_complaint_goes_by_sms_instead_without_a_task(world: World) -> None:
    world.given_sent(sent_email(), statutory=True)
    world.receive(notification(DeliveryResult.COMPLAINED))
    assert world.outbox.tasks == {}
    assert len(world.fallbacks()) == 1


@pytest.mark.parametrize(
    ("result", "reason"), [(DeliveryResult.BOUNCED, "email-bounced"), (DeliveryResult.COMPLAINED, "email-complaint")]
)
def test_the_officer_is_tasked_only_when_nothing_else_can_reach_the_victim(
    world: World, result: DeliveryResult, reason: str
) -> None:
    # Given a statutory email to a victim without a mobile
    message = world.given_sent(sent_email(), statutory=True, victim=victim_contact(mobile=None))
    # When it bounces or the victim complains
    world.receive(notification(result))
    # Then the officer has a task with its own reason, saying no other way is possible
    [task] = world.outbox.tasks.values()
    assert task.reason == reason
    assert task.task_id == f"delivery#{message.key}#{reason}"
    assert task.detail == {
        "victim_id": VICTIM_ID,
        "channel": "email",
        "template_id": "right3-confirmation",
        "fallback": "not-possible",
    }
    assert world.fallbacks() == []
    # And the same notification again changes nothing
    world.receive(notification(result))
    assert list(world.outbox.tasks.values()) == [task]


def test_no_sms_instead_when_sms_is_not_safe_for_the_victim(world: World) -> None:
    # Given a victim whose profile allows email only
    victim = victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,)))
    world.given_sent(sent_email(), statutory=True, victim=victim)
    # When the statutory email bounces
    world.receive(notification())
    # Then the officer is told no other way is possible, and no SMS is planned
    [task] = world.outbox.tasks.values()
    assert task.detail["fallback"] == Fallback.NOT_POSSIBLE
    assert world.fallbacks() == []


def test_no_sms_instead_when_the_victim_has_no_mobile(world: World) -> None:
    world.given_sent(sent_email(), statutory=True, victim=victim_contact(mobile=None))
    world.receive(notification())
    [task] = world.outbox.tasks.values()
    assert task.detail["fallback"] == "not-possible"
    assert world.fallbacks() == []


def test_no_second_sms_when_one_was_planned_with_the_email(world: World) -> None:
    # Given the same step also sent the victim an SMS
    message = world.given_sent(sent_email(), statutory=True)
    world.outbox.put_message(outbox_message("sms", status=OutboxStatus.SENT, created_at=message.created_at))
    # When the email bounces
    world.receive(notification())
    # Then no task (the SMS of the same step carried it) and no fallback
    assert world.outbox.tasks == {}
    assert world.fallbacks() == []
    assert world.outbox.access_codes == {}


def test_a_failed_sms_of_the_same_step_does_not_stop_the_fallback(world: World) -> None:
    message = world.given_sent(sent_email(), statutory=True)
    world.outbox.put_message(outbox_message("sms", status=OutboxStatus.FAILED, created_at=message.created_at))
    world.receive(notification())
    assert len(world.fallbacks()) == 1


def test_a_repeated_bounce_changes_nothing(world: World) -> None:
    # Given a statutory bounce has been handled
    world.given_sent(sent_email(), statutory=True)
    world.receive(notification())
    messages, tasks, codes = dict(world.outbox.messages), dict(world.outbox.tasks), dict(world.outbox.access_codes)
    suppressed = dict(world.suppressions.entries)
    # When SES (or the queue) delivers the same notification again
    world.clock.advance(minutes=5)
    outcome = world.receive(notification())
    # Then there is still one fallback, the same access code, the same suppression and no task
    assert outcome is DeliveryOutcome.FOLLOWED_UP
    assert world.outbox.messages == messages
    assert world.outbox.tasks == tasks
    assert world.outbox.access_codes == codes
    assert world.suppressions.entries == suppressed


def test_a_complaint_after_a_bounce_adds_no_second_sms(world: World) -> None:
    world.given_sent(sent_email(), statutory=True)
    world.receive(notification(DeliveryResult.BOUNCED))
    world.receive(notification(DeliveryResult.COMPLAINED))
    assert world.outbox.tasks == {}
    assert len(world.fallbacks()) == 1
    assert world.suppressions.entries == {(FORCE, "email", "alex@example.org"): "bounce"}


def test_a_notification_before_dispatch_pointed_at_the_message_is_retried(world: World) -> None:
    # Given no pointer yet for a message sent a minute ago
    # When its notification arrives
    # Then it is retryable (dispatch records the pointer just after the provider accepts the message)
    with pytest.raises(RetryableError):
        world.receive(notification(sent_at=NOW - timedelta(minutes=1)))


def test_a_notification_about_an_old_message_never_pointed_at_is_ignored(world: World) -> None:
    outcome = world.receive(notification(sent_at=NOW - POINTER_PATIENCE - timedelta(seconds=1)))
    assert outcome is DeliveryOutcome.UNKNOWN_MESSAGE
    assert world.suppressions.entries == {} and world.outbox.tasks == {}


def test_a_result_for_a_message_that_no_longer_exists_writes_nothing(world: World) -> None:
    message = world.given_sent(sent_email(), statutory=False)
    del world.outbox.messages[(FORCE, CASE_ID, message.key)]
    world.receive(notification(DeliveryResult.DELIVERED))
    assert world.sent.results == {}
