"""Dispatch one outbox message: claim, re-check safe contact, render, send, record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import pytest

from caseline.content import message_templates
from caseline.domain.errors import DeliveryFailedError, DeliveryRejectedError
from caseline.domain.records import OutboxMessage, OutboxStatus, VictimContact
from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.vocabulary import Channel
from caseline.services.dispatch import DispatchOutcome, dispatch_message
from caseline.services.timers import release_deferred_messages
from tests.unit.builders import CASE_ID, FORCE, NOW, outbox_message, right3_personalisation, victim_contact
from tests.unit.fakes import FakeCaseRepository, FakeEmailSender, FakeOutboxRepository, FakeSmsSender, FixedClock


@dataclass
class World:
    cases: FakeCaseRepository = field(default_factory=FakeCaseRepository)
    outbox: FakeOutboxRepository = field(default_factory=FakeOutboxRepository)
    email: FakeEmailSender = field(default_factory=FakeEmailSender)
    sms: FakeSmsSender = field(default_factory=FakeSmsSender)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))

    def given(self, message: OutboxMessage, victim: VictimContact | None = None) -> OutboxMessage:
        self.outbox.put_message(message)
        if victim is not None:
            self.cases.put_victim(victim)
        return message

    def dispatch(self, message: OutboxMessage) -> DispatchOutcome:
        return dispatch_message(
            FORCE,
            CASE_ID,
            message.key,
            cases=self.cases,
            outbox=self.outbox,
            email=self.email,
            sms=self.sms,
            templates=message_templates(),
            clock=self.clock,
        )

    def stored(self, message: OutboxMessage) -> OutboxMessage:
        return self.outbox.get_message(FORCE, CASE_ID, message.key)


@pytest.fixture
def world() -> World:
    return World()


def test_an_email_is_rendered_sent_and_recorded(world: World) -> None:
    # Given a pending right-3 email for a victim whose email is safe
    message = world.given(outbox_message("email"), victim_contact())
    # When it is dispatched
    outcome = world.dispatch(message)
    # Then the rendered template goes to the victim's address and the message is recorded as sent
    assert outcome is DispatchOutcome.SENT
    [sent] = world.email.sent
    assert (sent["to"], sent["force_id"]) == ("alex@example.org", FORCE)
    assert sent["subject"] == "Your crime reference NS/2026/0001"
    assert "Dear Alex Example," in (sent["text"] or "")
    assert "access code: ABCDE-FGHJK" in (sent["text"] or "")
    assert (sent["html"] or "").startswith("<p>Dear Alex Example,</p>")
    assert world.sms.sent == []
    stored = world.stored(message)
    assert (stored.status, stored.provider_message_id) == (OutboxStatus.SENT, "email-1")


def test_an_sms_is_rendered_and_sent_to_the_mobile(world: World) -> None:
    message = world.given(outbox_message("sms"), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.SENT
    assert world.sms.sent == [
        {
            "to": "+447700900123",
            "text": "Your crime reference is NS/2026/0001. Follow your case online at https://portal.example.org "
            "with access code ABCDE-FGHJK. We will never ask for your password.",
            "force_id": FORCE,
        }
    ]
    assert world.email.sent == []
    assert world.stored(message).status is OutboxStatus.SENT


def test_the_content_free_template_names_no_crime_details(world: World) -> None:
    message = world.given(outbox_message("sms", template_id="right3-confirmation-content-free"), victim_contact())
    world.dispatch(message)
    [sent] = world.sms.sent
    assert "Burglary" not in sent["text"]
    assert "NS/2026/0001" not in sent["text"]
    assert "ABCDE-FGHJK" in sent["text"]


def test_personal_values_are_html_escaped_in_the_email(world: World) -> None:
    message = world.given(
        outbox_message("email", personalisation=right3_personalisation(name="<b>Al</b> & Co")), victim_contact()
    )
    world.dispatch(message)
    [sent] = world.email.sent
    assert "&lt;b&gt;Al&lt;/b&gt; &amp; Co" in (sent["html"] or "")
    assert "<b>" not in (sent["html"] or "")


def test_a_second_dispatch_is_already_handled_and_sends_nothing(world: World) -> None:
    message = world.given(outbox_message("email"), victim_contact())
    world.dispatch(message)
    assert world.dispatch(message) is DispatchOutcome.ALREADY_HANDLED
    assert len(world.email.sent) == 1


def test_an_unknown_message_is_already_handled(world: World) -> None:
    assert world.dispatch(outbox_message("email", key="no-such-key")) is DispatchOutcome.ALREADY_HANDLED


@pytest.mark.parametrize(
    "victim",
    [
        pytest.param(victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.SMS,))), id="not-safe-now"),
        pytest.param(victim_contact(email=None), id="email-removed"),
    ],
)
def test_a_channel_no_longer_safe_is_blocked_and_becomes_a_task(world: World, victim: VictimContact) -> None:
    # Given the victim changed their safe-contact profile after the message was planned
    message = world.given(outbox_message("email"), victim)
    # When it is dispatched
    outcome = world.dispatch(message)
    # Then nothing is sent and the officer gets a task instead
    assert outcome is DispatchOutcome.BLOCKED
    assert world.email.sent == []
    assert world.stored(message).status is OutboxStatus.BLOCKED
    [task] = world.outbox.tasks.values()
    assert (task.task_id, task.reason, task.created_at) == (
        f"dispatch#{message.key}#channel-not-safe",
        "channel-not-safe",
        NOW,
    )
    assert task.detail == {"victim_id": "V-1", "channel": "email", "template_id": "right3-confirmation"}


def test_a_transient_provider_failure_releases_the_message_and_re_raises(world: World) -> None:
    # Given the provider cannot accept messages right now
    message = world.given(outbox_message("sms"), victim_contact())
    world.sms.fail_with = DeliveryFailedError()
    # When the message is dispatched, the error propagates so the record is retried
    with pytest.raises(DeliveryFailedError):
        world.dispatch(message)
    # Then the message is pending again with its code, and no task was raised
    stored = world.stored(message)
    assert stored.status is OutboxStatus.PENDING
    assert stored.personalisation["access_code"] == "ABCDE-FGHJK"
    assert world.outbox.tasks == {}
    # And a later retry sends it
    world.sms.fail_with = None
    assert world.dispatch(message) is DispatchOutcome.SENT


def test_a_permanent_provider_rejection_fails_the_message_with_a_task(world: World) -> None:
    message = world.given(outbox_message("email"), victim_contact())
    world.email.fail_with = DeliveryRejectedError()
    assert world.dispatch(message) is DispatchOutcome.FAILED
    assert world.stored(message).status is OutboxStatus.FAILED
    [task] = world.outbox.tasks.values()
    assert task.reason == "delivery-failed"
    assert world.dispatch(message) is DispatchOutcome.ALREADY_HANDLED


def test_a_missing_victim_contact_fails_with_a_task(world: World) -> None:
    message = world.given(outbox_message("email"))
    assert world.dispatch(message) is DispatchOutcome.FAILED
    assert [t.reason for t in world.outbox.tasks.values()] == ["victim-contact-missing"]
    assert world.email.sent == []


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(outbox_message("email", template_id="no-such-template"), id="unknown-template"),
        pytest.param(outbox_message("email", personalisation={"name": "Alex"}), id="missing-placeholder"),
    ],
)
def test_a_message_that_cannot_be_rendered_fails_with_a_task(world: World, message: OutboxMessage) -> None:
    world.given(message, victim_contact())
    assert world.dispatch(message) is DispatchOutcome.FAILED
    assert [t.reason for t in world.outbox.tasks.values()] == ["delivery-failed"]
    assert world.email.sent == []


def test_a_message_outside_the_victims_safe_hours_is_not_sent_now(world: World) -> None:
    # Given a victim who is only safe to contact 09:00-17:00, and it is 23:30
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(9), end=time(17))))
    message = world.given(outbox_message("sms"), victim)
    world.clock.current = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    # When it is dispatched, then nothing is sent now: it is held until 09:00 UK time the next morning
    assert world.dispatch(message) is DispatchOutcome.DEFERRED
    assert world.sms.sent == []
    held = world.outbox.get_message(message.force_id, message.case_id, message.key)
    assert held.status is OutboxStatus.DEFERRED
    assert held.send_after == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert "access_code" in held.personalisation  # not sent yet, so the code is still needed


def test_a_held_message_is_released_then_sent_when_safe_hours_begin(world: World) -> None:
    # Given a message held overnight for a victim safe 09:00-17:00 (in summer time, UK = UTC+1)
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(9), end=time(17))))
    message = world.given(outbox_message("sms"), victim)
    world.clock.current = datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    assert world.dispatch(message) is DispatchOutcome.DEFERRED
    # When the sweep runs before 09:00 UK time nothing is released; at 08:00 UTC (09:00 BST) it is
    world.clock.current = datetime(2026, 7, 2, 7, 59, tzinfo=UTC)
    assert release_deferred_messages([message.force_id], outbox=world.outbox, clock=world.clock) == 0
    world.clock.current = datetime(2026, 7, 2, 8, 0, tzinfo=UTC)
    assert release_deferred_messages([message.force_id], outbox=world.outbox, clock=world.clock) == 1
    assert release_deferred_messages([message.force_id], outbox=world.outbox, clock=world.clock) == 0
    # Then dispatch sends it
    assert world.dispatch(message) is DispatchOutcome.SENT
    assert len(world.sms.sent) == 1
