"""High-risk means high-risk everywhere: every path that can make an account a high-risk victim's takes
its self-service recovery away, through the one service function, with in-memory fakes."""

from __future__ import annotations

import pytest

from caseline.domain import event_types as ev
from caseline.domain.accounts import CaseMembership
from caseline.domain.errors import StorageUnavailableError
from caseline.services.account_recovery import protect_account
from caseline.services.journeys import JourneyEnvironment, run_journeys
from caseline.services.linking import link_case
from caseline.services.notices import run_account_linked
from caseline.services.sign_in import reapply_recovery_rule, record_sign_in
from tests.unit.builders import CASE_ID, FORCE, NOW, case_record, stored_event, victim_contact
from tests.unit.fakes import FakeIdentityAdmin, FakeJourneyStore, FakeSignInStore, FakeVictimRisks, FixedClock
from tests.unit.services.test_linking import CODE, FakeLinks

DA = ("domestic-abuse",)


# ---------------------------------------------------------------- the service function


@pytest.mark.parametrize(
    ("tier", "flags", "restricted"),
    [("enhanced", DA, True), ("standard", DA, False), ("enhanced", ("hate-crime",), False)],
)
def test_protect_account_applies_the_rule(tier: str, flags: tuple[str, ...], restricted: bool) -> None:
    identity = FakeIdentityAdmin("user-1")
    victims = FakeVictimRisks({(FORCE, CASE_ID, "V-1"): (tier, flags)})
    assert protect_account("user-1", FORCE, CASE_ID, "V-1", victims=victims, identity=identity) is restricted
    assert identity.self_service == {"user-1": not restricted}
    assert identity.calls == (["user-1"] if restricted else [])  # Cognito is not called for anyone else


def test_an_unknown_victim_is_not_high_risk() -> None:
    identity = FakeIdentityAdmin("user-1")
    assert not protect_account("user-1", FORCE, CASE_ID, "V-9", victims=FakeVictimRisks(), identity=identity)
    assert identity.calls == []


# ---------------------------------------------------------------- (a) linking with an access code


@pytest.mark.parametrize("high_risk", [True, False])
def test_linking_with_an_access_code_goes_through_the_service(high_risk: bool) -> None:
    identity = FakeIdentityAdmin("u1")
    link_case("u1", "NS/0001", CODE, links=FakeLinks(high_risk=high_risk), identity=identity, clock=FixedClock(NOW))
    assert identity.self_service == {"u1": not high_risk}


# ---------------------------------------------------------------- journeys: (b) any new link, (c) later news


def journeys(store: FakeJourneyStore, identity: FakeIdentityAdmin | None) -> JourneyEnvironment:
    return JourneyEnvironment(
        store=store,
        clock=FixedClock(NOW),
        definitions={},
        template_placeholders={},
        portal_url="https://portal.example.org",
        identity=identity,
    )


def case_with(*, tier: str, flags: tuple[str, ...] = DA) -> FakeJourneyStore:
    store = FakeJourneyStore()
    store.put_case(case_record(flags=flags))
    store.put_victim(victim_contact(victim_id="V-1", tier=tier))
    store.put_victim(victim_contact(victim_id="V-2", tier="enhanced", name="Sam Other"))
    return store


def test_a_new_link_to_a_high_risk_victim_loses_recovery_however_it_was_made() -> None:
    # Given a reporter's account linked automatically as an enhanced victim of domestic abuse
    store = case_with(tier="enhanced")
    store.link(FORCE, CASE_ID, "V-1", user_id="reporter")
    identity = FakeIdentityAdmin("reporter")
    # When the journeys read the new member item
    run_account_linked(FORCE, CASE_ID, "V-1", journeys(store, identity))
    # Then the account can no longer recover by itself
    assert identity.self_service == {"reporter": False}


def test_a_new_link_to_a_standard_victim_keeps_recovery() -> None:
    store = case_with(tier="standard")
    store.link(FORCE, CASE_ID, "V-1", user_id="reporter")
    identity = FakeIdentityAdmin("reporter")
    run_account_linked(FORCE, CASE_ID, "V-1", journeys(store, identity))
    assert identity.calls == []


def needs_assessed(victim_id: str, tier: str, sequence: int = 2) -> object:
    return stored_event(
        event_type=ev.NEEDS_ASSESSED,
        sequence=sequence,
        event_id=f"evt-{sequence}",
        data={"victim_id": victim_id, "tier": tier},
    )


def test_a_tier_raised_later_restricts_every_account_linked_as_that_victim_only() -> None:
    # Given two accounts linked as V-1 (now enhanced after the assessment), one as V-2 (also enhanced)
    store = case_with(tier="enhanced")
    for user in ("phone", "laptop"):
        store.link(FORCE, CASE_ID, "V-1", user_id=user)
    store.link(FORCE, CASE_ID, "V-2", user_id="someone-else")
    identity = FakeIdentityAdmin("phone", "laptop", "someone-else")
    # When the needs assessment about V-1 is applied
    run_journeys(needs_assessed("V-1", "enhanced"), journeys(store, identity))  # type: ignore[arg-type]
    # Then both of V-1's accounts lose recovery; the event was not about V-2, so theirs is not touched here
    assert identity.self_service == {"phone": False, "laptop": False, "someone-else": True}


def test_an_assessment_that_leaves_the_victim_standard_changes_nothing() -> None:
    store = case_with(tier="standard")
    store.link(FORCE, CASE_ID, "V-1", user_id="phone")
    identity = FakeIdentityAdmin("phone")
    run_journeys(needs_assessed("V-1", "standard"), journeys(store, identity))  # type: ignore[arg-type]
    assert identity.calls == []


def test_a_corrected_crime_recorded_that_adds_the_flag_restricts_the_linked_accounts() -> None:
    # Given an enhanced victim whose case the force now flags as domestic abuse (a corrected crime.recorded)
    store = case_with(tier="enhanced")
    store.link(FORCE, CASE_ID, "V-1", user_id="phone")
    identity = FakeIdentityAdmin("phone")
    event = stored_event(sequence=3, event_id="evt-3", data={"victim_id": "V-1"})
    run_journeys(event, journeys(store, identity))
    assert identity.self_service == {"phone": False}


def test_other_events_do_not_call_cognito() -> None:
    store = case_with(tier="enhanced")
    store.link(FORCE, CASE_ID, "V-1", user_id="phone")
    identity = FakeIdentityAdmin("phone")
    event = stored_event(event_type=ev.INVESTIGATION_UPDATED, sequence=2, event_id="evt-2", data={"summary": "x"})
    run_journeys(event, journeys(store, identity))
    assert identity.calls == []


def test_cognito_failing_fails_the_record_so_the_stream_retries_it() -> None:
    store = case_with(tier="enhanced")
    store.link(FORCE, CASE_ID, "V-1", user_id="phone")
    with pytest.raises(StorageUnavailableError):
        run_journeys(needs_assessed("V-1", "enhanced"), journeys(store, FakeIdentityAdmin("phone", fail=True)))  # type: ignore[arg-type]


# ---------------------------------------------------------------- (d) every sign-in


def test_sign_in_reapplies_the_rule_after_recovery_was_switched_back_on() -> None:
    # Given a high-risk victim's account whose email was verified again (recovery back on)
    memberships = [CaseMembership("other-force", "CASE-9", "V-7"), CaseMembership(FORCE, CASE_ID, "V-1")]
    victims = FakeVictimRisks(
        {("other-force", "CASE-9", "V-7"): ("standard", ()), (FORCE, CASE_ID, "V-1"): ("enhanced", DA)}
    )
    identity = FakeIdentityAdmin("user-1")
    # When they sign in
    restricted = reapply_recovery_rule("user-1", memberships, victims=victims, identity=identity)
    # Then recovery is off again, with one call however many high-risk cases the account has
    assert restricted
    assert identity.self_service == {"user-1": False}
    assert identity.calls == ["user-1"]


def test_sign_in_leaves_other_accounts_alone() -> None:
    identity = FakeIdentityAdmin("user-1")
    memberships = [CaseMembership(FORCE, CASE_ID, "V-1")]
    victims = FakeVictimRisks({(FORCE, CASE_ID, "V-1"): ("enhanced", ("hate-crime",))})
    assert not reapply_recovery_rule("user-1", memberships, victims=victims, identity=identity)
    assert identity.calls == []


def test_recording_can_reuse_the_memberships_already_loaded() -> None:
    store = FakeSignInStore({"user-1": [CaseMembership(FORCE, CASE_ID, "V-1")]})
    loaded = store.memberships("user-1")
    store.by_user.clear()  # a second load would now find nothing
    assert record_sign_in("user-1", store, FixedClock(NOW), loaded) == 1
