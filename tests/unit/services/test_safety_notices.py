"""Safety notices: a second account on a victim record, and contact cut back from a linked account. The
victim is told by the channels (and at the hours) that were safe before the change; the force gets a task."""

from __future__ import annotations

from datetime import time, timedelta

from caseline.domain import event_types as ev
from caseline.domain.accounts import AccountRemoval, LinkedAccount, link_id
from caseline.domain.delegation import Delegation
from caseline.domain.personalisation import ACCOUNT_ADDED, ACCOUNT_REMOVED, CONTACT_REDUCED, PREFERENCES_CHANGED
from caseline.domain.preferences import VictimPreferences
from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.vocabulary import Channel
from caseline.services.journeys import JourneyEnvironment, JourneyOutcome, run_journeys
from caseline.services.notices import (
    run_account_linked,
    run_account_removed,
    run_contact_reduced,
    run_preferences_changed,
)
from tests.unit.builders import CASE_ID, FORCE, NOW, victim_contact
from tests.unit.fakes import FakeJourneyStore, FixedClock
from tests.unit.services.test_journeys import PORTAL, given_case, journey, recorded, send

ADDED = journey(
    "account-added",
    ACCOUNT_ADDED,
    {
        "tell": send("added", statutory=True, next="force"),
        "force": {"type": "task", "reason": "another-account-linked"},
    },
)
REDUCED = journey(
    "contact-reduced",
    CONTACT_REDUCED,
    {"tell": send("reduced", statutory=True, next="force"), "force": {"type": "task", "reason": "contact-reduced"}},
)
REMOVED = journey("account-removed", ACCOUNT_REMOVED, {"tell": send("removed", statutory=True)})
CHANGED = journey("preferences-changed", PREFERENCES_CHANGED, {"tell": send("changed", statutory=True)})
PLACEHOLDERS = {
    "added": frozenset({"name", "linked_date"}),
    "reduced": frozenset({"name", "changed_date"}),
    "removed": frozenset({"name", "removed_date"}),
    "changed": frozenset({"name"}),
}


class Members:
    def __init__(self, *accounts: LinkedAccount) -> None:
        self.members = list(accounts)

    def accounts(self, force_id: str, case_id: str) -> list[LinkedAccount]:
        return list(self.members)

    def remove(self, removal: AccountRemoval) -> bool:
        if removal.account not in self.members:
            return False
        self.members.remove(removal.account)
        return True

    def delegations(self, force_id: str, case_id: str) -> list[Delegation]:
        return []


def environment(store: FakeJourneyStore, members: Members | None = None) -> JourneyEnvironment:
    return JourneyEnvironment(
        store=store,
        clock=FixedClock(NOW),
        definitions={(d.journey_id, d.version): d for d in (ADDED, REDUCED, REMOVED, CHANGED)},
        template_placeholders=PLACEHOLDERS,
        portal_url=PORTAL,
        accounts=members or Members(),
    )


def test_the_first_account_on_a_record_is_not_a_second_one() -> None:
    store = given_case()
    env = environment(store, Members(LinkedAccount("alex", "V-1", NOW)))
    assert run_account_linked(FORCE, CASE_ID, "V-1", env, "alex", NOW) is JourneyOutcome.NOT_APPLICABLE
    assert store.messages == {} and store.tasks == {}


def test_a_second_account_tells_the_victim_and_gives_the_force_its_link_id_once() -> None:
    store = given_case()
    later = NOW + timedelta(hours=2)
    members = Members(LinkedAccount("alex", "V-1", NOW), LinkedAccount("mal", "V-1", later))
    env = environment(store, members)
    first = run_account_linked(FORCE, CASE_ID, "V-1", env, "mal", later)
    again = run_account_linked(FORCE, CASE_ID, "V-1", env, "mal", later)  # stream redelivery
    assert (first, again) == (JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED)
    assert sorted(m.channel for m in store.messages.values()) == ["email", "sms"]
    assert all(m.statutory and m.template_id == "added" for m in store.messages.values())
    [task] = store.tasks.values()
    assert task.reason == "another-account-linked"
    assert task.detail == {"victim_id": "V-1", "link_id": link_id(FORCE, CASE_ID, "mal")}


def test_another_victims_account_on_the_same_case_is_not_a_second_one() -> None:
    store = given_case(victim_contact(), victim_contact(victim_id="V-2"))
    members = Members(LinkedAccount("sam", "V-2", NOW), LinkedAccount("alex", "V-1", NOW))
    assert run_account_linked(FORCE, CASE_ID, "V-1", environment(store, members), "alex", NOW) is (
        JourneyOutcome.NOT_APPLICABLE
    )


def test_cut_back_contact_is_told_by_the_channels_and_hours_safe_before_and_pinned_for_dispatch() -> None:
    # Given the force allows email and SMS 08:00-20:00, and the victim had narrowed it to 09:00-17:00
    hours = SafeHours(time(8), time(20))
    store = given_case(victim_contact(safe_contact=SafeContactProfile(safe_hours=hours)))
    before = VictimPreferences(safe_hours=SafeHours(time(9), time(17)))
    after = VictimPreferences(channels_off=frozenset(Channel), non_statutory=False)
    store.put_preferences(FORCE, CASE_ID, "V-1", after)  # what the stream shows: the change is stored
    env = environment(store)
    # When the change is seen (twice: redelivery)
    first = run_contact_reduced(FORCE, CASE_ID, "V-1", before, after, NOW, env)
    again = run_contact_reduced(FORCE, CASE_ID, "V-1", before, after, NOW, env)
    # Then the notice goes by both channels, each pinned to the profile in force before the change
    assert (first, again) == (JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED)
    messages = list(store.messages.values())
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    expected = SafeContactProfile(safe_hours=SafeHours(time(9), time(17)))
    assert all(m.statutory and m.safe_contact == expected for m in messages)
    [task] = store.tasks.values()
    assert (task.reason, task.detail["changed"]) == ("contact-reduced", "channels,updates,safe-hours")


def test_undoing_her_safe_hours_and_naming_is_told_at_the_hours_and_in_the_words_she_chose() -> None:
    # Given the force allows any time and naming, and she had kept contact to 09:00-17:00 and unnamed
    store = given_case(victim_contact())
    before = VictimPreferences(safe_hours=SafeHours(time(9), time(17)), hide_police=True, hide_crime=True)
    after = VictimPreferences()  # someone holding her account: any time again, the police and crime named
    store.put_preferences(FORCE, CASE_ID, "V-1", after)
    # When the change is seen
    assert run_contact_reduced(FORCE, CASE_ID, "V-1", before, after, NOW, environment(store)) is (
        JourneyOutcome.PLANNED
    )
    # Then she is told within her own hours, naming nothing, and the force is asked to check with her
    expected = SafeContactProfile(safe_hours=SafeHours(time(9), time(17)), may_name_police=False, may_name_crime=False)
    messages = list(store.messages.values())
    assert messages and all(m.statutory and m.safe_contact == expected for m in messages)
    [task] = store.tasks.values()
    assert (task.reason, task.detail["changed"]) == ("contact-reduced", "safe-hours,naming")


def test_the_confirmation_of_a_less_safe_change_obeys_her_earlier_choices_too() -> None:
    # Given she kept contact to 09:00-17:00, unnamed, and someone turned that off and email back on
    store = given_case(victim_contact())
    before = VictimPreferences(
        safe_hours=SafeHours(time(9), time(17)),
        hide_police=True,
        hide_crime=True,
        channels_off=frozenset({Channel.EMAIL}),
    )
    after = VictimPreferences()
    store.put_preferences(FORCE, CASE_ID, "V-1", after)
    env = environment(store)
    # When the usual confirmation runs
    assert run_preferences_changed(FORCE, CASE_ID, "V-1", "updated", NOW, env, before, after) is JourneyOutcome.PLANNED
    # Then it goes only by SMS, within her hours, naming nothing, pinned for dispatch
    [message] = store.messages.values()
    expected = SafeContactProfile(
        safe_channels=(Channel.SMS,),
        safe_hours=SafeHours(time(9), time(17)),
        may_name_police=False,
        may_name_crime=False,
    )
    assert (message.channel, message.safe_contact) == ("sms", expected)


def test_the_confirmation_of_a_change_that_cuts_nothing_follows_the_new_choices_unpinned() -> None:
    store = given_case(victim_contact())
    before, after = VictimPreferences(non_statutory=False), VictimPreferences()  # she opted back in to updates
    store.put_preferences(FORCE, CASE_ID, "V-1", after)
    env = environment(store)
    assert run_preferences_changed(FORCE, CASE_ID, "V-1", "opted-in", NOW, env, before, after) is (
        JourneyOutcome.PLANNED
    )
    messages = list(store.messages.values())
    assert messages and all(m.safe_contact is None for m in messages)


def test_the_prior_profile_is_never_wider_than_the_forces() -> None:
    # Given the force allows only email, and the victim had no choices of her own
    store = given_case(victim_contact(safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,))))
    after = VictimPreferences(channels_off=frozenset({Channel.EMAIL}))
    run_contact_reduced(FORCE, CASE_ID, "V-1", None, after, NOW, environment(store))
    assert [m.channel for m in store.messages.values()] == ["email"]


def test_a_change_that_cuts_nothing_back_tells_nobody() -> None:
    store = given_case()
    after = VictimPreferences(no_news_days=14, hide_police=True)
    assert run_contact_reduced(FORCE, CASE_ID, "V-1", None, after, NOW, environment(store)) is (
        JourneyOutcome.NOT_APPLICABLE
    )
    assert store.messages == {} and store.tasks == {}


def revoking(event_type: str, data: dict[str, object], *, applied: bool = True) -> list[str]:
    """Who is still linked after the journeys see this event (Alex and Mal linked before it, New after)."""
    store = given_case()
    members = Members(
        LinkedAccount("alex", "V-1", NOW - timedelta(days=2)),
        LinkedAccount("mal", "V-1", NOW - timedelta(hours=1)),
        LinkedAccount("sam", "V-2", NOW - timedelta(hours=1)),
        LinkedAccount("new", "V-1", NOW + timedelta(minutes=1)),
    )
    event = recorded(store, event_type, sequence=2, data=data, occurred_at=NOW, applied=applied)
    run_journeys(event, environment(store, members))
    return sorted(a.user_id for a in members.members)


def test_a_reissued_code_removes_the_records_earlier_links_unless_told_not_to() -> None:
    assert revoking(ev.ACCESS_CODE_REISSUED, {"victim_id": "V-1"}) == ["new", "sam"]
    assert revoking(ev.ACCESS_CODE_REISSUED, {"victim_id": "V-1", "remove_linked_accounts": False}) == [
        "alex",
        "mal",
        "new",
        "sam",
    ]


def test_access_revoked_removes_every_earlier_link_or_only_the_one_named() -> None:
    assert revoking(ev.ACCESS_REVOKED, {"victim_id": "V-1"}) == ["new", "sam"]
    only = {"victim_id": "V-1", "link_id": link_id(FORCE, CASE_ID, "mal")}
    assert revoking(ev.ACCESS_REVOKED, only) == ["alex", "new", "sam"]


def test_a_stale_revocation_is_not_acted_on() -> None:
    assert revoking(ev.ACCESS_REVOKED, {"victim_id": "V-1"}, applied=False) == ["alex", "mal", "new", "sam"]


def test_an_account_removed_by_another_is_told_to_the_victim_once_even_if_she_opted_out() -> None:
    store = given_case()
    store.put_preferences(FORCE, CASE_ID, "V-1", VictimPreferences(non_statutory=False))
    env = environment(store)
    first = run_account_removed(FORCE, CASE_ID, "V-1", NOW, env)
    again = run_account_removed(FORCE, CASE_ID, "V-1", NOW, env)
    assert (first, again) == (JourneyOutcome.PLANNED, JourneyOutcome.ALREADY_PLANNED)
    messages = list(store.messages.values())
    assert sorted(m.channel for m in messages) == ["email", "sms"] and all(m.statutory for m in messages)
    assert {m.personalisation["removed_date"] for m in messages} == {"Monday 2 March 2026"}
    assert run_account_removed(FORCE, CASE_ID, "V-9", NOW, env) is JourneyOutcome.NOT_APPLICABLE
