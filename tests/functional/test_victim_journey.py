"""A victim links their case with the code from the confirmation, reads it, and writes to the officer —
through the real handlers against moto. Anyone else gets the same 404 as a case that does not exist."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from caseline.domain import access_code
from caseline.domain.access_code import ACCOUNT_ATTEMPTS
from caseline_local.template import Template

from .builders import crime_recorded, signed
from .conftest import REGION, Context, StreamReader, api_event, load_handler, webhook_request, webhook_secret


class Victims:
    def __init__(self, template: Template) -> None:
        self.api = load_handler("victim_api")
        ingest, journeys, dispatch = load_handler("webhook_ingest"), load_handler("journeys"), load_handler("dispatch")
        journey_stream, dispatch_stream = (
            StreamReader(template, "JourneysFunction"),
            StreamReader(template, "DispatchFunction"),
        )
        self.codes: dict[str, str] = {}
        self.signed_in: dict[str, int] = {}  # user -> auth_time (seconds); set by the user's first call
        for case_id, force, demo in (
            ("TVP-J-1", "thames-valley", "01-thames-valley-burglary"),
            ("HAM-J-1", "hampshire", "03-hampshire-vehicle-crime"),
        ):
            event = webhook_request(force, crime_recorded(case_id, demo=demo))
            assert ingest.lambda_handler(event, Context())["statusCode"] == 202
        journeys.lambda_handler({"Records": journey_stream.new_records()}, Context())
        dispatch.lambda_handler({"Records": dispatch_stream.new_records()}, Context())
        for _, (number, text, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items():
            self.codes[number] = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", text).group(1)  # type: ignore[union-attr]

    def call(
        self,
        method: str,
        path: str,
        user: str,
        body: Any = None,
        resource: str | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        event = api_event(
            method,
            path,
            resource=resource or path,
            path_parameters=params,
            headers={"Content-Type": "application/json"},
            body=json.dumps(body) if body is not None else None,
            claims=self.claims(user),
        )
        response = self.api.lambda_handler(event, Context())
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    def claims(self, user: str) -> dict[str, str]:
        """As API Gateway's Cognito authorizer passes them: auth_time in seconds, iat as a date, as text."""
        auth_time = self.signed_in.setdefault(user, int(time.time()))  # one sign-in per user until sign_in()
        issued = datetime.fromtimestamp(max(auth_time, int(time.time())), UTC)
        return {"sub": user, "auth_time": str(auth_time), "iat": issued.strftime("%a %b %d %H:%M:%S UTC %Y")}

    def sign_in(self, user: str, at: float | None = None) -> None:
        """The user's token now comes from a sign-in at ``at`` (default: now)."""
        self.signed_in[user] = int(time.time() if at is None else at)

    def link(self, user: str, reference: str, code: str) -> tuple[int, Any]:
        return self.call("POST", "/v1/me/links", user, {"crime_reference": reference, "access_code": code})

    def case(
        self, user: str, force: str, case_id: str, suffix: str = "", method: str = "GET", body: Any = None
    ) -> tuple[int, Any]:
        resource = "/v1/cases/{force_id}/{case_id}" + suffix
        return self.call(
            method,
            f"/v1/cases/{force}/{case_id}{suffix}",
            user,
            body,
            resource,
            {"force_id": force, "case_id": case_id},
        )


@pytest.fixture
def victims(aws: Template) -> Victims:
    return Victims(aws)


def test_a_victim_links_views_and_messages_their_case(victims: Victims) -> None:
    code = victims.codes["+447700900101"]
    # When Alex links the case with the reference and code from the confirmation text
    status, linked = victims.link("alex", "43260001234", code.lower().replace("-", " "))
    assert (status, linked) == (
        201,
        {"force_id": "thames-valley", "case_id": "TVP-J-1", "crime_reference": "43260001234"},
    )
    # Then it is in their list, and its view explains it in plain English
    assert [c["case_id"] for c in victims.call("GET", "/v1/me/cases", "alex")[1]["cases"]] == ["TVP-J-1"]
    status, view = victims.case("alex", "thames-valley", "TVP-J-1")
    assert status == 200
    assert view["stage"] == "officer-assigned" and view["officer"]["name"] == "PC Sam Patel"
    assert [e["title"] for e in view["timeline"]] == [
        "We recorded your report",
        "PC Sam Patel is now looking after your case",  # the officer came with the recorded crime
    ]
    assert view["now"] == "An officer is looking after your case" and view["category_label"] == "Burglary"
    assert [r["number"] for r in view["rights"]] == list(range(1, 13))
    assert view["next_steps"].startswith("Your officer will review") and "5 working days" in view["expected_reply"]
    # And a message to the officer is stored and raised as an outbound event, once
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "<b>Any news?</b>"})[0] == 202
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/update-requests", "POST")[1] == {"status": "requested"}
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/update-requests", "POST")[1] == {
        "status": "already-requested-today"
    }
    view = victims.case("alex", "thames-valley", "TVP-J-1")[1]
    assert [(m["author"], m["text"], m["delivery"]) for m in view["messages"]] == [
        ("you", "<b>Any news?</b>", "pending")
    ]  # stored as text; the portal escapes it
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    assert sorted(i["event_type"]["S"] for i in items if i["entity"]["S"] == "outbound") == [
        "org.caseline.victim.message-sent.v1",
        "org.caseline.victim.update-requested.v1",
    ]
    audit = [i for i in items if i["entity"]["S"] == "audit"]
    assert len(audit) == 2 and {i["user_id"]["S"] for i in audit} == {"alex"}  # one per case view
    # The code is single-use
    assert victims.link("mallory", "43260001234", code)[0] == 400


def test_a_message_is_trimmed_then_checked_and_control_characters_are_refused(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])

    def send(text: str) -> int:
        return int(victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": text})[0])

    # Spaces around a full-length message do not count towards its 2,000 characters...
    assert send("  " + "x" * 2000 + " \n") == 202
    # ...but a longer one, an empty one, or one with a NUL in it is refused, and nothing is stored
    assert [send("x" * 2001), send("   "), send("a\u0000b")] == [422, 422, 400]
    view = victims.case("alex", "thames-valley", "TVP-J-1")[1]
    assert [m["text"] for m in view["messages"]] == ["x" * 2000]


def test_a_message_retried_with_its_key_is_stored_and_sent_once(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])

    def send(text: str, key: str | None) -> int:
        body = {"text": text, **({"idempotency_key": key} if key else {})}
        return int(victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", body)[0])

    # Given a message sent with its key, whose answer the portal never saw
    key = "6f1c2a9e-4b7d-4e0a-9d3b-1c2e3f4a5b6c"
    assert send("Is there any news?", key) == 202
    # When the portal sends it again with the same key, then another message with a new key
    assert send("Is there any news?", key) == 202
    assert send("Is there any news?", "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70") == 202
    # Then the thread holds two messages, and the force gets two, not three
    view = victims.case("alex", "thames-valley", "TVP-J-1")[1]
    assert [m["text"] for m in view["messages"] if m["author"] == "you"] == ["Is there any news?"] * 2
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    sent = [i for i in items if i["entity"]["S"] == "outbound" and i["event_type"]["S"].endswith("message-sent.v1")]
    assert len(sent) == 2
    # And a key that cannot be one is refused
    assert send("hello", "not a key!") == 422


def test_nobody_else_can_see_or_touch_a_case(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    not_found = victims.case("mallory", "nowhere", "NO-SUCH-CASE")
    for user, force, case_id in (
        ("mallory", "thames-valley", "TVP-J-1"),  # someone else's case
        ("alex", "hampshire", "HAM-J-1"),  # another force's case
        ("alex", "hampshire", "TVP-J-1"),
    ):  # the right id under the wrong force
        assert victims.case(user, force, case_id) == not_found
        assert victims.case(user, force, case_id, "/messages", "POST", {"text": "hi"})[0] == 404
        assert victims.case(user, force, case_id, "/update-requests", "POST")[0] == 404
    assert not_found[0] == 404 and not_found[1]["type"] == "urn:caseline:problem:not-found"


def test_guessing_locks_the_guessing_account_but_never_the_victim(victims: Victims) -> None:
    right_code = victims.codes["+447700900103"]
    unknown = victims.link("eve", "99999999999", "ABCDE-FGHJK")
    wrong = victims.link("eve", "44260009876", "ABCDE-FGHJK")
    assert unknown == wrong  # an unknown reference and a wrong code are indistinguishable
    assert unknown[0] == 400 and unknown[1]["type"] == "urn:caseline:problem:link-refused"
    # eve and trudy spend every attempt their accounts have on Casey's reference
    for attacker in ["eve"] * (ACCOUNT_ATTEMPTS - 2) + ["trudy"] * (ACCOUNT_ATTEMPTS + 1):
        assert victims.link(attacker, "44260009876", "ABCDE-FGHJK") == wrong
    # eve's account is locked for the day, even with a right code for another case
    assert victims.link("eve", "43260001234", victims.codes["+447700900101"]) == wrong
    # ...while Casey, whose reference they know, still links, as does anyone else with their own code
    assert victims.link("casey", "44260009876", right_code)[0] == 201
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201


@pytest.mark.parametrize(
    "body",
    [
        {"crime_reference": "43260001234"},
        {"crime_reference": "43260001234", "access_code": "ABCDE-FGHJK", "extra": 1},
        {"crime_reference": "x" * 500, "access_code": "ABCDE-FGHJK"},
        {"crime_reference": 43260001234, "access_code": "ABCDE-FGHJK"},
    ],
    ids=["missing", "extra", "oversized", "wrong-type"],
)
def test_bad_link_requests_get_422_and_count_as_nothing(victims: Victims, body: dict[str, Any]) -> None:
    status, problem = victims.call("POST", "/v1/me/links", "eve", body)
    assert status == 422 and problem["type"] == "urn:caseline:problem:validation"


def test_bad_ids_and_oversized_messages_are_4xx(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    assert victims.case("alex", "thames-valley", "bad id!")[0] == 422
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "x" * 2001})[0] == 422
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "   "})[0] == 422


class CallCounter:
    """Counts DynamoDB API calls through botocore's event hooks (whatever client made them)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, event_name: str, **_: Any) -> None:
        self.calls.append(event_name.rsplit(".", 1)[-1])


def test_dynamodb_calls_per_operation(victims: Victims) -> None:
    from caseline.adapters.dynamodb.models import CaselineItem

    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    client = CaselineItem._get_connection().connection.client
    counter = CallCounter()
    client.meta.events.register("before-call.dynamodb", counter)
    try:
        operations = {
            "case view": lambda: victims.case("alex", "thames-valley", "TVP-J-1"),
            "my cases": lambda: victims.call("GET", "/v1/me/cases", "alex"),
            "send message": lambda: victims.case(
                "alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "hi"}
            ),
            "refused view": lambda: victims.case("mallory", "thames-valley", "TVP-J-1"),
        }
        measured = {}
        for name, operation in operations.items():
            counter.calls.clear()
            assert operation()[0] < 500
            measured[name] = list(counter.calls)
    finally:
        client.meta.events.unregister("before-call.dynamodb", counter)
    assert measured == {
        # one Query for everything; a consultation-log entry; "read" marked on the case and in "my cases"
        "case view": ["Query", "PutItem", "TransactWriteItems"],
        "my cases": ["Query"],
        "send message": ["Query", "TransactWriteItems"],
        "refused view": ["Query"],  # nothing written for a refusal
    }


def test_high_risk_victims_get_no_self_service_recovery(aws: Template) -> None:
    from moto.ses.models import ses_backends

    from caseline.adapters.identity import CognitoIdentityAdmin

    # Given Jordan (enhanced, domestic abuse) whose confirmation came by email only, with a real account
    victims = Victims(aws)
    journey = StreamReader(aws, "JourneysFunction")
    dispatch = StreamReader(aws, "DispatchFunction")
    body = json.dumps(crime_recorded("TVP-J-2", demo="02-thames-valley-domestic-abuse")).encode()
    load_handler("webhook_ingest").lambda_handler(
        api_event(
            "POST",
            "/v1/webhooks/thames-valley",
            resource="/v1/webhooks/{force_id}",
            path_parameters={"force_id": "thames-valley"},
            body=body,
            headers=signed(webhook_secret("thames-valley"), body),
        ),
        Context(),
    )
    load_handler("journeys").lambda_handler({"Records": journey.new_records()}, Context())
    load_handler("dispatch").lambda_handler({"Records": dispatch.new_records()}, Context())
    [email] = [
        m
        for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        if m.destinations["ToAddresses"] == ["jordan.blake@example.org"]
    ]
    code = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", email.body).group(1)  # type: ignore[union-attr]
    idp = boto3.client("cognito-idp", region_name=REGION)
    pool = aws.physical["VictimUserPool"]["Ref"]
    client_id = aws.physical["VictimUserPoolClient"]["Ref"]
    sub = idp.sign_up(ClientId=client_id, Username="jordan.blake@example.org", Password="a long pass phrase")["UserSub"]
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="jordan.blake@example.org")
    idp.admin_update_user_attributes(
        UserPoolId=pool,
        Username="jordan.blake@example.org",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    victims.api.dependencies.identity = CognitoIdentityAdmin(idp, user_pool_id=pool)
    # When Jordan links the case
    assert victims.link(sub, "43260005678", code)[0] == 201
    # Then their email is no longer a recovery channel: a reset has to go through the force
    attributes = {
        a["Name"]: a["Value"]
        for a in idp.admin_get_user(UserPoolId=pool, Username="jordan.blake@example.org")["UserAttributes"]
    }
    assert attributes["email_verified"] == "false"


def test_my_cases_shows_the_current_stage_after_new_events(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    update = {
        **crime_recorded("TVP-J-1", sequence=2),
        "type": "org.caseline.suspect.arrested.v1",
        "data": {"occurred_at": "2026-11-28T10:00:00Z"},
    }
    event = webhook_request("thames-valley", update)
    assert load_handler("webhook_ingest").lambda_handler(event, Context())["statusCode"] == 202
    [case] = victims.call("GET", "/v1/me/cases", "alex")[1]["cases"]
    assert case["stage"] == "investigating"


def test_the_force_reissues_a_code_which_lifts_the_lock(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_code, "REFERENCE_ATTEMPTS", 5)  # the backstop, made small for the test
    victims = Victims(aws)
    old_code = victims.codes["+447700900103"]
    for attacker in ("a", "b", "c", "d", "e"):
        victims.link(attacker, "44260009876", "ABCDE-FGHJK")
    assert victims.link("casey", "44260009876", old_code)[0] == 400  # locked
    # When the force re-issues Casey's code
    reissue = {
        **crime_recorded("HAM-J-1", sequence=2),
        "type": "org.caseline.access.code-reissued.v1",
        "data": {"victim_id": "HAM-V-0001"},
    }
    request = webhook_request("hampshire", reissue)
    assert load_handler("webhook_ingest").lambda_handler(request, Context())["statusCode"] == 202
    journeys, dispatch = load_handler("journeys"), load_handler("dispatch")
    journeys.lambda_handler({"Records": StreamReader(aws, "JourneysFunction").new_records()}, Context())
    dispatch.lambda_handler({"Records": StreamReader(aws, "DispatchFunction").new_records()}, Context())
    texts = [
        t
        for _, (n, t, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items()
        if n == "+447700900103" and "new one-time code" in t
    ]
    new_code = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", texts[-1]).group(1)  # type: ignore[union-attr]
    # Then the old code is dead and the new one links, the lock on the reference being lifted
    assert victims.link("casey", "44260009876", old_code)[0] == 400
    assert victims.link("casey", "44260009876", new_code)[0] == 201


def _officer_message(case_id: str, sequence: int, text: str) -> None:
    message = {
        **crime_recorded(case_id, sequence=sequence),
        "type": "org.caseline.officer.message.v1",
        "data": {"message_id": f"m-{sequence}", "text": text},
    }
    event = webhook_request("thames-valley", message)
    assert load_handler("webhook_ingest").lambda_handler(event, Context())["statusCode"] == 202


def test_officer_messages_are_unread_until_the_victim_opens_the_case(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    _officer_message("TVP-J-1", 2, "I will call you on Friday.")
    _officer_message("TVP-J-1", 3, "We have arrested someone.")
    assert victims.call("GET", "/v1/me/cases", "alex")[1]["cases"][0]["unread"] == 2
    view = victims.case("alex", "thames-valley", "TVP-J-1")[1]
    assert [(m["author"], m["unread"]) for m in view["messages"]] == [("officer", True), ("officer", True)]
    # Opening the case reads them
    assert victims.call("GET", "/v1/me/cases", "alex")[1]["cases"][0]["unread"] == 0
    assert [m["unread"] for m in victims.case("alex", "thames-valley", "TVP-J-1")[1]["messages"]] == [False, False]


def test_a_victim_can_send_ten_messages_a_day_about_a_case(victims: Victims) -> None:
    victims.link("alex", "43260001234", victims.codes["+447700900101"])
    for n in range(10):
        assert victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": f"m{n}"})[0] == 202
    status, problem = victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "one more"})
    assert status == 429 and problem["type"] == "urn:caseline:problem:too-many-requests"
