"""Sign-ins: the trigger's one record per account, case and UK day, and the "new sign-in" notice the
journeys plan from it (the shipped journey and template)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caseline.content import journey_definitions, template_info
from caseline.domain.accounts import CaseMembership
from caseline.domain.personalisation import ACCOUNT_SIGNED_IN
from caseline.services.journeys import JourneyEnvironment, JourneyOutcome
from caseline.services.notices import run_signed_in
from caseline.services.sign_in import record_sign_in
from tests.unit.builders import CASE_ID, FORCE, case_record, victim_contact
from tests.unit.fakes import FakeJourneyStore, FakeSignInStore, FixedClock

PORTAL = "https://portal.example.org"
USER = "user-0001"
SUMMER_EVENING = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 23:30 in the UK (BST), Monday 1 June


# ---------------------------------------------------------------- the trigger's records


def test_signing_in_often_in_one_uk_day_records_once_per_linked_case() -> None:
    # Given an account linked to two cases
    store = FakeSignInStore(
        {USER: [CaseMembership(FORCE, CASE_ID, "V-1"), CaseMembership("other-force", "CASE-0002", "V-7")]}
    )
    clock = FixedClock(SUMMER_EVENING - timedelta(hours=12))
    # When the victim signs in three times that UK day
    written = []
    for minutes in (0, 5, 700):
        clock.current = SUMMER_EVENING - timedelta(hours=12) + timedelta(minutes=minutes)
        written.append(record_sign_in(USER, store, clock))
    # Then each case has one record for that day, as the victim the account was linked as
    assert written == [2, 0, 0]
    assert sorted((f, c, d, v) for (f, c, d, _), (v, _) in store.records.items()) == [
        (FORCE, CASE_ID, date(2026, 6, 1), "V-1"),
        ("other-force", "CASE-0002", date(2026, 6, 1), "V-7"),
    ]


def test_the_day_is_the_uk_day_not_the_utc_day() -> None:
    # Given a sign-in at 23:30 UK time (22:30 UTC) recorded on 1 June
    store = FakeSignInStore({USER: [CaseMembership(FORCE, CASE_ID, "V-1")]})
    assert record_sign_in(USER, store, FixedClock(SUMMER_EVENING)) == 1
    # When the victim signs in again an hour later: still 1 June in UTC, but 2 June in the UK
    written = record_sign_in(USER, store, FixedClock(SUMMER_EVENING + timedelta(hours=1)))
    # Then it is a new UK day's record
    assert written == 1
    assert sorted(day for (_, _, day, _) in store.records) == [date(2026, 6, 1), date(2026, 6, 2)]


def test_an_account_linked_to_no_case_records_nothing() -> None:
    store = FakeSignInStore()
    assert record_sign_in(USER, store, FixedClock(SUMMER_EVENING)) == 0
    assert store.records == {}


# ---------------------------------------------------------------- the notice


def environment(store: FakeJourneyStore, now: datetime) -> JourneyEnvironment:
    """The shipped definitions and templates: only the sign-in journey has this trigger."""
    return JourneyEnvironment(
        store=store,
        clock=FixedClock(now),
        definitions=journey_definitions(),
        template_placeholders={t.template_id: t.placeholders for t in template_info().values()},
        portal_url=PORTAL,
    )


def linked_case(*, linked: bool = True, **case_overrides: object) -> FakeJourneyStore:
    store = FakeJourneyStore()
    store.put_case(case_record(**case_overrides))  # type: ignore[arg-type]
    store.put_victim(victim_contact(victim_id="V-1"))
    if linked:
        store.link(FORCE, CASE_ID, "V-1")
    return store


def test_one_shipped_journey_runs_on_a_sign_in() -> None:
    assert [d.journey_id for d in journey_definitions().values() if d.trigger == ACCOUNT_SIGNED_IN] == [
        "account-signed-in"
    ]


def test_a_sign_in_plans_one_statutory_notice_per_channel_with_the_uk_date() -> None:
    # Given a victim linked to a recorded case
    store = linked_case()
    # When their sign-in at 23:30 UK time on 1 June is seen
    outcome = run_signed_in(FORCE, CASE_ID, "V-1", SUMMER_EVENING, environment(store, SUMMER_EVENING))
    # Then the notice goes by email and SMS, statutory (an opted-out victim still gets it), dated in UK time
    assert outcome is JourneyOutcome.PLANNED
    messages = sorted(store.messages.values(), key=lambda m: m.channel)
    assert [(m.template_id, m.channel, m.statutory) for m in messages] == [
        ("new-sign-in", "email", True),
        ("new-sign-in", "sms", True),
    ]
    assert {m.key for m in messages} == {"000020260601#new-sign-in#email#V-1", "000020260601#new-sign-in#sms#V-1"}
    assert messages[0].personalisation["sign_in_date"] == "Monday 1 June 2026"
    assert messages[0].personalisation["portal_url"] == PORTAL


def test_the_same_days_sign_in_seen_again_plans_nothing_and_the_next_day_plans_again() -> None:
    store = linked_case()
    env = environment(store, SUMMER_EVENING)
    first = run_signed_in(FORCE, CASE_ID, "V-1", SUMMER_EVENING - timedelta(hours=3), env)
    again = run_signed_in(FORCE, CASE_ID, "V-1", SUMMER_EVENING, env)
    next_day = run_signed_in(FORCE, CASE_ID, "V-1", SUMMER_EVENING + timedelta(hours=1), env)
    assert (first, again, next_day) == (
        JourneyOutcome.PLANNED,
        JourneyOutcome.ALREADY_PLANNED,
        JourneyOutcome.PLANNED,
    )
    assert sorted(m.key for m in store.messages.values()) == [
        "000020260601#new-sign-in#email#V-1",
        "000020260601#new-sign-in#sms#V-1",
        "000020260602#new-sign-in#email#V-1",
        "000020260602#new-sign-in#sms#V-1",
    ]


@pytest.mark.parametrize(
    ("store", "victim_id"),
    [
        (linked_case(linked=False), "V-1"),  # the victim is not (or no longer) linked
        (linked_case(), "V-9"),  # not a victim of this case
        (linked_case(recorded_at=None), "V-1"),  # the crime is not recorded yet
    ],
    ids=["not-linked", "unknown-victim", "not-recorded"],
)
def test_a_sign_in_that_cannot_be_told_plans_nothing(store: FakeJourneyStore, victim_id: str) -> None:
    outcome = run_signed_in(FORCE, CASE_ID, victim_id, SUMMER_EVENING, environment(store, SUMMER_EVENING))
    assert outcome is JourneyOutcome.NOT_APPLICABLE
    assert store.messages == {}
