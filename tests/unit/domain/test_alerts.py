"""Must-acknowledge safety alerts: the force's times, the escalation decision and the repeat's channels."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caseline.content import alert_settings, journey_definitions
from caseline.domain import event_types as ev
from caseline.domain.alerts import (
    ALERT_ID,
    REPEAT_STEP,
    TASK_STEP,
    Escalation,
    SafetyAlert,
    alert_id,
    alert_times,
    alerts_for,
    check_settings,
    escalation,
    next_due,
    repeat_channels,
)
from caseline.domain.journeys import JourneyContext, JourneyDefinition, plan, validate
from caseline.domain.vocabulary import Channel
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, stored_event, victim_contact

SETTINGS: dict[str, Any] = {
    "default": {
        "repeat_after_hours": {"standard": 24, "enhanced": 4},
        "task_after_hours": {"standard": 48, "enhanced": 6},
    },
    "forces": {
        "south-shire": {
            "repeat_after_hours": {"standard": 12, "enhanced": 2},
            "task_after_hours": {"standard": 12, "enhanced": 2},
        }
    },
}


def alert(**overrides: Any) -> SafetyAlert:
    fields: dict[str, Any] = {
        "force_id": FORCE,
        "case_id": CASE_ID,
        "alert_id": alert_id(FORCE, CASE_ID, "V-1", 4),
        "victim_id": "V-1",
        "event_type": ev.SUSPECT_BAILED,
        "event_sequence": 4,
        "raised_at": NOW,
        "channels": ("email", "sms"),
    }
    return SafetyAlert(**(fields | overrides))


def test_the_shipped_settings_are_sound_and_an_enhanced_victim_waits_less() -> None:
    assert check_settings(alert_settings()) == []
    times = alert_times(alert_settings(), "thames-valley")
    assert times.repeat_after("enhanced") < times.repeat_after("standard")
    assert times.task_after("enhanced") <= times.task_after("standard")


def test_a_force_without_its_own_times_gets_the_default_and_one_with_them_its_own() -> None:
    assert alert_times(SETTINGS, FORCE).repeat_after("enhanced") == timedelta(hours=4)
    assert alert_times(SETTINGS, FORCE).task_after("standard") == timedelta(hours=48)
    assert alert_times(SETTINGS, "south-shire").repeat_after("standard") == timedelta(hours=12)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"repeat_after_hours": {"standard": 24}, "task_after_hours": {"standard": 1, "enhanced": 1}}, "needs hours"),
        (
            {"repeat_after_hours": {"standard": 0, "enhanced": 0}, "task_after_hours": {"standard": 1, "enhanced": 1}},
            "1 to 720",
        ),
        (
            {"repeat_after_hours": {"standard": 4, "enhanced": 8}, "task_after_hours": {"standard": 1, "enhanced": 1}},
            "longer",
        ),
        (
            {
                "repeat_after_hours": {"standard": 4, "enhanced": True},
                "task_after_hours": {"standard": 1, "enhanced": 1},
            },
            "whole number",
        ),
    ],
)
def test_unsound_times_are_refused_with_where_and_why(section: dict[str, Any], problem: str) -> None:
    document = {"default": SETTINGS["default"], "forces": {"west-shire": section}}
    [found] = check_settings(document)
    assert found.startswith("forces.west-shire.") and problem in found
    with pytest.raises(ValueError, match=problem):
        alert_times(document, "west-shire")


def test_an_unconfirmed_alert_is_repeated_then_tasked_and_a_confirmed_one_does_nothing() -> None:
    assert escalation(alert(), REPEAT_STEP) is Escalation.REPEAT
    assert escalation(alert(), TASK_STEP) is Escalation.TASK
    confirmed = alert(acknowledged_at=NOW + timedelta(hours=1), acknowledged_by="user-1")
    assert escalation(confirmed, REPEAT_STEP) is Escalation.NONE
    assert escalation(confirmed, TASK_STEP) is Escalation.NONE
    assert escalation(None, REPEAT_STEP) is Escalation.NONE


def test_the_timers_follow_the_tier_and_end_with_the_task() -> None:
    # Given the default times, on a fake clock
    times = alert_times(SETTINGS, FORCE)
    # Then an enhanced victim's alert is repeated 4 hours after it was raised, a standard one's after 24
    assert next_due("", "enhanced", NOW, times) == (REPEAT_STEP, NOW + timedelta(hours=4))
    assert next_due("", "standard", NOW, times) == (REPEAT_STEP, NOW + timedelta(hours=24))
    # And the task follows the repeat by the tier's second spell, and nothing follows the task
    repeated = NOW + timedelta(hours=4)
    assert next_due(REPEAT_STEP, "enhanced", repeated, times) == (TASK_STEP, repeated + timedelta(hours=6))
    assert next_due(TASK_STEP, "enhanced", repeated, times) is None


def test_the_repeat_goes_by_a_safe_channel_the_alert_did_not_use_else_the_same_ones() -> None:
    both = (Channel.EMAIL, Channel.SMS)
    assert repeat_channels(both, ("email",)) == (Channel.SMS,)
    assert repeat_channels(both, ("email", "sms")) == both
    assert repeat_channels((Channel.EMAIL,), ("email",)) == (Channel.EMAIL,)
    assert repeat_channels((), ("email",)) == ()


def test_an_alert_id_is_stable_opaque_and_different_per_victim_and_event() -> None:
    first = alert_id(FORCE, CASE_ID, "V-1", 4)
    assert first == alert_id(FORCE, CASE_ID, "V-1", 4)
    assert ALERT_ID.fullmatch(first)
    assert CASE_ID.lower() not in first and "v-1" not in first
    assert len({first, alert_id(FORCE, CASE_ID, "V-2", 4), alert_id(FORCE, CASE_ID, "V-1", 5)}) == 3


def test_the_case_page_lists_only_the_victims_own_alerts_titled_as_the_timeline() -> None:
    event = stored_event(sequence=4, event_type=ev.SUSPECT_BAILED, data={"bail_until": "2026-04-01"})
    other = alert(victim_id="V-2", alert_id=alert_id(FORCE, CASE_ID, "V-2", 4))
    [shown] = alerts_for([other, alert()], [event], "V-1")
    assert shown.title == "A suspect has been released on bail"
    assert shown.acknowledged_at is None and shown.alert_id == alert().alert_id


def _journey(step: dict[str, Any]) -> JourneyDefinition:
    return JourneyDefinition.from_document(
        {
            "id": "bail",
            "version": 1,
            "trigger": {"event": ev.SUSPECT_BAILED, "when": {}},
            "start": "tell",
            "steps": {"tell": {"type": "send", "template": "bail-news", **step}},
        }
    )


def test_the_journey_data_says_which_send_must_be_acknowledged_and_the_planner_keeps_it() -> None:
    ctx = JourneyContext(case_record(), victim_contact(), ev.SUSPECT_BAILED, {})
    [send] = plan(_journey({"statutory": True, "acknowledge": True}), "tell", ctx, NOW).sends
    assert send.acknowledge is True
    [plain] = plan(_journey({"statutory": True}), "tell", ctx, NOW).sends
    assert plain.acknowledge is False


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        ({"statutory": False, "acknowledge": True}, "must be statutory"),
        ({"statutory": True}, "links to an alert, but the step asks none"),
    ],
)
def test_validate_refuses_an_optional_alert_and_an_alert_link_without_one(step: dict[str, Any], problem: str) -> None:
    problems = validate(_journey(step), {"bail-news": {"name", "alert_url"}})
    assert any(problem in p for p in problems), problems
    assert validate(_journey({"statutory": True, "acknowledge": True}), {"bail-news": {"name", "alert_url"}}) == []


SAFETY_EVENTS = {
    ev.SUSPECT_BAILED,
    ev.SUSPECT_BAIL_CONDITIONS_CHANGED,
    ev.SUSPECT_RELEASED_UNDER_INVESTIGATION,
    ev.SUSPECT_RELEASED_WITHOUT_CHARGE,
}


def test_the_shipped_journeys_ask_for_acknowledgement_of_every_release_and_bail_event_only() -> None:
    newest: dict[str, JourneyDefinition] = {}
    for definition in journey_definitions().values():
        if definition.version > getattr(newest.get(definition.journey_id), "version", 0):
            newest[definition.journey_id] = definition
    asking = {d.trigger for d in newest.values() if any(s.raw.get("acknowledge") for s in d.steps.values())}
    assert asking == SAFETY_EVENTS
