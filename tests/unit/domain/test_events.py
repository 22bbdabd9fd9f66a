"""The inbound contract: CloudEvents 1.0 envelope and the crime-recorded data model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from caseline.domain.event_types import CRIME_RECORDED
from caseline.domain.events import EVENT_DATA_MODELS, INBOUND_EVENT_DATA_MODELS, CloudEvent, CrimeRecordedData
from caseline.domain.vocabulary import Channel, CrimeFlag, VictimTier
from tests.unit.builders import cloud_event, crime_recorded_data, officer_block, victim_block


def error_locations(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [e["loc"] for e in exc.errors()]


def test_a_valid_crime_recorded_event_parses_with_defaults() -> None:
    # Given the minimum valid data
    data = CrimeRecordedData.model_validate(crime_recorded_data())
    # Then optional parts take safe defaults
    assert data.category == "burglary"
    assert data.flags == ()
    assert data.officer is None
    assert data.victim.tier is VictimTier.STANDARD
    assert data.victim.preferred_language == "en"
    assert data.victim.safe_contact.safe_channels == (Channel.EMAIL, Channel.SMS)


def test_flags_officer_and_safe_contact_are_parsed() -> None:
    raw = crime_recorded_data(
        flags=["domestic-abuse"],
        officer=officer_block(),
        victim=victim_block(safe_contact={"safe_channels": ["email"], "may_name_crime": False}),
    )
    data = CrimeRecordedData.model_validate(raw)
    assert data.flags == (CrimeFlag.DOMESTIC_ABUSE,)
    assert data.officer is not None
    assert data.officer.collar_number == "AB123"
    assert data.victim.safe_contact.safe_channels == (Channel.EMAIL,)
    assert data.victim.safe_contact.may_name_crime is False


def test_an_unknown_category_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        CrimeRecordedData.model_validate(crime_recorded_data(category="jaywalking"))
    assert error_locations(caught.value) == [("category",)]


def test_an_unknown_flag_is_rejected() -> None:
    with pytest.raises(ValidationError):
        CrimeRecordedData.model_validate(crime_recorded_data(flags=["gossip"]))


@pytest.mark.parametrize(
    "mobile", ["07700900123", "+44770090012", "+4477009001234", "+441632960000", "+447700 900123", "+33612345678"]
)
def test_a_mobile_that_is_not_a_uk_mobile_in_e164_is_rejected(mobile: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CrimeRecordedData.model_validate(crime_recorded_data(victim=victim_block(mobile=mobile)))
    assert error_locations(caught.value) == [("victim", "mobile")]


def test_victims_may_have_no_mobile_or_email() -> None:
    data = CrimeRecordedData.model_validate(crime_recorded_data(victim=victim_block(mobile=None, email=None)))
    assert data.victim.mobile is None
    assert data.victim.email is None


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@example.org", "x" * 250 + "@example.org"])
def test_a_bad_email_is_rejected(email: str) -> None:
    with pytest.raises(ValidationError):
        CrimeRecordedData.model_validate(crime_recorded_data(victim=victim_block(email=email)))


@pytest.mark.parametrize(
    ("raw", "location"),
    [
        (crime_recorded_data(colour="red"), ("colour",)),
        (crime_recorded_data(victim=victim_block(address="1 High St")), ("victim", "address")),
        (crime_recorded_data(officer=officer_block(rank="PC")), ("officer", "rank")),
    ],
)
def test_extra_fields_are_rejected_at_every_level(raw: dict[str, Any], location: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        CrimeRecordedData.model_validate(raw)
    assert error_locations(caught.value) == [location]


@pytest.mark.parametrize("reference", ["ns/2026/1", "ABC", "/ABC1", "A" * 33])
def test_a_malformed_crime_reference_is_rejected(reference: str) -> None:
    with pytest.raises(ValidationError):
        CrimeRecordedData.model_validate(crime_recorded_data(crime_reference=reference))


def test_text_is_stripped_and_must_not_be_blank() -> None:
    data = CrimeRecordedData.model_validate(crime_recorded_data(victim=victim_block(name="  Sam  ")))
    assert data.victim.name == "Sam"
    with pytest.raises(ValidationError):
        CrimeRecordedData.model_validate(crime_recorded_data(victim=victim_block(name="   ")))


def test_a_valid_envelope_parses() -> None:
    envelope = CloudEvent.model_validate(cloud_event(sequence=7))
    assert envelope.type == CRIME_RECORDED
    assert envelope.sequence == 7
    assert envelope.datacontenttype == "application/json"


@pytest.mark.parametrize(
    ("override", "location"),
    [
        ({"specversion": "0.3"}, "specversion"),
        ({"sequence": 0}, "sequence"),
        ({"sequence": 2**53 + 1}, "sequence"),
        ({"subject": "../other-case"}, "subject"),
        ({"subject": "A" * 65}, "subject"),
        ({"id": ""}, "id"),
        ({"time": "yesterday"}, "time"),
        ({"time": "0001-01-01T00:00:00+05:00"}, "time"),  # no date in UTC
        ({"time": "1899-12-31T23:59:59Z"}, "time"),
        ({"time": "9999-12-31T23:59:59-05:00"}, "time"),  # no date in UTC
        ({"data": ["not", "an", "object"]}, "data"),
        ({"force": "someone-else"}, "force"),
    ],
)
def test_an_invalid_envelope_is_rejected(override: dict[str, Any], location: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CloudEvent.model_validate({**cloud_event(), **override})
    assert error_locations(caught.value)[0][0] == location


def test_an_envelope_without_data_is_rejected() -> None:
    raw = cloud_event()
    del raw["data"]
    with pytest.raises(ValidationError):
        CloudEvent.model_validate(raw)


def test_every_event_type_is_versioned_and_maps_to_a_data_model() -> None:
    assert EVENT_DATA_MODELS[CRIME_RECORDED] is CrimeRecordedData
    assert len(EVENT_DATA_MODELS) == 27
    for event_type in EVENT_DATA_MODELS:
        assert event_type.startswith("org.caseline.") and event_type.endswith(".v1")


@pytest.mark.parametrize("member", ["recorded_at", "occurred_at"])
def test_a_date_time_in_the_data_outside_the_calendar_is_rejected(member: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CrimeRecordedData.model_validate(crime_recorded_data(**{member: "0001-01-01T00:00:00+05:00"}))
    assert error_locations(caught.value)[0][0] == member


def _examples() -> list[dict[str, Any]]:
    folder = Path(__file__).resolve().parents[3] / "docs" / "events" / "examples"
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def test_every_date_time_in_every_example_event_refuses_a_time_outside_the_calendar() -> None:
    # Given the example of each event type, with each of its date-times in turn moved to year 1 east of UTC
    checked = 0
    for example in _examples():
        model = INBOUND_EVENT_DATA_MODELS[example["type"]]
        moments = [k for k, v in example["data"].items() if isinstance(v, str) and "T" in v and v[:4].isdigit()]
        for member in moments:
            with pytest.raises(ValidationError) as caught:
                model.model_validate({**example["data"], member: "0001-01-01T00:00:00+05:00"})
            # Then the model refuses it, naming the member, as it does the envelope's time
            assert error_locations(caught.value)[0][0] == member
            checked += 1
        with pytest.raises(ValidationError):
            CloudEvent.model_validate({**example, "time": "0001-01-01T00:00:00+05:00"})
    assert checked >= 10
