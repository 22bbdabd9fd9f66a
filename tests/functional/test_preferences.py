"""A victim's contact preferences: safer choices apply at once (and to every message), less safe ones go
to the force as an outbound event and are not applied."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from caseline.adapters.dynamodb.cases import DynamoCaseRepository
from caseline.domain.vocabulary import Channel
from caseline_local.template import Template

from .conftest import REGION
from .test_victim_journey import Victims

ALL_ON: dict[str, Any] = {
    "channels": ["email", "sms"],
    "name_police": True,
    "name_crime": True,
    "safe_hours": None,
    "no_news_days": 28,
    "language": "en",
    "non_statutory": True,
}


@pytest.fixture
def alex(aws: Template) -> Victims:
    victims = Victims(aws)
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    return victims


def prefs(victims: Victims, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    return victims.case("alex", "thames-valley", "TVP-J-1", "/preferences", method, body)


def test_a_safer_choice_applies_to_every_message_at_once(alex: Victims) -> None:
    status, view = prefs(
        alex,
        "PUT",
        {**ALL_ON, "channels": ["email"], "name_police": False, "safe_hours": {"start": "09:00:00", "end": "17:00:00"}},
    )
    assert status == 200
    assert view["waiting_for_the_force"] == {}
    assert view["in_effect"]["safe_channels"] == ["email"] and view["in_effect"]["may_name_police"] is False
    # Dispatch and journeys read victims through the repository: they now see the stricter profile
    [victim] = DynamoCaseRepository().get_victims("thames-valley", "TVP-J-1")
    assert victim.safe_contact.safe_channels == (Channel.EMAIL,)
    assert victim.safe_contact.safe_hours is not None and victim.safe_contact.may_name_police is False
    assert prefs(alex)[1]["yours"]["channels"] == ["email"]


def test_a_less_safe_choice_goes_to_the_force_and_is_not_applied(alex: Victims) -> None:
    # Given the victim made contact safer, then the force's profile also forbids naming the police...
    prefs(alex, "PUT", {**ALL_ON, "channels": ["email"]})
    # When they ask to turn SMS back on (allowed by the force) that applies at once
    assert prefs(alex, "PUT", ALL_ON)[1]["in_effect"]["safe_channels"] == ["email", "sms"]
    # And a choice the force's assessment does not allow is passed to the force, not applied
    table = boto3.resource("dynamodb", region_name=REGION).Table("caseline-test")
    table.update_item(
        Key={"pk": "CASE#thames-valley#TVP-J-1", "sk": "VICTIM#TVP-V-0001"},
        UpdateExpression="SET safe_contact = :p",
        ExpressionAttributeValues={":p": json.dumps({"safe_channels": ["email"], "may_name_police": False})},
    )
    status, view = prefs(alex, "PUT", ALL_ON)
    assert status == 200
    assert view["waiting_for_the_force"] == {"channels": ["sms"], "name_police": True}
    assert view["in_effect"]["safe_channels"] == ["email"] and view["in_effect"]["may_name_police"] is False
    asks = [
        i
        for i in table.scan()["Items"]
        if i["entity"] == "outbound" and i["event_type"] == "org.caseline.victim.preferences-changed.v1"
    ]
    assert len(asks) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"channels": ["fax"]},
        {"no_news_days": 3},
        {"language": "English"},
        {"extra": True},
        {"safe_hours": {"start": "25:00:00", "end": "17:00:00"}},
        {"safe_hours": {"start": "22:00:00", "end": "22:00:00"}},
    ],
    ids=["unknown-channel", "cadence", "language", "extra-field", "bad-time", "no-moment-to-send"],
)
def test_bad_preferences_are_422_and_change_nothing(alex: Victims, change: dict[str, Any]) -> None:
    status, problem = prefs(alex, "PUT", {**ALL_ON, **change})
    assert status == 422 and problem["type"] == "urn:caseline:problem:validation"
    assert prefs(alex)[1]["in_effect"]["safe_channels"] == ["email", "sms"]


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"start": "09:00:00Z", "end": "17:00:00"}, "safe_hours.start"),
        ({"start": "09:00", "end": "17:00+01:00"}, "safe_hours.end"),
    ],
    ids=["start-in-utc", "end-with-an-offset"],
)
def test_safe_hours_with_an_offset_are_422_naming_the_field_and_change_nothing(
    alex: Victims, hours: dict[str, str], field: str
) -> None:
    # Given a victim who has made no choices yet
    # When they ask for safe hours given with an offset (safe hours are UK wall-clock times)
    status, problem = prefs(alex, "PUT", {**ALL_ON, "safe_hours": hours})
    # Then it is refused naming the field, and nothing is stored: every message still obeys the force's profile
    assert (status, problem["type"], problem.get("field")) == (422, "urn:caseline:problem:validation", field)
    assert prefs(alex)[1]["yours"]["safe_hours"] is None
    [victim] = DynamoCaseRepository().get_victims("thames-valley", "TVP-J-1")
    assert victim.safe_contact.safe_hours is None


def test_someone_else_cannot_read_or_change_them(alex: Victims) -> None:
    for method, body in (("GET", None), ("PUT", ALL_ON)):
        status, _ = alex.case("mallory", "thames-valley", "TVP-J-1", "/preferences", method, body)
        assert status == 404


def test_the_openapi_document_is_served_without_signing_in(alex: Victims) -> None:
    status, document = alex.call("GET", "/v1/openapi.json", "")
    assert status == 200
    assert "/v1/cases/{force_id}/{case_id}/preferences" in document["paths"]
