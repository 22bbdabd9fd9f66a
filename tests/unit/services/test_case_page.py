"""The case view as the case page shows it: what is happening now, the next date the victim can count
on, a timeline entry for every step, no offence class for domestic abuse, articles that fit the stage,
and each reason given once."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from caseline.content.articles_index import article_library
from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage
from caseline.domain.personalisation import common_values
from caseline.domain.records import AuditEntry, CasePartition, CaseRecord, Duty, DutyStatus, StoredEvent
from caseline.services import victim_cases
from tests.unit.builders import NOW, VICTIM_ID, case_record, stored_event, victim_contact
from tests.unit.fakes import FixedClock

TODAY = date(2026, 3, 2)  # NOW's UK date, a Monday


class World:
    def __init__(self, partition: CasePartition) -> None:
        self.partition = partition

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self.partition

    def record(self, entry: AuditEntry) -> None:
        pass


def partition(case: CaseRecord, *events: StoredEvent, **more: object) -> CasePartition:
    recorded = stored_event(data={"crime_reference": case.crime_reference, "category": case.category})
    victim = victim_contact()
    found = CasePartition(case, [recorded, *events], [victim], {"alex": victim.victim_id}, [], [])
    return replace(found, **more)  # type: ignore[arg-type]


def view(part: CasePartition, *, articles: bool = False) -> victim_cases.CaseView:
    world = World(part)
    assert part.case is not None
    return victim_cases.view_case(
        "alex",
        part.case.force_id,
        part.case.case_id,
        reader=world,
        audit=world,
        clock=FixedClock(NOW),
        articles=article_library() if articles else None,
    )


def duty(right: str, due_on: date, **overrides: object) -> Duty:
    found = Duty("north-shire", "CASE-0001", f"{right}#run", right, due_on, victim_id=VICTIM_ID)
    return replace(found, **overrides)  # type: ignore[arg-type]


def text(found: victim_cases.CaseView) -> str:
    parts = [found.category_label, found.now, found.next_steps, found.expected_reply or ""]
    parts += [f"{e.title} {e.detail or ''}" for e in found.timeline]
    return " ".join(parts).lower()


def test_the_next_date_is_the_earliest_open_duty_for_this_victim() -> None:
    later, sooner = TODAY + timedelta(days=9), TODAY + timedelta(days=2)
    found = view(
        partition(
            case_record(),
            duties=[
                duty("right-6-suspect-information", later),
                duty("right-4-support-referral", sooner),
                duty("right-3-written-confirmation", TODAY, status=DutyStatus.MET),  # done: not a next step
                duty("right-9-court-outcome", TODAY, victim_id="V-SOMEONE-ELSE"),  # another victim's
                duty("right-11-victim-contact-scheme", TODAY - timedelta(days=1)),  # past: never "by yesterday"
            ],
            no_news_at={VICTIM_ID: NOW + timedelta(days=28)},
        )
    )
    assert found.next_date == victim_cases.NextDate(
        sooner, "We will pass your details to a support service by Wednesday 4 March 2026, if you want us to."
    )


def test_without_an_open_duty_the_next_date_is_the_no_news_update() -> None:
    found = view(partition(case_record(), no_news_at={VICTIM_ID: NOW + timedelta(days=14)}))
    assert found.next_date is not None and found.next_date.on == TODAY + timedelta(days=14)
    assert found.next_date.text == ("We will send you an update by Monday 16 March 2026, even if there is no news.")
    assert view(partition(case_record(), no_news_at={"V-OTHER": NOW})).next_date is None


def test_a_closed_case_promises_nothing_more() -> None:
    closed = partition(
        case_record(stage=CaseStage.CLOSED),
        duties=[duty("right-6-suspect-information", TODAY)],
        no_news_at={VICTIM_ID: NOW},
    )
    found = view(closed)
    assert found.next_date is None and found.expected_reply is None
    assert found.now == "Your case is closed"


def test_no_reply_time_is_promised_before_an_officer_is_assigned() -> None:
    waiting = view(partition(case_record(stage=CaseStage.REPORTED, officer=None)))
    assert waiting.officer is None and waiting.expected_reply is None
    assert "5 working days" not in text(waiting) and "your officer" not in text(waiting)
    assigned = view(partition(case_record()))
    assert assigned.expected_reply == "Your officer aims to reply to messages within 5 working days."


def test_every_event_on_the_case_has_a_timeline_entry_oldest_first() -> None:
    types = [ev.NEEDS_ASSESSED, ev.SUSPECT_ARRESTED, ev.SUSPECT_BAILED, ev.OFFICER_MESSAGE, ev.COURT_OUTCOME]
    events = [
        stored_event(sequence=n, event_id=f"e{n}", event_type=t, occurred_at=NOW + timedelta(hours=n))
        for n, t in enumerate(types, start=2)
    ]
    found = view(partition(case_record(officer=None), *events))
    titles = [e.title for e in found.timeline]
    assert titles == [
        "We recorded your report",
        "We talked about the support you need",
        "A suspect has been arrested",
        "A suspect has been released on bail",
        "Your officer sent you a message",
        "The court made a decision",
    ]


def test_a_domestic_abuse_case_never_shows_the_offence_class() -> None:
    case = case_record(category="violent-crime", flags=("domestic-abuse",), stage=CaseStage.INVESTIGATING)
    arrested = stored_event(sequence=2, event_id="e2", event_type=ev.SUSPECT_ARRESTED)
    found = view(partition(case, arrested), articles=True)
    assert found.category_label == "Domestic abuse"
    assert "violence" not in text(found)
    assert all("violence" not in f"{a.title} {a.reason}".lower() for a in found.recommended_articles)


def test_articles_fit_the_stage_and_each_reason_is_given_once() -> None:
    reported = view(partition(case_record(stage=CaseStage.REPORTED, officer=None)), articles=True)
    assigned = view(partition(case_record()), articles=True)
    investigating = view(partition(case_record(stage=CaseStage.INVESTIGATING)), articles=True)
    slugs = {
        name: [a.slug for a in v.recommended_articles]
        for name, v in [("reported", reported), ("assigned", assigned), ("investigating", investigating)]
    }
    assert "what-happens-after-you-report" in slugs["reported"]
    assert "when-an-officer-is-assigned" not in slugs["reported"]
    assert "what-happens-after-you-report" not in slugs["assigned"]
    assert "when-an-officer-is-assigned" in slugs["assigned"]
    assert not {"what-happens-after-you-report", "when-an-officer-is-assigned"} & set(slugs["investigating"])
    for found in (reported, assigned, investigating):
        reasons = [a.reason for a in found.recommended_articles if a.reason]
        assert reasons and len(reasons) == len(set(reasons))
        assert all("stage." not in reason for reason in reasons)  # "at the officer assigned stage" is gone


def test_messages_name_the_case_as_the_page_does_never_by_the_offence_class() -> None:
    case = case_record(category="violent-crime", flags=("domestic-abuse",))
    values = common_values(case, victim_contact(), portal_url="https://portal.example.org", force_name="")
    assert values["crime_category"] == "Domestic abuse"
    plain = common_values(case_record(category="violent-crime"), victim_contact(), portal_url="", force_name="")
    assert plain["crime_category"] == "Violence against you"


@pytest.mark.parametrize("stage", list(CaseStage))
def test_the_view_says_each_sentence_once_at_every_stage(stage: CaseStage) -> None:
    events = [
        stored_event(sequence=n, event_id=f"e{n}", event_type=t)
        for n, t in enumerate([ev.OFFICER_ASSIGNED, ev.NEEDS_ASSESSED, ev.SUSPECT_ARRESTED], start=2)
    ]
    found = view(
        partition(case_record(stage=stage), *events, no_news_at={VICTIM_ID: NOW + timedelta(days=28)}),
        articles=True,
    )
    said = [found.now, found.next_steps, found.expected_reply, found.next_date and found.next_date.text]
    said += [part for e in found.timeline for part in (e.title, e.detail)]
    said += [part for a in found.recommended_articles for part in (a.title, a.summary, a.reason)]
    sentences = [s.strip() for part in said if part for s in re.split(r"(?<=[.!?])\s+", part) if s.strip()]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
