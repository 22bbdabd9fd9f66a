"""Journey definitions as data (docs/journeys.md): conditions, reading a document, validation and planning."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage
from caseline.domain.journeys import (
    MAX_STEPS_PER_PLAN,
    JourneyContext,
    JourneyDefinition,
    Plan,
    PlannedDuty,
    PlannedSend,
    Step,
    holds,
    plan,
    validate,
    wait_until,
)
from caseline.domain.personalisation import ACCOUNT_LINKED, NO_NEWS_TIMER
from tests.unit.builders import NOW, case_record, victim_contact

RIGHT_4 = "right-4-support-referral"
RIGHT_6 = "right-6-suspect-information"
RIGHT_9 = "right-9-court-outcome"

# Placeholders of the templates these tests' definitions send (a stand-in for content.template_info()).
TEMPLATES: dict[str, set[str]] = {
    "suspect-arrested": {"name", "crime_reference", "event_date", "bail_until", "has_bail_until"},
    "suspect-arrested-enhanced": {"name", "event_date", "officer_name", "has_officer"},
    "content-free-update": {"portal_url"},
    "court-hearing": {"name", "court", "hearing_date"},
    "plain-update": {"name", "portal_url"},
}


def context(
    *,
    case: Mapping[str, Any] | None = None,
    victim: Mapping[str, Any] | None = None,
    trigger: str = ev.SUSPECT_ARRESTED,
    data: Mapping[str, Any] | None = None,
    linked: bool = False,
    officer_changed: bool = False,
) -> JourneyContext:
    return JourneyContext(
        case=case_record(**(case or {})),
        victim=victim_contact(**(victim or {})),
        trigger=trigger,
        data=data or {},
        linked=linked,
        officer_changed=officer_changed,
    )


def sound_document() -> dict[str, Any]:
    """Right 6 for an arrest: start the deadline, tell the victim (enhanced wording for enhanced victims),
    ask the officer to call when the victim has no account, then check back two working days later."""
    return {
        "id": "suspect-arrested",
        "version": 2,
        "description": "Right 6: tell the victim a suspect was arrested.",
        "trigger": {"event": ev.SUSPECT_ARRESTED, "when": {"stage_in": ["investigating", "officer-assigned"]}},
        "reentry": "every-event",
        "goal": "The victim knows about the arrest within the Right 6 deadline.",
        "exit_when": {"stage_in": ["closed"]},
        "start": "deadline",
        "steps": {
            "deadline": {
                "type": "start-duty",
                "right": RIGHT_6,
                "working_days": {"standard": 5, "enhanced": 1},
                "next": "tell",
            },
            "tell": {
                "type": "send",
                "choose": [
                    {"when": {"tier": "enhanced"}, "template": "suspect-arrested-enhanced"},
                    {"template": "suspect-arrested"},
                ],
                "statutory": True,
                "settles": RIGHT_6,
                "next": "has-account",
            },
            "has-account": {"type": "branch", "when": {"linked": True}, "then": "pause", "else": "ask-officer"},
            "ask-officer": {"type": "task", "reason": "call-victim", "next": "pause"},
            "pause": {"type": "wait", "working_days": 2, "next": "check-back"},
            "check-back": {"type": "send", "template": "content-free-update", "statutory": False},
        },
    }


def small_document(steps: dict[str, Any], *, trigger: str = ev.INVESTIGATION_UPDATED, **top: Any) -> dict[str, Any]:
    """A definition whose first listed step is the start."""
    return {
        "id": "small",
        "version": 1,
        "description": "A test journey.",
        "trigger": {"event": trigger},
        "reentry": "every-event",
        "goal": "A test goal.",
        "start": next(iter(steps)),
        "steps": steps,
        **top,
    }


def read(document: Mapping[str, Any]) -> JourneyDefinition:
    return JourneyDefinition.from_document(document)


def problems_of(document: Mapping[str, Any]) -> list[str]:
    return validate(read(document), TEMPLATES)


# ---------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("condition", "ctx"),
    [
        pytest.param({"category_in": ["robbery", "burglary"]}, context(), id="category_in"),
        pytest.param(
            {"flags_any": ["hate-crime", "domestic-abuse"]},
            context(case={"flags": ("domestic-abuse",)}),
            id="flags_any",
        ),
        pytest.param(
            {"flags_none": ["hate-crime", "sexual-offence"]}, context(case={"flags": ("fraud",)}), id="flags_none"
        ),
        pytest.param({"flags_none": ["hate-crime"]}, context(), id="flags_none-no-flags"),
        pytest.param({"tier": "enhanced"}, context(victim={"tier": "enhanced"}), id="tier-enhanced"),
        pytest.param({"tier": "standard"}, context(), id="tier-standard"),
        pytest.param({"under_18": True}, context(victim={"under_18": True}), id="under_18-true"),
        pytest.param({"under_18": False}, context(), id="under_18-false"),
        pytest.param(
            {"stage_in": ["investigating", "outcome"]}, context(case={"stage": CaseStage.INVESTIGATING}), id="stage_in"
        ),
        pytest.param({"has_officer": True}, context(), id="has_officer-true"),
        pytest.param({"has_officer": False}, context(case={"officer": None}), id="has_officer-false"),
        pytest.param({"officer_changed": True}, context(officer_changed=True), id="officer_changed-true"),
        pytest.param({"officer_changed": False}, context(), id="officer_changed-false"),
        pytest.param({"linked": True}, context(linked=True), id="linked-true"),
        pytest.param({"linked": False}, context(), id="linked-false"),
        pytest.param(
            {"data_in": {"result": ["convicted", "guilty-plea"]}}, context(data={"result": "convicted"}), id="data_in"
        ),
        pytest.param(
            {"data_in": {"hearing_type": ["trial"]}}, context(data={"hearing_type": "Trial"}), id="data_in-Trial"
        ),
        pytest.param(
            {"data_in": {"hearing_type": ["trial"]}}, context(data={"hearing_type": "trial "}), id="data_in-space"
        ),
        pytest.param(
            {"data_in": {"hearing_type": ["trial"]}}, context(data={"hearing_type": "TRIAL"}), id="data_in-TRIAL"
        ),
        pytest.param(
            {"data_in": {"hearing_type": ["first hearing"]}},
            context(data={"hearing_type": " First  Hearing"}),
            id="data_in-spacing-inside",
        ),
        pytest.param(
            {"data_at_least": {"sentence_months": 12}}, context(data={"sentence_months": 12}), id="data_at_least-equal"
        ),
        pytest.param(
            {"data_at_least": {"sentence_months": 12}},
            context(data={"sentence_months": 30.5}),
            id="data_at_least-above",
        ),
        pytest.param({"data_present": ["summary"]}, context(data={"summary": "CCTV collected."}), id="data_present"),
        pytest.param({}, context(), id="empty"),
        pytest.param(
            {"tier": "enhanced", "under_18": True, "category_in": ["burglary"]},
            context(victim={"tier": "enhanced", "under_18": True}),
            id="every-key-holds",
        ),
    ],
)
def test_a_condition_holds_when_the_case_victim_or_event_matches(
    condition: dict[str, Any], ctx: JourneyContext
) -> None:
    # Given a context that matches the condition, when it is evaluated, then it holds
    assert holds(condition, ctx) is True


@pytest.mark.parametrize(
    ("condition", "ctx"),
    [
        pytest.param({"category_in": ["robbery"]}, context(), id="category_in"),
        pytest.param({"category_in": ["burglary"]}, context(case={"category": None}), id="category_in-stub-case"),
        pytest.param(
            {"flags_any": ["hate-crime"]}, context(case={"flags": ("domestic-abuse",)}), id="flags_any-other-flag"
        ),
        pytest.param({"flags_any": ["hate-crime"]}, context(), id="flags_any-no-flags"),
        pytest.param(
            {"flags_none": ["domestic-abuse", "hate-crime"]},
            context(case={"flags": ("fraud", "hate-crime")}),
            id="flags_none",
        ),
        pytest.param({"tier": "enhanced"}, context(), id="tier"),
        pytest.param({"under_18": True}, context(), id="under_18-true"),
        pytest.param({"under_18": False}, context(victim={"under_18": True}), id="under_18-false"),
        pytest.param(
            {"stage_in": ["outcome", "closed"]}, context(case={"stage": CaseStage.INVESTIGATING}), id="stage_in"
        ),
        pytest.param({"has_officer": True}, context(case={"officer": None}), id="has_officer-true"),
        pytest.param({"has_officer": False}, context(), id="has_officer-false"),
        pytest.param({"officer_changed": True}, context(), id="officer_changed-true"),
        pytest.param({"officer_changed": False}, context(officer_changed=True), id="officer_changed-false"),
        pytest.param({"linked": True}, context(), id="linked-true"),
        pytest.param({"linked": False}, context(linked=True), id="linked-false"),
        pytest.param({"data_in": {"result": ["convicted"]}}, context(data={"result": "acquitted"}), id="data_in-other"),
        pytest.param(
            {"data_in": {"hearing_type": ["trial"]}},
            context(data={"hearing_type": "pre-trial"}),
            id="data_in-not-a-trial",
        ),
        pytest.param({"data_in": {"result": ["convicted"]}}, context(), id="data_in-absent"),
        pytest.param(
            {"data_in": {"result": ["convicted"], "court_type": ["crown"]}},
            context(data={"result": "convicted", "court_type": "magistrates"}),
            id="data_in-one-field-of-two",
        ),
        pytest.param(
            {"data_at_least": {"sentence_months": 12}}, context(data={"sentence_months": 11}), id="data_at_least-below"
        ),
        pytest.param({"data_at_least": {"sentence_months": 12}}, context(), id="data_at_least-absent"),
        pytest.param(
            {"data_at_least": {"sentence_months": 12}}, context(data={"sentence_months": "24"}), id="data_at_least-text"
        ),
        pytest.param(
            {"data_at_least": {"sentence_months": 1}}, context(data={"sentence_months": True}), id="data_at_least-bool"
        ),
        pytest.param({"data_present": ["summary"]}, context(), id="data_present-absent"),
        pytest.param({"data_present": ["summary"]}, context(data={"summary": ""}), id="data_present-empty-text"),
        pytest.param({"data_present": ["charges"]}, context(data={"charges": []}), id="data_present-empty-list"),
        pytest.param({"data_present": ["summary"]}, context(data={"summary": None}), id="data_present-null"),
        pytest.param(
            {"tier": "enhanced", "under_18": True},
            context(victim={"tier": "enhanced", "under_18": False}),
            id="one-key-of-two-fails",
        ),
    ],
)
def test_a_condition_fails_when_the_case_victim_or_event_does_not_match(
    condition: dict[str, Any], ctx: JourneyContext
) -> None:
    # Given a context that does not match the condition, when it is evaluated, then it does not hold
    assert holds(condition, ctx) is False


def test_an_unknown_condition_key_is_an_error_not_a_silent_pass() -> None:
    with pytest.raises(ValueError, match="colour"):
        holds({"colour": "blue"}, context())


# ---------------------------------------------------------------- reading a document


def test_from_document_reads_every_field() -> None:
    # Given the sound document, when it is read
    definition = read(sound_document())
    # Then every top-level field is kept and each step knows its type and raw fields
    assert (definition.journey_id, definition.version, definition.trigger, definition.reentry, definition.start) == (
        "suspect-arrested",
        2,
        ev.SUSPECT_ARRESTED,
        "every-event",
        "deadline",
    )
    assert definition.description == "Right 6: tell the victim a suspect was arrested."
    assert definition.goal == "The victim knows about the arrest within the Right 6 deadline."
    assert definition.trigger_when == {"stage_in": ["investigating", "officer-assigned"]}
    assert definition.exit_when == {"stage_in": ["closed"]}
    assert {sid: step.type for sid, step in definition.steps.items()} == {
        "deadline": "start-duty",
        "tell": "send",
        "has-account": "branch",
        "ask-officer": "task",
        "pause": "wait",
        "check-back": "send",
    }
    assert definition.steps["pause"].step_id == "pause"
    assert definition.steps["pause"].raw == {"type": "wait", "working_days": 2, "next": "check-back"}


def test_from_document_fills_in_the_optional_fields() -> None:
    # Given a document with only the fields the reader requires
    document = {"id": "bare", "version": "3", "trigger": {}, "start": "a", "steps": {"a": {"next": "b"}}}
    # When it is read
    definition = read(document)
    # Then the defaults are the documented ones
    assert definition.version == 3
    assert (definition.description, definition.goal, definition.trigger) == ("", "", "")
    assert definition.trigger_when == {}
    assert definition.reentry == "every-event"
    assert definition.exit_when is None
    assert definition.steps["a"].type == ""


def test_a_definition_lists_every_template_it_can_send_and_each_step_s_targets() -> None:
    definition = read(sound_document())
    assert definition.templates_used() == {"suspect-arrested-enhanced", "suspect-arrested", "content-free-update"}
    assert definition.steps["has-account"].targets() == ["pause", "ask-officer"]
    assert definition.steps["check-back"].targets() == []
    assert definition.steps["check-back"].next is None
    assert definition.reachable() == set(definition.steps)


# ---------------------------------------------------------------- validation


def test_a_sound_definition_has_no_problems() -> None:
    assert problems_of(sound_document()) == []


def test_every_documented_trigger_is_accepted_including_the_internal_ones() -> None:
    for trigger in (ev.CRIME_RECORDED, ev.COURT_OUTCOME, ev.CASE_CLOSED, ACCOUNT_LINKED, NO_NEWS_TIMER):
        document = small_document(
            {"tell": {"type": "send", "template": "plain-update", "statutory": False}}, trigger=trigger
        )
        assert problems_of(document) == [], trigger


def test_an_unknown_trigger_is_reported() -> None:
    document = small_document(
        {"tell": {"type": "send", "template": "plain-update", "statutory": False}},
        trigger="org.caseline.suspect.vanished.v1",
    )
    assert problems_of(document) == ["small v1: trigger.event: unknown trigger 'org.caseline.suspect.vanished.v1'"]


def test_an_unknown_step_type_is_reported() -> None:
    document = sound_document()
    document["steps"]["ask-officer"]["type"] = "phone-call"
    assert problems_of(document) == ["suspect-arrested v2: steps.ask-officer: unknown step type 'phone-call'"]


def test_a_next_that_names_no_step_is_reported() -> None:
    document = sound_document()
    document["steps"]["ask-officer"]["next"] = "nowhere"
    assert problems_of(document) == ["suspect-arrested v2: steps.ask-officer: goes to missing step 'nowhere'"]


def test_a_branch_target_that_names_no_step_is_reported() -> None:
    document = sound_document()
    document["steps"]["has-account"]["else"] = "nowhere"
    assert problems_of(document) == [
        "suspect-arrested v2: steps.has-account: goes to missing step 'nowhere'",
        "suspect-arrested v2: steps ['ask-officer'] are unreachable",
    ]


def test_a_branch_without_then_is_reported() -> None:
    document = sound_document()
    del document["steps"]["has-account"]["then"]
    assert problems_of(document) == ["suspect-arrested v2: steps.has-account: branch needs 'then'"]


def test_a_wait_without_hours_or_working_days_is_reported() -> None:
    document = sound_document()
    del document["steps"]["pause"]["working_days"]
    assert problems_of(document) == ["suspect-arrested v2: steps.pause: wait needs hours or working_days"]


def test_a_wait_with_hours_is_sound() -> None:
    document = sound_document()
    document["steps"]["pause"] = {"type": "wait", "hours": 48, "next": "check-back"}
    assert problems_of(document) == []


def test_a_wait_without_next_is_reported() -> None:
    document = small_document(
        {
            "tell": {"type": "send", "template": "plain-update", "statutory": False, "next": "pause"},
            "pause": {"type": "wait", "hours": 24},
        }
    )
    assert problems_of(document) == ["small v1: steps.pause: a wait must have a next step"]


def test_a_send_without_template_or_choose_is_reported() -> None:
    document = sound_document()
    document["steps"]["check-back"] = {"type": "send", "statutory": False}
    assert problems_of(document) == ["suspect-arrested v2: steps.check-back: send needs template or choose"]


def test_a_last_choice_with_a_when_is_reported() -> None:
    document = sound_document()
    document["steps"]["tell"]["choose"][-1]["when"] = {"tier": "standard"}
    assert problems_of(document) == [
        "suspect-arrested v2: steps.tell: the last choice must have no 'when' (the default)"
    ]


def test_settling_a_right_no_step_starts_is_reported() -> None:
    document = sound_document()
    document["steps"]["tell"]["settles"] = RIGHT_9
    assert problems_of(document) == [f"suspect-arrested v2: steps.tell: settles '{RIGHT_9}', which no step starts"]


def test_an_unknown_template_is_reported_in_a_template_and_in_a_choice() -> None:
    document = sound_document()
    document["steps"]["check-back"]["template"] = "no-such-template"
    document["steps"]["tell"]["choose"][0]["template"] = "another-missing-one"
    assert problems_of(document) == [
        "suspect-arrested v2: steps.tell: unknown template 'another-missing-one'",
        "suspect-arrested v2: steps.check-back: unknown template 'no-such-template'",
    ]


def test_a_template_needing_a_placeholder_the_trigger_lacks_is_reported() -> None:
    # Given a court-hearing template (court, hearing_date) sent by a crime-recorded journey
    steps = {"tell": {"type": "send", "template": "court-hearing", "statutory": True}}
    # When it is validated, then both missing placeholders are named
    assert problems_of(small_document(steps, trigger=ev.CRIME_RECORDED)) == [
        "small v1: steps.tell: template 'court-hearing' needs ['court', 'hearing_date'] the trigger lacks"
    ]
    # And the same step is sound for the trigger that provides them
    assert problems_of(small_document(steps, trigger=ev.COURT_HEARING_SCHEDULED)) == []


def test_a_choice_needing_a_placeholder_the_trigger_lacks_is_reported() -> None:
    # Given the Right 6 journey moved onto a trigger without suspect placeholders
    document = sound_document()
    document["trigger"]["event"] = ev.OFFICER_ASSIGNED
    # Then every suspect template it can choose is reported
    assert problems_of(document) == [
        "suspect-arrested v2: steps.tell: template 'suspect-arrested-enhanced' needs ['event_date'] the trigger lacks",
        "suspect-arrested v2: steps.tell: template 'suspect-arrested' needs "
        "['bail_until', 'event_date', 'has_bail_until'] the trigger lacks",
    ]


def test_an_access_code_sent_after_a_wait_is_reported() -> None:
    # Given a code-reissued journey that waits before sending the code (a run the sweep would resume,
    # which cannot seal a code), and one that sends it straight away
    templates = {**TEMPLATES, "new-code": {"name", "access_code"}}
    waiting = {
        "pause": {"type": "wait", "hours": 1, "next": "tell"},
        "tell": {"type": "send", "template": "new-code", "statutory": True},
    }
    at_once = {"tell": {"type": "send", "template": "new-code", "statutory": True}}
    # When they are validated, then only the first is reported
    assert validate(read(small_document(waiting, trigger=ev.ACCESS_CODE_REISSUED)), templates) == [
        "small v1: steps.tell: template 'new-code' sends an access code after a wait"
    ]
    assert validate(read(small_document(at_once, trigger=ev.ACCESS_CODE_REISSUED)), templates) == []


def test_unreachable_steps_are_reported() -> None:
    document = sound_document()
    document["steps"]["orphan"] = {"type": "task", "reason": "call-victim"}
    document["steps"]["orphan-too"] = {"type": "task", "reason": "call-victim", "next": "check-back"}
    assert problems_of(document) == ["suspect-arrested v2: steps ['orphan', 'orphan-too'] are unreachable"]


def test_a_loop_is_reported() -> None:
    # Given the check-back step goes back to the branch: has-account -> pause -> check-back -> has-account
    document = sound_document()
    document["steps"]["check-back"]["next"] = "has-account"
    assert problems_of(document) == ["suspect-arrested v2: steps form a loop"]


def test_a_step_that_goes_to_itself_is_a_loop() -> None:
    document = small_document({"nag": {"type": "task", "reason": "call-victim", "next": "nag"}})
    assert problems_of(document) == ["small v1: steps form a loop"]


def test_two_paths_meeting_again_are_not_a_loop() -> None:
    # Given the sound document, whose branch's two paths meet again at the wait
    # Then a diamond is not mistaken for a loop
    assert read(sound_document()).steps["ask-officer"].next == "pause"
    assert "steps form a loop" not in " ".join(problems_of(sound_document()))


def test_an_unknown_reentry_and_a_missing_start_are_reported() -> None:
    document = sound_document()
    document["reentry"] = "sometimes"
    document["start"] = "begin"
    problems = problems_of(document)
    assert "suspect-arrested v2: reentry: must be one of ['every-event', 'once-per-case']" in problems
    assert "suspect-arrested v2: start: no step 'begin'" in problems


@pytest.mark.parametrize(
    ("where", "place"),
    [
        pytest.param("trigger.when", lambda d: d["trigger"]["when"], id="trigger-when"),
        pytest.param("exit_when", lambda d: d["exit_when"], id="exit-when"),
        pytest.param("steps.has-account.when", lambda d: d["steps"]["has-account"]["when"], id="branch-when"),
        pytest.param("steps.tell.choose.when", lambda d: d["steps"]["tell"]["choose"][0]["when"], id="choose-when"),
    ],
)
def test_an_unknown_condition_key_is_reported_wherever_a_condition_is(where: str, place: Any) -> None:
    document = sound_document()
    place(document)["weather"] = "rain"
    assert problems_of(document) == [f"suspect-arrested v2: {where}: unknown condition ['weather']"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    document = sound_document()
    document["trigger"]["event"] = "org.caseline.nothing.v1"
    del document["steps"]["pause"]["working_days"]
    document["steps"]["check-back"]["template"] = "no-such-template"
    document["steps"]["orphan"] = {"type": "task", "reason": "call-victim"}
    problems = problems_of(document)
    assert len(problems) >= 4
    for phrase in ("unknown trigger", "wait needs hours", "unknown template 'no-such-template'", "['orphan']"):
        assert any(phrase in p for p in problems), phrase


# ---------------------------------------------------------------- planning


def test_plan_walks_duty_send_branch_and_task_and_stops_at_the_wait() -> None:
    # Given a standard-tier victim with no account, and the Right 6 journey
    definition = read(sound_document())
    # When the run is planned from the start
    result = plan(definition, definition.start, context(), NOW)
    # Then the deadline starts, the standard message settles it, the officer is asked to call, and the run
    # waits two working days (Monday 2 March 2026 10:00 -> Wednesday 4 March 10:00) to resume at check-back
    assert result.duties == [PlannedDuty(RIGHT_6, {"standard": 5, "enhanced": 1})]
    assert result.sends == [PlannedSend("tell", "suspect-arrested", statutory=True, settles=RIGHT_6)]
    assert result.tasks == [("ask-officer", "call-victim")]
    assert result.settled == []
    assert tuple(result.visited) == ("deadline", "tell", "has-account", "ask-officer", "pause")
    assert result.wait_step == "check-back"
    assert result.wait_until == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def test_plan_takes_the_then_path_and_the_matching_choice() -> None:
    # Given an enhanced victim who has linked an account
    definition = read(sound_document())
    ctx = context(victim={"tier": "enhanced"}, linked=True)
    # When the run is planned
    result = plan(definition, definition.start, ctx, NOW)
    # Then the enhanced wording is sent and the officer task is skipped
    assert [s.template for s in result.sends] == ["suspect-arrested-enhanced"]
    assert result.tasks == []
    assert tuple(result.visited) == ("deadline", "tell", "has-account", "pause")
    assert result.wait_step == "check-back"


def test_plan_resumes_at_the_step_after_the_wait_and_ends() -> None:
    # Given a run that waited and is resumed at check-back
    definition = read(sound_document())
    later = NOW + timedelta(days=2)
    # When it is planned from there
    result = plan(definition, "check-back", context(), later)
    # Then only the non-statutory check-back is sent and the run ends
    assert result == Plan(
        sends=[PlannedSend("check-back", "content-free-update", statutory=False, settles=None)],
        duties=[],
        settled=[],
        tasks=[],
        wait_step=None,
        wait_until=None,
        visited=("check-back",),
    )


def test_plan_records_a_duty_settled_without_a_message() -> None:
    # Given a journey that starts Right 4 and settles it because the force made the referral itself
    document = small_document(
        {
            "deadline": {
                "type": "start-duty",
                "right": RIGHT_4,
                "working_days": {"standard": 2, "enhanced": 2},
                "next": "made",
            },
            "made": {"type": "settle-duty", "right": RIGHT_4, "next": "tell"},
            "tell": {"type": "send", "template": "plain-update", "statutory": False},
        },
        trigger=ev.NEEDS_ASSESSED,
    )
    # When it is planned
    result = plan(read(document), "deadline", context(trigger=ev.NEEDS_ASSESSED), NOW)
    # Then the duty is started and settled, and the message follows
    assert result.duties == [PlannedDuty(RIGHT_4, {"standard": 2, "enhanced": 2})]
    assert result.settled == [RIGHT_4]
    assert [s.template for s in result.sends] == ["plain-update"]
    assert result.wait_step is None


def test_a_branch_without_else_ends_the_run_when_its_condition_fails() -> None:
    document = small_document(
        {
            "only-enhanced": {"type": "branch", "when": {"tier": "enhanced"}, "then": "tell"},
            "tell": {"type": "send", "template": "plain-update", "statutory": False},
        }
    )
    definition = read(document)
    standard = plan(definition, "only-enhanced", context(), NOW)
    enhanced = plan(definition, "only-enhanced", context(victim={"tier": "enhanced"}), NOW)
    assert (tuple(standard.visited), standard.sends) == (("only-enhanced",), [])
    assert [s.template for s in enhanced.sends] == ["plain-update"]


def test_planning_from_no_step_plans_nothing() -> None:
    result = plan(read(sound_document()), None, context(), NOW)
    assert (list(result.sends), list(result.duties), list(result.settled), list(result.tasks)) == ([], [], [], [])
    assert (tuple(result.visited), result.wait_step, result.wait_until) == ((), None, None)


def test_a_definition_with_a_loop_is_cut_off_after_the_step_limit() -> None:
    # Given a loop that validate would refuse, planned anyway
    definition = read(small_document({"nag": {"type": "task", "reason": "call-victim", "next": "nag"}}))
    # When it is planned, then the walk stops at the limit instead of running forever
    result = plan(definition, "nag", context(), NOW)
    assert len(result.visited) == MAX_STEPS_PER_PLAN
    assert result.wait_step is None


# ---------------------------------------------------------------- choosing a template


CHOOSE = small_document(
    {
        "tell": {
            "type": "send",
            "choose": [
                {"when": {"flags_any": ["domestic-abuse"]}, "template": "content-free-update"},
                {"when": {"tier": "enhanced"}, "template": "suspect-arrested-enhanced"},
                {"template": "suspect-arrested"},
            ],
            "statutory": True,
        }
    },
    trigger=ev.SUSPECT_ARRESTED,
)


@pytest.mark.parametrize(
    ("ctx", "template"),
    [
        pytest.param(
            context(case={"flags": ("domestic-abuse",)}, victim={"tier": "enhanced"}),
            "content-free-update",
            id="first-match-wins-when-two-match",
        ),
        pytest.param(context(victim={"tier": "enhanced"}), "suspect-arrested-enhanced", id="second-choice"),
        pytest.param(context(), "suspect-arrested", id="default"),
    ],
)
def test_choose_picks_the_first_matching_template_and_falls_back_to_the_default(
    ctx: JourneyContext, template: str
) -> None:
    assert problems_of(CHOOSE) == []
    [send] = plan(read(CHOOSE), "tell", ctx, NOW).sends
    assert send.template == template


# ---------------------------------------------------------------- when a wait ends


def wait_step(**fields: Any) -> Step:
    return Step("pause", "wait", {"type": "wait", "next": "after", **fields})


def test_a_wait_in_hours_is_elapsed_time_even_across_the_clock_change() -> None:
    # Given 12:00 UTC on Saturday 24 October 2026 (13:00 BST); the clocks go back overnight
    now = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    # When a 24-hour wait is worked out, then it ends 24 real hours later (12:00 GMT on Sunday)
    assert wait_until(wait_step(hours=24), now) == datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    assert wait_until(wait_step(hours=3), now) == datetime(2026, 10, 24, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "days", "expected"),
    [
        pytest.param(
            datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
            1,
            datetime(2026, 3, 9, 16, 0, tzinfo=UTC),
            id="friday-to-monday-over-the-weekend",
        ),
        pytest.param(
            datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
            3,
            datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
            id="wednesday-plus-three-skips-the-weekend",
        ),
        pytest.param(
            datetime(2026, 5, 1, 13, 0, tzinfo=UTC),  # Friday 14:00 BST; Monday 4 May is the May Day bank holiday
            1,
            datetime(2026, 5, 5, 13, 0, tzinfo=UTC),
            id="weekend-and-bank-holiday",
        ),
        pytest.param(
            datetime(2026, 10, 23, 9, 0, tzinfo=UTC),  # Friday 10:00 BST; clocks go back on Sunday 25 October
            1,
            datetime(2026, 10, 26, 10, 0, tzinfo=UTC),  # Monday 10:00 GMT
            id="october-clock-change-keeps-10am-uk-time",
        ),
        pytest.param(
            datetime(2026, 3, 27, 10, 0, tzinfo=UTC),  # Friday 10:00 GMT; clocks go forward on Sunday 29 March
            1,
            datetime(2026, 3, 30, 9, 0, tzinfo=UTC),  # Monday 10:00 BST
            id="march-clock-change-keeps-10am-uk-time",
        ),
        pytest.param(
            datetime(2026, 6, 5, 23, 30, tzinfo=UTC),  # already Saturday 00:30 BST in the UK
            1,
            datetime(2026, 6, 7, 23, 30, tzinfo=UTC),  # Monday 00:30 BST, counted from the UK Saturday
            id="counts-from-the-uk-date-not-the-utc-date",
        ),
    ],
)
def test_a_wait_in_working_days_ends_at_the_same_uk_local_time(now: datetime, days: int, expected: datetime) -> None:
    # Given a wait of some working days, when its end is worked out
    ends = wait_until(wait_step(working_days=days), now)
    # Then weekends and bank holidays are skipped and the UK wall-clock time is kept, in the caller's zone
    assert ends == expected
    assert ends.utcoffset() == timedelta(0)


# ---------------------------------------------------------------- property: DAG-shaped definitions


SIMPLE_KINDS = ("send", "task", "start-duty", "settle-duty")
SUSPECT_TEMPLATES = ("suspect-arrested", "suspect-arrested-enhanced", "content-free-update", "plain-update")
BRANCH_CONDITIONS: tuple[dict[str, Any], ...] = (
    {"tier": "enhanced"},
    {"linked": True},
    {"flags_any": ["domestic-abuse"]},
    {"under_18": False, "stage_in": ["investigating"]},
    {},
)


@st.composite
def dag_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Steps s0..sn-1 where every target is a later step, so the shape has no loop; unreachable ones are dropped."""
    count = draw(st.integers(min_value=1, max_value=9))
    steps: dict[str, dict[str, Any]] = {}
    for index in range(count):
        later = st.sampled_from([f"s{j}" for j in range(index + 1, count)]) if index + 1 < count else None
        kind = draw(st.sampled_from(SIMPLE_KINDS + (("branch", "wait") if later is not None else ())))
        step: dict[str, Any] = {"type": kind}
        if kind == "send":
            step |= {"template": draw(st.sampled_from(SUSPECT_TEMPLATES)), "statutory": draw(st.booleans())}
        elif kind == "task":
            step["reason"] = "call-victim"
        elif kind == "start-duty":
            step |= {"right": RIGHT_6, "working_days": {"standard": 5, "enhanced": 1}}
        elif kind == "settle-duty":
            step["right"] = RIGHT_6
        elif kind == "branch" and later is not None:
            step |= {"when": draw(st.sampled_from(BRANCH_CONDITIONS)), "then": draw(later)}
            if draw(st.booleans()):
                step["else"] = draw(later)
        elif kind == "wait" and later is not None:
            step |= draw(st.sampled_from([{"hours": 6}, {"working_days": 1}, {"working_days": 3}]))
            step["next"] = draw(later)
        if kind not in ("branch", "wait") and later is not None and draw(st.integers(0, 3)) > 0:  # mostly chained
            step["next"] = draw(later)
        steps[f"s{index}"] = step
    reachable = read(small_document(copy.deepcopy(steps), trigger=ev.SUSPECT_ARRESTED)).reachable()
    kept = {sid: step for sid, step in steps.items() if sid in reachable}
    # What validate refuses is made sound: each template sent by one step, a settle only after a start
    sent: set[str] = set()
    starts = any(step["type"] == "start-duty" for step in kept.values())
    for step in kept.values():
        repeat = step["type"] == "send" and step["template"] in sent
        orphan = step["type"] == "settle-duty" and not starts
        if repeat or orphan:
            for field in ("template", "statutory", "right"):
                step.pop(field, None)
            step |= {"type": "task", "reason": "call-victim"}
        elif step["type"] == "send":
            sent.add(step["template"])
    return small_document(kept, trigger=ev.SUSPECT_ARRESTED)


contexts = st.builds(
    lambda tier, linked, flags, under_18: context(
        victim={"tier": tier, "under_18": under_18},
        case={"flags": flags, "stage": CaseStage.INVESTIGATING},
        linked=linked,
    ),
    st.sampled_from(["standard", "enhanced"]),
    st.booleans(),
    st.sampled_from([(), ("domestic-abuse",), ("fraud",)]),
    st.booleans(),
)


@given(document=dag_documents(), ctx=contexts)
def test_a_valid_dag_definition_never_visits_a_step_twice_and_ends(
    document: dict[str, Any], ctx: JourneyContext
) -> None:
    # Given a random loop-free definition, which validate accepts
    definition = read(document)
    assert validate(definition, TEMPLATES) == []
    # When the run is planned from the start and resumed after each wait, as the sweep would
    visited: list[str] = []
    now = NOW
    current: str | None = definition.start
    for _ in range(len(definition.steps) + 1):
        result = plan(definition, current, ctx, now)
        visited.extend(result.visited)
        if result.wait_step is None:
            break
        assert result.wait_until is not None
        assert result.wait_until > now
        now, current = result.wait_until, result.wait_step
    else:
        pytest.fail("the run did not end")
    # Then no step was visited twice, and every visited step is one of the definition's
    assert len(visited) == len(set(visited))
    assert set(visited) <= set(definition.steps)
    assert visited[0] == definition.start


def test_one_template_sent_by_two_steps_is_reported() -> None:
    # Two steps sending one template in a run would share a message key: the second would never go
    document = sound_document()
    document["steps"]["check-back"]["template"] = "suspect-arrested"
    assert problems_of(document) == [
        "suspect-arrested v2: steps.check-back: template 'suspect-arrested' is also sent by 'tell'"
    ]


def test_a_settle_duty_step_for_a_right_no_step_starts_is_reported() -> None:
    document = sound_document()
    document["steps"]["check-back"] = {"type": "settle-duty", "right": "right-9-court-outcome"}
    assert problems_of(document) == [
        "suspect-arrested v2: steps.check-back: settles 'right-9-court-outcome', which no step starts"
    ]
