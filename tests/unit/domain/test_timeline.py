"""The case page's words: every event the force can send reads as plain English, the victim's name for
their case is never an offence class, and nothing is promised before there is someone to keep it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caseline.domain import event_types as ev
from caseline.domain.timeline import (
    DUTY_STEPS,
    NEXT_STEPS,
    NO_NEWS_STEP,
    NOW,
    describe,
    entries,
    expected_reply,
    victim_label,
)
from caseline.domain.vocabulary import CRIME_CATEGORIES
from caseline_local.force_sim.events import BUILDERS, EventContext

CTX = EventContext("thames-valley", "TVP-T-1", 2, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
OFFENCE_CLASS = "violence and sexual offences"


@pytest.mark.parametrize("event_type", sorted(BUILDERS))
def test_every_event_type_the_force_sends_has_its_own_plain_english_entry(event_type: str) -> None:
    data = BUILDERS[event_type](CTX)["data"]
    found = entries(event_type, data)
    assert found, event_type
    for title, detail in found:
        assert title and title != "An update on your case", event_type  # never the catch-all
        assert not title.endswith("."), title  # a heading, not a sentence
        assert "org.caseline" not in title and "-" not in title.split(":")[0], title  # no type names or slugs
        assert detail is None or (detail.strip() and detail != "None"), (event_type, detail)


def test_the_event_types_the_case_applies_are_all_covered_by_the_force_simulator() -> None:
    applied = {value for name, value in vars(ev).items() if name.isupper() and isinstance(value, str)}
    applied -= set(ev.REPORT_EVENTS)  # a report's events go to the report, not to a case's timeline
    assert applied <= set(BUILDERS)


def test_a_crime_recorded_with_its_officer_is_two_steps_for_the_victim() -> None:
    with_officer = {"crime_reference": "43/1/26", "category": "burglary", "officer": {"name": "PC Sam Patel"}}
    assert entries(ev.CRIME_RECORDED, with_officer) == [
        ("We recorded your report", "Your crime reference is 43/1/26."),
        ("PC Sam Patel is now looking after your case", None),
    ]
    assert entries(ev.CRIME_RECORDED, {**with_officer, "officer": None}) == [
        ("We recorded your report", "Your crime reference is 43/1/26.")
    ]


@pytest.mark.parametrize("category", sorted(CRIME_CATEGORIES))
def test_a_recorded_crime_never_names_the_offence_class(category: str) -> None:
    data = BUILDERS[ev.CRIME_RECORDED](CTX)["data"] | {"category": category, "flags": ["domestic-abuse"]}
    for title, detail in entries(ev.CRIME_RECORDED, data):
        assert CRIME_CATEGORIES[category].lower() not in f"{title} {detail}".lower()


@pytest.mark.parametrize(
    ("category", "flags", "label"),
    [
        ("violent-crime", ("domestic-abuse",), "Domestic abuse"),
        ("violent-crime", ("sexual-offence",), "Sexual offence"),
        ("other-crime", ("stalking-harassment",), "Stalking or harassment"),
        ("public-order", ("hate-crime",), "Hate crime"),
        ("violent-crime", (), "Violence against you"),
        ("burglary", (), "Burglary"),
        (None, (), "Crime"),
    ],
)
def test_the_victim_s_name_for_the_case_comes_from_their_flag_never_the_offence_class(
    category: str | None, flags: tuple[str, ...], label: str
) -> None:
    assert victim_label(category, flags) == label
    assert OFFENCE_CLASS not in victim_label(category, flags).lower()


def test_no_reply_time_is_promised_without_an_officer() -> None:
    assert expected_reply(None) is None
    assert expected_reply({}) is None
    assert "5 working days" in str(expected_reply({"name": "PC Sam Patel"}))
    # ...and before an officer is assigned the page speaks of "we", never of "your officer"
    assert "your officer" not in (NOW["reported"] + NEXT_STEPS["reported"]).lower()


def test_now_and_next_never_say_the_same_thing() -> None:
    for stage in NOW:
        assert NOW[stage].lower() not in NEXT_STEPS[stage].lower()
        assert not set(NEXT_STEPS[stage].split(". ")) & {NOW[other] for other in NOW}


def test_every_duty_step_is_something_we_will_do() -> None:
    for step in [*DUTY_STEPS.values(), NO_NEWS_STEP]:
        assert step.startswith("We will ") and step.count("{day}") == 1 and step.endswith("."), step


def test_describe_is_the_main_entry_of_each_event() -> None:
    data = BUILDERS[ev.CRIME_RECORDED](CTX)["data"]
    assert describe(ev.CRIME_RECORDED, data) == entries(ev.CRIME_RECORDED, data)[0]


def test_a_review_decision_says_which_way_it_went_and_a_review_deadline_reads_as_a_promise() -> None:
    upheld = describe(ev.REVIEW_DECIDED, {"decision": "upheld", "summary": "A senior officer agreed."})
    assert upheld == ("The review is done: the decision stays the same", "A senior officer agreed.")
    assert describe(ev.REVIEW_DECIDED, {"decision": "not-upheld"}) == (
        "The review is done: we will look at your case again",
        None,
    )
    assert DUTY_STEPS["vrr-decide"].format(day="Friday 29 January 2027").endswith("by Friday 29 January 2027.")
