"""Scheduled sweep: open duties whose deadline has arrived become at-risk officer tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from caseline.domain.records import Duty, DutyStatus
from caseline.services.duties import sweep_due_duties
from tests.unit.builders import CASE_ID, FORCE, OTHER_FORCE
from tests.unit.fakes import FakeDutyRepository, FixedClock

TODAY = date(2026, 3, 9)
CLOCK = FixedClock(datetime(2026, 3, 9, 7, 0, tzinfo=UTC))


def duty(due_on: date, *, duty_id: str = "right3#V-1", force_id: str = FORCE, **overrides: object) -> Duty:
    return Duty(
        force_id=force_id,
        case_id=overrides.pop("case_id", CASE_ID),  # type: ignore[arg-type]
        duty_id=duty_id,
        right="right-3-written-confirmation",
        due_on=due_on,
        status=overrides.pop("status", DutyStatus.OPEN),  # type: ignore[arg-type]
    )


def test_an_open_duty_due_today_becomes_an_at_risk_task() -> None:
    # Given an open Right 3 duty due today
    duties = FakeDutyRepository([duty(TODAY)])
    # When the sweep runs
    flagged = sweep_due_duties([FORCE], duties=duties, clock=CLOCK)
    # Then it is flagged at risk and the officer gets a task describing it
    assert flagged == 1
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.AT_RISK
    [task] = duties.tasks.values()
    assert (task.task_id, task.reason, task.case_id, task.created_at) == (
        "duty-at-risk#right3#V-1",
        "duty-at-risk",
        CASE_ID,
        CLOCK.now(),
    )
    assert task.detail == {"duty_id": "right3#V-1", "right": "right-3-written-confirmation", "due_on": "2026-03-09"}


def test_an_overdue_duty_is_flagged() -> None:
    duties = FakeDutyRepository([duty(date(2026, 3, 2))])
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 1


def test_a_duty_due_tomorrow_is_left_alone() -> None:
    duties = FakeDutyRepository([duty(date(2026, 3, 10))])
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 0
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.OPEN
    assert duties.tasks == {}


def test_met_and_already_at_risk_duties_are_not_flagged_again() -> None:
    duties = FakeDutyRepository(
        [duty(TODAY, duty_id="met", status=DutyStatus.MET), duty(TODAY, duty_id="risk", status=DutyStatus.AT_RISK)]
    )
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 0
    assert duties.tasks == {}


def test_a_second_sweep_flags_nothing_new() -> None:
    duties = FakeDutyRepository([duty(TODAY)])
    sweep_due_duties([FORCE], duties=duties, clock=CLOCK)
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 0
    assert len(duties.tasks) == 1


def test_a_met_duty_is_never_flagged() -> None:
    duties = FakeDutyRepository([duty(TODAY)])
    duties.settle(FORCE, CASE_ID, "right3#V-1")
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 0


def test_a_duty_flagged_meanwhile_but_still_in_the_stale_index_is_not_counted() -> None:
    # Given a duty another sweep already flagged, still listed by the eventually consistent index
    duties = FakeDutyRepository([duty(TODAY, status=DutyStatus.AT_RISK)])
    duties.stale_index.append(duty(TODAY))
    # When the sweep runs, then the failed conditional update is not counted and no task is added
    assert sweep_due_duties([FORCE], duties=duties, clock=CLOCK) == 0
    assert duties.tasks == {}


def test_every_listed_force_is_swept_and_only_those() -> None:
    # Given due duties in two forces and a third force not in the sweep
    duties = FakeDutyRepository(
        [
            duty(TODAY, duty_id="a", case_id="C-1"),
            duty(TODAY, duty_id="b", case_id="C-2"),
            duty(TODAY, duty_id="c", force_id=OTHER_FORCE),
            duty(TODAY, duty_id="d", force_id="west-shire"),
        ]
    )
    # When only two forces are swept
    flagged = sweep_due_duties([FORCE, OTHER_FORCE], duties=duties, clock=CLOCK)
    # Then their three duties are flagged and the unlisted force's is not
    assert flagged == 3
    assert duties.get("west-shire", CASE_ID, "d").status is DutyStatus.OPEN
    assert {t.task_id for t in duties.tasks.values()} == {"duty-at-risk#a", "duty-at-risk#b", "duty-at-risk#c"}


def test_no_forces_means_nothing_is_swept() -> None:
    duties = FakeDutyRepository([duty(TODAY)])
    assert sweep_due_duties([], duties=duties, clock=CLOCK) == 0
