"""The closing survey: a victim answers three questions (and may comment) about one of their own linked
cases, once the case is closed and once only. The answers are stored on the case and go to the force as
``org.caseline.victim.survey-answered.v1`` in the same write."""

from __future__ import annotations

from caseline.domain.account_ports import CaseReader, SurveyStore
from caseline.domain.case import CaseStage
from caseline.domain.errors import ConflictError, ValidationFailedError
from caseline.domain.ports import Clock
from caseline.domain.records import WriteOutcome
from caseline.domain.survey import MAX_COMMENTS_CHARS, SCALE, SurveyAnswers, SurveyResponse, survey_event
from caseline.services.victim_cases import authorised

NOT_CLOSED = "The survey opens when your case is closed"
ALREADY_ANSWERED = "You have already answered the survey for this case"


def _checked(answers: SurveyAnswers) -> SurveyAnswers:
    for name in ("satisfaction", "kept_informed", "easy_to_use"):
        if getattr(answers, name) not in SCALE:
            raise ValidationFailedError(f"an answer from {SCALE.start} to {SCALE.stop - 1}", field=name)
    comments = (answers.comments or "").strip() or None
    if comments is not None and len(comments) > MAX_COMMENTS_CHARS:
        raise ValidationFailedError(f"comments have at most {MAX_COMMENTS_CHARS} characters", field="comments")
    return SurveyAnswers(answers.satisfaction, answers.kept_informed, answers.easy_to_use, comments)


def answer_survey(
    user_id: str,
    force_id: str,
    case_id: str,
    answers: SurveyAnswers,
    *,
    reader: CaseReader,
    store: SurveyStore,
    clock: Clock,
) -> SurveyResponse:
    checked = _checked(answers)
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    assert partition.case is not None
    if partition.case.stage is not CaseStage.CLOSED:
        raise ConflictError(NOT_CLOSED)
    if victim_id in partition.surveys:
        raise ConflictError(ALREADY_ANSWERED)
    response = SurveyResponse(force_id, case_id, victim_id, user_id, checked, clock.now())
    if store.save(response, survey_event(response)) is WriteOutcome.DUPLICATE:
        raise ConflictError(ALREADY_ANSWERED)  # answered a moment ago, from another tab or device
    return response
