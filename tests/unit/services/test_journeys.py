"""Journeys: an applied crime-recorded event plans the Right 3 confirmation, its duty and access code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caseline.domain import access_code
from caseline.domain.case import CaseStage
from caseline.domain.records import OutboxStatus, VictimContact
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel
from caseline.services.journeys import JourneyOutcome, run_journeys
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, stored_event, victim_contact
from tests.unit.fakes import FakeCaseRepository, FakeOutboxRepository, FixedClock

PORTAL = "https://portal.example.org"
FRIDAY = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)


def given_case(*victims: VictimContact, **case_overrides: object) -> FakeCaseRepository:
    cases = FakeCaseRepository()
    cases.put_case(case_record(**case_overrides))
    for victim in victims or (victim_contact(),):
        cases.put_victim(victim)
    return cases


def run(cases: FakeCaseRepository, outbox: FakeOutboxRepository, **event_overrides: object) -> JourneyOutcome:
    event = stored_event(**event_overrides)
    return run_journeys(event, cases=cases, outbox=outbox, clock=FixedClock(NOW), portal_url=PORTAL)


def test_crime_recorded_plans_one_message_per_allowed_channel() -> None:
    # Given a case recorded on a Friday, with an officer, and a victim holding email and mobile
    outbox = FakeOutboxRepository()
    cases = given_case(recorded_at=FRIDAY)
    # When the journey runs for the applied event
    outcome = run(cases, outbox)
    # Then one pending message per channel is planned under a deterministic key
    assert outcome is JourneyOutcome.PLANNED
    assert sorted(key for _, _, key in outbox.messages) == [
        "000000000001#right3-confirmation#email#V-1",
        "000000000001#right3-confirmation#sms#V-1",
    ]
    for message in outbox.messages.values():
        assert (message.status, message.template_id, message.duty_id) == (
            OutboxStatus.PENDING,
            "right3-confirmation",
            "right3#V-1",
        )
        assert message.created_at == NOW
    assert outbox.tasks == {}


def test_the_right3_duty_is_due_one_working_day_after_the_recorded_date() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(recorded_at=FRIDAY), outbox)
    [duty] = outbox.duties.values()
    assert (duty.duty_id, duty.right, duty.due_on) == ("right3#V-1", "right-3-written-confirmation", date(2026, 3, 9))


def test_personalisation_carries_case_and_officer_details() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(), outbox)
    message = outbox.get_message(FORCE, CASE_ID, "000000000001#right3-confirmation#email#V-1")
    values = message.personalisation
    assert values["name"] == "Alex Example"
    assert values["crime_reference"] == "NS/2026/0001"
    assert values["crime_category"] == "Burglary"
    assert (values["officer_name"], values["collar_number"], values["has_officer"]) == ("PC Jo Smith", "AB123", "yes")
    assert values["portal_url"] == PORTAL


def test_without_an_officer_the_officer_text_is_switched_off() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(officer=None, stage=CaseStage.REPORTED), outbox)
    for message in outbox.messages.values():
        assert message.personalisation["has_officer"] == ""


def test_the_access_code_is_stored_only_hashed() -> None:
    # When the journey runs
    outbox = FakeOutboxRepository()
    run(given_case(), outbox)
    # Then the plaintext code appears only in the message personalisation, identical on both channels
    codes = {m.personalisation["access_code"] for m in outbox.messages.values()}
    assert len(codes) == 1
    shown = codes.pop()
    assert len(access_code.normalise(shown)) == access_code.CODE_LENGTH
    [record] = outbox.access_codes.values()
    assert access_code.matches(shown, record.code_hash)
    assert access_code.normalise(shown) not in record.code_hash
    assert record.victim_id == "V-1"
    assert record.expires_at == NOW + timedelta(days=30)


def test_a_replay_is_already_planned_and_changes_nothing() -> None:
    # Given the journey already ran for this event
    outbox = FakeOutboxRepository()
    cases = given_case()
    run(cases, outbox)
    before = (dict(outbox.messages), dict(outbox.duties), dict(outbox.access_codes), dict(outbox.tasks))
    # When the stream redelivers the same event
    outcome = run(cases, outbox)
    # Then nothing new is planned and the first access code still stands
    assert outcome is JourneyOutcome.ALREADY_PLANNED
    assert (outbox.messages, outbox.duties, outbox.access_codes, outbox.tasks) == before


@pytest.mark.parametrize("flag", ["domestic-abuse", "sexual-offence", "hate-crime", "stalking-harassment"])
def test_sensitive_flags_use_the_content_free_template(flag: str) -> None:
    outbox = FakeOutboxRepository()
    run(given_case(flags=(flag,)), outbox)
    assert {m.template_id for m in outbox.messages.values()} == {"right3-confirmation-content-free"}
    assert all("#right3-confirmation-content-free#" in key for _, _, key in outbox.messages)


def test_a_victim_who_asked_not_to_name_the_crime_gets_the_content_free_template() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(victim_contact(safe_contact=SafeContactProfile(may_name_crime=False))), outbox)
    assert {m.template_id for m in outbox.messages.values()} == {"right3-confirmation-content-free"}


def test_a_victim_who_asked_not_to_name_the_police_gets_the_content_free_template() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(victim_contact(safe_contact=SafeContactProfile(may_name_police=False))), outbox)
    assert {m.template_id for m in outbox.messages.values()} == {"right3-confirmation-content-free"}


def test_a_blocked_channel_becomes_an_officer_task() -> None:
    # Given a victim who said only email is safe, though we hold a mobile too
    outbox = FakeOutboxRepository()
    run(given_case(victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,)))), outbox)
    # Then email is planned and the SMS becomes a task for the officer, never silently dropped
    assert [m.channel for m in outbox.messages.values()] == ["email"]
    [task] = outbox.tasks.values()
    assert task.task_id == "000000000001#channel-not-safe:sms#V-1"
    assert task.reason == "channel-not-safe"
    assert task.detail == {"victim_id": "V-1", "channel": "sms", "template_id": "right3-confirmation"}


def test_no_safe_channel_asks_the_officer_to_confirm_another_way() -> None:
    # Given a victim for whom neither channel is safe
    outbox = FakeOutboxRepository()
    outcome = run(given_case(victim_contact(safe_contact=SafeContactProfile(safe_channels=()))), outbox)
    # Then nothing is sent, each channel is reported and the confirmation needs another way
    assert outcome is JourneyOutcome.PLANNED
    assert outbox.messages == {}
    assert sorted(t.reason for t in outbox.tasks.values()) == [
        "channel-not-safe",
        "channel-not-safe",
        "right-3-confirmation-needs-another-way",
    ]
    assert len(outbox.duties) == 1


def test_a_victim_with_no_contact_details_needs_another_way() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(victim_contact(email=None, mobile=None)), outbox)
    [task] = outbox.tasks.values()
    assert task.reason == "right-3-confirmation-needs-another-way"
    assert task.detail["channel"] == "none"


def test_a_replay_of_a_tasks_only_plan_is_already_planned() -> None:
    outbox = FakeOutboxRepository()
    cases = given_case(victim_contact(email=None, mobile=None))
    run(cases, outbox)
    assert run(cases, outbox) is JourneyOutcome.ALREADY_PLANNED
    assert len(outbox.tasks) == 1


def test_each_victim_gets_their_own_messages_duty_and_code() -> None:
    outbox = FakeOutboxRepository()
    run(given_case(victim_contact(), victim_contact(victim_id="V-2", mobile=None)), outbox)
    assert sorted(key for _, _, key in outbox.messages) == [
        "000000000001#right3-confirmation#email#V-1",
        "000000000001#right3-confirmation#email#V-2",
        "000000000001#right3-confirmation#sms#V-1",
    ]
    assert {d.duty_id for d in outbox.duties.values()} == {"right3#V-1", "right3#V-2"}
    by_victim = {m.victim_id: m.personalisation["access_code"] for m in outbox.messages.values()}
    assert by_victim["V-1"] != by_victim["V-2"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"applied": False}, id="stale-event"),
        pytest.param({"event_type": "org.caseline.case.closed.v1"}, id="other-event-type"),
        pytest.param({"case_id": "CASE-UNKNOWN"}, id="case-missing"),
    ],
)
def test_events_that_plan_nothing_are_not_applicable(overrides: dict[str, object]) -> None:
    outbox = FakeOutboxRepository()
    assert run(given_case(), outbox, **overrides) is JourneyOutcome.NOT_APPLICABLE
    assert (outbox.messages, outbox.duties, outbox.access_codes, outbox.tasks) == ({}, {}, {}, {})


def test_a_case_with_no_victims_is_not_applicable() -> None:
    cases = FakeCaseRepository()
    cases.put_case(case_record())
    outbox = FakeOutboxRepository()
    assert run(cases, outbox) is JourneyOutcome.NOT_APPLICABLE
    assert outbox.messages == {}


def test_a_victim_added_later_gets_their_confirmation_and_the_first_is_not_sent_again() -> None:
    # Given the first victim's confirmation was planned for sequence 1
    outbox = FakeOutboxRepository()
    cases = given_case()
    assert run(cases, outbox) is JourneyOutcome.PLANNED
    # When a newer crime.recorded adds a second victim
    cases.put_victim(victim_contact(victim_id="V-2", email="sam@example.org", mobile=None))
    assert run(cases, outbox, sequence=2) is JourneyOutcome.PLANNED
    # Then the second victim has their own message, duty and code; the first got nothing new
    keys = sorted(key for _, _, key in outbox.messages)
    assert keys == [
        "000000000001#right3-confirmation#email#V-1",
        "000000000001#right3-confirmation#sms#V-1",
        "000000000002#right3-confirmation#email#V-2",
    ]
    assert sorted(d.duty_id for d in outbox.duties.values()) == ["right3#V-1", "right3#V-2"]
    assert sorted(victim for _, _, victim in outbox.access_codes) == ["V-1", "V-2"]


class FakeLocks:
    def __init__(self) -> None:
        self.cleared: list[str] = []

    def clear(self, crime_reference: str) -> None:
        self.cleared.append(crime_reference)


def test_a_reissued_code_replaces_the_old_one_is_sent_safely_and_lifts_the_lock() -> None:
    outbox, locks = FakeOutboxRepository(), FakeLocks()
    cases = given_case()
    run(cases, outbox)
    old_hash = next(iter(outbox.access_codes.values())).code_hash
    event = stored_event(sequence=5, event_type="org.caseline.access.code-reissued.v1", data={"victim_id": "V-1"})
    outcome = run_journeys(event, cases=cases, outbox=outbox, clock=FixedClock(NOW), portal_url=PORTAL, locks=locks)
    assert outcome is JourneyOutcome.PLANNED
    [code] = outbox.access_codes.values()
    assert code.code_hash != old_hash  # the old code no longer matches anything
    reissued = [m for m in outbox.messages.values() if m.template_id == "access-code-reissued"]
    assert sorted(m.channel for m in reissued) == ["email", "sms"]
    assert locks.cleared == ["NS/2026/0001"]
    # A redelivery plans nothing new and does not clear again
    again = run_journeys(event, cases=cases, outbox=outbox, clock=FixedClock(NOW), portal_url=PORTAL, locks=locks)
    assert again is JourneyOutcome.ALREADY_PLANNED and locks.cleared == ["NS/2026/0001"]
