"""What a signed-in victim may see: only their own linked cases, most recently updated first."""

from __future__ import annotations

from datetime import UTC, datetime

from caseline.domain.case import CaseStage
from caseline.domain.records import CaseSummary
from caseline.services.victim_cases import list_my_cases
from tests.unit.fakes import FakeVictimCaseReader


def summary(case_id: str, updated_day: int) -> CaseSummary:
    return CaseSummary(
        force_id="north-shire",
        case_id=case_id,
        crime_reference=f"NS/{case_id}",
        category="burglary",
        stage=CaseStage.REPORTED,
        updated_at=datetime(2026, 3, updated_day, 12, 0, tzinfo=UTC),
    )


def test_linked_cases_are_listed_most_recently_updated_first() -> None:
    # Given a victim linked to three cases updated on different days
    reader = FakeVictimCaseReader({"user-1": [summary("A", 2), summary("B", 9), summary("C", 5)]})
    # When they list their cases
    cases = list_my_cases("user-1", reader=reader)
    # Then the newest update comes first
    assert [c.case_id for c in cases] == ["B", "C", "A"]


def test_only_the_callers_own_cases_are_returned() -> None:
    reader = FakeVictimCaseReader({"user-1": [summary("A", 2)], "user-2": [summary("SECRET", 3)]})
    assert [c.case_id for c in list_my_cases("user-1", reader=reader)] == ["A"]


def test_a_user_with_no_linked_cases_sees_none() -> None:
    assert list_my_cases("stranger", reader=FakeVictimCaseReader({"user-1": [summary("A", 2)]})) == []
