"""The counting rules of force insights: which change counts towards which daily figure (docs/adr/0015)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from caseline.domain.insights import (
    MAX_RANGE_DAYS,
    CaseProfile,
    Change,
    First,
    Tally,
    Visit,
    first_tallies,
    merged,
    recorded_within,
    tallies,
    visitor_tally,
)
from caseline.domain.insights_read import DayFigures, RangeInvalidError, csv_rows, day_range, for_period, summarise

AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def change(kind: str, event: str, new: dict[str, Any], old: dict[str, Any] | None = None) -> Change:
    return Change(kind, event, "CASE#thames-valley#C1", f"{kind.upper()}#1", "thames-valley", new, old or {}, AT)


def counted(c: Change, profile: CaseProfile | None = None) -> dict[tuple[str, str], dict[str, int]]:
    found = tallies(c, profile)
    return {} if found is None else {(t.day.isoformat(), t.family): t.figures for t in found.tallies}


def test_a_sent_message_counts_by_channel_on_its_uk_sent_day() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (BST)
    sent_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    new = {"status": "sent", "channel": "sms", "sent_at": sent_at, "template_id": "crime-recorded"}
    c = change("outbox", "MODIFY", new | {"segments": 2}, {"status": "sending"})
    assert counted(c)[("2026-07-01", "messages")] == {"sent_sms": 1, "sms_segments": 2}  # its billed parts
    c = change("outbox", "MODIFY", new, {"status": "sending"})  # sent before segments were recorded
    assert counted(c) == {
        ("2026-07-01", "messages"): {"sent_sms": 1},
        ("2026-07-01", "templates"): {"crime-recorded": 1},
    }


def test_a_sent_message_that_carried_an_access_code_is_an_invitation() -> None:
    new = {"status": "sent", "channel": "email", "sent_at": AT, "template_id": "crime-recorded"}
    c = change("outbox", "MODIFY", new, {"status": "sending", "sealed_code": "sealed"})
    assert counted(c) == {
        ("2026-12-06", "messages"): {"sent_email": 1},
        ("2026-12-06", "templates"): {"crime-recorded": 1},
        ("2026-12-06", "adoption"): {"invitations_sent": 1},
    }


@pytest.mark.parametrize("status", ["failed", "blocked", "skipped"])
def test_other_final_statuses_count_on_the_day_the_message_was_made(status: str) -> None:
    made = {"status": status, "channel": "email", "created_at": AT - timedelta(days=1)}
    assert counted(change("outbox", "MODIFY", made, {"status": "sending"})) == {
        ("2026-12-05", "messages"): {f"{status}_email": 1}
    }
    # an item written before it had a time counts on the day of the change
    c = change("outbox", "MODIFY", {"status": status, "channel": "email"}, {"status": "sending"})
    assert counted(c) == {("2026-12-06", "messages"): {f"{status}_email": 1}}


def test_a_modification_that_changes_no_status_counts_nothing() -> None:
    c = change("outbox", "MODIFY", {"status": "sent", "channel": "email"}, {"status": "sent"})
    assert tallies(c) is None


def test_a_bounce_counts_once_when_the_delivery_result_first_says_so() -> None:
    new = {"status": "sent", "channel": "email", "delivery": "bounced", "delivery_at": AT}
    assert counted(change("outbox", "MODIFY", new, {"status": "sent"})) == {
        ("2026-12-06", "messages"): {"bounced_email": 1}
    }
    assert tallies(change("outbox", "MODIFY", new, {"status": "sent", "delivery": "bounced"})) is None


def test_a_fallback_copy_counts_as_fell_back_by_its_channel() -> None:
    new = {"key": "k1#fallback-sms", "channel": "sms", "status": "pending", "created_at": AT}
    assert counted(change("outbox", "INSERT", new)) == {("2026-12-06", "messages"): {"fell_back_sms": 1}}
    assert tallies(change("outbox", "INSERT", new | {"key": "k1"})) is None


def test_duties_count_when_due_and_when_met_on_time_late_or_missed_and_by_right_and_tier() -> None:
    duty = {"right": "right3", "tier": "enhanced"}
    assert counted(change("duty", "INSERT", duty | {"due_on": "2026-12-09", "status": "open"})) == {
        ("2026-12-09", "duties"): {"due": 1},
        ("2026-12-09", "duties_by_right"): {"right3.enhanced.due": 1},
    }
    met = duty | {"status": "met", "met_at": AT}
    on_time = change("duty", "MODIFY", met | {"due_on": "2026-12-06"}, {"status": "open"})
    assert counted(on_time)[("2026-12-06", "duties")] == {"met_on_time": 1}
    late = change("duty", "MODIFY", met | {"due_on": "2026-12-05"}, {"status": "at-risk"})
    assert counted(late)[("2026-12-06", "duties_by_right")] == {"right3.enhanced.met_late": 1}
    missed = change("duty", "MODIFY", {"status": "missed", "due_on": "2026-12-05"}, {"status": "at-risk"})
    assert counted(missed) == {  # on the day it was due; a duty with no right or tier says so
        ("2026-12-05", "duties"): {"missed": 1},
        ("2026-12-05", "duties_by_right"): {"unknown.unknown.missed": 1},
    }
    assert tallies(change("duty", "MODIFY", {"status": "at-risk"}, {"status": "open"})) is None


def test_links_views_requests_messages_surveys_and_reports() -> None:
    assert counted(change("member", "INSERT", {"linked_at": AT})) == {
        ("2026-12-06", "adoption"): {"cases_linked": 1, "linked_uninvited": 1}
    }  # no profile: no invitation was found
    assert counted(change("audit", "INSERT", {"action": "viewed-case", "at": AT})) == {
        ("2026-12-06", "contact"): {"case_views": 1}
    }
    assert counted(change("audit", "INSERT", {"action": "victim-called", "at": AT})) == {
        ("2026-12-06", "contact"): {"calls_recorded": 1}
    }
    assert tallies(change("audit", "INSERT", {"action": "exported", "at": AT})) is None
    request = {"event_type": "org.caseline.victim.update-requested.v1", "created_at": AT}
    assert counted(change("outbound", "INSERT", request)) == {("2026-12-06", "contact"): {"update_requests": 1}}
    message = {"event_type": "org.caseline.victim.message-sent.v1", "created_at": AT}
    assert counted(change("outbound", "INSERT", message)) == {("2026-12-06", "contact"): {"victim_messages": 1}}
    assert counted(change("survey", "INSERT", {"satisfaction": 4, "answered_at": AT})) == {
        ("2026-12-06", "satisfaction"): {"answers": 1, "satisfaction_4": 1},
        ("2026-12-06", "satisfaction_by_case"): {"unknown.unknown.answers": 1, "unknown.unknown.satisfaction_4": 1},
    }  # no profile: unknown category and tier
    report = {"submitted_at": AT, "status": "submitted", "category": "burglary"}
    assert counted(change("report", "INSERT", report)) == {
        ("2026-12-06", "reports"): {"submitted": 1, "submitted.burglary": 1}
    }
    answered = report | {"status": "recorded", "answered_at": AT + timedelta(days=1)}
    recorded = change("report", "MODIFY", answered, {"status": "received"})
    assert counted(recorded) == {  # the day the force answered, and how long after it was submitted
        ("2026-12-07", "reports"): {"recorded": 1, "recorded.burglary": 1, "recorded_1_2_days": 1}
    }


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "same_day"),
        (1, "1_2_days"),
        (2, "1_2_days"),
        (3, "3_7_days"),
        (8, "8_30_days"),
        (30, "8_30_days"),
        (31, "later"),
    ],
)
def test_time_to_be_recorded_falls_in_one_bucket(days: int, bucket: str) -> None:
    assert recorded_within(AT.date(), AT.date() + timedelta(days=days)) == bucket


def test_the_source_key_names_the_item_and_its_transition() -> None:
    sent = change("outbox", "MODIFY", {"status": "sent", "channel": "sms"}, {"status": "sending"})
    new = {"status": "sent", "channel": "sms", "delivery": "bounced"}
    bounced = change("outbox", "MODIFY", new, {"status": "sent"})
    first, second = tallies(sent), tallies(bounced)
    assert first and second and first.source != second.source
    assert first.source.startswith("CASE#thames-valley#C1|OUTBOX#1|")


def test_day_ranges_default_to_a_week_and_refuse_what_is_malformed_reversed_or_too_long() -> None:
    today = date(2026, 12, 6)
    assert day_range(None, None, today) == (date(2026, 11, 30), today)
    assert day_range("2026-12-01", "2026-12-02", today) == (date(2026, 12, 1), date(2026, 12, 2))
    for start, end in [
        ("2026-13-01", None),
        ("2026-12-03", "2026-12-02"),
        ("2026-01-01", "2026-12-31"),
        (None, "0001-01-03"),  # the default week would start before the first date there is
        ("0001-01-01", "0001-01-07"),  # its week would start before it
        ("9999-12-25", "9999-12-31"),  # its month would end after the last
    ]:
        with pytest.raises(RangeInvalidError):
            day_range(start, end, today)
    first = date(2026, 9, 1)
    longest = first + timedelta(days=MAX_RANGE_DAYS - 1)
    assert day_range(first.isoformat(), longest.isoformat(), today) == (first, longest)
    with pytest.raises(RangeInvalidError):
        day_range(first.isoformat(), (longest + timedelta(days=1)).isoformat(), today)


NOT_YYYY_MM_DD = ["20261201", "2026-W49-1", "2026-335", "2026-12-1", "+2026-12-01", "2026-12-01T00:00"]
NOT_YYYY_MM_DD += ["\uff12\uff10\uff12\uff16-12-01"]  # full-width digits


@pytest.mark.parametrize("start", NOT_YYYY_MM_DD)
def test_a_day_is_only_ever_yyyy_mm_dd(start: str) -> None:
    # Python reads ISO basic, week and ordinal dates too; docs/api.md promises YYYY-MM-DD, and a week date
    # read as its Monday would quietly answer other days than the analyst typed
    with pytest.raises(RangeInvalidError) as found:
        day_range(start, "2026-12-06", date(2026, 12, 6))
    assert found.value.field == "from"


def test_a_malformed_day_is_named_whichever_parameter_it_is_in() -> None:
    cases = [("2026-12-01", "soon", "to"), ("soon", "2026-12-06", "from"), (None, "2026-02-30", "to")]
    cases += [("2026-12-01", "9999-01-01", "to"), ("1899-12-31", "2026-12-06", "from")]  # outside the calendar
    for start, end, field in cases:
        with pytest.raises(RangeInvalidError) as found:
            day_range(start, end, date(2026, 12, 6))
        assert found.value.field == field


def test_the_default_week_starts_no_earlier_than_the_calendar() -> None:
    # a last day the calendar allows is not refused for a default first day it does not
    assert day_range(None, "1900-01-03", date(2026, 12, 6)) == (date(1900, 1, 1), date(1900, 1, 3))


def test_weeks_and_months_are_sums_of_days() -> None:
    rows = [
        DayFigures(date(2026, 11, 30), "messages", {"sent_sms": 2}),  # a Monday
        DayFigures(date(2026, 12, 6), "messages", {"sent_sms": 3, "sent_email": 1}),  # the Sunday after
        DayFigures(date(2026, 12, 7), "messages", {"sent_sms": 5}),
    ]
    weeks = summarise(rows, "week")
    assert weeks["periods"] == [
        {"start": "2026-11-30", "figures": {"messages": {"sent_sms": 5, "sent_email": 1}}},
        {"start": "2026-12-07", "figures": {"messages": {"sent_sms": 5}}},
    ]
    assert weeks["totals"] == {"messages": {"sent_sms": 10, "sent_email": 1}}
    months = summarise(rows, "month")
    assert [p["start"] for p in months["periods"]] == ["2026-11-01", "2026-12-01"]
    assert ("2026-12-01", "messages", "sent_sms", 8) in csv_rows(months)


@pytest.mark.parametrize(
    "action", ["requested-review", "requested-statement", "alert-acknowledged", "delegate-invited", "delegate-removed"]
)
def test_a_victim_s_request_or_confirmation_in_the_audit_counts_as_a_case_action(action: str) -> None:
    found = tallies(change("audit", "INSERT", {"action": action, "user_id": "u1", "at": AT}))
    assert found is not None and found.visit is None
    assert [(t.day, t.family, t.figures) for t in found.tallies] == [
        (AT.date(), "case_actions", {action.replace("-", "_"): 1})
    ]


def test_a_case_view_is_a_visit_of_its_victim_on_the_uk_day_in_its_week_and_month() -> None:
    at = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 23:30 UTC on 31 October is 31 October in the UK (GMT)
    found = tallies(change("audit", "INSERT", {"action": "viewed-case", "user_id": "u1", "at": at}))
    assert found is not None and found.visit == Visit("thames-valley", date(2026, 10, 31), "USER#u1")
    starts = [found.visit.start(p) for p in ("day", "week", "month")]
    assert starts == [date(2026, 10, 31), date(2026, 10, 26), date(2026, 10, 1)]  # a Saturday; its Monday
    called = tallies(change("audit", "INSERT", {"action": "victim-called", "user_id": "u1", "at": at}))
    assert called is not None and called.visit is None


def test_two_accounts_of_one_victim_are_one_visitor() -> None:
    views = [{"action": "viewed-case", "user_id": user, "victim_id": "TVP-V-0001", "at": AT} for user in ("u1", "u2")]
    visits = [found.visit for found in (tallies(change("audit", "INSERT", v)) for v in views) if found]
    assert visits == [Visit("thames-valley", AT.date(), "VICTIM#TVP-V-0001")] * 2


@pytest.mark.parametrize(
    ("seen", "figures"),
    [
        (0, {"active_victims": 1, "visits_1": 1}),
        (1, {"visits_1": -1, "visits_2_3": 1}),
        (2, {}),  # still 2-3 visits: nothing moves
        (3, {"visits_2_3": -1, "visits_4_7": 1}),
        (7, {"visits_4_7": -1, "visits_8_plus": 1}),
        (20, {}),
    ],
)
def test_a_visit_moves_its_victim_between_the_period_s_buckets(seen: int, figures: dict[str, int]) -> None:
    tally = visitor_tally(Visit("hampshire", date(2026, 11, 12), "USER#u1"), "month", seen)
    assert (tally.day, tally.family, tally.figures) == (date(2026, 11, 1), "visitors_month", figures)
    tally = visitor_tally(Visit("hampshire", date(2026, 11, 12), "USER#u1"), "week", seen)
    assert (tally.day, tally.family, tally.figures) == (date(2026, 11, 9), "visitors_week", figures)


def test_an_answer_shows_the_visitors_of_its_own_period_from_its_first_day() -> None:
    rows = [
        DayFigures(date(2026, 11, 1), "visitors_month", {"active_victims": 9}),
        DayFigures(date(2026, 11, 9), "visitors_week", {"active_victims": 4}),
        DayFigures(date(2026, 11, 9), "visitors_day", {"active_victims": 1}),
        DayFigures(date(2026, 11, 9), "contact", {"case_views": 1}),  # before the first day asked for
        DayFigures(date(2026, 11, 11), "visitors_day", {"active_victims": 2}),
        DayFigures(date(2026, 11, 11), "contact", {"case_views": 3}),
    ]
    first = date(2026, 11, 11)
    assert list(for_period(rows[2:], first, "day")) == [
        DayFigures(date(2026, 11, 9), "visitors", {"active_victims": 1}),  # as read: from the first day
        DayFigures(date(2026, 11, 11), "visitors", {"active_victims": 2}),
        rows[5],
    ]
    assert list(for_period(rows, first, "week")) == [
        DayFigures(date(2026, 11, 9), "visitors", {"active_victims": 4}),
        rows[5],
    ]
    assert [r.family for r in for_period(rows, first, "month")] == ["visitors", "contact"]


def test_an_account_s_first_link_is_a_new_account_for_that_case_s_force_and_an_earlier_one_moves_it() -> None:
    link = First("accounts_created", "u1", "hampshire", AT)
    assert first_tallies(link, None) == (Tally("hampshire", AT.date(), "adoption", {"accounts_created": 1}),)
    assert first_tallies(link, First("accounts_created", "u1", "thames-valley", AT - timedelta(days=1))) == ()
    later = First("accounts_created", "u1", "thames-valley", AT + timedelta(days=2))  # counted first: out of order
    assert first_tallies(link, later) == (
        Tally("hampshire", AT.date(), "adoption", {"accounts_created": 1}),
        Tally("thames-valley", date(2026, 12, 8), "adoption", {"accounts_created": -1}),
    )
    found = tallies(change("member", "INSERT", {"linked_at": AT, "user_id": "u1"}))
    assert found is not None and found.firsts == (First("accounts_created", "u1", "thames-valley", AT),)


def test_a_link_and_a_sent_invitation_are_candidates_for_the_victim_s_first_on_the_case() -> None:
    ids = {"case_id": "C1", "victim_id": "V1"}
    link = tallies(change("member", "INSERT", ids | {"linked_at": AT, "user_id": "u2"}))
    assert link is not None and link.firsts == (
        First("accounts_created", "u2", "thames-valley", AT),
        First("victims_linked", "thames-valley#C1#V1", "thames-valley", AT),
    )
    sent_at = AT - timedelta(days=3)
    new = ids | {"status": "sent", "channel": "sms", "sent_at": sent_at, "template_id": "access-code-reissued"}
    invitation = tallies(change("outbox", "MODIFY", new, {"status": "sending", "sealed_code": "sealed"}))
    assert invitation is not None
    assert invitation.firsts == (First("victims_invited", "thames-valley#C1#V1", "thames-valley", sent_at),)
    # a message without an access code, or a status that is not sent, is no invitation
    update = tallies(change("outbox", "MODIFY", new, {"status": "sending"}))
    failed = tallies(change("outbox", "MODIFY", new | {"status": "failed"}, {"status": "sending", "sealed_code": "x"}))
    assert update is not None and failed is not None and update.firsts == failed.firsts == ()
    # a victim's earlier first (another account's link, an earlier invitation) keeps it: nothing counts again
    earlier = First("victims_linked", "thames-valley#C1#V1", "thames-valley", AT - timedelta(days=1))
    assert first_tallies(link.firsts[1], earlier) == ()
    once = Tally("thames-valley", AT.date(), "adoption", {"victims_linked": 1})
    assert first_tallies(link.firsts[1], None) == (once,)


def test_tallies_of_one_item_are_merged_and_what_sums_to_zero_is_left_out() -> None:
    day = AT.date()
    found = merged(
        [
            Tally("hampshire", day, "adoption", {"cases_linked": 1, "accounts_created": 1}),
            Tally("hampshire", day, "adoption", {"accounts_created": -1}),
            Tally("hampshire", day, "contact", {"case_views": 1}),
        ]
    )
    assert found == [
        Tally("hampshire", day, "adoption", {"cases_linked": 1}),
        Tally("hampshire", day, "contact", {"case_views": 1}),
    ]


def test_a_survey_counts_by_crime_type_and_tier_and_a_link_by_the_days_since_the_first_invitation() -> None:
    profile = CaseProfile("robbery", "enhanced", AT - timedelta(days=9))
    survey = tallies(change("survey", "INSERT", {"satisfaction": 2, "answered_at": AT}), profile)
    assert survey is not None and survey.tallies[1].figures == {
        "robbery.enhanced.answers": 1,
        "robbery.enhanced.satisfaction_2": 1,
    }
    linked = tallies(change("member", "INSERT", {"linked_at": AT}), profile)
    assert linked is not None and linked.tallies[0].figures == {"cases_linked": 1, "linked_8_30_days": 1}
    same_day = CaseProfile(invited_at=AT.replace(hour=0, minute=5))
    assert counted(change("member", "INSERT", {"linked_at": AT}), same_day) == {
        ("2026-12-06", "adoption"): {"cases_linked": 1, "linked_same_day": 1}
    }


def test_an_opt_out_counts_when_non_statutory_messages_turn_off_and_an_opt_in_when_they_turn_back_on() -> None:
    def prefs(non_statutory: bool | None) -> dict[str, Any]:
        chosen = {} if non_statutory is None else {"non_statutory": non_statutory}
        return {"preferences": chosen, "updated_at": AT}

    day = AT.date().isoformat()
    # First choices that opt out, then a change that turns them back on
    assert counted(change("preferences", "INSERT", prefs(False))) == {(day, "messages"): {"opted_out": 1}}
    on_again = change("preferences", "MODIFY", prefs(True), prefs(False))
    assert counted(on_again) == {(day, "messages"): {"opted_in": 1}}
    # Anything else about the choices (or first choices that keep them on) counts nothing
    assert tallies(change("preferences", "MODIFY", prefs(False), prefs(False))) is None
    assert tallies(change("preferences", "INSERT", prefs(None))) is None
    assert tallies(change("preferences", "MODIFY", prefs(True), prefs(None))) is None
