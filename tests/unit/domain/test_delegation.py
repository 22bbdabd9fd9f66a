"""Delegated access rules that need no storage: invitation codes, a delegation's status, the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain.delegation import (
    INVITATION_VALID,
    MAX_DELEGATES,
    Delegation,
    GrantedBy,
    Scope,
    check_room,
    clean_name,
    code_hash,
    ending_with_the_account,
    followed_by,
    new_code,
    normalise_code,
)
from caseline.domain.errors import ValidationFailedError

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _delegation(
    victim_id: str = "V-1",
    *,
    created: datetime = NOW,
    user_id: str | None = None,
    granted_by: GrantedBy = GrantedBy.VICTIM,
    delegation_id: str = "d" * 20,
) -> Delegation:
    return Delegation(
        "thames-valley", "C-1", victim_id, delegation_id, "Sam", "family", Scope.VIEW, granted_by,
        created, created + INVITATION_VALID, user_id=user_id,
    )  # fmt: skip


@given(st.sampled_from([" ", "", "-"]), st.booleans())
def test_a_new_code_reads_back_however_it_is_typed(separator: str, lower: bool) -> None:
    code = new_code()
    assert len(code) == 19 and code.count("-") == 3
    typed = code.replace("-", separator)
    typed = typed.lower() if lower else typed
    assert normalise_code(typed) == code.replace("-", "") and code_hash(typed) == code_hash(code)


def test_letters_people_misread_count_as_the_digits() -> None:
    assert normalise_code("O0I1-L0O0-1111-0000") == "0011100011110000"
    assert normalise_code("UUUU-0000-0000-0000") is None  # U is not in the alphabet
    assert normalise_code("ABCD-EFGH") is None
    with pytest.raises(ValidationFailedError):
        code_hash("not a code")


def test_status_follows_the_invitation_and_its_expiry() -> None:
    assert _delegation().status(NOW) == "invited"
    assert _delegation().status(NOW + INVITATION_VALID) == "expired"
    assert _delegation(user_id="u-1").status(NOW + INVITATION_VALID * 3) == "active"


def test_names_are_trimmed_and_bounded() -> None:
    assert clean_name("  Sam \n Jones ") == "Sam Jones"
    for bad in ("", "   ", "x" * 61):
        with pytest.raises(ValidationFailedError):
            clean_name(bad)


def test_the_limit_counts_open_invitations_of_this_victim_only() -> None:
    live = [_delegation() for _ in range(MAX_DELEGATES - 1)]
    old = [_delegation(created=NOW - timedelta(days=30))]  # expired: does not count
    others = [_delegation("V-2") for _ in range(MAX_DELEGATES)]
    check_room(live + old + others, "V-1", NOW)
    with pytest.raises(ValidationFailedError):
        check_room([*live, _delegation()], "V-1", NOW)


def test_closing_the_victims_last_account_ends_the_people_she_invited_not_the_forces() -> None:
    # Given Alex's victim record has a pending and an active invitation of hers, one the force set up, and
    # Blake (another victim on the case) has one of his own
    invited, active = _delegation(delegation_id="a" * 20), _delegation(delegation_id="b" * 20, user_id="jo")
    by_force = _delegation(delegation_id="c" * 20, granted_by=GrantedBy.FORCE)
    blakes = _delegation("V-2", delegation_id="e" * 20)
    delegations = [invited, active, by_force, blakes]
    # When Alex's only account closes, her own invitations end; the force's and Blake's stay
    members = {"alex": "V-1", "blake": "V-2"}
    assert ending_with_the_account(delegations, members, "alex", "V-1") == [invited, active]
    # But while another account of hers still sees the case, nothing ends: that account can remove them
    assert ending_with_the_account(delegations, {**members, "alex-2": "V-1"}, "alex", "V-1") == []


def test_the_delegation_an_account_follows_a_case_by() -> None:
    mine = _delegation(user_id="jo")
    assert followed_by([_delegation(delegation_id="a" * 20), mine], "jo") is mine
    assert followed_by([mine], "alex") is None
