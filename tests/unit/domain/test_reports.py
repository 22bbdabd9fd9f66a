"""The report body's validation (GOV.UK-style messages, one per field) and report references."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from caseline.domain.report_form import validate_report
from caseline.domain.reports import (
    REFERENCE_PATTERN,
    ReportElsewhereError,
    ReportInvalidError,
    client_network,
    message_destinations,
    new_reference,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FORCES = {"thames-valley": frozenset({"burglary", "other-crime", "vehicle-crime"})}
BODY: dict[str, Any] = {
    "force_id": "thames-valley",
    "idempotency_key": "8c1f0d0e-5b0a-4c3e-9a1e-0d6f4b1b2a11",
    "website": "",
    "category": "burglary",
    "what_happened": "  Someone broke the back door and took my laptop.  ",
    "occurred": {"from": "2026-11-28T20:00:00Z", "to": "2026-11-29T07:00:00Z"},
    "location": {"description": "My flat, 4 Example Road", "postcode": "rg11aa"},
    "items": [{"description": "Laptop", "value_pounds": 650}],
    "reporter": {"name": "Alex Example", "email": "alex@example.org", "mobile": "07700 900123"},
}


def errors_for(**changes: Any) -> dict[str, str]:
    body = copy.deepcopy(BODY)
    body.update(changes)
    with pytest.raises(ReportInvalidError) as raised:
        validate_report(body, forces=FORCES, now=NOW)
    return {e.field: e.message for e in raised.value.errors}


def test_a_valid_report_is_trimmed_and_normalised() -> None:
    report = validate_report(copy.deepcopy(BODY), forces=FORCES, now=NOW)
    assert report.details["what_happened"] == "Someone broke the back door and took my laptop."
    assert report.details["location"]["postcode"] == "RG1 1AA"
    assert report.details["reporter"]["mobile"] == "+447700900123"
    assert report.details["safe_contact"]["safe_channels"] == ["email", "sms"]
    assert not report.honeypot_filled
    assert "reporter" in report.personal() and "reporter" not in report.not_personal()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"reporter": {"name": "A", "email": "nope"}},
            "reporter.email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"reporter": {"name": "A"}},
            "reporter.email",
            "Enter an email address or a mobile phone number so we can contact you",
        ),
        (
            {"reporter": {"name": "A", "mobile": "0118 496 0000"}},
            "reporter.mobile",
            "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982",
        ),
        ({"location": {"postcode": "XYZ"}}, "location.postcode", "Enter a real postcode, like RG1 1AA"),
        ({"what_happened": "   "}, "what_happened", "Enter what happened"),
        ({"what_happened": "x" * 2001}, "what_happened", "What happened must be 2,000 characters or fewer"),
        (
            {"occurred": {"from": "2026-11-29T07:00:00Z", "to": "2026-11-28T07:00:00Z"}},
            "occurred.to",
            "When it ended must be the same as or after when it started",
        ),
        ({"occurred": {"from": "2027-01-01T00:00:00Z"}}, "occurred.from", "When it started must be in the past"),
        (  # a year-1 time east of UTC has no date in UTC: refused, not an overflow
            {"occurred": {"from": "0001-01-01T00:00:01+03:05"}},
            "occurred.from",
            "When it started must be a real date and time",
        ),
        (
            {"occurred": {"from": "1899-12-31T23:00:00Z"}},
            "occurred.from",
            "When it started must be a real date and time",
        ),
        (
            {"items": [{"description": "Bike", "value_pounds": 1_000_001}]},
            "items.0.value_pounds",
            "Enter a value between £0 and £1,000,000",
        ),
        (
            {"items": [{"description": "Bike", "value_pounds": -1}]},
            "items.0.value_pounds",
            "Enter a value between £0 and £1,000,000",
        ),
        (
            {"category": "drugs"},
            "category",
            "Select what happened from the list: this kind of crime cannot be reported online",
        ),
        ({"force_id": "atlantis"}, "force_id", "Select the police force for the area where it happened"),
        ({"cctv": "maybe"}, "cctv", "Select whether there is any CCTV: yes, no or not sure"),
        ({"nickname": "x"}, "nickname", "This question is not part of the form"),
        (  # safe times are UK wall-clock times: one with an offset is refused, not read as another time
            {"safe_contact": {"safe_hours": {"start": "09:00Z", "end": "17:00"}}},
            "safe_contact.safe_hours",
            "Enter safe times as a start and an end, like 09:00 and 17:00",
        ),
        (
            {"safe_contact": {"safe_hours": {"start": "09:00", "end": "17:00:00+01:00"}}},
            "safe_contact.safe_hours",
            "Enter safe times as a start and an end, like 09:00 and 17:00",
        ),
    ],
)
def test_each_invalid_field_gets_its_govuk_message(changes: dict[str, Any], field: str, message: str) -> None:
    assert errors_for(**changes)[field] == message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"reporter": {"name": "A", "email": "a@example.org", "preferred_language": "en\n"}},
            "reporter.preferred_language",
        ),
        ({"idempotency_key": "8c1f0d0e-5b0a-4c3e-9a1e-0d6f4b1b2a11\n"}, "idempotency_key"),
    ],
)
def test_a_final_line_break_does_not_pass_a_pattern(changes: dict[str, Any], field: str) -> None:
    # The published schema's patterns match the whole value: "en\n" is not a language the force can read.
    assert field in errors_for(**changes)


def test_fraud_is_reported_elsewhere() -> None:
    body = {**copy.deepcopy(BODY), "category": "other-crime", "fraud": True}
    with pytest.raises(ReportElsewhereError) as raised:
        validate_report(body, forces=FORCES, now=NOW)
    assert "https://www.reportfraud.police.uk/" in raised.value.detail


def test_a_filled_honeypot_is_noticed() -> None:
    assert validate_report({**copy.deepcopy(BODY), "website": "x"}, forces=FORCES, now=NOW).honeypot_filled


def test_references_are_the_prefix_and_two_groups_of_crockford_base32() -> None:
    assert new_reference("TV", bytes(5)) == "TV-0000-0000"
    assert new_reference("TV", b"\xff" * 5) == "TV-ZZZZ-ZZZZ"
    drawn = {new_reference("HIOW") for _ in range(200)}
    assert len(drawn) == 200 and all(REFERENCE_PATTERN.match(r) for r in drawn)


# ---------------------------------------------------------------------- the reference by a safe channel
def _personal(email: str | None, mobile: str | None, channels: list[str]) -> dict[str, Any]:
    return {
        "reporter": {"name": "Alex Example", "email": email, "mobile": mobile, "preferred_language": "en"},
        "safe_contact": {"safe_channels": channels, "safe_hours": {"start": "09:00", "end": "17:00"}},
    }


@pytest.mark.parametrize(
    ("email", "mobile", "channels", "expected"),
    [
        ("alex@example.org", "+447700900123", ["email", "sms"], ["email", "sms"]),
        ("alex@example.org", "+447700900123", ["sms"], ["sms"]),
        ("alex@example.org", None, ["email", "sms"], ["email"]),
        (None, "+447700900123", ["email"], []),
    ],
    ids=["both", "only-sms-safe", "only-an-email", "no-safe-address"],
)
def test_the_reference_goes_by_each_channel_with_an_address_that_is_safe(
    email: str | None, mobile: str | None, channels: list[str], expected: list[str]
) -> None:
    from caseline.domain.reports import REPORTER_VICTIM_ID, ReportRecord, is_reporter_message, reporter_messages

    # Given a stored report
    record = ReportRecord(force_id="thames-valley", reference="TV-7K3M-Q9PX", category="burglary", submitted_at=NOW)
    # When its messages are planned
    messages = reporter_messages(record, _personal(email, mobile, channels), force_name="Thames Valley Police")
    # Then one per safe channel with an address, on the report (keyed on the reference), nothing personal in it
    assert [m.channel for m in messages] == expected
    for message in messages:
        assert (message.case_id, message.victim_id, message.template_id) == (
            "TV-7K3M-Q9PX",
            REPORTER_VICTIM_ID,
            "report-received",
        )
        assert message.key == f"report#report-received#{message.channel}#~reporter"
        assert is_reporter_message(message.key) and is_reporter_message(f"{message.key}#fallback-sms")
        assert message.personalisation == {"force_name": "Thames Valley Police", "report_reference": "TV-7K3M-Q9PX"}
    # And a case's message (the victim id a force gave) is never taken for a report's
    assert not is_reporter_message("000000000003#suspect-arrested#email#victim-1")


def test_the_reporter_is_rebuilt_with_the_reports_own_safe_contact_answers() -> None:
    from caseline.domain.reports import reporter_contact
    from caseline.domain.vocabulary import Channel

    contact = reporter_contact("thames-valley", "TV-7K3M-Q9PX", _personal("alex@example.org", None, ["email"]))
    assert contact is not None
    assert (contact.email, contact.mobile, contact.case_id) == ("alex@example.org", None, "TV-7K3M-Q9PX")
    assert contact.safe_contact.safe_channels == (Channel.EMAIL,)
    assert contact.safe_contact.safe_hours is not None
    assert reporter_contact("thames-valley", "TV-7K3M-Q9PX", {}) is None


# ---------------------------------------------------------------------- what the report limits count
@pytest.mark.parametrize(
    ("source_ip", "counted"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4-mapped: the IPv4 address
        ("not an address", None),
        ("203.0.113.9, 10.0.0.1", None),  # a forwarded-for list is not an address
        ("", None),
        (None, None),
    ],
)
def test_ipv4_is_counted_per_address_and_ipv6_per_64(source_ip: str | None, counted: str | None) -> None:
    assert client_network(source_ip) == counted


def test_the_destinations_are_the_safe_channels_addresses_normalised() -> None:
    reporter = {"email": " Alex@Example.ORG ", "mobile": "+447700900123"}
    both = {"reporter": reporter, "safe_contact": {"safe_channels": ["email", "sms"]}}
    assert message_destinations(both) == {"email": "alex@example.org", "sms": "+447700900123"}
    # A channel the reporter did not say is safe gets no message, so it is not counted either
    email_only = {"reporter": reporter, "safe_contact": {"safe_channels": ["email"]}}
    assert message_destinations(email_only) == {"email": "alex@example.org"}
    no_mobile = {"reporter": {**reporter, "mobile": None}, "safe_contact": {"safe_channels": ["email", "sms"]}}
    assert message_destinations(no_mobile) == {"email": "alex@example.org"}
    assert message_destinations({}) == {}


# ------------------------------------------------------------------------------ the form's error list
def test_members_not_on_the_form_come_first_one_per_object() -> None:
    # Given a report with two unknown members, a bad postcode and an unknown member of the reporter
    body = {**copy.deepcopy(BODY), "zzz": 1, "nickname": "x", "location": {"postcode": "XYZ"}}
    body["reporter"] = {**BODY["reporter"], "shoe_size": 9}
    # When it is validated
    with pytest.raises(ReportInvalidError) as raised:
        validate_report(body, forces=FORCES, now=NOW)
    # Then the first unknown member by name leads, and every other field follows in the form's order
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("nickname", "This question is not part of the form"),
        ("location.postcode", "Enter a real postcode, like RG1 1AA"),
        ("reporter.shoe_size", "This question is not part of the form"),
    ]
    assert raised.value.field == "nickname"


@pytest.mark.parametrize("name", ["utm.source", "reporter.name", ".", "items.0"])
def test_a_member_not_on_the_form_may_hold_a_dot(name: str) -> None:
    # Given a report with an unknown member whose name holds a dot, beside a field at fault
    body = {**copy.deepcopy(BODY), name: 1, "location": {"postcode": "XYZ"}}
    # When it is validated
    with pytest.raises(ReportInvalidError) as raised:
        validate_report(body, forces=FORCES, now=NOW)
    # Then it is refused like any unknown member, first, and the other field keeps its message
    assert [(e.field, e.message) for e in raised.value.errors] == [
        (name, "This question is not part of the form"),
        ("location.postcode", "Enter a real postcode, like RG1 1AA"),
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reporter": "Alex"}, {"reporter": "Enter your details", "reporter.name": "Enter your full name"}),
        ({"occurred": "yesterday"}, {"occurred": "Enter when it happened"}),
        ({"occurred": None}, {"occurred.from": "Enter when it happened"}),
        ({"occurred": {"to": "2026-11-29T07:00:00Z"}}, {"occurred.from": "Enter when it started"}),
        ({"location": {}}, {"location.description": "Enter where it happened or its postcode"}),
        ({"items": [None]}, {"items.0": "Enter what was taken"}),
        ({"items": [{}] * 21}, {"items": "List up to 20 things that were taken"}),
        (
            {"safe_contact": {"safe_channels": ["sms", "sms"]}},
            {"safe_contact.safe_channels": "Select email, text message, or both"},
        ),
    ],
)
def test_objects_and_their_members_get_their_own_messages(changes: dict[str, Any], expected: dict[str, str]) -> None:
    assert errors_for(**changes) == expected


def test_a_valid_report_keeps_the_shape_the_force_receives() -> None:
    report = validate_report(copy.deepcopy(BODY), forces=FORCES, now=NOW)
    assert report.details["occurred"] == {"from": "2026-11-28T20:00:00Z", "to": "2026-11-29T07:00:00Z"}
    assert report.details["items"] == [{"description": "Laptop", "value_pounds": 650}]
    assert report.details["reporter"]["preferred_language"] == "en" and report.details["suspect"] is None
    assert report.details["safe_contact"] == {
        "safe_channels": ["email", "sms"],
        "safe_hours": None,
        "may_name_police": True,
        "may_name_crime": True,
    }
    assert list(report.details)[:3] == ["category", "what_happened", "occurred"]
