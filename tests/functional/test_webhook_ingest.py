"""POST /v1/webhooks/{force_id} through the real handler, against moto built from template.yaml."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline_local.template import Template

from .builders import LinkedCase, crime_recorded, items, signed
from .conftest import REGION, Context, StreamReader, api_event, load_handler, webhook_request, webhook_secret

RESOURCE = "/v1/webhooks/{force_id}"


@pytest.fixture
def ingest(aws: Template) -> ModuleType:
    return load_handler("webhook_ingest")


def post(handler: ModuleType, force_id: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    event = api_event(
        "POST",
        f"/v1/webhooks/{force_id}",
        resource=RESOURCE,
        path_parameters={"force_id": force_id},
        headers=headers,
        body=body,
    )
    response = handler.lambda_handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def table_items() -> list[dict[str, Any]]:
    # Test-only inspection of everything written; product code never scans.
    return list(boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"])


def test_a_signed_crime_recorded_event_is_stored_once(ingest: ModuleType) -> None:
    # Given a correctly signed event from Thames Valley
    body = json.dumps(crime_recorded()).encode()
    headers = signed(webhook_secret("thames-valley"), body)
    # When it is delivered twice with the same webhook-id
    first = post(ingest, "thames-valley", body, headers)
    second = post(ingest, "thames-valley", body, headers)
    # Then it is accepted once, acknowledged as a duplicate the second time, and written once
    assert first == (202, {"status": "accepted", "event_id": first[1]["event_id"], "sequence": 1})
    assert second[0] == 200 and second[1]["status"] == "duplicate"
    kinds = sorted(item["entity"]["S"] for item in table_items())
    assert kinds == ["case", "crime-reference", "event", "receipt", "victim"]


def test_the_force_is_the_one_whose_secret_verified(ingest: ModuleType) -> None:
    # Given an event signed with Hampshire's secret but posted to Thames Valley's URL
    body = json.dumps(crime_recorded()).encode()
    status, problem = post(ingest, "thames-valley", body, signed(webhook_secret("hampshire"), body))
    # Then it is rejected and nothing is written
    assert status == 401 and problem["type"] == "urn:caseline:problem:unauthenticated"
    assert table_items() == []


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
        lambda h, b: (h, b.replace(b"burglary", b"robbery")),
        lambda h, b: ({**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) - 301)}, b),
    ],
    ids=["bad-signature", "unsigned", "tampered-body", "replayed-old-timestamp"],
)
def test_tampered_or_unsigned_webhooks_get_401_and_write_nothing(ingest: ModuleType, tamper: Any) -> None:
    body = json.dumps(crime_recorded()).encode()
    headers, body = tamper(signed(webhook_secret("thames-valley"), body), body)
    status, problem = post(ingest, "thames-valley", body, headers)
    assert status == 401
    assert "detail" not in problem  # a 401 never says which check failed
    assert table_items() == []


def test_unknown_force_looks_exactly_like_a_bad_signature(ingest: ModuleType) -> None:
    body = json.dumps(crime_recorded()).encode()
    unknown = post(ingest, "atlantis", body, signed("whatever-secret", body))
    bad = post(ingest, "hampshire", body, signed("whatever-secret", body))
    assert unknown == bad
    assert unknown[0] == 401


def rotate(force_id: str, *, previous_expires_at: str | None) -> str:
    """Rotate as docs/runbook.md says: a new current secret, the old one kept as previous. Returns the old one."""
    old = webhook_secret(force_id)
    document = {"current": f"rotated-{force_id}-secret-0123456789abcdef", "previous": old}
    if previous_expires_at is not None:
        document["previous_expires_at"] = previous_expires_at
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=f"caseline/test/webhook/{force_id}", SecretString=json.dumps(document)
    )
    return old


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")


def test_after_a_rotation_the_previous_secret_is_accepted_until_it_expires(ingest: ModuleType) -> None:
    # Given Thames Valley rotated its secret today, with the previous one valid for seven days
    old = rotate("thames-valley", previous_expires_at=in_days(7))
    body = json.dumps(crime_recorded()).encode()
    # When its system still signs with the previous secret, the event is accepted
    status, answer = post(ingest, "thames-valley", body, signed(old, body))
    assert status == 202 and answer["status"] == "accepted"


@pytest.mark.parametrize(
    "expiry", [in_days(-1 / 86400), in_days(-7), None, "soon"], ids=["just", "week", "none", "bad"]
)
def test_an_expired_or_missing_expiry_refuses_the_previous_secret_like_any_bad_signature(
    ingest: ModuleType, expiry: str | None
) -> None:
    old = rotate("thames-valley", previous_expires_at=expiry)
    body = json.dumps(crime_recorded()).encode()
    refused = post(ingest, "thames-valley", body, signed(old, body))
    assert refused == post(ingest, "thames-valley", body, signed("not-a-secret-of-this-force", body))
    assert refused[0] == 401 and refused[1]["type"] == "urn:caseline:problem:unauthenticated"
    assert table_items() == []
    # while the new current secret works
    assert post(ingest, "thames-valley", body, signed(webhook_secret("thames-valley"), body))[0] == 202


def _safe_hours(event: dict[str, Any], hours: dict[str, str]) -> dict[str, Any]:
    victim = event["data"]["victim"]
    safe_contact = {**victim.get("safe_contact", {}), "safe_hours": hours}
    return {**event, "data": {**event["data"], "victim": {**victim, "safe_contact": safe_contact}}}


@pytest.mark.parametrize(
    ("mutate", "status", "slug", "field"),
    [
        (lambda e: {**e, "data": {**e["data"], "category": "piracy"}}, 422, "validation", "data.category"),
        (
            lambda e: {**e, "data": {**e["data"], "victim": {**e["data"]["victim"], "mobile": "0770"}}},
            422,
            "validation",
            "data.victim.mobile",
        ),
        (lambda e: {**e, "type": "org.caseline.unknown.v1"}, 422, "unsupported-event-type", "type"),
        (lambda e: {k: v for k, v in e.items() if k != "subject"}, 422, "validation", "subject"),
        (lambda e: {**e, "sequence": 0}, 422, "validation", "sequence"),
        (lambda e: {**e, "sequence": "3"}, 422, "validation", "sequence"),
        (lambda e: {**e, "sequence": True}, 422, "validation", "sequence"),
        (lambda e: {**e, "sequence": 3.0}, 422, "validation", "sequence"),
        (
            lambda e: {**e, "data": {**e["data"], "victim": {**e["data"]["victim"], "under_18": "yes"}}},
            422,
            "validation",
            "data.victim.under_18",
        ),
        (
            lambda e: {**e, "data": {**e["data"], "victim": {**e["data"]["victim"], "under_18": 1}}},
            422,
            "validation",
            "data.victim.under_18",
        ),
        # Year-1 times east of UTC have no date in UTC: refused, not a 500 the force would retry for ever
        (lambda e: {**e, "time": "0001-01-01T00:00:00+05:00"}, 422, "validation", "time"),
        (
            lambda e: {**e, "data": {**e["data"], "recorded_at": "0001-01-01T00:00:00+05:00"}},
            422,
            "validation",
            "data.recorded_at",
        ),
        # Safe hours are UK wall-clock times: one with an offset is refused, not accepted and then never
        # comparable with the UK clock (journeys would fail on the case for ever)
        (
            lambda e: _safe_hours(e, {"start": "06:00:00Z", "end": "20:00"}),
            422,
            "validation",
            "data.victim.safe_contact.safe_hours.start",
        ),
        (
            lambda e: _safe_hours(e, {"start": "06:00", "end": "20:00:00+00:00"}),
            422,
            "validation",
            "data.victim.safe_contact.safe_hours.end",
        ),
    ],
    ids=[
        "unknown-category",
        "bad-mobile",
        "unknown-type",
        "no-subject",
        "zero-sequence",
        "sequence-as-text",
        "sequence-as-boolean",
        "sequence-as-float",
        "flag-as-text",
        "flag-as-number",
        "time-before-the-calendar",
        "recorded-before-the-calendar",
        "safe-hours-start-in-utc",
        "safe-hours-end-with-an-offset",
    ],
)
def test_malformed_events_get_problem_details_naming_the_field(
    ingest: ModuleType, mutate: Any, status: int, slug: str, field: str
) -> None:
    body = json.dumps(mutate(crime_recorded())).encode()
    got_status, problem = post(ingest, "thames-valley", body, signed(webhook_secret("thames-valley"), body))
    assert (got_status, problem["type"], problem.get("field")) == (status, f"urn:caseline:problem:{slug}", field)
    assert table_items() == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"\xff\xfe not utf-8", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"{}", "text/plain", 415),
        (b"{" + b" " * (256 * 1024) + b"}", "application/json", 413),
        (b"[" * 1000 + b"]" * 1000, "application/json", 400),
        (b'{"sequence": ' + b"9" * 4301 + b"}", "application/json", 400),
        (rb'{"id": "a\u0000b"}', "application/json", 400),
    ],
    ids=["non-utf8", "json-array", "not-json", "wrong-content-type", "over-256kb", "deep", "long-int", "nul"],
)
def test_bodies_that_are_not_a_json_object_are_rejected_cleanly(
    ingest: ModuleType, body: bytes, content_type: str, status: int
) -> None:
    headers = signed(webhook_secret("thames-valley"), body, content_type=content_type)
    got_status, problem = post(ingest, "thames-valley", body, headers)
    assert got_status == status
    assert problem["status"] == status and problem["type"].startswith("urn:caseline:problem:")
    assert table_items() == []


def test_an_older_event_is_kept_in_the_timeline_but_never_moves_the_case_back(ingest: ModuleType) -> None:
    secret = webhook_secret("thames-valley")
    newer = json.dumps(crime_recorded(sequence=5)).encode()
    older = json.dumps(crime_recorded(sequence=3, officer=None)).encode()
    assert post(ingest, "thames-valley", newer, signed(secret, newer))[0] == 202
    status, body = post(ingest, "thames-valley", older, signed(secret, older))
    assert (status, body["status"]) == (202, "stale")
    items = table_items()
    case = next(i for i in items if i["entity"]["S"] == "case")
    assert case["sequence"]["N"] == "5" and case["stage"]["S"] == "officer-assigned"
    events = sorted((i["sequence"]["N"], i["applied"]["BOOL"]) for i in items if i["entity"]["S"] == "event")
    assert events == [("3", False), ("5", True)]


def test_the_timeline_copy_of_an_event_holds_no_victim_contact_details(ingest: ModuleType) -> None:
    body = json.dumps(crime_recorded()).encode()
    post(ingest, "thames-valley", body, signed(webhook_secret("thames-valley"), body))
    event = next(i for i in table_items() if i["entity"]["S"] == "event")
    assert "alex.morgan@example.org" not in json.dumps(event)
    assert "+447700900101" not in json.dumps(event)


def _event(case_id: str, sequence: int, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {**crime_recorded(case_id, sequence=sequence), "type": f"org.caseline.{event_type}.v1", "data": data}


def test_contact_changes_update_the_victim_but_never_the_timeline(ingest: ModuleType) -> None:
    secret = webhook_secret("thames-valley")
    first = json.dumps(crime_recorded("TVP-C-1")).encode()
    post(ingest, "thames-valley", first, signed(secret, first))
    change = _event(
        "TVP-C-1",
        2,
        "victim.contact-changed",
        {
            "victim_id": "TVP-V-0001",
            "mobile": "+447700900555",
            "safe_contact": {"safe_channels": ["sms"], "may_name_police": False},
        },
    )
    body = json.dumps(change).encode()
    assert post(ingest, "thames-valley", body, signed(secret, body))[0] == 202
    items = table_items()
    [victim] = [i for i in items if i["entity"]["S"] == "victim"]
    assert victim["mobile"]["S"] == "+447700900555"
    assert victim["email"]["S"] == "alex.morgan@example.org"  # not in the change: kept
    assert json.loads(victim["safe_contact"]["S"])["safe_channels"] == ["sms"]
    timeline = [i for i in items if i["entity"]["S"] == "event" and i["sequence"]["N"] == "2"]
    assert "+447700900555" not in json.dumps(timeline)
    assert json.loads(timeline[0]["data"]["S"]) == {"victim_id": "TVP-V-0001", "changed": ["mobile", "safe_contact"]}


def test_a_contact_change_with_safe_hours_in_utc_is_refused_and_changes_nothing(ingest: ModuleType) -> None:
    # Given a victim on a case, with the profile the force first sent
    secret = webhook_secret("thames-valley")
    first = json.dumps(crime_recorded("TVP-C-2")).encode()
    assert post(ingest, "thames-valley", first, signed(secret, first))[0] == 202
    before = table_items()
    # When the force changes the victim's safe hours to a time with an offset
    change = _event(
        "TVP-C-2",
        2,
        "victim.contact-changed",
        {"victim_id": "TVP-V-0001", "safe_contact": {"safe_hours": {"start": "06:00:00Z", "end": "20:00"}}},
    )
    body = json.dumps(change).encode()
    status, problem = post(ingest, "thames-valley", body, signed(secret, body))
    # Then it is a 422 naming the field, and nothing is written (the force corrects it and sends it again)
    assert (status, problem["type"], problem.get("field")) == (
        422,
        "urn:caseline:problem:validation",
        "data.safe_contact.safe_hours.start",
    )
    assert table_items() == before


def test_a_whole_case_life_ends_closed_with_one_timeline_entry_per_event(ingest: ModuleType) -> None:
    secret = webhook_secret("hampshire")
    now = "2026-11-20T10:00:00Z"
    life = [
        crime_recorded("HAM-L-1", demo="03-hampshire-vehicle-crime"),
        _event(
            "HAM-L-1",
            2,
            "officer.assigned",
            {"officer": {"name": "PC Ellis", "collar_number": "2198", "team_contact": "01632 960003"}},
        ),
        _event("HAM-L-1", 3, "needs.assessed", {"victim_id": "HAM-V-0001", "tier": "enhanced"}),
        _event("HAM-L-1", 4, "suspect.arrested", {"occurred_at": now}),
        _event("HAM-L-1", 5, "suspect.charged", {"occurred_at": now, "charges": ["Theft of a motor vehicle"]}),
        _event(
            "HAM-L-1",
            6,
            "court.hearing-scheduled",
            {"court": "Southampton Magistrates' Court", "starts_at": now, "hearing_type": "First hearing"},
        ),
        _event("HAM-L-1", 7, "court.outcome", {"result": "convicted", "custodial_months": 6}),
        _event("HAM-L-1", 8, "outcome.recorded", {"outcome_type": 1}),
        _event("HAM-L-1", 9, "case.closed", {"closed_at": now}),
    ]
    retries = []
    for event in reversed(life):  # the worst order: newest first
        body = json.dumps(event).encode()
        headers = signed(secret, body)
        status, problem = post(ingest, "hampshire", body, headers)
        if status == 409:  # about a victim not known yet: nothing stored, the force retries later
            assert problem["type"] == "urn:caseline:problem:victim-not-known-yet"
            retries.append((body, headers["webhook-id"]))
        else:
            assert status == 202
    assert len(retries) == 1
    for body, webhook_id in retries:
        assert post(ingest, "hampshire", body, signed(secret, body, webhook_id=webhook_id))[0] == 202
    items = table_items()
    [case] = [i for i in items if i["entity"]["S"] == "case"]
    assert (case["stage"]["S"], case["sequence"]["N"]) == ("closed", "9")
    assert case["officer"]["S"] and "PC Ellis" in case["officer"]["S"]
    assert sorted(int(i["sequence"]["N"]) for i in items if i["entity"]["S"] == "event") == list(range(1, 10))
    [victim] = [i for i in items if i["entity"]["S"] == "victim"]
    assert victim["tier"]["S"] == "enhanced"


def _keys() -> set[tuple[str, str]]:
    return {(i["pk"]["S"], i["sk"]["S"]) for i in table_items()}


def _retry_after(response: dict[str, Any]) -> str | None:
    headers = response.get("headers") or {k: v[0] for k, v in response.get("multiValueHeaders", {}).items()}
    return headers.get("Retry-After")


def test_a_delegation_for_a_victim_the_case_does_not_have_is_refused_until_it_names_one_it_has(
    aws: Template, ingest: ModuleType
) -> None:
    journeys, stream = load_handler("journeys"), StreamReader(aws, "JourneysFunction")

    def deliver(event: dict[str, Any], webhook_id: str | None = None) -> dict[str, Any]:
        """The force's delivery, then the journeys its stored event (if any) starts, as in the stack."""
        body = json.dumps(event).encode()
        headers = signed(webhook_secret("thames-valley"), body, webhook_id=webhook_id)
        request = api_event(
            "POST",
            "/v1/webhooks/thames-valley",
            resource=RESOURCE,
            path_parameters={"force_id": "thames-valley"},
            headers=headers,
            body=body,
        )
        response: dict[str, Any] = ingest.lambda_handler(request, Context())
        records = stream.new_records()
        assert not records or journeys.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
        return response

    def delegated(sequence: int, victim_id: str) -> dict[str, Any]:
        data = {"victim_id": victim_id, "delegation_id": "DEL-7", "name": "Jordan Morgan", "relationship": "advocate"}
        return _event("TVP-D-1", sequence, "access.delegated", data)

    # Given the force sets up an advocate for TVP-V-0001 before the crime recorded that names her has arrived
    early = delegated(2, "TVP-V-0001")
    response = deliver(early, webhook_id="msg_delegated")
    # Then it is refused for now (409, retry in 60 s) and nothing is stored
    problem = json.loads(response["body"])
    assert response["statusCode"] == 409, problem
    assert problem["type"] == "urn:caseline:problem:victim-not-known-yet"
    assert _retry_after(response) == "60"
    assert table_items() == []
    # When the crime is recorded and the force then names a victim the case does not have (a typo)
    assert deliver(crime_recorded("TVP-D-1"))["statusCode"] == 202
    before = _keys()
    response = deliver(delegated(3, "V-NOBODY"))
    # Then it is refused the same way: nothing stored, no delegation, no invitation code for the force
    assert response["statusCode"] == 409 and _retry_after(response) == "60"
    assert json.loads(response["body"])["type"] == "urn:caseline:problem:victim-not-known-yet"
    assert _keys() == before
    assert items("delegate") == [] and items("delegate-code") == [] and items("outbound") == []
    # When the force retries the first delivery (same webhook-id), the victim is known: it is accepted
    response = deliver(early, webhook_id="msg_delegated")
    assert (response["statusCode"], json.loads(response["body"])["status"]) == (202, "accepted")
    [delegate] = items("delegate")
    assert (delegate["victim_id"], delegate["delegation_id"]) == ("TVP-V-0001", "DEL-7")
    [invitation] = items("outbound")
    assert invitation["event_type"] == "org.caseline.access.delegate-invitation.v1"
    data = invitation["data"] if isinstance(invitation["data"], dict) else json.loads(invitation["data"])
    assert (data["victim_id"], data["delegation_id"]) == ("TVP-V-0001", "DEL-7")


@pytest.mark.parametrize(
    ("event_type", "data", "template"),
    [
        ("review.acknowledged", {"request_id": "vrr-11-TVP-V-0001"}, "review-acknowledged"),
        ("review.decided", {"request_id": "vrr-11-TVP-V-0001", "decision": "not-upheld"}, "review-decided"),
        ("statement.taken", {"request_id": "vps-7-TVP-V-0001"}, "statement-taken"),
    ],
    ids=["review-acknowledged", "review-decided", "statement-taken"],
)
def test_an_answer_to_a_request_the_victim_never_made_is_refused_and_she_is_told_nothing(
    aws: Template, event_type: str, data: dict[str, str], template: str
) -> None:
    # Given Alex, linked to her case, asked for a review of a decision not to prosecute and to make a statement
    case = LinkedCase(aws)
    case.post("outcome.recorded", 2, {"outcome_type": 15}, time=datetime.now(UTC).isoformat(timespec="seconds"))
    review = case.victims.case("alex", case.force_id, case.case_id, "/review-request", "POST", {})
    statement = case.victims.case(
        "alex", case.force_id, case.case_id, "/statement-request", "POST", {"kind": "make", "use": "read-by-me"}
    )
    assert (review[0], statement[0]) == (202, 202)
    raised = {"review": review[1]["request_id"], "statement": statement[1]["request_id"]}
    assert data["request_id"] not in raised.values()
    before, told = _keys(), len(items("outbox"))

    def answer(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The force's answer (a new webhook-id each time), then the journeys it starts, as in the stack."""
        response = case.ingest.lambda_handler(webhook_request(case.force_id, event), Context())
        records = case.stream.new_records()
        assert not records or case.journeys.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
        return response["statusCode"], json.loads(response["body"])

    # When the force answers a request id Caseline never raised on the case
    unknown = _event(case.case_id, 3, event_type, {**data, "victim_id": "TVP-V-0001"})
    status, problem = answer(unknown)
    # Then it is a 422 naming the request, nothing is stored and Alex is sent nothing
    assert status == 422, problem
    assert (problem["type"], problem["field"]) == ("urn:caseline:problem:validation", "data.request_id")
    assert _keys() == before
    assert len(items("outbox")) == told and not [o for o in items("outbox") if o["template_id"] == template]
    # And an answer naming her real request is accepted and she is told, once: its repeat is a duplicate
    kind = "statement" if event_type == "statement.taken" else "review"
    real = {**unknown, "data": {**unknown["data"], "request_id": raised[kind]}}

    def sent() -> list[str]:
        return [o["channel"] for o in items("outbox") if o["template_id"] == template]

    assert answer(real)[1]["status"] == "accepted"
    assert sent()  # by each of her channels
    assert answer(real)[1]["status"] == "duplicate"  # the same event under a new webhook-id
    assert sorted(sent()) == sorted(set(sent()))
