"""Counting once per source transition, and reading only the caller's own force (in-memory store)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, timedelta

import pytest

from caseline.domain import insights as rules
from caseline.domain.errors import NotFoundError
from caseline.domain.insights import CaseProfile, Change, Counted, First
from caseline.domain.insights_read import DayFigures
from caseline.services.insights import count_change, force_figures, invitation_templates, staff_forces

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


class MemoryInsights:
    """Counters by (force, day, family) and the set of counted sources, as the DynamoDB store keeps them."""

    def __init__(self) -> None:
        self.figures: dict[tuple[str, date, str], dict[str, int]] = {}
        self.sources: set[str] = set()
        self.reads: list[tuple[str, date, date]] = []
        self.visits: dict[tuple[str, str, date, str], int] = {}
        self.firsts: dict[tuple[str, str], First] = {}
        self.profiled: list[tuple[str, str, str, Collection[str]]] = []

    def add(self, counted: Counted, now: datetime) -> bool:
        if counted.source in self.sources:
            return False
        self.sources.add(counted.source)
        tallies = list(counted.tallies)
        for period in rules.PERIODS if (visit := counted.visit) else ():  # as the markers: the count, one more
            key = (visit.force_id, period, visit.start(period), visit.visitor)
            tallies.append(rules.visitor_tally(visit, period, self.visits.get(key, 0)))
            self.visits[key] = self.visits.get(key, 0) + 1
        for first in counted.firsts:  # as the first markers: moved only to an earlier one
            if found := rules.first_tallies(first, self.firsts.get((first.figure, first.subject))):
                self.firsts[(first.figure, first.subject)] = first
                tallies += found
        for t in rules.merged(tallies):
            bucket = self.figures.setdefault((t.force_id, t.day, t.family), {})
            for name, value in t.figures.items():
                bucket[name] = bucket.get(name, 0) + value
        return True

    def profile(self, force_id: str, case_id: str, victim_id: str, invitations: Collection[str]) -> CaseProfile:
        self.profiled.append((force_id, case_id, victim_id, invitations))
        return CaseProfile("burglary", "enhanced", datetime(2026, 12, 1, 9, tzinfo=UTC))

    def days(self, force_id: str, first: date, last: date) -> Iterable[DayFigures]:
        self.reads.append((force_id, first, last))
        return [
            DayFigures(day, family, {k: v for k, v in figures.items() if v})
            for (force, day, family), figures in sorted(self.figures.items())
            if force == force_id and first <= day <= last and any(figures.values())
        ]


def sent(force_id: str, key: str) -> Change:
    new = {"status": "sent", "channel": "email", "sent_at": NOW}
    return Change("outbox", "MODIFY", f"CASE#{force_id}#C1", f"OUTBOX#{key}", force_id, new, {"status": "sending"})


def test_a_replayed_change_counts_once() -> None:
    store = MemoryInsights()
    assert count_change(sent("thames-valley", "k1"), store, NOW) == "counted"
    assert count_change(sent("thames-valley", "k1"), store, NOW) == "replayed"
    assert count_change(sent("thames-valley", "k2"), store, NOW) == "counted"
    assert store.figures[("thames-valley", date(2026, 12, 6), "messages")] == {"sent_email": 2}


def test_a_change_without_a_time_counts_on_the_day_it_is_counted() -> None:
    store = MemoryInsights()
    missed = Change("duty", "MODIFY", "CASE#hampshire#C1", "DUTY#d1", "hampshire", {"status": "missed"}, {})
    assert count_change(missed, store, NOW) == "counted"
    assert store.figures == {
        ("hampshire", date(2026, 12, 6), "duties"): {"missed": 1},
        ("hampshire", date(2026, 12, 6), "duties_by_right"): {"unknown.unknown.missed": 1},
    }


def test_changes_that_count_nothing_write_nothing() -> None:
    store = MemoryInsights()
    assert count_change(None, store, NOW) == "ignored"
    noop = Change("duty", "MODIFY", "CASE#hampshire#C1", "DUTY#d1", "hampshire", {"status": "open"}, {})
    assert count_change(noop, store, NOW) == "ignored"
    assert store.figures == {} and store.sources == set()


def test_staff_read_only_the_forces_of_their_groups() -> None:
    assert staff_forces(["force-hampshire", "admins"]) == {"hampshire"}
    store = MemoryInsights()
    count_change(sent("thames-valley", "k1"), store, NOW)
    count_change(sent("hampshire", "k1"), store, NOW)
    answer = force_figures("thames-valley", ["force-thames-valley"], None, None, "day", store, date(2026, 12, 6))
    assert answer["totals"] == {"messages": {"sent_email": 1}, "templates": {"unknown": 1}}
    assert answer["from"] == "2026-11-30" and answer["to"] == "2026-12-06"
    with pytest.raises(NotFoundError):
        force_figures("hampshire", ["force-thames-valley"], None, None, "day", store, date(2026, 12, 6))
    with pytest.raises(NotFoundError):
        force_figures("thames-valley", [], None, None, "day", store, date(2026, 12, 6))
    assert store.reads == [("thames-valley", date(2026, 11, 30), date(2026, 12, 6))]  # refused: no read


def test_visitors_are_distinct_victims_by_their_visits_in_each_month_week_or_day_even_from_mid_period() -> None:
    store = MemoryInsights()
    views = [("alex", 3), ("alex", 4), ("sam", 4), ("alex", 20), ("alex", 21), ("sam", 30)]
    for n, (user, day) in enumerate(views):
        at = datetime(2026, 11, day, 12, tzinfo=UTC)
        view = Change(
            "audit",
            "INSERT",
            "CASE#hampshire#C1",
            f"AUDIT#{n}",
            "hampshire",
            {"action": "viewed-case", "user_id": user, "at": at},
        )
        assert count_change(view, store, NOW) == "counted"
        assert count_change(view, store, NOW) == "replayed"
    answer = force_figures(
        "hampshire", ["force-hampshire"], "2026-11-15", "2026-11-30", "month", store, date(2026, 12, 6)
    )
    # alex came 4 times, sam twice: two active victims, one in 2-3 visits, one in 4-7 (1 visit: emptied)
    assert answer["totals"]["visitors"] == {"active_victims": 2, "visits_2_3": 1, "visits_4_7": 1}
    assert answer["totals"]["contact"] == {"case_views": 3}  # only the views from the 15th: the range's days
    assert store.reads[-1] == ("hampshire", date(2026, 11, 1), date(2026, 11, 30))  # from the month's first day
    weeks = force_figures("hampshire", ["force-hampshire"], "2026-11-04", "2026-11-30", "week", store, NOW.date())
    by_week = {p["start"]: p["figures"]["visitors"] for p in weeks["periods"] if "visitors" in p["figures"]}
    assert by_week == {  # the week from 2 November (read from its Monday): alex twice, sam once
        "2026-11-02": {"active_victims": 2, "visits_1": 1, "visits_2_3": 1},
        "2026-11-16": {"active_victims": 1, "visits_2_3": 1},  # alex on the 20th and 21st
        "2026-11-30": {"active_victims": 1, "visits_1": 1},
    }
    days = force_figures("hampshire", ["force-hampshire"], "2026-11-04", "2026-11-04", "day", store, NOW.date())
    assert days["totals"]["visitors"] == {"active_victims": 2, "visits_1": 2}  # alex and sam, once each


def test_a_survey_and_a_link_count_by_their_case_s_profile_which_nothing_else_reads() -> None:
    store = MemoryInsights()
    ids = {"case_id": "C1", "victim_id": "V1"}
    survey = Change(
        "survey", "INSERT", "CASE#hampshire#C1", "SURVEY#1", "hampshire", ids | {"satisfaction": 5, "answered_at": NOW}
    )
    link = Change("member", "INSERT", "CASE#hampshire#C1", "MEMBER#1", "hampshire", ids | {"linked_at": NOW})
    assert count_change(survey, store, NOW) == count_change(link, store, NOW) == "counted"
    assert store.figures[("hampshire", NOW.date(), "satisfaction_by_case")] == {
        "burglary.enhanced.answers": 1,
        "burglary.enhanced.satisfaction_5": 1,
    }
    adoption = {"cases_linked": 1, "linked_3_7_days": 1, "victims_linked": 1}
    assert store.figures[("hampshire", NOW.date(), "adoption")] == adoption
    count_change(sent("hampshire", "k1"), store, NOW)
    # a link looks for the victim's invitations (templates that carry an access code), a survey does not;
    # the message read nothing
    assert store.profiled == [("hampshire", "C1", "V1", frozenset()), ("hampshire", "C1", "V1", invitation_templates())]
    assert {"confirmation-burglary", "access-code-reissued"} <= invitation_templates()
    assert "invite-reminder" not in invitation_templates()  # it reminds, without the code


def test_an_account_is_new_for_the_force_of_its_first_link_only() -> None:
    store = MemoryInsights()

    def link(force_id: str, case_id: str, at: datetime) -> Change:
        ids = {"case_id": case_id, "victim_id": "V1", "user_id": "alex", "linked_at": at}
        return Change("member", "INSERT", f"CASE#{force_id}#{case_id}", "MEMBER#alex", force_id, ids)

    assert count_change(link("hampshire", "C1", NOW), store, NOW) == "counted"
    assert count_change(link("hampshire", "C2", NOW + timedelta(days=1)), store, NOW) == "counted"
    assert count_change(link("thames-valley", "C3", NOW - timedelta(days=2)), store, NOW) == "counted"  # late
    created = {k[:2]: v.get("accounts_created", 0) for k, v in store.figures.items() if k[2] == "adoption"}
    assert created == {
        ("hampshire", NOW.date()): 0,  # counted, then moved to the earlier link's force
        ("hampshire", date(2026, 12, 7)): 0,  # a second link: not a new account
        ("thames-valley", date(2026, 12, 4)): 1,
    }


def test_a_victim_counts_once_ever_as_invited_and_as_linked_on_the_day_of_the_first() -> None:
    store = MemoryInsights()
    ids = {"case_id": "C1", "victim_id": "V1", "channel": "email", "template_id": "confirmation-burglary"}

    def invitation(key: str, at: datetime) -> Change:
        new = ids | {"status": "sent", "sent_at": at}
        return Change("outbox", "MODIFY", "CASE#hampshire#C1", f"OUTBOX#{key}", "hampshire", new, {"sealed_code": "s"})

    def link(user: str, at: datetime) -> Change:
        new = ids | {"user_id": user, "linked_at": at}
        return Change("member", "INSERT", "CASE#hampshire#C1", f"MEMBER#{user}", "hampshire", new)

    first_day, later = datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert count_change(invitation("email", first_day), store, NOW) == "counted"
    assert count_change(invitation("email", first_day), store, NOW) == "replayed"
    assert count_change(invitation("sms", first_day + timedelta(minutes=1)), store, NOW) == "counted"  # same day
    assert count_change(invitation("reissued", later), store, NOW) == "counted"  # a new code weeks later
    assert count_change(link("alex", later), store, NOW) == "counted"
    assert count_change(link("alex", later), store, NOW) == "replayed"
    assert count_change(link("alex-second-account", later + timedelta(days=1)), store, NOW) == "counted"
    adoption = {day: f for (_, day, family), f in store.figures.items() if family == "adoption"}
    assert {day: f.get("victims_invited", 0) for day, f in adoption.items()} == {
        date(2026, 11, 2): 1,  # once, on the day of the first invitation: not per message nor per new code
        date(2026, 11, 20): 0,
        date(2026, 11, 21): 0,
    }
    assert [f["invitations_sent"] for f in adoption.values() if "invitations_sent" in f] == [2, 1]  # every message
    assert {day: f.get("victims_linked", 0) for day, f in adoption.items()} == {
        date(2026, 11, 2): 0,
        date(2026, 11, 20): 1,  # the victim's first link; the second account links the same victim
        date(2026, 11, 21): 0,
    }
    assert sum(f.get("cases_linked", 0) for f in adoption.values()) == 2  # each account's link is still counted
    answer = force_figures("hampshire", ["force-hampshire"], "2026-11-01", "2026-11-30", "month", store, NOW.date())
    assert answer["derived"]["rates"] == {"invited_victims_who_linked": 1.0, "opt_out_rate": 0.0} | {
        "delivery_rate_email": 1.0
    } | {f"{rate}_rate_email": 0.0 for rate in ("bounce", "complaint", "failure")}
