"""The closing survey: only the caller's own linked case, only once it is closed, once per victim; the
answers and their outbound event to the force are written together."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caseline.domain.case import CaseStage
from caseline.domain.errors import ConflictError, NotFoundError, ValidationFailedError
from caseline.domain.outbound import SURVEY_ANSWERED, OutboundEvent
from caseline.domain.records import CasePartition, CaseRecord, WriteOutcome
from caseline.domain.survey import SurveyAnswers, SurveyResponse
from caseline.services.survey import answer_survey
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
GOOD = SurveyAnswers(satisfaction=4, kept_informed=5, easy_to_use=3, comments="  Thank you.  ")


def _case(stage: CaseStage) -> CaseRecord:
    return CaseRecord(
        force_id="north-shire",
        case_id="NS-1",
        crime_reference="NS/1",
        category="burglary",
        flags=(),
        stage=stage,
        sequence=9,
        officer=None,
        recorded_at=NOW,
        updated_at=NOW,
    )


class World:
    """One case linked to Alex (victim V-ALEX); the store keeps what it is given, once per victim."""

    def __init__(self, stage: CaseStage = CaseStage.CLOSED) -> None:
        self.partition = CasePartition(_case(stage), [], [], {"alex": "V-ALEX", "sam": "V-SAM"}, [], [])
        self.saved: list[tuple[SurveyResponse, OutboundEvent]] = []
        self.raced = False  # another tab wrote the answers after this request read the case

    def read(self, force_id: str, case_id: str) -> CasePartition:
        if (force_id, case_id) != ("north-shire", "NS-1"):
            return CasePartition(None, [], [], {}, [], [])
        return self.partition

    def save(self, response: SurveyResponse, outbound: OutboundEvent) -> WriteOutcome:
        if self.raced or any(r.victim_id == response.victim_id for r, _ in self.saved):
            return WriteOutcome.DUPLICATE
        self.saved.append((response, outbound))
        self.partition.surveys[response.victim_id] = response
        return WriteOutcome.WRITTEN


def answer(world: World, user: str = "alex", answers: SurveyAnswers = GOOD, case_id: str = "NS-1") -> SurveyResponse:
    return answer_survey(user, "north-shire", case_id, answers, reader=world, store=world, clock=FixedClock(NOW))


def test_answers_on_a_closed_case_are_stored_and_sent_to_the_force_together() -> None:
    # Given Alex's case is closed
    world = World()
    # When Alex answers the survey
    response = answer(world)
    # Then the answers are stored for Alex's victim record, comments trimmed
    assert response.victim_id == "V-ALEX" and response.answers.comments == "Thank you."
    # And the force gets them as one survey-answered event with the same answers
    [(stored, event)] = world.saved
    assert stored == response
    assert event.event_type == SURVEY_ANSWERED and event.outbound_id == "survey-V-ALEX"
    assert event.data == {
        "victim_id": "V-ALEX",
        "satisfaction": 4,
        "kept_informed": 5,
        "easy_to_use": 3,
        "comments": "Thank you.",
        "answered_at": NOW.isoformat(),
    }


@pytest.mark.parametrize("stage", [s for s in CaseStage if s is not CaseStage.CLOSED])
def test_a_case_that_is_not_closed_refuses_the_survey(stage: CaseStage) -> None:
    world = World(stage)
    with pytest.raises(ConflictError):
        answer(world)
    assert world.saved == []


def test_a_second_answer_from_the_same_victim_is_a_conflict() -> None:
    world = World()
    answer(world)
    with pytest.raises(ConflictError):
        answer(world, answers=SurveyAnswers(1, 1, 1))
    assert [r.answers.satisfaction for r, _ in world.saved] == [4]


def test_an_answer_that_lost_a_race_with_another_tab_is_a_conflict() -> None:
    world = World()
    world.raced = True
    with pytest.raises(ConflictError):
        answer(world)


def test_each_victim_on_a_shared_case_answers_for_themselves() -> None:
    world = World()
    answer(world, "alex")
    assert answer(world, "sam").victim_id == "V-SAM"
    assert [e.outbound_id for _, e in world.saved] == ["survey-V-ALEX", "survey-V-SAM"]


@pytest.mark.parametrize(("user", "case_id"), [("mallory", "NS-1"), ("alex", "NS-2")], ids=["not-linked", "no-case"])
def test_a_case_that_is_not_the_callers_is_not_found(user: str, case_id: str) -> None:
    world = World()
    with pytest.raises(NotFoundError):
        answer(world, user, case_id=case_id)
    assert world.saved == []


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (SurveyAnswers(0, 3, 3), "satisfaction"),
        (SurveyAnswers(3, 6, 3), "kept_informed"),
        (SurveyAnswers(3, 3, -1), "easy_to_use"),
        (SurveyAnswers(3, 3, 3, "x" * 2001), "comments"),
    ],
)
def test_answers_out_of_range_are_refused_before_anything_is_read(answers: SurveyAnswers, field: str) -> None:
    world = World()
    with pytest.raises(ValidationFailedError) as refused:
        answer(world, answers=answers)
    assert refused.value.field == field and world.saved == []


def test_blank_comments_are_kept_as_none() -> None:
    assert answer(World(), answers=SurveyAnswers(2, 2, 2, "   ")).answers.comments is None
