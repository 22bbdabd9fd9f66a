"""Journeys: versioned definitions run per victim for each applied event, and resume from timers.

The journeys here are small documents of this file's own (not the shipped content), so these tests
pin the engine's behaviour while the content changes.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from caseline.domain import access_code
from caseline.domain import event_types as ev
from caseline.domain.calendar import uk_date
from caseline.domain.case import CaseStage
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.journeys import JourneyDefinition, validate
from caseline.domain.personalisation import ACCOUNT_LINKED, NO_NEWS_TIMER, PREFERENCES_CHANGED
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import Duty, DutyStatus, OutboxMessage, OutboxStatus, StoredEvent, VictimContact
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel
from caseline.services.journey_timers import fire_due_timers
from caseline.services.journey_writes import CONTENT_FREE_NEEDS
from caseline.services.journeys import JourneyEnvironment, JourneyOutcome, run_journeys
from caseline.services.notices import preference_change, run_account_linked, run_preferences_changed
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, officer_block, stored_event, victim_contact
from tests.unit.fakes import FakeCodeSealer, FakeJourneyStore, FixedClock

PORTAL = "https://portal.example.org"
REFERENCE = "NS/2026/0001"
RIGHT3 = "right-3-written-confirmation"
RIGHT4 = "right-4-support-referral"
RIGHT6 = "right-6-suspect-information"

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "confirmation": frozenset({"name", "crime_reference", "portal_url", "access_code", "access_code_expires"}),
    "confirmation-brief": frozenset({"name", "crime_reference"}),
    "new-code": frozenset({"name", "access_code"}),
    "officer-new": frozenset({"name", "officer_name"}),
    "officer-changed": frozenset({"name", "officer_name"}),
    "support-offer": frozenset({"name"}),
    "support-reminder": frozenset({"name"}),
    "support-reminder-v2": frozenset({"name"}),
    "suspect-news": frozenset({"name", "event_date"}),
    "vps-offer": frozenset({"name", "update_summary"}),
    "welcome": frozenset({"name", "portal_url"}),
    "no-news": frozenset({"name", "last_update_date", "weeks_since_update"}),
    "no-news-away": frozenset({"name", "last_update_date", "away_until", "cover_team"}),
    "no-news-register": frozenset({"name", "portal_url"}),
}


def own(message: OutboxMessage) -> dict[str, str]:
    """The values a message carries for its own template (it also carries what a content-free stand-in
    needs: name, force name and phone, portal URL — checked in its own test)."""
    return {k: v for k, v in message.personalisation.items() if k in PLACEHOLDERS[message.template_id]}


def journey(
    journey_id: str, trigger: str, steps: dict[str, dict[str, Any]], *, version: int = 1, **document: Any
) -> JourneyDefinition:
    """A definition from a document; ``start`` is the first step unless given."""
    trigger_block = {"event": trigger, "when": document.pop("when", {})}
    start = document.pop("start", next(iter(steps)))
    return JourneyDefinition.from_document(
        {"id": journey_id, "version": version, "trigger": trigger_block, "start": start, "steps": steps, **document}
    )


def send(template: str, *, statutory: bool, **more: Any) -> dict[str, Any]:
    return {"type": "send", "template": template, "statutory": statutory, **more}


def start_duty(right: str, standard: int, enhanced: int, then: str) -> dict[str, Any]:
    return {
        "type": "start-duty",
        "right": right,
        "working_days": {"standard": standard, "enhanced": enhanced},
        "next": then,
    }


CONFIRMATION = journey(
    "confirmation",
    ev.CRIME_RECORDED,
    {"deadline": start_duty(RIGHT3, 1, 1, "tell"), "tell": send("confirmation", statutory=True, settles=RIGHT3)},
)
BRIEF_CONFIRMATION = journey("brief", ev.CRIME_RECORDED, {"tell": send("confirmation-brief", statutory=False)})
ENHANCED_WELCOME = journey(
    "enhanced-welcome",
    ev.CRIME_RECORDED,
    {"tell": send("confirmation-brief", statutory=False)},
    when={"tier": "enhanced"},
)
SUPPORT_NOW = journey("support-now", ev.NEEDS_ASSESSED, {"offer": send("support-offer", statutory=False)})


def support_journey(version: int, reminder: str) -> JourneyDefinition:
    """Offer support, wait a day, then remind: the reminder meets the Right 4 duty started before the wait."""
    return journey(
        "support",
        ev.NEEDS_ASSESSED,
        {
            "deadline": start_duty(RIGHT4, 2, 2, "offer"),
            "offer": send("support-offer", statutory=False, next="pause"),
            "pause": {"type": "wait", "hours": 24, "next": "remind"},
            "remind": send(reminder, statutory=True, settles=RIGHT4),
        },
        version=version,
        exit_when={"stage_in": ["closed"]},
    )


SUPPORT = support_journey(1, "support-reminder")
SUPPORT_V2 = support_journey(2, "support-reminder-v2")
OFFICER = journey(
    "officer",
    ev.OFFICER_ASSIGNED,
    {
        "pick": {"type": "branch", "when": {"officer_changed": True}, "then": "changed", "else": "first"},
        "changed": send("officer-changed", statutory=False),
        "first": send("officer-new", statutory=False),
    },
)
OFFICER_LATER = journey(
    "officer-later",
    ev.OFFICER_ASSIGNED,
    {
        "pause": {"type": "wait", "hours": 1, "next": "pick"},
        "pick": {"type": "branch", "when": {"officer_changed": True}, "then": "changed", "else": "first"},
        "changed": send("officer-changed", statutory=False),
        "first": send("officer-new", statutory=False),
    },
)
VPS_OFFER = journey(
    "vps-offer", ev.INVESTIGATION_UPDATED, {"offer": send("vps-offer", statutory=False)}, reentry="once-per-case"
)
ARREST_TELL = journey(
    "arrest-tell",
    ev.SUSPECT_ARRESTED,
    {"deadline": start_duty(RIGHT6, 5, 1, "tell"), "tell": send("suspect-news", statutory=True, settles=RIGHT6)},
)
ARREST_SUPPORT = journey("arrest-support", ev.SUSPECT_ARRESTED, {"tell": send("support-offer", statutory=True)})
NEW_CODE = journey("new-code", ev.ACCESS_CODE_REISSUED, {"tell": send("new-code", statutory=True)})
WELCOME = journey("welcome", ACCOUNT_LINKED, {"hello": send("welcome", statutory=False)})
NO_NEWS = journey(
    "no-news",
    NO_NEWS_TIMER,
    {
        "tell": {
            "type": "send",
            "statutory": False,
            "choose": [{"when": {"linked": True}, "template": "no-news"}, {"template": "no-news-register"}],
        }
    },
)
ALL_JOURNEYS = (
    CONFIRMATION,
    BRIEF_CONFIRMATION,
    ENHANCED_WELCOME,
    SUPPORT_NOW,
    SUPPORT,
    SUPPORT_V2,
    OFFICER,
    OFFICER_LATER,
    VPS_OFFER,
    ARREST_TELL,
    ARREST_SUPPORT,
    NEW_CODE,
    WELCOME,
    NO_NEWS,
)


class RecordingLocks:
    """The ``LinkLocks`` port: remembers every crime reference whose guessing lock was lifted."""

    def __init__(self) -> None:
        self.cleared: list[str] = []

    def clear(self, crime_reference: str) -> None:
        self.cleared.append(crime_reference)


def environment(
    store: FakeJourneyStore,
    *definitions: JourneyDefinition,
    clock: FixedClock | None = None,
    locks: RecordingLocks | None = None,
    codes: FakeCodeSealer | None = None,
) -> JourneyEnvironment:
    return JourneyEnvironment(
        store=store,
        clock=clock or FixedClock(NOW),
        definitions={(d.journey_id, d.version): d for d in definitions},
        template_placeholders=PLACEHOLDERS,
        portal_url=PORTAL,
        locks=locks,
        codes=codes if codes is not None else FakeCodeSealer(),
    )


def given_case(*victims: VictimContact, **case_overrides: Any) -> FakeJourneyStore:
    store = FakeJourneyStore()
    store.put_case(case_record(**case_overrides))
    for victim in victims or (victim_contact(),):
        store.put_victim(victim)
    return store


def crime_recorded_data(**overrides: Any) -> dict[str, Any]:
    """The timeline copy of a crime.recorded event (ingest drops the victim block)."""
    return {"crime_reference": REFERENCE, "category": "burglary", "recorded_at": NOW.isoformat(), **overrides}


def recorded(
    store: FakeJourneyStore,
    event_type: str = ev.CRIME_RECORDED,
    *,
    sequence: int = 1,
    data: dict[str, Any] | None = None,
    occurred_at: datetime = NOW,
    applied: bool = True,
) -> StoredEvent:
    """An event as ingest stores it on the case's timeline before the stream hands it to the journeys."""
    if data is None:
        data = crime_recorded_data() if event_type == ev.CRIME_RECORDED else {}
    event = stored_event(
        sequence=sequence,
        event_id=f"evt-{sequence}",
        event_type=event_type,
        occurred_at=occurred_at,
        received_at=occurred_at,
        applied=applied,
        data=data,
    )
    store.put_event(event)
    return event


def keys(store: FakeJourneyStore) -> list[str]:
    return sorted(key for _, _, key in store.messages)


def no_channels() -> SafeContactProfile:
    return SafeContactProfile(safe_channels=())


def test_the_journeys_in_these_tests_are_valid_definitions() -> None:
    # Given this file's journeys and templates / When they are validated / Then none has a problem
    for definition in ALL_JOURNEYS:
        assert validate(definition, {t: set(p) for t, p in PLACEHOLDERS.items()}) == []


# ---------------------------------------------------------------- a crime.recorded confirmation


@pytest.mark.parametrize(
    ("victim", "preferences", "channels"),
    [
        (victim_contact(), None, ["email", "sms"]),
        (victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,))), None, ["email"]),
        (victim_contact(mobile=None), None, ["email"]),
        (victim_contact(), VictimPreferences(channels_off=frozenset({Channel.EMAIL})), ["sms"]),
    ],
    ids=["both-channels", "profile-email-only", "no-mobile-held", "victim-turned-email-off"],
)
def test_crime_recorded_plans_one_message_per_allowed_channel(
    victim: VictimContact, preferences: VictimPreferences | None, channels: list[str]
) -> None:
    # Given a recorded case, a victim, and perhaps their own contact choices
    store = given_case(victim)
    if preferences is not None:
        store.put_preferences(FORCE, CASE_ID, victim.victim_id, preferences)
    event = recorded(store)
    # When the confirmation journey runs for the applied event
    outcome = run_journeys(event, environment(store, CONFIRMATION))
    # Then one pending statutory message per allowed channel is planned under the documented key
    assert outcome is JourneyOutcome.PLANNED
    assert keys(store) == [f"000000000001#confirmation#{channel}#V-1" for channel in channels]
    for message in store.messages.values():
        assert (message.status, message.template_id, message.statutory) == (
            OutboxStatus.PENDING,
            "confirmation",
            True,
        )
        assert message.duty_id == f"{RIGHT3}#000000000001#V-1"
        assert message.created_at == NOW
    assert store.tasks == {}


@pytest.mark.parametrize(
    ("occurred_at", "started_on", "due_on"),
    [
        (datetime(2026, 3, 6, 16, 0, tzinfo=UTC), date(2026, 3, 6), date(2026, 3, 9)),  # Friday -> Monday
        (datetime(2026, 6, 4, 23, 30, tzinfo=UTC), date(2026, 6, 5), date(2026, 6, 8)),  # Thursday UTC, Friday in BST
        (datetime(2026, 4, 2, 12, 0, tzinfo=UTC), date(2026, 4, 2), date(2026, 4, 7)),  # Thursday before Easter
    ],
    ids=["friday-to-monday", "uk-date-not-utc", "over-easter"],
)
def test_the_right3_duty_is_due_one_working_day_after_the_uk_date_of_the_event(
    occurred_at: datetime, started_on: date, due_on: date
) -> None:
    # Given a crime the force recorded at a given moment (and told us a little later)
    store = given_case()
    data = {**crime_recorded_data(), "recorded_at": occurred_at.isoformat()}
    event = recorded(store, data=data, occurred_at=occurred_at + timedelta(hours=30))
    # When the confirmation journey runs a few minutes later
    run_journeys(event, environment(store, CONFIRMATION, clock=FixedClock(occurred_at + timedelta(minutes=5))))
    # Then an open Right 3 duty is due one working day after the UK date the crime was recorded
    [duty] = store.duties.values()
    assert (duty.duty_id, duty.right, duty.status, duty.victim_id) == (
        f"{RIGHT3}#000000000001#V-1",
        RIGHT3,
        DutyStatus.OPEN,
        "V-1",
    )
    assert (duty.started_on, duty.due_on, duty.tier, duty.working_days) == (
        started_on,
        due_on,
        "standard",
        {"standard": 1, "enhanced": 1},
    )


def test_a_fresh_access_code_is_stored_hashed_and_sealed_for_each_message() -> None:
    # Given a recorded case whose confirmation template needs the access code
    store = given_case()
    event = recorded(store)
    codes = FakeCodeSealer()
    # When the confirmation journey runs
    run_journeys(event, environment(store, CONFIRMATION, codes=codes))
    # Then no message holds the code in clear: each carries it sealed for itself (force, case, message)
    messages = list(store.messages.values())
    assert len(messages) == 2 and all("access_code" not in m.personalisation for m in messages)
    assert len({m.sealed_code for m in messages}) == 2
    for message in messages:
        assert message.sealed_code is not None
        other = next(m for m in messages if m is not message)
        with pytest.raises(StorageUnavailableError):
            codes.open_code(FORCE, CASE_ID, other.key, message.sealed_code)
    # And both channels carry the same code in display form, of which only the hash is stored
    shown = {codes.open_code(FORCE, CASE_ID, m.key, m.sealed_code or "") for m in messages}
    assert len(shown) == 1
    code = shown.pop()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert len(access_code.normalise(code)) == access_code.CODE_LENGTH
    [record] = store.access_codes.values()
    assert record.victim_id == "V-1"
    assert access_code.matches(code, record.code_hash)
    assert access_code.normalise(code) not in record.code_hash
    assert record.expires_at == NOW + timedelta(days=30)


def test_the_personalisation_holds_only_what_the_template_needs() -> None:
    # Given a recorded case with an officer
    store = given_case()
    event = recorded(store)
    # When the confirmation journey runs
    run_journeys(event, environment(store, CONFIRMATION))
    # Then each message carries exactly the template's placeholders, filled in
    message = store.messages[(FORCE, CASE_ID, "000000000001#confirmation#email#V-1")]
    values = dict(message.personalisation)
    assert set(values) == (PLACEHOLDERS["confirmation"] | CONTENT_FREE_NEEDS) - {"access_code"}  # sealed apart
    assert message.sealed_code
    assert (values.pop("force_name"), values.pop("force_phone")) == ("", "101")  # a force the test made up
    assert values == {
        "name": "Alex Example",
        "crime_reference": REFERENCE,
        "portal_url": PORTAL,
        "access_code_expires": "Wednesday 1 April 2026",
    }


def test_a_template_without_the_access_code_gets_no_code() -> None:
    # Given a journey whose template does not use the access code
    store = given_case()
    event = recorded(store)
    # When it runs
    run_journeys(event, environment(store, BRIEF_CONFIRMATION))
    # Then no code is made or stored, and the message holds only its own placeholders
    assert store.access_codes == {}
    for message in store.messages.values():
        assert own(message) == {"name": "Alex Example", "crime_reference": REFERENCE}
        assert "access_code" not in message.personalisation and message.sealed_code is None


def test_replaying_the_same_event_plans_nothing_new() -> None:
    # Given the confirmation already planned for this event
    store = given_case()
    event = recorded(store)
    env = environment(store, CONFIRMATION)
    run_journeys(event, env)
    before = (dict(store.messages), dict(store.duties), dict(store.access_codes), dict(store.tasks), dict(store.runs))
    # When the stream delivers the same event again
    outcome = run_journeys(event, env)
    # Then nothing new is planned and the first access code still stands
    assert outcome is JourneyOutcome.ALREADY_PLANNED
    assert (store.messages, store.duties, store.access_codes, store.tasks, store.runs) == before


@pytest.mark.parametrize(
    ("case_overrides", "applied"),
    [
        ({}, False),
        ({"crime_reference": None, "category": None, "recorded_at": None, "stage": CaseStage.REPORTED}, True),
        (None, True),
    ],
    ids=["event-not-applied", "case-not-recorded-yet", "no-case"],
)
def test_an_event_that_cannot_start_journeys_is_not_applicable(
    case_overrides: dict[str, Any] | None, applied: bool
) -> None:
    # Given an event that was not applied, or a case that is only a stub (or not there at all)
    store = given_case(**case_overrides) if case_overrides is not None else FakeJourneyStore()
    event = recorded(store, applied=applied)
    # When the journeys look at it
    outcome = run_journeys(event, environment(store, CONFIRMATION, BRIEF_CONFIRMATION))
    # Then nothing runs, nothing is written and no "no news" timer starts
    assert outcome is JourneyOutcome.NOT_APPLICABLE
    assert (store.runs, store.messages, store.duties, store.access_codes, store.timers) == ({}, {}, {}, {}, {})


# ---------------------------------------------------------------- safe channels


@pytest.mark.parametrize(
    ("victim", "preferences"),
    [
        (victim_contact(safe_contact=no_channels()), None),
        (victim_contact(email=None, mobile=None), None),
        (victim_contact(), VictimPreferences(channels_off=frozenset({Channel.EMAIL, Channel.SMS}))),
    ],
    ids=["profile-allows-none", "no-details-held", "victim-turned-both-off"],
)
def test_a_statutory_send_with_no_allowed_channel_becomes_an_officer_task(
    victim: VictimContact, preferences: VictimPreferences | None
) -> None:
    # Given a victim no channel may reach
    store = given_case(victim)
    if preferences is not None:
        store.put_preferences(FORCE, CASE_ID, "V-1", preferences)
    event = recorded(store)
    # When the statutory confirmation runs
    outcome = run_journeys(event, environment(store, CONFIRMATION))
    # Then no message is planned; the officer is asked to give it another way, and the deadline still runs
    assert outcome is JourneyOutcome.PLANNED
    assert store.messages == {}
    [task] = store.tasks.values()
    assert task.reason == "message-needs-another-way"
    assert task.detail == {"victim_id": "V-1", "template_id": "confirmation"}
    assert task.created_at == NOW
    assert [d.right for d in store.duties.values()] == [RIGHT3]


def test_a_non_statutory_send_with_no_allowed_channel_makes_no_task() -> None:
    # Given a victim no channel may reach
    store = given_case(victim_contact(safe_contact=no_channels()))
    event = recorded(store)
    # When a non-statutory journey runs
    run_journeys(event, environment(store, BRIEF_CONFIRMATION))
    # Then there is no message and no task
    assert (store.messages, store.tasks) == ({}, {})


def test_two_journeys_with_the_same_step_names_each_get_their_own_task() -> None:
    # Given two statutory journeys on the same event, both with a step called "tell", and a victim no channel reaches
    store = given_case(victim_contact(safe_contact=no_channels()))
    event = recorded(store, ev.SUSPECT_ARRESTED, sequence=2, data={"occurred_at": NOW.isoformat()})
    # When both run
    outcome = run_journeys(event, environment(store, ARREST_TELL, ARREST_SUPPORT))
    # Then both runs are written, each with its own task naming its template, and the Right 6 deadline runs
    assert outcome is JourneyOutcome.PLANNED
    assert sorted(journey_id for journey_id, _, _ in store.runs.values()) == ["arrest-support", "arrest-tell"]
    assert sorted(t.detail["template_id"] for t in store.tasks.values()) == ["support-offer", "suspect-news"]
    assert [d.right for d in store.duties.values()] == [RIGHT6]


# ---------------------------------------------------------------- who a journey runs for


def test_trigger_when_excludes_the_victims_it_does_not_hold_for() -> None:
    # Given a standard and an enhanced victim on one case
    store = given_case(victim_contact(), victim_contact(victim_id="V-2", tier="enhanced"))
    event = recorded(store)
    # When a journey for enhanced victims only runs
    outcome = run_journeys(event, environment(store, ENHANCED_WELCOME))
    # Then only the enhanced victim is messaged
    assert outcome is JourneyOutcome.PLANNED
    assert keys(store) == [
        "000000000001#confirmation-brief#email#V-2",
        "000000000001#confirmation-brief#sms#V-2",
    ]


def test_a_journey_nobody_enters_is_not_applicable() -> None:
    # Given only a standard victim
    store = given_case()
    event = recorded(store)
    # When a journey for enhanced victims only runs
    outcome = run_journeys(event, environment(store, ENHANCED_WELCOME))
    # Then nobody enters it
    assert outcome is JourneyOutcome.NOT_APPLICABLE
    assert (store.runs, store.messages) == ({}, {})


def test_an_event_about_one_victim_runs_for_that_victim_only() -> None:
    # Given two victims
    store = given_case(victim_contact(), victim_contact(victim_id="V-2"))
    event = recorded(store, ev.NEEDS_ASSESSED, sequence=2, data={"victim_id": "V-2", "tier": "standard"})
    # When a needs assessment about the second one runs its journey
    run_journeys(event, environment(store, SUPPORT_NOW))
    # Then only that victim is messaged
    assert keys(store) == ["000000000002#support-offer#email#V-2", "000000000002#support-offer#sms#V-2"]


def _officer_event(sequence: int, *, applied: bool = True) -> dict[str, Any]:
    return {"sequence": sequence, "applied": applied, "data": {"officer": officer_block(name=f"PC Number {sequence}")}}


@pytest.mark.parametrize(
    ("recorded_with_officer", "earlier_assignments", "later_assignments", "template"),
    [
        (False, [], [], "officer-new"),
        (True, [], [], "officer-changed"),
        (False, [2], [], "officer-changed"),
        (False, [], [4], "officer-new"),
        (False, [(2, "late")], [], "officer-changed"),
    ],
    ids=[
        "first-officer",
        "officer-named-when-recorded",
        "earlier-assignment",
        "only-a-later-assignment",
        "earlier-assignment-delivered-out-of-order",
    ],
)
def test_officer_changed_holds_only_when_an_earlier_officer_existed(
    recorded_with_officer: bool, earlier_assignments: list[Any], later_assignments: list[int], template: str
) -> None:
    # Given a case recorded with or without an officer, and other officer assignments before or after this one
    store = given_case()
    recorded(store, data=crime_recorded_data(**({"officer": officer_block()} if recorded_with_officer else {})))
    for earlier in earlier_assignments:
        sequence, applied = (earlier[0], False) if isinstance(earlier, tuple) else (earlier, True)
        recorded(store, ev.OFFICER_ASSIGNED, **_officer_event(sequence, applied=applied))
    for later in later_assignments:
        recorded(store, ev.OFFICER_ASSIGNED, **_officer_event(later))
    event = recorded(store, ev.OFFICER_ASSIGNED, **_officer_event(3))
    # When the assignment at sequence 3 runs the officer journey
    run_journeys(event, environment(store, OFFICER))
    # Then the victim is told of a new officer, or of a change of officer, accordingly
    assert {m.template_id for m in store.messages.values()} == {template}


def test_officer_changed_still_holds_after_a_wait() -> None:
    # Given a case recorded with an officer, and a journey that waits before telling the victim of a new one
    store = given_case()
    recorded(store, data=crime_recorded_data(officer=officer_block()))
    event = recorded(store, ev.OFFICER_ASSIGNED, **_officer_event(2))
    clock = FixedClock(NOW)
    env = environment(store, OFFICER_LATER, clock=clock)
    run_journeys(event, env)
    # When the wait is over
    clock.advance(hours=1)
    fire_due_timers([FORCE], env)
    # Then the victim hears that their officer changed
    assert {m.template_id for m in store.messages.values()} == {"officer-changed"}


def test_a_once_per_case_journey_runs_once_across_two_events() -> None:
    # Given a case with a once-per-case journey
    store = given_case()
    first = recorded(store, ev.INVESTIGATION_UPDATED, sequence=2, data={"summary": "We have the CCTV."})
    second = recorded(store, ev.INVESTIGATION_UPDATED, sequence=3, data={"summary": "We spoke to a witness."})
    env = environment(store, VPS_OFFER)
    # When two events trigger it
    outcomes = [run_journeys(first, env), run_journeys(second, env)]
    # Then the victim enters it once, with the first event's details
    assert outcomes == [JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED]
    assert keys(store) == ["once#vps-offer#email#V-1", "once#vps-offer#sms#V-1"]
    assert {m.personalisation["update_summary"] for m in store.messages.values()} == {"We have the CCTV."}
    assert list(store.runs) == [(FORCE, CASE_ID, "vps-offer#once#V-1")]


# ---------------------------------------------------------------- waits and timers

SUPPORT_TIMER = "support#000000000002#V-1#remind"
SUPPORT_DUTY = f"{RIGHT4}#000000000002#V-1"


def _needs_assessed(store: FakeJourneyStore, victim_id: str = "V-1", sequence: int = 2) -> StoredEvent:
    return recorded(store, ev.NEEDS_ASSESSED, sequence=sequence, data={"victim_id": victim_id, "tier": "standard"})


def _reminders(store: FakeJourneyStore) -> list[str]:
    return sorted(key for _, _, key in store.messages if "#support-reminder" in key)


def test_a_wait_creates_a_timer_and_nothing_after_it_is_sent_yet() -> None:
    # Given a needs assessment
    store = given_case()
    event = _needs_assessed(store)
    # When the support journey runs
    run_journeys(event, environment(store, SUPPORT))
    # Then the offer goes now, the Right 4 deadline starts, and a timer waits a day to resume at the reminder
    assert keys(store) == ["000000000002#support-offer#email#V-1", "000000000002#support-offer#sms#V-1"]
    assert [d.duty_id for d in store.duties.values()] == [SUPPORT_DUTY]
    timer = store.timer(FORCE, CASE_ID, SUPPORT_TIMER)
    assert timer is not None
    assert (timer.due_at, timer.step, timer.journey_id, timer.version, timer.run_key, timer.event_sequence) == (
        NOW + timedelta(hours=24),
        "remind",
        "support",
        1,
        "000000000002",
        2,
    )


def test_a_timer_does_nothing_before_it_is_due() -> None:
    # Given a run waiting until tomorrow
    store = given_case()
    clock = FixedClock(NOW)
    env = environment(store, SUPPORT, clock=clock)
    run_journeys(_needs_assessed(store), env)
    # When the sweep runs a minute early
    clock.advance(hours=24, minutes=-1)
    fired = fire_due_timers([FORCE], env)
    # Then nothing fires and the run keeps waiting
    assert fired == 0
    assert _reminders(store) == []
    assert store.timer(FORCE, CASE_ID, SUPPORT_TIMER) is not None


def test_a_due_timer_sends_the_next_step_once_and_it_settles_the_duty_started_before_the_wait() -> None:
    # Given a run waiting until tomorrow
    store = given_case()
    clock = FixedClock(NOW)
    env = environment(store, SUPPORT, clock=clock)
    run_journeys(_needs_assessed(store), env)
    waiting = store.timer(FORCE, CASE_ID, SUPPORT_TIMER)
    # When the sweep runs once it is due, then again
    clock.advance(hours=24)
    fired = [fire_due_timers([FORCE], env), fire_due_timers([FORCE], env)]
    # Then the reminder is planned once, on each channel, settling the duty the run started, and the timer is gone
    assert fired == [1, 0]
    assert _reminders(store) == ["000000000002#support-reminder#email#V-1", "000000000002#support-reminder#sms#V-1"]
    for key in _reminders(store):
        message = store.messages[(FORCE, CASE_ID, key)]
        assert (message.duty_id, message.statutory, message.created_at) == (SUPPORT_DUTY, True, clock.now())
    assert store.timer(FORCE, CASE_ID, SUPPORT_TIMER) is None
    # And a sweep that still sees the consumed timer in its (eventually consistent) index plans nothing
    assert waiting is not None
    store.stale_timers.append(waiting)
    before = dict(store.messages)
    assert fire_due_timers([FORCE], env) == 0
    assert store.messages == before


def test_exit_when_holding_at_fire_time_drops_the_timer_and_sends_nothing() -> None:
    # Given a run waiting until tomorrow
    store = given_case()
    clock = FixedClock(NOW)
    env = environment(store, SUPPORT, clock=clock)
    run_journeys(_needs_assessed(store), env)
    # And the case closed meanwhile
    store.put_case(case_record(stage=CaseStage.CLOSED))
    # When the timer is due
    clock.advance(hours=24)
    fired = fire_due_timers([FORCE], env)
    # Then the run stops: no reminder, no timer
    assert fired == 0
    assert _reminders(store) == []
    assert store.timer(FORCE, CASE_ID, SUPPORT_TIMER) is None


def test_a_waiting_run_resumes_with_the_version_it_started_with() -> None:
    # Given a run of version 1 waiting, and then version 2 deployed beside it
    store = given_case(victim_contact(), victim_contact(victim_id="V-2"))
    clock = FixedClock(NOW)
    run_journeys(_needs_assessed(store), environment(store, SUPPORT, clock=clock))
    both = environment(store, SUPPORT, SUPPORT_V2, clock=clock)
    run_journeys(_needs_assessed(store, "V-2", sequence=3), both)
    # When the timers are due
    clock.advance(hours=24)
    fired = fire_due_timers([FORCE], both)
    # Then the earlier run finishes with version 1's step, and the run started after the deploy uses version 2
    assert fired == 2
    assert sorted(key for _, _, key in store.messages if "reminder" in key) == [
        "000000000002#support-reminder#email#V-1",
        "000000000002#support-reminder#sms#V-1",
        "000000000003#support-reminder-v2#email#V-2",
        "000000000003#support-reminder-v2#sms#V-2",
    ]
    assert store.state(FORCE, CASE_ID).versions == {("support", "V-1"): 1, ("support", "V-2"): 2}


# ---------------------------------------------------------------- a tier change moves open deadlines


def _right6_duty(duty_id: str, victim_id: str, status: DutyStatus = DutyStatus.OPEN) -> Duty:
    return Duty(
        force_id=FORCE,
        case_id=CASE_ID,
        duty_id=duty_id,
        right=RIGHT6,
        due_on=date(2026, 3, 9),  # 5 working days after Monday 2 March
        status=status,
        victim_id=victim_id,
        tier="standard",
        started_on=date(2026, 3, 2),
        working_days={"standard": 5, "enhanced": 1},
    )


def test_a_needs_assessment_that_changes_the_tier_reschedules_open_duties_only() -> None:
    # Given two victims with Right 6 deadlines, one of them met, and the first victim now assessed as enhanced
    store = given_case(victim_contact(tier="enhanced"), victim_contact(victim_id="V-2"))
    open_duty = _right6_duty("open#V-1", "V-1")
    met_duty = _right6_duty("met#V-1", "V-1", DutyStatus.MET)
    other_duty = _right6_duty("open#V-2", "V-2")
    for duty in (open_duty, met_duty, other_duty):
        store.put_duty(duty)
    event = recorded(store, ev.NEEDS_ASSESSED, sequence=3, data={"victim_id": "V-1", "tier": "enhanced"})
    # When the assessment is applied
    run_journeys(event, environment(store))
    # Then the victim's open deadline moves to 1 working day after it started; the rest stay as they were
    assert store.duties[(FORCE, CASE_ID, "open#V-1")] == dataclasses.replace(
        open_duty, tier="enhanced", due_on=date(2026, 3, 3)
    )
    assert store.duties[(FORCE, CASE_ID, "met#V-1")] == met_duty
    assert store.duties[(FORCE, CASE_ID, "open#V-2")] == other_duty


def test_a_needs_assessment_that_keeps_the_tier_moves_nothing() -> None:
    # Given an open standard deadline
    store = given_case()
    duty = _right6_duty("open#V-1", "V-1")
    store.put_duty(duty)
    event = recorded(store, ev.NEEDS_ASSESSED, sequence=3, data={"victim_id": "V-1", "tier": "standard"})
    # When a standard assessment is applied
    run_journeys(event, environment(store))
    # Then the deadline is unchanged
    assert store.duties[(FORCE, CASE_ID, "open#V-1")] == duty


# ---------------------------------------------------------------- "no news yet"

NO_NEWS_ID = "no-news#V-1"


def _no_news_due(store: FakeJourneyStore) -> datetime | None:
    timer = store.timer(FORCE, CASE_ID, NO_NEWS_ID)
    return timer.due_at if timer else None


@pytest.mark.parametrize(
    ("preferences", "days"),
    [(None, 28), (VictimPreferences(no_news_days=14), 14), (VictimPreferences(no_news_days=28), 28)],
    ids=["default", "fortnightly", "four-weekly"],
)
def test_an_applied_event_sets_the_no_news_timer(preferences: VictimPreferences | None, days: int) -> None:
    # Given a victim with (or without) a "no news yet" choice
    store = given_case()
    if preferences is not None:
        store.put_preferences(FORCE, CASE_ID, "V-1", preferences)
    event = recorded(store)
    # When an event is applied
    run_journeys(event, environment(store))
    # Then their "no news yet" timer is due that many days after the event
    timer = store.timer(FORCE, CASE_ID, NO_NEWS_ID)
    assert timer is not None
    assert (timer.due_at, timer.journey_id, timer.victim_id) == (NOW + timedelta(days=days), NO_NEWS_TIMER, "V-1")


def test_a_later_event_moves_the_no_news_timer_later_and_an_older_replay_does_not_move_it_back() -> None:
    # Given a timer set by the first event
    store = given_case()
    env = environment(store)
    first = recorded(store)
    run_journeys(first, env)
    # When a later event is applied, and then the first is replayed
    later = recorded(store, ev.INVESTIGATION_UPDATED, sequence=2, occurred_at=NOW + timedelta(days=3))
    run_journeys(later, env)
    moved = _no_news_due(store)
    run_journeys(first, env)
    # Then the timer follows the later event and stays there
    assert moved == NOW + timedelta(days=31)
    assert _no_news_due(store) == NOW + timedelta(days=31)


@pytest.mark.parametrize(
    ("preferences", "stage"),
    [(VictimPreferences(no_news_days=None), CaseStage.INVESTIGATING), (None, CaseStage.CLOSED)],
    ids=["victim-wants-no-no-news", "case-closed"],
)
def test_no_news_timer_is_dropped(preferences: VictimPreferences | None, stage: CaseStage) -> None:
    # Given a running "no news yet" timer
    store = given_case()
    env = environment(store)
    run_journeys(recorded(store), env)
    assert _no_news_due(store) is not None
    # When the victim says they want no such updates, or the case closes, and an event is applied
    if preferences is not None:
        store.put_preferences(FORCE, CASE_ID, "V-1", preferences)
    store.put_case(case_record(stage=stage))
    run_journeys(recorded(store, ev.INVESTIGATION_UPDATED, sequence=2), env)
    # Then the timer is gone
    assert _no_news_due(store) is None


def test_firing_the_no_news_timer_runs_the_no_news_journey_once_for_that_date_and_reschedules() -> None:
    # Given a linked victim whose last news was on Monday 2 March
    store = given_case()
    store.link(FORCE, CASE_ID, "V-1")
    clock = FixedClock(NOW)
    env = environment(store, NO_NEWS, clock=clock)
    run_journeys(recorded(store), env)
    timer = store.timer(FORCE, CASE_ID, NO_NEWS_ID)
    # When four weeks pass and the sweep runs
    clock.advance(days=28)
    fired = fire_due_timers([FORCE], env)
    # Then the no-news journey runs for that date, with the date of the last news, and the next one is set
    assert fired == 1
    assert keys(store) == ["nonews-2026-03-30#no-news#email#V-1", "nonews-2026-03-30#no-news#sms#V-1"]
    message = store.messages[(FORCE, CASE_ID, "nonews-2026-03-30#no-news#email#V-1")]
    assert own(message) == {
        "name": "Alex Example",
        "last_update_date": "Monday 2 March 2026",
        "weeks_since_update": "4",
    }
    assert message.statutory is False
    assert _no_news_due(store) == NOW + timedelta(days=56)
    # And a sweep that sees the old timer again plans nothing more for that date
    assert timer is not None
    store.stale_timers.append(timer)
    assert fire_due_timers([FORCE], env) == 0
    assert len(store.messages) == 2
    assert _no_news_due(store) == NOW + timedelta(days=56)


def test_the_no_news_journey_sees_whether_the_victim_is_linked() -> None:
    # Given a victim who has not linked an account
    store = given_case()
    clock = FixedClock(NOW)
    env = environment(store, NO_NEWS, clock=clock)
    run_journeys(recorded(store), env)
    # When the "no news yet" timer fires
    clock.advance(days=28)
    fire_due_timers([FORCE], env)
    # Then they get the variant inviting them to register
    assert {m.template_id for m in store.messages.values()} == {"no-news-register"}


def test_while_the_officer_is_away_no_news_says_so_and_who_covers() -> None:
    # Given a linked victim whose officer is away from 25 March to 10 April, covered by the duty desk
    away = {"away_from": "2026-03-25", "away_until": "2026-04-10", "cover_team": "Hub duty desk"}
    store = given_case(officer={"name": "DC Sam Patel"}, officer_absence=away)
    store.link(FORCE, CASE_ID, "V-1")
    choices = [{"when": {"officer_away": True}, "template": "no-news-away"}, {"template": "no-news"}]
    definition = journey("no-news", NO_NEWS_TIMER, {"tell": {"type": "send", "statutory": False, "choose": choices}})
    clock = FixedClock(NOW)
    env = environment(store, definition, clock=clock)
    run_journeys(recorded(store), env)
    # When the cadence comes round on 30 March, inside the absence
    clock.advance(days=28)
    fire_due_timers([FORCE], env)
    # Then the away variant goes, with the last day away and the cover
    [message] = [m for m in store.messages.values() if m.channel == "email"]
    assert message.template_id == "no-news-away"
    assert (own(message)["away_until"], own(message)["cover_team"]) == ("Friday 10 April 2026", "Hub duty desk")
    # And four weeks later, the officer back, the usual one
    clock.advance(days=28)
    fire_due_timers([FORCE], env)
    assert sorted(m.template_id for m in store.messages.values() if m.channel == "email") == ["no-news", "no-news-away"]


def test_a_no_news_timer_firing_after_the_case_closed_sends_nothing() -> None:
    # Given a running "no news yet" timer and a case closed without a new event reaching the journeys
    store = given_case()
    clock = FixedClock(NOW)
    env = environment(store, NO_NEWS, clock=clock)
    run_journeys(recorded(store), env)
    store.put_case(case_record(stage=CaseStage.CLOSED))
    # When the timer is due
    clock.advance(days=28)
    fired = fire_due_timers([FORCE], env)
    # Then nothing is sent and the cadence stops
    assert fired == 0
    assert store.messages == {}
    assert _no_news_due(store) is None


# ---------------------------------------------------------------- access code re-issued, account linked


def test_a_code_reissue_sends_a_new_code_to_that_victim_and_lifts_the_reference_lock_once() -> None:
    # Given two victims, and a force re-issuing the second one's code
    store = given_case(victim_contact(), victim_contact(victim_id="V-2"))
    locks = RecordingLocks()
    env = environment(store, NEW_CODE, locks=locks)
    event = recorded(store, ev.ACCESS_CODE_REISSUED, sequence=2, data={"victim_id": "V-2"})
    # When the event runs, and is then delivered again
    outcomes = [run_journeys(event, env), run_journeys(event, env)]
    # Then the second victim gets a new code, and the lock on guessing the reference is lifted once
    assert outcomes == [JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED]
    assert keys(store) == ["000000000002#new-code#email#V-2", "000000000002#new-code#sms#V-2"]
    [(_, _, victim_id)] = store.access_codes
    assert victim_id == "V-2"
    assert locks.cleared == [REFERENCE]


def test_a_code_reissue_that_writes_nothing_leaves_the_lock() -> None:
    # Given no journey for code re-issues
    store = given_case()
    locks = RecordingLocks()
    event = recorded(store, ev.ACCESS_CODE_REISSUED, sequence=2, data={"victim_id": "V-1"})
    # When the event runs
    run_journeys(event, environment(store, CONFIRMATION, locks=locks))
    # Then the lock stays
    assert locks.cleared == []


def test_account_journeys_run_once_when_a_victim_links_their_account() -> None:
    # Given a recorded case, an account journey and a case journey
    store = given_case()
    env = environment(store, WELCOME, CONFIRMATION)
    # When the victim links their account, and the link is seen again
    outcomes = [run_account_linked(FORCE, CASE_ID, "V-1", env), run_account_linked(FORCE, CASE_ID, "V-1", env)]
    # Then only the account journey runs, once
    assert outcomes == [JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED]
    assert keys(store) == ["000000000000#welcome#email#V-1", "000000000000#welcome#sms#V-1"]
    assert own(store.messages[(FORCE, CASE_ID, "000000000000#welcome#email#V-1")]) == {
        "name": "Alex Example",
        "portal_url": PORTAL,
    }


def test_linking_for_a_victim_the_case_does_not_have_is_not_applicable() -> None:
    # Given a case without victim V-9
    store = given_case()
    # When V-9 links
    outcome = run_account_linked(FORCE, CASE_ID, "V-9", environment(store, WELCOME))
    # Then nothing runs
    assert outcome is JourneyOutcome.NOT_APPLICABLE
    assert store.messages == {}


# ---------------------------------------------------------------- contact choices

CHOICES = journey(
    "choices",
    PREFERENCES_CHANGED,
    {
        "confirm": {
            "type": "send",
            "statutory": True,
            "choose": [
                {"when": {"data_in": {"change": ["opted-out"]}}, "template": "welcome"},
                {"template": "support-offer"},
            ],
        }
    },
)


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (None, VictimPreferences(non_statutory=False), "opted-out"),
        (VictimPreferences(), VictimPreferences(non_statutory=False), "opted-out"),
        (VictimPreferences(non_statutory=False), VictimPreferences(), "opted-in"),
        (VictimPreferences(), VictimPreferences(no_news_days=14), "updated"),
        (VictimPreferences(non_statutory=False), VictimPreferences(non_statutory=False, hide_crime=True), "updated"),
    ],
)
def test_a_change_of_choices_is_named_by_what_it_does_to_non_statutory_messages(
    before: VictimPreferences | None, after: VictimPreferences, change: str
) -> None:
    assert preference_change(before, after) == change


def test_opting_out_is_confirmed_once_per_change_even_to_a_victim_who_opted_out() -> None:
    # Given a victim who has just opted out
    store = given_case()
    env = environment(store, CHOICES)
    changed_at = NOW + timedelta(minutes=3)
    # When the change is seen (twice: stream redelivery)
    first = run_preferences_changed(FORCE, CASE_ID, "V-1", "opted-out", changed_at, env)
    again = run_preferences_changed(FORCE, CASE_ID, "V-1", "opted-out", changed_at, env)
    # Then one statutory confirmation per channel is planned, keyed on when the change was made
    assert (first, again) == (JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED)
    stamp = f"{int(changed_at.timestamp()):012d}"
    assert keys(store) == [f"{stamp}#welcome#email#V-1", f"{stamp}#welcome#sms#V-1"]
    assert all(m.statutory for m in store.messages.values())
    # And a later, different change is confirmed with the other template
    later = changed_at + timedelta(days=1)
    assert run_preferences_changed(FORCE, CASE_ID, "V-1", "updated", later, env) is JourneyOutcome.PLANNED
    assert f"{int(later.timestamp()):012d}#support-offer#sms#V-1" in keys(store)


def test_a_change_for_a_victim_not_on_the_case_plans_nothing() -> None:
    store = given_case()
    env = environment(store, CHOICES)
    assert run_preferences_changed(FORCE, CASE_ID, "V-9", "opted-out", NOW, env) is JourneyOutcome.NOT_APPLICABLE
    assert store.messages == {}


def test_a_duty_started_and_settled_in_one_step_run_is_written_once_already_met() -> None:
    # Given a journey that starts the Right 4 duty and settles it at once (the force referred them)
    referral = journey(
        "referral",
        ev.NEEDS_ASSESSED,
        {
            "deadline": {
                "type": "start-duty",
                "right": "right-4-support-referral",
                "working_days": {"standard": 2, "enhanced": 2},
                "next": "done",
            },
            "done": {"type": "settle-duty", "right": "right-4-support-referral"},
        },
    )
    store = given_case()
    event = recorded(store, ev.NEEDS_ASSESSED, sequence=2, data={"victim_id": "V-1", "tier": "standard"})
    # When it runs
    assert run_journeys(event, environment(store, referral)) is JourneyOutcome.PLANNED
    # Then the duty exists once, met, with nothing left to settle separately
    [duty] = store.duties.values()
    assert (duty.status, duty.met_at, duty.met_by) == (DutyStatus.MET, NOW, "settled#referral")


def test_a_hearing_type_no_choice_names_is_sent_generally_and_reported_to_the_force_once() -> None:
    # Given a journey that picks the trial text for a trial, else the general text
    hearing = journey(
        "hearing",
        ev.COURT_HEARING_SCHEDULED,
        {
            "tell": {
                "type": "send",
                "statutory": True,
                "choose": [
                    {"when": {"data_in": {"hearing_type": ["trial"]}}, "template": "confirmation"},
                    {"template": "confirmation-brief"},
                ],
            }
        },
    )
    store = given_case()
    data = {"hearing_type": "Jury trial (Crown)"}
    event = recorded(store, ev.COURT_HEARING_SCHEDULED, sequence=2, data=data)
    # When the force sends a hearing type the journey does not name (twice: a redelivery)
    run_journeys(event, environment(store, hearing))
    run_journeys(event, environment(store, hearing))
    # Then the general text goes, and one task tells the force which value was not recognised
    assert {message.template_id for message in store.messages.values()} == {"confirmation-brief"}
    [task] = store.tasks.values()
    assert task.reason == "unrecognised-value"
    assert task.detail == {"victim_id": "V-1", "hearing_type": "Jury trial (Crown)"}


def test_events_that_came_before_the_recording_are_told_after_it_and_once() -> None:
    # Given a force that sent an arrest and a charge before recording the crime (nobody to tell yet)
    charge_tell = journey("charge-tell", ev.SUSPECT_CHARGED, {"tell": send("suspect-news", statutory=True)})
    env_definitions = (CONFIRMATION, ARREST_TELL, charge_tell)
    store = given_case(recorded_at=None)
    # (ingest stores them on the stub case unapplied: the charge first, then the arrest it came after)
    at = {"occurred_at": NOW.isoformat()}
    charged = recorded(store, ev.SUSPECT_CHARGED, sequence=2, data=at, applied=False)
    arrested = recorded(store, ev.SUSPECT_ARRESTED, sequence=1, data=at, applied=False)
    assert run_journeys(charged, environment(store, *env_definitions)) is JourneyOutcome.NOT_APPLICABLE
    assert run_journeys(arrested, environment(store, *env_definitions)) is JourneyOutcome.NOT_APPLICABLE
    assert store.messages == {}
    # When the crime is recorded (and the same event is delivered again)
    store.put_case(case_record())
    recording = recorded(store, sequence=3, occurred_at=NOW + timedelta(minutes=5))
    assert run_journeys(recording, environment(store, *env_definitions)) is JourneyOutcome.PLANNED
    planned = dict(store.messages)
    assert run_journeys(recording, environment(store, *env_definitions)) is JourneyOutcome.ALREADY_PLANNED
    # Then the confirmation, the arrest and the charge each have their run and their messages, once
    assert store.messages == planned
    assert sorted(journey_id for journey_id, _, _ in store.runs.values()) == [
        "arrest-tell",
        "charge-tell",
        "confirmation",
    ]
    templates = sorted(m.template_id for m in planned.values())
    assert templates == sorted(["confirmation"] * 2 + ["suspect-news"] * 4)  # email and SMS each
    # And the arrest's Right 6 deadline runs from the arrest, not from the recording
    [right6] = [d for d in store.duties.values() if d.right == RIGHT6]
    assert right6.started_on == uk_date(NOW)
