"""The closing survey through the real victim API against moto: only once the force has closed the case,
once per victim, stored on the case with its outbound event to the force, and in the data download."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, load_handler, webhook_request
from .test_victim_journey import Victims

ANSWERS = {"satisfaction": 4, "kept_informed": 5, "easy_to_use": 3, "comments": "The texts helped."}


@pytest.fixture
def alex(aws: Template) -> Victims:
    victims = Victims(aws)
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    return victims


def close_case(case_id: str = "TVP-J-1", sequence: int = 2) -> None:
    closed = {
        **crime_recorded(case_id, sequence=sequence),
        "type": "org.caseline.case.closed.v1",
        "data": {"closed_at": "2026-12-01T09:00:00Z", "reason_summary": "We have finished our work on your case."},
    }
    event = webhook_request("thames-valley", closed)
    assert load_handler("webhook_ingest").lambda_handler(event, Context())["statusCode"] == 202


def answer(victims: Victims, body: Any, user: str = "alex") -> tuple[int, Any]:
    return victims.case(user, "thames-valley", "TVP-J-1", "/survey", "POST", body)


def items(entity: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table("caseline-test")
    return [i for i in table.scan()["Items"] if i["entity"] == entity]


def test_a_closed_case_takes_the_survey_once_and_the_force_gets_it(alex: Victims, aws: Template) -> None:
    # Given the force has closed Alex's case
    close_case()
    assert alex.case("alex", "thames-valley", "TVP-J-1")[1]["stage"] == "closed"
    dispatch_stream = StreamReader(aws, "DispatchFunction")  # outbound items reach their queue through dispatch
    # When Alex answers the survey
    status, body = answer(alex, ANSWERS)
    # Then it is stored on the case, once, for Alex's victim record
    assert (status, body) == (201, {"status": "answered"})
    [stored] = items("survey")
    assert (stored["pk"], stored["sk"]) == ("CASE#thames-valley#TVP-J-1", "SURVEY#TVP-V-0001")
    assert (stored["satisfaction"], stored["kept_informed"], stored["easy_to_use"]) == (4, 5, 3)
    # And it is on its way to the force as one survey-answered event with the same answers
    [event] = [i for i in items("outbound") if i["event_type"] == "org.caseline.victim.survey-answered.v1"]
    assert event["outbound_id"] == "survey-TVP-V-0001" and event["status"] == "pending"
    assert '"comments": "The texts helped."' in event["data"] and '"satisfaction": 4' in event["data"]
    images = [r["dynamodb"]["NewImage"] for r in dispatch_stream.new_records()]
    assert [i["outbound_id"]["S"] for i in images if i["entity"]["S"] == "outbound"] == ["survey-TVP-V-0001"]
    # When Alex answers again, nothing changes
    status, problem = answer(alex, {**ANSWERS, "satisfaction": 1})
    assert status == 409 and problem["type"] == "urn:caseline:problem:conflict"
    assert [i["satisfaction"] for i in items("survey")] == [4]
    # And Alex's data download holds their answers
    status, document = alex.call("GET", "/v1/me/data", "alex")
    assert status == 200
    [case] = document["cases"]
    assert case["your_survey"]["comments"] == "The texts helped." and case["your_survey"]["easy_to_use"] == 3
    assert "org.caseline.victim.survey-answered.v1" in [r["type"] for r in case["requests_to_the_force"]]


def test_a_case_that_is_not_closed_yet_is_a_conflict_and_nothing_is_written(alex: Victims) -> None:
    status, problem = answer(alex, ANSWERS)
    assert status == 409 and problem["type"] == "urn:caseline:problem:conflict"
    assert problem["detail"] == "The survey opens when your case is closed"
    assert items("survey") == []


def test_someone_elses_case_is_not_found(alex: Victims) -> None:
    close_case()
    assert answer(alex, ANSWERS, user="mallory")[0] == 404
    assert items("survey") == []


@pytest.mark.parametrize(
    "change",
    [
        {"satisfaction": 0},
        {"kept_informed": 6},
        {"easy_to_use": "3"},
        {"satisfaction": True},
        {"satisfaction": 2.5},
        {"comments": "x" * 2001},
        {"extra": "member"},
    ],
    ids=["zero", "six", "string", "boolean", "decimal", "long-comments", "unknown-member"],
)
def test_bad_answers_are_422_naming_the_field_and_change_nothing(alex: Victims, change: dict[str, Any]) -> None:
    close_case()
    status, problem = answer(alex, {**ANSWERS, **change})
    assert status == 422 and problem["type"] == "urn:caseline:problem:validation"
    assert problem["field"].endswith(next(iter(change))), problem
    assert items("survey") == []


def test_comments_may_be_left_out(alex: Victims) -> None:
    close_case()
    assert answer(alex, {"satisfaction": 2, "kept_informed": 2, "easy_to_use": 2})[0] == 201
    assert "comments" not in items("survey")[0]
