"""Dispatch one outbox message: claim, pass the gates, render, send, record."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

import pytest

from caseline.domain.errors import DeliveryFailedError, DeliveryRejectedError
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import CaseRecord, OutboxMessage, OutboxStatus, VictimContact, message_task
from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.send_policy import MAX_NON_STATUTORY_PER_DAY
from caseline.domain.templates import MessageTemplate
from caseline.domain.vocabulary import Channel
from caseline.services.dispatch import (
    MAX_PROVIDER_ATTEMPTS,
    DispatchContext,
    DispatchEnvironment,
    DispatchOutcome,
    dispatch_message,
)
from caseline.services.timers import release_deferred_messages
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, outbox_message, right3_personalisation, victim_contact
from tests.unit.fakes import (
    FakeCaseRepository,
    FakeCodeSealer,
    FakeEmailSender,
    FakeOutboxRepository,
    FakeSmsSender,
    FakeSuppressionList,
    FixedClock,
)


def _both(template_id: str, body: str, subject: str = "A message") -> dict[tuple[str, str], MessageTemplate]:
    return {
        (template_id, "email"): MessageTemplate(template_id, "email", body, subject),
        (template_id, "sms"): MessageTemplate(template_id, "sms", body),
    }


# Test templates (the shipped content is checked by tests/unit/content; these keep dispatch tests stable).
TEMPLATES = {
    **_both(
        "right3-confirmation",
        "Dear ((name)),\n\nCrime reference: ((crime_reference))\nType of crime: ((crime_category))\n\n"
        "Follow your case at ((portal_url)) with access code: ((access_code))",
        "Your crime reference ((crime_reference))",
    ),
    **_both("right3-confirmation-content-free", "There is an update for you at ((portal_url)). Code: ((access_code))"),
    **_both("content-free-update", "((force_name)): there is an update on your case. Sign in at ((portal_url))"),
    **_both("content-free-update-unbranded", "There is an update for you. Sign in at ((portal_url))"),
    **_both("advice", "Some tips for you, ((name)), about ((crime_category))."),
}


@dataclass(frozen=True)
class Facts:
    discloses: bool
    content_free: str | None = None


FACTS = {
    "right3-confirmation": Facts(True, "right3-confirmation-content-free"),
    "right3-confirmation-content-free": Facts(False),
    "content-free-update": Facts(False),
    "content-free-update-unbranded": Facts(False),
    "advice": Facts(True),
}


@dataclass
class FakeDispatchReader:
    cases: FakeCaseRepository
    outbox: FakeOutboxRepository
    preferences: dict[str, VictimPreferences] = field(default_factory=dict)

    def context(self, force_id: str, case_id: str, victim_id: str) -> DispatchContext:
        victim = next((v for v in self.cases.get_victims(force_id, case_id) if v.victim_id == victim_id), None)
        recent = [
            self.outbox.sent_at[m.key]
            for m in self.outbox.messages.values()
            if m.victim_id == victim_id and not m.statutory and m.status is OutboxStatus.SENT
        ]
        return DispatchContext(
            case=self.cases.get_case(force_id, case_id),
            victim=victim,
            preferences=self.preferences.get(victim_id, VictimPreferences()),
            recent_non_statutory=[t for t in recent if t is not None],
            planned_keys=frozenset(m.key for m in self.outbox.messages.values()),
        )


@dataclass
class World:
    cases: FakeCaseRepository = field(default_factory=FakeCaseRepository)
    outbox: FakeOutboxRepository = field(default_factory=FakeOutboxRepository)
    email: FakeEmailSender = field(default_factory=FakeEmailSender)
    sms: FakeSmsSender = field(default_factory=FakeSmsSender)
    suppression: FakeSuppressionList = field(default_factory=FakeSuppressionList)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    preferences: dict[str, VictimPreferences] = field(default_factory=dict)
    codes: FakeCodeSealer = field(default_factory=FakeCodeSealer)

    def given(
        self,
        message: OutboxMessage,
        victim: VictimContact | None = None,
        case: CaseRecord | None = None,
        *,
        plain_code: bool = False,
    ) -> OutboxMessage:
        """The message as journeys plan it: its access code sealed for it, never in the personalisation
        (``plain_code``: as planned before codes were sealed)."""
        code = message.personalisation.get("access_code")
        if code is not None and not plain_code:
            message = replace(
                message,
                personalisation={k: v for k, v in message.personalisation.items() if k != "access_code"},
                sealed_code=self.codes.seal_code(message.force_id, message.case_id, message.key, code),
            )
        self.outbox.put_message(message)
        if victim is not None:
            self.cases.put_victim(victim)
        self.cases.put_case(case or case_record())
        return message

    def dispatch(self, message: OutboxMessage) -> DispatchOutcome:
        env = DispatchEnvironment(
            reader=FakeDispatchReader(self.cases, self.outbox, self.preferences),
            outbox=self.outbox,
            email=self.email,
            sms=self.sms,
            suppression=self.suppression,
            templates=TEMPLATES,
            facts=FACTS,
            clock=self.clock,
            codes=self.codes,
        )
        return dispatch_message(FORCE, CASE_ID, message.key, env)

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
    assert "Type of crime: Burglary" in (sent["text"] or "")
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
            "text": "Dear Alex Example,\n\nCrime reference: NS/2026/0001\nType of crime: Burglary\n\n"
            "Follow your case at https://portal.example.org with access code: ABCDE-FGHJK",
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


def test_a_transient_provider_failure_is_retried_with_backoff_through_the_sweep(world: World) -> None:
    # Given the provider cannot accept messages right now
    message = world.given(outbox_message("sms"), victim_contact())
    world.sms.fail_with = DeliveryFailedError()
    # When the message is dispatched, it is held for 30 s (the stream is not blocked) with its code kept
    assert world.dispatch(message) is DispatchOutcome.RETRYING
    stored = world.stored(message)
    assert (stored.status, stored.attempts, stored.send_after) == (
        OutboxStatus.DEFERRED,
        1,
        NOW + timedelta(seconds=30),
    )
    assert world.codes.code_in(stored.sealed_code) == "ABCDE-FGHJK"  # still sealed, for the next attempt
    assert world.outbox.tasks == {}
    # And each failure waits longer; once the provider is back, the released message is sent
    world.clock.current = NOW + timedelta(seconds=30)
    assert release_deferred_messages([FORCE], outbox=world.outbox, clock=world.clock) == 1
    assert world.dispatch(message) is DispatchOutcome.RETRYING
    assert world.stored(message).send_after == world.clock.current + timedelta(seconds=60)
    world.sms.fail_with = None
    world.clock.current += timedelta(seconds=60)
    assert release_deferred_messages([FORCE], outbox=world.outbox, clock=world.clock) == 1
    assert world.dispatch(message) is DispatchOutcome.SENT


def test_a_provider_failing_for_too_long_ends_in_the_other_channel_or_a_task(world: World) -> None:
    # Given the SMS provider keeps failing and the victim has no email
    message = world.given(outbox_message("sms"), victim_contact(email=None))
    world.sms.fail_with = DeliveryFailedError()
    outcomes = []
    for _ in range(MAX_PROVIDER_ATTEMPTS):
        outcomes.append(world.dispatch(message))
        world.clock.current += timedelta(minutes=20)
        release_deferred_messages([FORCE], outbox=world.outbox, clock=world.clock)
    # Then it was retried, then failed with a task for the force, never sent twice
    assert outcomes == [DispatchOutcome.RETRYING] * (MAX_PROVIDER_ATTEMPTS - 1) + [DispatchOutcome.FAILED]
    assert [t.reason for t in world.outbox.tasks.values()] == ["delivery-failed"]


def test_a_permanent_provider_rejection_fails_the_message_with_a_task(world: World) -> None:
    # Given a victim with no other channel to fall back to
    message = world.given(outbox_message("email"), victim_contact(mobile=None))
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
    assert [t.reason for t in world.outbox.tasks.values()] == ["message-could-not-be-rendered"]
    assert world.email.sent == []
    assert not [m for m in world.outbox.messages.values() if m.key != message.key]  # no fallback planned


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
    assert held.sealed_code is not None  # not sent yet, so the (sealed) code is still needed
    assert "access_code" not in held.personalisation and world.codes.opened == []  # opened only to send


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


def test_a_permanent_rejection_of_a_statutory_message_falls_back_to_the_other_safe_channel(world: World) -> None:
    # Given the email provider refuses the address for good, and SMS is safe for this victim
    message = world.given(outbox_message("email"), victim_contact())
    world.email.fail_with = DeliveryRejectedError()
    # When it is dispatched
    assert world.dispatch(message) is DispatchOutcome.FELL_BACK
    # Then the email failed (no task: the same message waits as an SMS, which tasks the force if it fails too)
    assert world.stored(message).status is OutboxStatus.FAILED
    assert world.outbox.tasks == {}
    assert world.outbox.reasons[message.key] == "delivery-failed"
    fallback = world.outbox.get_message(FORCE, CASE_ID, f"{message.key}#fallback-sms")
    assert (fallback.channel, fallback.status, fallback.template_id) == (
        "sms",
        OutboxStatus.PENDING,
        message.template_id,
    )
    # And it carries the email's sealed code (the email never went), which opens for it and nothing else
    assert world.stored(message).sealed_code is None
    assert fallback.sealed_code is not None and "access_code" not in fallback.personalisation
    assert world.dispatch(fallback) is DispatchOutcome.SENT
    [sent] = world.sms.sent
    assert "ABCDE-FGHJK" in sent["text"]
    assert world.stored(fallback).sealed_code is None


def advice(channel: str = "sms", **overrides: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "key": f"000000000001#advice#{channel}#V-1",
        "template_id": "advice",
        "statutory": False,
        "duty_id": None,
        "personalisation": {
            "name": "Alex Example",
            "crime_category": "Burglary",
            "portal_url": "https://p.example.org",
            "force_name": "North Shire Police",
        },
    }
    return outbox_message(channel, **{**fields, **overrides})


def test_a_victim_who_opted_out_gets_no_non_statutory_message_and_it_is_recorded(world: World) -> None:
    world.preferences["V-1"] = VictimPreferences(non_statutory=False)
    message = world.given(advice(), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.SKIPPED
    assert world.sms.sent == []
    assert (world.stored(message).status, world.outbox.reasons[message.key]) == (OutboxStatus.SKIPPED, "opted-out")


def test_opting_out_never_stops_a_statutory_message(world: World) -> None:
    world.preferences["V-1"] = VictimPreferences(non_statutory=False)
    message = world.given(outbox_message("sms"), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.SENT


def test_a_suppressed_email_falls_back_to_sms_for_a_statutory_message(world: World) -> None:
    world.suppression.suppress(FORCE, "email", "alex@example.org", "bounce")
    message = world.given(outbox_message("email"), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.FELL_BACK
    assert world.email.sent == []
    assert world.outbox.tasks == {}  # the SMS carries it: nobody has to act
    assert world.outbox.reasons[message.key] == "address-suppressed"
    assert world.outbox.get_message(FORCE, CASE_ID, f"{message.key}#fallback-sms").channel == "sms"


def test_a_number_that_replied_stop_gets_no_sms_and_the_force_is_told(world: World) -> None:
    # Given SMS is the only channel and the number is on the provider's STOP list
    world.suppression.opted_out.add("+447700900123")
    message = world.given(outbox_message("sms"), victim_contact(email=None))
    assert world.dispatch(message) is DispatchOutcome.FAILED
    assert world.sms.sent == []
    assert [t.reason for t in world.outbox.tasks.values()] == ["address-suppressed"]


def test_a_suppressed_address_skips_a_non_statutory_message_without_a_task(world: World) -> None:
    world.suppression.opted_out.add("+447700900123")
    message = world.given(advice(), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.SKIPPED
    assert world.outbox.tasks == {}


def test_a_non_statutory_message_waits_for_the_end_of_quiet_hours(world: World) -> None:
    # Given it is 22:30 UK time in winter (UTC) and the message is only advice
    world.clock.current = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    message = world.given(advice(), victim_contact())
    # Then it is held until 08:00 the next morning
    assert world.dispatch(message) is DispatchOutcome.DEFERRED
    assert world.stored(message).send_after == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def test_a_statutory_message_is_not_held_by_quiet_hours(world: World) -> None:
    world.clock.current = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    message = world.given(outbox_message("sms"), victim_contact())
    assert world.dispatch(message) is DispatchOutcome.SENT


def test_a_statutory_message_still_obeys_the_victims_safe_hours(world: World) -> None:
    world.clock.current = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(10), end=time(16))))
    message = world.given(outbox_message("sms"), victim)
    assert world.dispatch(message) is DispatchOutcome.DEFERRED
    assert world.stored(message).send_after == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_non_statutory_messages_are_capped_per_victim_per_day(world: World) -> None:
    # Given the victim already had the maximum number of non-statutory messages in the last day
    victim = victim_contact()
    for n in range(MAX_NON_STATUTORY_PER_DAY):
        earlier = world.given(advice(key=f"00000000000{n}#advice#sms#V-1"), victim)
        world.clock.current = NOW + timedelta(hours=n)
        assert world.dispatch(earlier) is DispatchOutcome.SENT
    # When another one is dispatched an hour later
    world.clock.current = NOW + timedelta(hours=MAX_NON_STATUTORY_PER_DAY)
    extra = world.given(advice(key="000000000009#advice#sms#V-1"), victim)
    # Then it waits until the first of those is a day old; a statutory one still goes at once
    assert world.dispatch(extra) is DispatchOutcome.DEFERRED
    assert world.stored(extra).send_after == NOW + timedelta(days=1)
    assert world.dispatch(world.given(outbox_message("sms"), victim)) is DispatchOutcome.SENT


@pytest.mark.parametrize(
    ("case", "profile", "expected"),
    [
        pytest.param(case_record(flags=("domestic-abuse",)), SafeContactProfile(), "content-free-update", id="da"),
        pytest.param(
            case_record(), SafeContactProfile(may_name_crime=False), "content-free-update", id="profile-hides-crime"
        ),
        pytest.param(
            case_record(), SafeContactProfile(may_name_police=False), "content-free-update-unbranded", id="no-police"
        ),
        pytest.param(case_record(), SafeContactProfile(), "advice", id="ordinary"),
    ],
)
def test_a_disclosing_message_becomes_content_free_when_the_case_or_profile_needs_it(
    world: World, case: CaseRecord, profile: SafeContactProfile, expected: str
) -> None:
    message = world.given(advice("sms"), victim_contact(safe_contact=profile), case)
    world.clock.current = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert world.dispatch(message) is DispatchOutcome.SENT
    [sent] = world.sms.sent
    assert world.outbox.rendered[message.key] == expected
    if expected != "advice":
        assert "Burglary" not in sent["text"]
    if expected == "content-free-update-unbranded":
        assert "Police" not in sent["text"]


def test_a_disclosing_template_with_an_access_code_uses_its_own_content_free_variant(world: World) -> None:
    message = world.given(outbox_message("sms"), victim_contact(), case_record(flags=("sexual-offence",)))
    assert world.dispatch(message) is DispatchOutcome.SENT
    [sent] = world.sms.sent
    assert "ABCDE-FGHJK" in sent["text"] and "Burglary" not in sent["text"] and "NS/2026/0001" not in sent["text"]


def test_no_fallback_copy_when_the_same_step_already_goes_by_the_other_channel(world: World) -> None:
    # Given the step was planned by email and by SMS, and the email address is suppressed
    world.suppression.suppress(FORCE, "email", "alex@example.org", "bounce")
    email = world.given(outbox_message("email"), victim_contact())
    sms = world.given(outbox_message("sms"), victim_contact())
    # When the email is dispatched, it fails with a task, and no second SMS is planned
    assert world.dispatch(email) is DispatchOutcome.FELL_BACK
    assert world.stored(email).status is OutboxStatus.FAILED
    assert sorted(world.outbox.messages) == sorted([(FORCE, CASE_ID, email.key), (FORCE, CASE_ID, sms.key)])
    assert world.dispatch(sms) is DispatchOutcome.SENT


def test_a_non_statutory_message_with_no_moment_inside_both_safe_and_quiet_hours_is_skipped(world: World) -> None:
    # Given a victim safe to contact only 22:00-07:00, which never meets quiet hours (08:00-21:00)
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(22), end=time(7))))
    message = world.given(advice(), victim)
    world.clock.current = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    # When it is dispatched, then it is recorded as skipped with its reason, not held for ever
    assert world.dispatch(message) is DispatchOutcome.SKIPPED
    assert world.stored(message).status is OutboxStatus.SKIPPED
    assert world.outbox.reasons[message.key] == "no-sending-moment"
    assert world.sms.sent == [] and world.outbox.tasks == {}


def test_a_statutory_message_for_those_hours_still_goes_inside_them(world: World) -> None:
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(22), end=time(7))))
    message = world.given(outbox_message("sms"), victim)
    world.clock.current = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert world.dispatch(message) is DispatchOutcome.SENT


@pytest.mark.parametrize("statutory", [True, False])
def test_safe_hours_that_start_when_they_end_leave_no_safe_moment(world: World, statutory: bool) -> None:
    # Given a profile whose safe hours start and end at the same minute (the force sent 09:00-09:00)
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=SafeHours(start=time(9), end=time(9))))
    message = world.given(outbox_message("sms") if statutory else advice(), victim)
    outcome = world.dispatch(message)
    # Then nothing is sent or held: a statutory message becomes a task for the force at once
    assert world.sms.sent == []
    if statutory:
        assert outcome is DispatchOutcome.BLOCKED
        assert [t.reason for t in world.outbox.tasks.values()] == ["no-safe-time"]
    else:
        assert outcome is DispatchOutcome.SKIPPED
        assert world.outbox.tasks == {}


# ---------------------------------------------------------------- the access code, sealed until sent


def _final(world: World, outcome: str) -> OutboxMessage:
    """A message with a sealed code brought to one final status."""
    if outcome == "sent":
        message = world.given(outbox_message("sms"), victim_contact())
    elif outcome == "blocked":
        message = world.given(
            outbox_message("email"), victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.SMS,)))
        )
    elif outcome == "failed":
        message = world.given(outbox_message("email"), victim_contact(mobile=None))
        world.email.fail_with = DeliveryRejectedError()
    elif outcome == "skipped":
        world.preferences["V-1"] = VictimPreferences(non_statutory=False)
        message = world.given(outbox_message("sms", statutory=False), victim_contact())
    else:  # "unknown": claimed, never recorded; the sweep reports it
        message = world.given(outbox_message("sms"), victim_contact())
        claimed = world.outbox.claim(FORCE, CASE_ID, message.key, NOW)
        assert claimed is not None and claimed.sealed_code is not None
        world.outbox.mark_unknown(claimed, message_task(claimed, "delivery-unknown", NOW))
        return world.stored(message)
    assert world.dispatch(message).value == outcome
    return world.stored(message)


@pytest.mark.parametrize("outcome", ["sent", "blocked", "failed", "skipped", "unknown"])
def test_no_final_status_keeps_the_sealed_code(world: World, outcome: str) -> None:
    stored = _final(world, outcome)
    assert stored.status.value == outcome
    assert stored.sealed_code is None and "access_code" not in stored.personalisation


def test_the_code_is_opened_only_to_send_and_the_sent_message_keeps_nothing_of_it(world: World) -> None:
    message = world.given(outbox_message("sms"), victim_contact())
    assert "access_code" not in message.personalisation and message.sealed_code is not None
    assert world.dispatch(message) is DispatchOutcome.SENT
    [sent] = world.sms.sent
    assert "ABCDE-FGHJK" in sent["text"]
    assert world.codes.opened == [(FORCE, CASE_ID, message.key)]
    assert world.stored(message).sealed_code is None


def test_a_sealed_code_that_does_not_open_for_this_message_is_never_sent_with_a_gap(world: World) -> None:
    # Given a message whose sealed code was made for another message (copied, or tampered with)
    other = world.given(outbox_message("sms", key="000000000009#right3-confirmation#sms#V-1"), victim_contact())
    message = world.given(
        outbox_message(
            "sms",
            sealed_code=other.sealed_code,
            personalisation={k: v for k, v in right3_personalisation().items() if k != "access_code"},
        ),
        victim_contact(),
    )
    # When it is dispatched, then nothing is sent: it is retried (KMS may be down), never sent without the code
    assert world.dispatch(message) is DispatchOutcome.RETRYING
    assert world.sms.sent == []


def test_a_dispatch_that_cannot_open_codes_records_the_message_as_not_rendered(world: World) -> None:
    message = world.given(outbox_message("sms"), victim_contact())
    env = DispatchEnvironment(
        reader=FakeDispatchReader(world.cases, world.outbox),
        outbox=world.outbox,
        email=world.email,
        sms=world.sms,
        suppression=world.suppression,
        templates=TEMPLATES,
        facts=FACTS,
        clock=world.clock,
    )
    assert dispatch_message(FORCE, CASE_ID, message.key, env) is DispatchOutcome.FAILED
    assert [t.reason for t in world.outbox.tasks.values()] == ["message-could-not-be-rendered"]
    assert world.sms.sent == [] and world.stored(message).sealed_code is None


def test_a_message_planned_before_codes_were_sealed_still_sends_its_plain_code_then_drops_it(world: World) -> None:
    message = world.given(outbox_message("sms"), victim_contact(), plain_code=True)
    assert world.dispatch(message) is DispatchOutcome.SENT
    assert "ABCDE-FGHJK" in world.sms.sent[0]["text"]
    assert "access_code" not in world.stored(message).personalisation
