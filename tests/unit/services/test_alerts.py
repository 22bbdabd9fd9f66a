"""Must-acknowledge safety alerts through the engine, on a fake clock: a journey's alert is raised with its
message, repeated on another safe channel, then given to an officer; a confirmed one stops; confirming is
idempotent and refused like a stranger for anyone else's alert."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from caseline.domain import event_types as ev
from caseline.domain.alerts import ACKNOWLEDGED_ACTION, ALERT_UNACKNOWLEDGED, REMINDER_TEMPLATE, SafetyAlert
from caseline.domain.errors import NotFoundError, ValidationFailedError
from caseline.domain.journeys import JourneyDefinition
from caseline.domain.outbound import ALERT_UNACKNOWLEDGED as ALERT_EVENT
from caseline.domain.outbound import task_event
from caseline.domain.personalisation import ALERT_TIMER
from caseline.domain.records import AuditEntry, CasePartition, JourneyTimer, WriteOutcome
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel
from caseline.services.alerts import acknowledge_alert
from caseline.services.journey_timers import fire_due_timers
from caseline.services.journeys import JourneyEnvironment, run_journeys
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, stored_event, victim_contact
from tests.unit.fakes import FakeJourneyStore, FixedClock

PORTAL = "https://portal.example.org"
SETTINGS: dict[str, Any] = {
    "default": {
        "repeat_after_hours": {"standard": 24, "enhanced": 4},
        "task_after_hours": {"standard": 24, "enhanced": 4},
    }
}
BAILED = JourneyDefinition.from_document(
    {
        "id": "suspect-bailed",
        "version": 2,
        "trigger": {"event": ev.SUSPECT_BAILED, "when": {}},
        "start": "tell",
        "steps": {"tell": {"type": "send", "template": "bail-news", "statutory": True, "acknowledge": True}},
    }
)
PLACEHOLDERS = {
    "bail-news": frozenset({"name", "event_date", "alert_url"}),
    REMINDER_TEMPLATE: frozenset({"name", "alert_url"}),
}


def world(**victim: Any) -> tuple[FakeJourneyStore, JourneyEnvironment, FixedClock]:
    store = FakeJourneyStore()
    store.put_case(case_record())
    store.put_victim(victim_contact(**victim))
    clock = FixedClock(NOW)
    env = JourneyEnvironment(
        store=store,
        clock=clock,
        definitions={(BAILED.journey_id, BAILED.version): BAILED},
        template_placeholders=PLACEHOLDERS,
        portal_url=PORTAL,
        alert_settings=SETTINGS,
    )
    return store, env, clock


def bailed(store: FakeJourneyStore, env: JourneyEnvironment) -> SafetyAlert:
    event = stored_event(
        sequence=4, event_id="evt-4", event_type=ev.SUSPECT_BAILED, data={"occurred_at": NOW.isoformat()}
    )
    store.put_event(event)
    run_journeys(event, env)
    [alert] = store.alerts.values()
    return alert


def sweep_at(env: JourneyEnvironment, clock: FixedClock, hours: float) -> int:
    clock.current = NOW + timedelta(hours=hours)
    return fire_due_timers([FORCE], env)


def alert_timers(store: FakeJourneyStore) -> list[JourneyTimer]:
    return [t for t in store.timers.values() if t.journey_id == ALERT_TIMER]


def reminders(store: FakeJourneyStore) -> list[str]:
    return sorted(m.channel for m in store.messages.values() if m.template_id == REMINDER_TEMPLATE)


def test_the_alert_is_raised_with_its_message_which_links_to_it_by_an_opaque_fragment() -> None:
    store, env, _ = world(tier="enhanced")
    alert = bailed(store, env)
    assert alert.channels == ("email", "sms") and alert.acknowledged_at is None
    messages = [m for m in store.messages.values() if m.template_id == "bail-news"]
    assert len(messages) == 2
    for message in messages:
        assert message.personalisation["alert_url"] == f"{PORTAL}/case.html#alert={alert.alert_id}"
        assert CASE_ID not in message.personalisation["alert_url"]
    [timer] = alert_timers(store)
    assert timer.due_at == NOW + timedelta(hours=4)


def test_an_enhanced_victims_unconfirmed_alert_is_repeated_then_becomes_an_officer_task() -> None:
    store, env, clock = world(tier="enhanced")
    alert = bailed(store, env)
    # Nothing before the enhanced time
    assert sweep_at(env, clock, 3.9) == 0 and reminders(store) == []
    # Repeated at 4 hours, statutory, on the channels it could go by
    assert sweep_at(env, clock, 4) == 1
    assert reminders(store) == ["email", "sms"]
    assert all(m.statutory for m in store.messages.values() if m.template_id == REMINDER_TEMPLATE)
    assert store.tasks == {}
    # A second sweep at the same moment writes nothing twice
    assert sweep_at(env, clock, 4) == 0 and len(reminders(store)) == 2
    # Still unconfirmed 4 hours after the repeat: an officer task, as its own outbound type
    assert sweep_at(env, clock, 7.9) == 0
    assert sweep_at(env, clock, 8) == 1
    [task] = store.tasks.values()
    assert task.reason == ALERT_UNACKNOWLEDGED
    assert task.detail["alert_id"] == alert.alert_id and task.detail["repeated"] == "yes"
    assert task_event(FORCE, CASE_ID, task.task_id, task.reason, task.detail, task.created_at).event_type == ALERT_EVENT
    # And nothing is left to fire
    assert alert_timers(store) == [] and sweep_at(env, clock, 100) == 0


def test_a_standard_victim_waits_the_longer_time() -> None:
    store, env, clock = world(tier="standard")
    bailed(store, env)
    assert sweep_at(env, clock, 4) == 0 and reminders(store) == []
    assert sweep_at(env, clock, 24) == 1 and reminders(store) == ["email", "sms"]
    assert sweep_at(env, clock, 47) == 0 and store.tasks == {}
    assert sweep_at(env, clock, 48) == 1 and len(store.tasks) == 1


def test_a_confirmed_alert_is_neither_repeated_nor_tasked() -> None:
    store, env, clock = world(tier="enhanced")
    alert = bailed(store, env)
    key = (FORCE, CASE_ID, alert.alert_id)
    store.alerts[key] = dataclasses.replace(alert, acknowledged_at=NOW + timedelta(hours=1), acknowledged_by="u-1")
    sweep_at(env, clock, 4)
    sweep_at(env, clock, 8)
    assert reminders(store) == [] and store.tasks == {} and alert_timers(store) == []


def test_the_repeat_goes_by_the_safe_channel_the_alert_did_not() -> None:
    # Given an alert that went by email only (the victim's profile allowed nothing else then)
    store, env, clock = world(tier="enhanced", safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,)))
    bailed(store, env)
    # When the profile allows texts again before the repeat
    store.put_victim(victim_contact(tier="enhanced"))
    sweep_at(env, clock, 4)
    # Then the repeat goes by text
    assert reminders(store) == ["sms"]


def test_with_no_safe_channel_left_the_force_is_told_at_the_repeat() -> None:
    store, env, clock = world(tier="enhanced")
    bailed(store, env)
    store.put_victim(victim_contact(tier="enhanced", safe_contact=SafeContactProfile(safe_channels=())))
    sweep_at(env, clock, 4)
    [task] = store.tasks.values()
    assert task.reason == ALERT_UNACKNOWLEDGED and task.detail["repeated"] == "no"
    assert reminders(store) == [] and alert_timers(store) == []


# ---------------------------------------------------------------- confirming


class Victims:
    """A case with Alex (V-1) and Sam (V-2), one alert each; the alert store confirms once."""

    def __init__(self) -> None:
        event = stored_event(sequence=4, event_type=ev.SUSPECT_BAILED, data={})
        self.alerts = [
            SafetyAlert(FORCE, CASE_ID, f"{n:020x}", f"V-{n}", ev.SUSPECT_BAILED, 4, NOW, ("email",)) for n in (1, 2)
        ]
        self.partition = CasePartition(case_record(), [event], [], {"alex": "V-1", "sam": "V-2"}, [], [])
        self.audit: list[AuditEntry] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        if (force_id, case_id) != (FORCE, CASE_ID):
            return CasePartition(None, [], [], {}, [], [])
        return dataclasses.replace(self.partition, alerts=list(self.alerts))

    def acknowledge(self, alert: SafetyAlert, user_id: str, at: Any) -> WriteOutcome:
        index = next(i for i, a in enumerate(self.alerts) if a.alert_id == alert.alert_id)
        if self.alerts[index].acknowledged_at is not None:
            return WriteOutcome.DUPLICATE
        self.alerts[index] = dataclasses.replace(alert, acknowledged_at=at, acknowledged_by=user_id)
        return WriteOutcome.WRITTEN

    def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    def confirm(self, user: str, alert: str, case_id: str = CASE_ID, at: Any = NOW) -> Any:
        return acknowledge_alert(user, FORCE, case_id, alert, reader=self, store=self, audit=self, clock=FixedClock(at))


def test_confirming_records_it_once_and_answers_the_first_confirmation_again() -> None:
    victims = Victims()
    first = victims.confirm("alex", f"{1:020x}")
    assert first.acknowledged_at == NOW and first.title == "A suspect has been released on bail"
    again = victims.confirm("alex", f"{1:020x}", at=NOW + timedelta(hours=2))
    assert again.acknowledged_at == NOW
    assert [(e.action, e.user_id, e.force_id) for e in victims.audit] == [(ACKNOWLEDGED_ACTION, "alex", FORCE)]


def test_another_victims_alert_or_case_is_not_found_and_a_bad_id_is_refused() -> None:
    victims = Victims()
    with pytest.raises(NotFoundError):
        victims.confirm("alex", f"{2:020x}")  # Sam's
    with pytest.raises(NotFoundError):
        victims.confirm("alex", f"{1:020x}", case_id="OTHER")
    with pytest.raises(NotFoundError):
        victims.confirm("stranger", f"{1:020x}")
    with pytest.raises(ValidationFailedError):
        victims.confirm("alex", "not-an-alert")
    assert victims.audit == [] and all(a.acknowledged_at is None for a in victims.alerts)
