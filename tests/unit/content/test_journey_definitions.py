"""The shipped journey definitions (docs/journeys.md), one test per file or trigger so a failure names it.

Each file matches ``journeys/schema.json`` and is named after its id (and version, for older versions);
``validate`` finds no problem with the shipped templates; every journey that starts a Victims' Code duty
settles it on some path; and the triggers of issue 5 each have a journey.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from caseline.content import journey_definitions, journey_schema, template_info
from caseline.domain import event_types as et
from caseline.domain import events as ev
from caseline.domain.journeys import (
    UNRECOGNISED_VALUE,
    JourneyContext,
    JourneyDefinition,
    Step,
    plan,
    unrecognised_values,
    validate,
)
from caseline.domain.personalisation import (
    ACCOUNT_ADDED,
    ACCOUNT_LINKED,
    ACCOUNT_REMOVED,
    ACCOUNT_SIGNED_IN,
    ALERT_TIMER,
    CONTACT_REDUCED,
    NO_NEWS_TIMER,
    PREFERENCES_CHANGED,
    REPORT_STORED,
    TRIGGERS,
)
from tests.unit.builders import NOW, case_record, victim_contact

_FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*?)(\.v(?P<version>[0-9]+))?\.json$")

# Issue 5: a journey for every inbound event type (a contact-details change may have none) and every
# internal trigger (account linked and signed in, changed choices, the "no news yet" timer).
# An online report's reference (report-received) is sent by the reports service itself, not by a journey.
# access.revoked removes accounts' access (the journeys function does it); it sends nothing.
# An unconfirmed safety alert is repeated by the alerts service itself (safety-alert-reminder), not a journey.
OPTIONAL_TRIGGERS = frozenset({et.VICTIM_CONTACT_CHANGED, et.ACCESS_REVOKED, REPORT_STORED, ALERT_TIMER})
OPTIONAL_TRIGGERS |= {et.OFFICER_AVAILABLE}  # the case page changes back; nothing to tell
# The force sets up or ends a delegate's access: the timeline says so, and the code goes to the force.
OPTIONAL_TRIGGERS |= {et.ACCESS_DELEGATED, et.ACCESS_DELEGATION_ENDED}
REQUIRED_TRIGGERS = sorted(
    (set(ev.EVENT_DATA_MODELS) - OPTIONAL_TRIGGERS)
    | {
        ACCOUNT_LINKED,
        ACCOUNT_SIGNED_IN,
        NO_NEWS_TIMER,
        PREFERENCES_CHANGED,
        ACCOUNT_ADDED,
        CONTACT_REDUCED,
        ACCOUNT_REMOVED,
    }
)

# docs/journeys.md, "Rights used by duties": working days per tier.
DOCUMENTED_DEADLINES = {
    "right-3-written-confirmation": {"standard": 1, "enhanced": 1},
    "right-4-support-referral": {"standard": 2, "enhanced": 2},
    "right-6-suspect-information": {"standard": 5, "enhanced": 1},
    "right-9-court-outcome": {"standard": 1, "enhanced": 1},
    "right-11-victim-contact-scheme": {"standard": 5, "enhanced": 1},
}


def _folder() -> Any:
    return resources.files("caseline.content").joinpath("journeys")


def _journey_files() -> list[str]:
    return sorted(e.name for e in _folder().iterdir() if e.name.endswith(".json") and e.name != "schema.json")


def _document(file_name: str) -> dict[str, Any]:
    document = json.loads(_folder().joinpath(file_name).read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{file_name} is not a JSON object"
    return document


def _definition(file_name: str) -> JourneyDefinition:
    document = _document(file_name)
    return journey_definitions()[(document["id"], int(document["version"]))]


def _placeholders() -> dict[str, set[str]]:
    return {template_id: set(info.placeholders) for template_id, info in template_info().items()}


def _after(definition: JourneyDefinition, step: Step) -> Iterator[Step]:
    """Every step some path can reach after ``step``."""
    seen: set[str] = set()
    pending = list(step.targets())
    while pending:
        sid = pending.pop()
        if sid in seen or sid not in definition.steps:
            continue
        seen.add(sid)
        yield definition.steps[sid]
        pending.extend(definition.steps[sid].targets())


def _settles(step: Step, right: str) -> bool:
    if step.type == "send":
        return bool(step.raw.get("settles") == right)
    return step.type == "settle-duty" and step.raw.get("right") == right


FILES = _journey_files()


def test_the_schema_is_itself_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(journey_schema())


def test_the_required_triggers_are_all_ones_templates_can_be_written_for() -> None:
    # The list this file checks against is the documented one (docs/journeys.md, placeholders per trigger)
    assert set(REQUIRED_TRIGGERS) <= TRIGGERS
    assert TRIGGERS - set(REQUIRED_TRIGGERS) == OPTIONAL_TRIGGERS


@pytest.mark.parametrize("file_name", FILES)
def test_the_file_matches_the_schema(file_name: str) -> None:
    # Given a shipped journey file, when it is checked against journeys/schema.json
    validator = Draft202012Validator(journey_schema())
    errors = sorted(validator.iter_errors(_document(file_name)), key=lambda e: list(e.absolute_path))
    # Then there is no error (each is listed with where it is)
    assert [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors] == []


@pytest.mark.parametrize("file_name", FILES)
def test_the_file_is_named_after_its_id_and_older_versions_after_their_version(file_name: str) -> None:
    document = _document(file_name)
    match = _FILE_NAME.match(file_name)
    assert match is not None, f"{file_name} is neither <id>.json nor <id>.v<n>.json"
    assert match["id"] == document["id"]
    if match["version"] is not None:
        assert int(match["version"]) == document["version"]


def test_each_id_and_version_is_shipped_once_and_the_current_file_is_the_newest() -> None:
    # Given every shipped file's id and version
    seen: dict[tuple[str, int], str] = {}
    current: dict[str, int] = {}
    older: dict[str, list[int]] = {}
    for file_name in FILES:
        document = _document(file_name)
        key = (document["id"], document["version"])
        assert key not in seen, f"{file_name} repeats {seen.get(key)}"
        seen[key] = file_name
        if file_name == f"{document['id']}.json":
            current[document["id"]] = document["version"]
        else:
            older.setdefault(document["id"], []).append(document["version"])
    # Then the loader found each of them, and no older version is newer than the current one
    assert set(journey_definitions()) == set(seen)
    for journey_id, versions in older.items():
        if journey_id in current:
            assert max(versions) < current[journey_id], journey_id


@pytest.mark.parametrize("file_name", FILES)
def test_validate_finds_no_problem_with_the_shipped_templates(file_name: str) -> None:
    # Given the definition as the layer loads it, and the placeholders of every shipped template
    definition = _definition(file_name)
    # When it is validated, then there is no problem
    assert validate(definition, _placeholders()) == []


@pytest.mark.parametrize("file_name", FILES)
def test_every_duty_the_journey_starts_is_settled_on_some_path_after_it(file_name: str) -> None:
    definition = _definition(file_name)
    unsettled = [
        (step.step_id, step.raw.get("right"))
        for step in definition.steps.values()
        if step.type == "start-duty"
        and not any(_settles(s, step.raw.get("right", "")) for s in _after(definition, step))
    ]
    assert unsettled == []


@pytest.mark.parametrize("file_name", FILES)
def test_documented_rights_use_their_documented_deadlines(file_name: str) -> None:
    definition = _definition(file_name)
    wrong = [
        (step.step_id, step.raw["right"], step.raw.get("working_days"))
        for step in definition.steps.values()
        if step.type == "start-duty"
        and step.raw.get("right") in DOCUMENTED_DEADLINES
        and step.raw.get("working_days") != DOCUMENTED_DEADLINES[step.raw["right"]]
    ]
    assert wrong == []


@pytest.mark.parametrize("trigger", REQUIRED_TRIGGERS)
def test_the_trigger_has_a_current_journey(trigger: str) -> None:
    # Given the current version of every shipped journey
    current = [_definition(name) for name in FILES if (found := _FILE_NAME.match(name)) and found["version"] is None]
    # Then at least one of them starts on this trigger
    assert trigger in {definition.trigger for definition in current}, f"no journey starts on {trigger}"


@pytest.mark.parametrize("sent", ["Trial", "trial ", "TRIAL", " Plea  Hearing", "sentencing"])
def test_a_hearing_type_as_a_force_sends_it_picks_its_template_and_tasks_no_one(sent: str) -> None:
    definition = _definition("court-hearing.json")
    ctx = _hearing(sent)
    result = plan(definition, "tell", ctx, NOW)
    assert result.sends[0].template != "court-hearing-other"
    assert ("tell", UNRECOGNISED_VALUE) not in result.tasks
    assert unrecognised_values(definition.steps["tell"], ctx) == {}


def test_an_unknown_hearing_type_gets_the_general_text_and_the_force_is_told_which_value() -> None:
    definition = _definition("court-hearing.json")
    ctx = _hearing("Crown Court jury trial (day 1)")
    result = plan(definition, "tell", ctx, NOW)
    assert result.sends[0].template == "court-hearing-other"
    assert ("tell", UNRECOGNISED_VALUE) in result.tasks
    assert unrecognised_values(definition.steps["tell"], ctx) == {"hearing_type": "Crown Court jury trial (day 1)"}


def test_an_internal_change_the_choices_do_not_name_is_not_reported() -> None:
    # preferences-changed chooses on "change" too, but its general template is meant for every other change
    definition = _definition("preferences-changed.json")
    ctx = _hearing("whatever")
    ctx = JourneyContext(case=ctx.case, victim=ctx.victim, trigger=PREFERENCES_CHANGED, data={"change": "channels"})
    assert all(reason != UNRECOGNISED_VALUE for _, reason in plan(definition, "confirm", ctx, NOW).tasks)


def _hearing(hearing_type: str) -> JourneyContext:
    return JourneyContext(
        case=case_record(),
        victim=victim_contact(),
        trigger=et.COURT_HEARING_SCHEDULED,
        data={"hearing_type": hearing_type, "court": "Reading Crown Court", "hearing_date": "2027-03-01"},
    )
