"""The closing survey: a victim's answers about how the force kept them informed, once per victim per
case and only once the case is closed. The answers go to the force as an outbound event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseline.domain.outbound import SURVEY_ANSWERED, OutboundEvent

MAX_COMMENTS_CHARS = 2000
SCALE = range(1, 6)  # 1 (very dissatisfied, or strongly disagree) to 5 (very satisfied, or strongly agree)


@dataclass(frozen=True)
class SurveyAnswers:
    satisfaction: int
    kept_informed: int
    easy_to_use: int
    comments: str | None = None


@dataclass(frozen=True)
class SurveyResponse:
    """One victim's stored answers on one case."""

    force_id: str
    case_id: str
    victim_id: str
    user_id: str
    answers: SurveyAnswers
    answered_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """What the victim gave, as the force and the victim's data download see it."""
        return {
            "satisfaction": self.answers.satisfaction,
            "kept_informed": self.answers.kept_informed,
            "easy_to_use": self.answers.easy_to_use,
            "comments": self.answers.comments,
            "answered_at": self.answered_at.isoformat(),
        }


def survey_outbound_id(victim_id: str) -> str:
    """One survey per victim per case: the id repeats, so a second answer can never reach the force."""
    return f"survey-{victim_id}"


def survey_event(response: SurveyResponse) -> OutboundEvent:
    return OutboundEvent(
        force_id=response.force_id,
        case_id=response.case_id,
        outbound_id=survey_outbound_id(response.victim_id),
        event_type=SURVEY_ANSWERED,
        data={"victim_id": response.victim_id, **response.to_dict()},
        created_at=response.answered_at,
    )
