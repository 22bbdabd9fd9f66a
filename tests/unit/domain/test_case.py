"""The case stage and the rule that a case never moves backwards."""

from __future__ import annotations

import itertools

import pytest

from caseline.domain.case import CaseStage, is_newer, next_stage


def test_stages_are_ordered_as_the_victim_sees_them() -> None:
    assert list(CaseStage) == sorted(CaseStage)
    assert [s.name for s in CaseStage] == ["REPORTED", "OFFICER_ASSIGNED", "INVESTIGATING", "OUTCOME", "CLOSED"]


def test_slugs_are_kebab_case() -> None:
    assert CaseStage.OFFICER_ASSIGNED.slug == "officer-assigned"
    assert CaseStage.REPORTED.slug == "reported"


@pytest.mark.parametrize("stage", list(CaseStage))
def test_every_stage_round_trips_through_its_slug(stage: CaseStage) -> None:
    assert CaseStage.from_slug(stage.slug) is stage


def test_an_unknown_slug_raises() -> None:
    with pytest.raises(KeyError):
        CaseStage.from_slug("archived")


@pytest.mark.parametrize("proposed", list(CaseStage))
def test_a_new_case_takes_the_proposed_stage(proposed: CaseStage) -> None:
    assert next_stage(None, proposed) is proposed


def test_a_newer_event_moves_the_case_forward() -> None:
    assert next_stage(CaseStage.REPORTED, CaseStage.INVESTIGATING) is CaseStage.INVESTIGATING


def test_a_newer_event_never_moves_the_case_back() -> None:
    assert next_stage(CaseStage.OUTCOME, CaseStage.REPORTED) is CaseStage.OUTCOME


@pytest.mark.parametrize(("current", "proposed"), list(itertools.product(CaseStage, CaseStage)))
def test_next_stage_is_never_before_either_input(current: CaseStage, proposed: CaseStage) -> None:
    result = next_stage(current, proposed)
    assert result >= current
    assert result in (current, proposed)


@pytest.mark.parametrize(
    ("current", "sequence", "expected"),
    [
        (None, 1, True),
        (1, 2, True),
        (5, 5, False),
        (5, 4, False),
    ],
)
def test_only_a_higher_sequence_is_newer(current: int | None, sequence: int, expected: bool) -> None:
    assert is_newer(current, sequence) is expected
