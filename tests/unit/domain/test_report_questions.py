"""Which report questions the force needs for which category: one rule, followed by the API's validation
and (through the generated portal/src/js/report-questions.js) by the portal's question pages."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from caseline.domain.report_form import validate_report
from caseline.domain.report_questions import NOT_ASKED_MESSAGE, QUESTIONS, asked, not_asked, portal_module
from caseline.domain.reports import ReportInvalidError
from caseline.domain.vocabulary import CRIME_CATEGORIES

from .test_reports import BODY

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FORCES = {"thames-valley": frozenset(CRIME_CATEGORIES)}


def report(**changes: Any) -> dict[str, Any]:
    """test_reports' burglary, without what was taken unless given."""
    body = {k: v for k, v in copy.deepcopy(BODY).items() if k != "items"}
    body.update(changes)
    return validate_report(body, forces=FORCES, now=NOW).details


def refused(**changes: Any) -> dict[str, str]:
    with pytest.raises(ReportInvalidError) as raised:
        report(**changes)
    return {e.field: e.message for e in raised.value.errors}


def test_the_portal_follows_the_same_rule() -> None:
    written = (ROOT / "portal" / "src" / "js" / "report-questions.js").read_text(encoding="utf-8")
    assert written == portal_module(), (
        "portal/src/js/report-questions.js is out of date: PYTHONPATH=layers/core .venv/bin/python "
        "-m caseline.domain.report_questions > portal/src/js/report-questions.js"
    )


def test_every_category_named_is_a_police_uk_category_and_each_question_is_asked_somewhere() -> None:
    for question in QUESTIONS:
        assert question.categories and question.categories <= set(CRIME_CATEGORIES), question.name


@pytest.mark.parametrize(
    ("category", "skipped"),
    [
        ("burglary", ["injury", "vehicle"]),
        ("vehicle-crime", ["injury"]),
        ("robbery", ["vehicle"]),
        ("violent-crime", ["items", "vehicle"]),
        ("anti-social-behaviour", ["items", "injury", "vehicle"]),
    ],
)
def test_questions_the_force_does_not_need_are_skipped(category: str, skipped: list[str]) -> None:
    assert [q.name for q in not_asked(category)] == skipped
    assert all(asked(q, category) for q in QUESTIONS if q.name not in skipped)


def test_an_answer_to_a_question_not_asked_is_refused() -> None:
    # A burglary is not asked about injuries or a vehicle; violence is not asked what was stolen
    assert refused(injured=True, injury_details="A cut hand", vehicle="A red van") == {
        "injured": NOT_ASKED_MESSAGE,
        "injury_details": NOT_ASKED_MESSAGE,
        "vehicle": NOT_ASKED_MESSAGE,
    }
    assert refused(category="violent-crime", items=[{"description": "Phone", "value_pounds": 100}]) == {
        "items": NOT_ASKED_MESSAGE
    }


def test_an_empty_answer_to_a_question_not_asked_reaches_the_force_as_not_asked() -> None:
    # An older form that sends "no" for every question still works; the force is told "not asked" (null)
    details = report(injured=False, injury_details=None, vehicle=None, items=[])
    assert details["injured"] is None and details["injury_details"] is None and details["vehicle"] is None
    assert details["items"] == []  # a burglary is asked what was taken: nothing
    assert report(category="violent-crime", injured=True, injury_details="Bruised arm")["items"] is None


def test_where_a_question_is_asked_its_answer_is_kept_and_the_vehicle_is_required() -> None:
    assert refused(category="vehicle-crime") == {
        "vehicle": "Describe the vehicle, like its registration, make and colour"
    }
    details = report(category="vehicle-crime", vehicle="Blue Ford Fiesta, AB12 CDE", damage="Window smashed")
    assert details["vehicle"] == "Blue Ford Fiesta, AB12 CDE" and details["damage"] == "Window smashed"
    assert details["injured"] is None
    robbery = report(category="robbery", injured=True, injury_details="Bruised arm")
    assert robbery["injured"] is True and robbery["injury_details"] == "Bruised arm"
