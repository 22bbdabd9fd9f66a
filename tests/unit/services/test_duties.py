"""Victims' Code duties: the scheduled sweep (at risk today, missed before today) and the compliance counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from caseline.domain.records import Duty, DutyStatus
from caseline.services.duties import NOT_MET, ComplianceRow, SweepResult, compliance, sweep_due_duties
from tests.unit.builders import CASE_ID, FORCE, OTHER_FORCE
from tests.unit.fakes import FakeDutyRepository, FixedClock

TODAY = date(2026, 3, 9)  # a Monday, GMT
YESTERDAY = date(2026, 3, 8)
TOMORROW = date(2026, 3, 10)
CLOCK = FixedClock(datetime(2026, 3, 9, 7, 0, tzinfo=UTC))
RIGHT_3 = "right-3-written-confirmation"
RIGHT_6 = "right-6-suspect-information"


def duty(due_on: date, *, duty_id: str = "right3#V-1", **overrides: Any) -> Duty:
    values: dict[str, Any] = {
        "force_id": FORCE,
        "case_id": CASE_ID,
        "duty_id": duty_id,
        "right": RIGHT_3,
        "due_on": due_on,
        "victim_id": "V-1",
        **overrides,
    }
    return Duty(**values)


def sweep(duties: FakeDutyRepository, *forces: str, clock: FixedClock = CLOCK) -> SweepResult:
    return sweep_due_duties(forces or (FORCE,), duties=duties, clock=clock)


# ---------------------------------------------------------------- the fake keeps the adapter's contract


def test_the_fake_lists_open_and_at_risk_duties_due_by_a_day_and_everything_due_in_a_period() -> None:
    # Given one duty of each status due yesterday, and an open one due tomorrow
    duties = FakeDutyRepository(
        [
            duty(YESTERDAY, duty_id="open"),
            duty(YESTERDAY, duty_id="risk", status=DutyStatus.AT_RISK),
            duty(YESTERDAY, duty_id="met", status=DutyStatus.MET),
            duty(YESTERDAY, duty_id="missed", status=DutyStatus.MISSED),
            duty(TOMORROW, duty_id="later"),
        ]
    )
    # When the sweep's and the compliance view's lists are read
    # Then the sweep sees only what is still open or at risk, the period sees every status
    assert [d.duty_id for d in duties.due_before(FORCE, TODAY)] == ["open", "risk"]
    assert [d.duty_id for d in duties.due_between(FORCE, YESTERDAY, TODAY)] == ["met", "missed", "open", "risk"]
    assert duties.due_between(OTHER_FORCE, YESTERDAY, TOMORROW) == []


# ---------------------------------------------------------------- at risk


def test_an_open_duty_due_today_is_marked_at_risk_with_a_task_for_the_force() -> None:
    # Given an open Right 3 duty due today
    duties = FakeDutyRepository([duty(TODAY)])
    # When the sweep runs
    result = sweep(duties)
    # Then it is at risk, and the officer gets a task naming the duty, the right and the due date
    assert result == SweepResult(at_risk=1, missed=0)
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.AT_RISK
    [task] = duties.tasks.values()
    assert (task.force_id, task.case_id, task.task_id, task.reason, task.created_at) == (
        FORCE,
        CASE_ID,
        "duty-at-risk#right3#V-1",
        "duty-at-risk",
        CLOCK.now(),
    )
    assert task.detail == {"duty_id": "right3#V-1", "right": RIGHT_3, "due_on": "2026-03-09", "victim_id": "V-1"}


def test_the_task_names_the_duty_s_own_right_and_due_date() -> None:
    # Given a Right 6 duty due today for a second victim
    duties = FakeDutyRepository([duty(TODAY, duty_id="right6#V-2", right=RIGHT_6, victim_id="V-2")])
    # When the sweep runs
    sweep(duties)
    # Then the task carries that right, date and victim
    [task] = duties.tasks.values()
    assert task.detail == {"duty_id": "right6#V-2", "right": RIGHT_6, "due_on": "2026-03-09", "victim_id": "V-2"}


def test_today_is_the_uk_date_so_a_late_evening_sweep_in_summer_already_sees_tomorrow() -> None:
    # Given a duty due on Tuesday 9 June 2026, and a sweep at 23:30 UTC on Monday 8 June (00:30 BST on the 9th)
    duties = FakeDutyRepository([duty(date(2026, 6, 9))])
    clock = FixedClock(datetime(2026, 6, 8, 23, 30, tzinfo=UTC))
    # When the sweep runs
    result = sweep(duties, clock=clock)
    # Then it is already the due date in the UK: the duty is at risk
    assert result == SweepResult(at_risk=1, missed=0)


def test_a_duty_due_tomorrow_is_left_alone() -> None:
    duties = FakeDutyRepository([duty(TOMORROW)])
    assert sweep(duties) == SweepResult(at_risk=0, missed=0)
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.OPEN
    assert duties.tasks == {}


def test_met_duties_due_today_or_earlier_are_left_alone() -> None:
    # Given met duties due today and last week
    met_at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    duties = FakeDutyRepository(
        [
            duty(TODAY, duty_id="today", status=DutyStatus.MET, met_at=met_at),
            duty(date(2026, 3, 2), duty_id="last-week", status=DutyStatus.MET, met_at=met_at),
        ]
    )
    # When the sweep runs, then neither changes and nobody is told
    assert sweep(duties) == SweepResult(at_risk=0, missed=0)
    assert {d.duty_id: d.status for d in duties.duties.values()} == {
        "today": DutyStatus.MET,
        "last-week": DutyStatus.MET,
    }
    assert duties.tasks == {}


def test_a_duty_already_at_risk_today_is_not_flagged_again() -> None:
    duties = FakeDutyRepository([duty(TODAY, status=DutyStatus.AT_RISK)])
    assert sweep(duties) == SweepResult(at_risk=0, missed=0)
    assert duties.tasks == {}


def test_a_second_sweep_the_same_day_changes_nothing() -> None:
    # Given a sweep that has flagged a duty due today
    duties = FakeDutyRepository([duty(TODAY)])
    sweep(duties)
    # When the sweep runs again a minute later
    again = sweep(duties, clock=FixedClock(CLOCK.now() + timedelta(minutes=1)))
    # Then nothing more is counted and the force still has one task
    assert again == SweepResult(at_risk=0, missed=0)
    assert len(duties.tasks) == 1


def test_a_duty_met_after_it_was_indexed_is_not_flagged() -> None:
    # Given a duty the eventually consistent index still lists as open, but which a message has met
    duties = FakeDutyRepository([duty(TODAY)])
    duties.settle(FORCE, CASE_ID, "right3#V-1", CLOCK.now(), "000000000001#right3-confirmation#email#V-1")
    duties.stale_index.append(duty(TODAY))
    # When the sweep runs
    result = sweep(duties)
    # Then the conditional update fails: it stays met, nothing is counted and no task is made
    assert result == SweepResult(at_risk=0, missed=0)
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.MET
    assert duties.tasks == {}


# ---------------------------------------------------------------- missed


def test_an_open_duty_due_before_today_is_missed_as_not_met_by_the_due_date() -> None:
    # Given an open duty that was due last Monday
    duties = FakeDutyRepository([duty(date(2026, 3, 2))])
    # When the sweep runs
    result = sweep(duties)
    # Then it is missed with the default reason, and no at-risk task is made
    assert result == SweepResult(at_risk=0, missed=1)
    missed = duties.get(FORCE, CASE_ID, "right3#V-1")
    assert (missed.status, missed.reason) == (DutyStatus.MISSED, NOT_MET)
    assert NOT_MET == "not met by the due date"
    assert duties.tasks == {}


def test_a_missed_duty_keeps_the_reason_recorded_on_it() -> None:
    # Given an overdue duty that carries a reason (a blocked statutory message, say)
    reason = "the only safe channel bounced; the officer was asked to write"
    duties = FakeDutyRepository([duty(YESTERDAY, reason=reason)])
    # When the sweep runs
    sweep(duties)
    # Then the missed duty says why
    missed = duties.get(FORCE, CASE_ID, "right3#V-1")
    assert (missed.status, missed.reason) == (DutyStatus.MISSED, reason)


def test_a_duty_flagged_at_risk_on_its_due_date_is_missed_the_next_day() -> None:
    # Given a sweep on the due date flagged the duty at risk, and nothing met it
    duties = FakeDutyRepository([duty(TODAY)])
    assert sweep(duties) == SweepResult(at_risk=1, missed=0)
    # When the sweep runs the next morning
    result = sweep(duties, clock=FixedClock(datetime(2026, 3, 10, 7, 0, tzinfo=UTC)))
    # Then it is missed, counted once, and the force was told only once
    assert result == SweepResult(at_risk=0, missed=1)
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.MISSED
    assert len(duties.tasks) == 1


def test_a_missed_duty_is_not_counted_again() -> None:
    duties = FakeDutyRepository([duty(YESTERDAY)])
    assert sweep(duties) == SweepResult(at_risk=0, missed=1)
    assert sweep(duties) == SweepResult(at_risk=0, missed=0)


def test_a_duty_met_late_but_still_in_the_stale_index_is_not_marked_missed() -> None:
    # Given an overdue duty met a moment ago, still listed as open by the index
    duties = FakeDutyRepository([duty(YESTERDAY)])
    duties.settle(FORCE, CASE_ID, "right3#V-1", CLOCK.now(), "message")
    duties.stale_index.append(duty(YESTERDAY))
    # When the sweep runs, then it stays met and nothing is counted
    assert sweep(duties) == SweepResult(at_risk=0, missed=0)
    assert duties.get(FORCE, CASE_ID, "right3#V-1").status is DutyStatus.MET


def test_only_what_the_store_actually_changed_is_counted() -> None:
    # Given one duty due today and one overdue, and a store where something else moves every duty first
    duties = FakeDutyRepository([duty(TODAY, duty_id="today"), duty(YESTERDAY, duty_id="overdue")])
    duties.lose_races = True
    # When the sweep runs
    result = sweep(duties)
    # Then nothing is counted and nothing was written
    assert result == SweepResult(at_risk=0, missed=0)
    assert {d.duty_id: d.status for d in duties.duties.values()} == {
        "today": DutyStatus.OPEN,
        "overdue": DutyStatus.OPEN,
    }
    assert duties.tasks == {}


# ---------------------------------------------------------------- forces


def test_every_listed_force_is_swept_and_only_those() -> None:
    # Given due and overdue duties in two forces and a due one in a third force not in the sweep
    duties = FakeDutyRepository(
        [
            duty(TODAY, duty_id="a", case_id="C-1"),
            duty(YESTERDAY, duty_id="b", case_id="C-2"),
            duty(TODAY, duty_id="c", force_id=OTHER_FORCE),
            duty(TODAY, duty_id="d", force_id="west-shire"),
        ]
    )
    # When only the two forces are swept
    result = sweep(duties, FORCE, OTHER_FORCE)
    # Then their duties are handled, each task goes to the duty's own force, and the third force is untouched
    assert result == SweepResult(at_risk=2, missed=1)
    assert duties.get(FORCE, "C-2", "b").status is DutyStatus.MISSED
    assert duties.get("west-shire", CASE_ID, "d").status is DutyStatus.OPEN
    assert sorted((force, task_id) for force, _, task_id in duties.tasks) == [
        (FORCE, "duty-at-risk#a"),
        (OTHER_FORCE, "duty-at-risk#c"),
    ]


def test_no_forces_means_nothing_is_swept() -> None:
    duties = FakeDutyRepository([duty(TODAY), duty(YESTERDAY, duty_id="overdue")])
    assert sweep_due_duties([], duties=duties, clock=CLOCK) == SweepResult(at_risk=0, missed=0)
    assert {d.status for d in duties.duties.values()} == {DutyStatus.OPEN}


# ---------------------------------------------------------------- compliance


def test_compliance_counts_each_outcome_per_right_and_tier() -> None:
    # Given Right 3 standard duties of every kind, and one enhanced Right 6 duty still open
    due = date(2026, 3, 5)
    on_time = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    late = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    duties = [
        duty(due, duty_id="1", status=DutyStatus.MET, met_at=on_time),
        duty(due, duty_id="2", status=DutyStatus.MET, met_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
        duty(due, duty_id="3", status=DutyStatus.MET, met_at=late),
        duty(due, duty_id="4", status=DutyStatus.MISSED, reason=NOT_MET),
        duty(due, duty_id="5", status=DutyStatus.AT_RISK),
        duty(due, duty_id="6"),
        duty(due, duty_id="7", right=RIGHT_6, tier="enhanced"),
    ]
    # When the compliance view is worked out
    rows = compliance(duties)
    # Then each right and tier gets its own row, in order
    assert rows == [
        ComplianceRow(RIGHT_3, "standard", due=6, met_on_time=2, met_late=1, missed=1, open=2),
        ComplianceRow(RIGHT_6, "enhanced", due=1, met_on_time=0, met_late=0, missed=0, open=1),
    ]


def test_the_same_right_is_counted_separately_for_each_tier() -> None:
    met_at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    rows = compliance(
        [
            duty(TODAY, duty_id="s", right=RIGHT_6, status=DutyStatus.MET, met_at=met_at),
            duty(TODAY, duty_id="e", right=RIGHT_6, tier="enhanced", status=DutyStatus.MISSED),
        ]
    )
    assert [(r.tier, r.due, r.met_on_time, r.missed) for r in rows] == [("enhanced", 1, 0, 1), ("standard", 1, 1, 0)]


def test_met_at_23_30_utc_on_the_due_date_in_summer_is_the_next_uk_day_so_it_is_late() -> None:
    # Given a duty due Tuesday 9 June 2026, met at 23:30 UTC that day (00:30 BST on Wednesday 10 June)
    met = duty(date(2026, 6, 9), status=DutyStatus.MET, met_at=datetime(2026, 6, 9, 23, 30, tzinfo=UTC))
    # When the compliance view is worked out
    [row] = compliance([met])
    # Then it was met late
    assert (row.met_on_time, row.met_late) == (0, 1)


def test_met_at_23_30_utc_on_the_due_date_in_winter_is_still_that_uk_day_so_it_is_on_time() -> None:
    # Given a duty due Tuesday 10 March 2026 (GMT), met at 23:30 UTC that day (23:30 in the UK too)
    met = duty(TOMORROW, status=DutyStatus.MET, met_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    # When the compliance view is worked out, then it was on time
    [row] = compliance([met])
    assert (row.met_on_time, row.met_late) == (1, 0)


def test_met_just_before_uk_midnight_in_summer_is_on_time() -> None:
    # Given 22:59 UTC on 9 June is 23:59 BST, still the due date
    met = duty(date(2026, 6, 9), status=DutyStatus.MET, met_at=datetime(2026, 6, 9, 22, 59, tzinfo=UTC))
    [row] = compliance([met])
    assert (row.met_on_time, row.met_late) == (1, 0)


def test_compliance_over_the_store_s_period_list_counts_every_status() -> None:
    # Given a force's duties in the store, one of them due outside the period
    duties = FakeDutyRepository(
        [
            duty(YESTERDAY, duty_id="met", status=DutyStatus.MET, met_at=datetime(2026, 3, 8, 9, 0, tzinfo=UTC)),
            duty(YESTERDAY, duty_id="missed", status=DutyStatus.MISSED),
            duty(TODAY, duty_id="open"),
            duty(date(2026, 4, 1), duty_id="later"),
        ]
    )
    # When the view is worked out for the first half of March
    rows = compliance(duties.due_between(FORCE, date(2026, 3, 1), date(2026, 3, 15)))
    # Then the three duties due in the period are counted, by outcome
    assert rows == [ComplianceRow(RIGHT_3, "standard", due=3, met_on_time=1, met_late=0, missed=1, open=1)]


def test_no_duties_give_no_rows() -> None:
    assert compliance([]) == []


def test_a_sweep_out_of_time_leaves_the_rest_for_the_next_run() -> None:
    # Given five duties missed yesterday, and a run with time for two items
    duties = FakeDutyRepository([duty(YESTERDAY, duty_id=f"d{n}") for n in range(5)])
    budget = iter([True, True])
    # When the sweep runs out of time, then the next run has plenty
    first = sweep_due_duties((FORCE,), duties=duties, clock=CLOCK, time_left=lambda: next(budget, False))
    second = sweep(duties)
    # Then the first marked two and stopped, and the second marked the other three: none twice, none lost
    assert (first, second) == (SweepResult(at_risk=0, missed=2), SweepResult(at_risk=0, missed=3))
    assert all(duties.get(FORCE, CASE_ID, f"d{n}").status is DutyStatus.MISSED for n in range(5))
