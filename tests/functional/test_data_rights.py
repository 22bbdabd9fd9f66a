"""Data rights against moto: a victim downloads only their own data, even on a case they share with
another victim, and closing their account unlinks everything they linked while the force's record stays."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.case_view import DynamoAuditLog, DynamoCaseReader
from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore
from caseline.adapters.dynamodb.models import CaselineItem, MessageItem, case_pk
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.sealing import KmsFieldSealer
from caseline.domain import access_code
from caseline.domain.errors import NotFoundError
from caseline.domain.event_types import NEEDS_ASSESSED
from caseline.domain.records import AccessCodeRecord, WriteOutcome
from caseline.services import data_rights, victim_cases
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, load_handler, webhook_request
from .test_victim_journey import CallCounter, Victims

BLAKE = {
    "victim_id": "TVP-V-0002",
    "name": "Blake Shaw",
    "email": "blake.shaw@example.org",
    "mobile": "+447700900202",
    "preferred_language": "cy",
    "tier": "enhanced",
}


def _thread(count: str) -> str:
    """What close_account says it deleted from the message thread."""
    return (
        f"Your message thread: {count} you wrote to officers, as kept for you to read back "
        "(what the force received is kept, see below)."
    )


def _deliver(template: Template, force: str, event: dict[str, Any]) -> None:
    request = webhook_request(force, event)
    assert load_handler("webhook_ingest").lambda_handler(request, Context())["statusCode"] == 202


class Shared(Victims):
    """Victims' cases, plus a second victim (Blake) on Alex's case TVP-J-1 and a needs assessment about
    Blake alone on its timeline.

    Journeys plan the confirmation (and its access code) once per case, so Blake's code is issued here
    directly, the way a force re-issuing a code would store it.
    """

    def __init__(self, template: Template) -> None:
        super().__init__(template)
        _deliver(template, "thames-valley", crime_recorded("TVP-J-1", sequence=2, victim=BLAKE))
        needs = crime_recorded("TVP-J-1", sequence=3)
        needs.update(
            type=NEEDS_ASSESSED,
            data={"victim_id": BLAKE["victim_id"], "tier": "enhanced", "needs": ["emergency housing"]},
        )
        _deliver(template, "thames-valley", needs)
        code = access_code.new_code()
        record = AccessCodeRecord(
            "thames-valley",
            "TVP-J-1",
            BLAKE["victim_id"],
            access_code.hash_code(code),
            datetime.now(UTC) + timedelta(days=access_code.VALID_DAYS),
        )
        assert DynamoOutboxRepository().add_messages([], [record]) is WriteOutcome.WRITTEN
        self.codes[BLAKE["mobile"]] = access_code.display(code)


@pytest.fixture
def shared(aws: Template) -> Shared:
    victims = Shared(aws)
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    assert victims.link("blake", "43260001234", victims.codes["+447700900202"])[0] == 201
    assert victims.link("casey", "44260009876", victims.codes["+447700900103"])[0] == 201
    for user, text in (("alex", "Alex asks about the window"), ("blake", "Blake's private worry")):
        assert victims.case(user, "thames-valley", "TVP-J-1", "/messages", "POST", {"text": text})[0] == 202
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/update-requests", "POST")[0] == 202
    return victims


def _items() -> list[dict[str, Any]]:
    return list(
        boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test", ConsistentRead=True)["Items"]
    )


def _export(user: str, email: str | None = None) -> dict[str, Any]:
    return data_rights.export_my_data(
        user, email, store=DynamoDataRightsStore(), audit=DynamoAuditLog(), clock=SystemClock()
    )


class Identities:
    """Stands in for the handler's AdminDeleteUser call: deleting an account that is gone is fine."""

    def __init__(self, *users: str) -> None:
        self.users = set(users)
        self.deleted: list[str] = []

    def __call__(self, user_id: str) -> None:
        self.deleted.append(user_id)
        self.users.discard(user_id)


def _close(user: str, identities: Identities) -> dict[str, Any]:
    return data_rights.close_account(
        user, store=DynamoDataRightsStore(), clock=SystemClock(), delete_identity=identities
    )


# ---------------------------------------------------------------- export


def test_the_export_has_only_the_callers_cases_and_their_own_details_on_a_shared_case(shared: Shared) -> None:
    document = _export("alex", "alex.morgan@example.org")
    assert document["format"] == "caseline.export.v1"
    assert document["account"] == {"user_id": "alex", "email": "alex.morgan@example.org"}
    assert [(c["force_id"], c["case_id"]) for c in document["cases"]] == [("thames-valley", "TVP-J-1")]
    case = document["cases"][0]
    assert case["crime_reference"] == "43260001234" and case["category"] == "burglary"
    assert case["officer"]["name"] == "PC Sam Patel"
    assert case["your_details"]["name"] == "Alex Morgan"
    assert case["your_details"]["mobile"] == "+447700900101"
    assert set(case["your_details"]) == {"name", "email", "mobile", "language", "tier", "safe_contact"}
    assert [m["text"] for m in case["your_messages"]] == ["Alex asks about the window"]
    assert sorted(r["type"] for r in case["requests_to_the_force"]) == [
        "org.caseline.victim.message-sent.v1",
        "org.caseline.victim.update-requested.v1",
    ]
    assert all(r["status"] == "pending" for r in case["requests_to_the_force"])
    # Alex's crime.recorded entry is theirs; the one that added Blake, and Blake's needs assessment, are not
    assert [t["sequence"] for t in case["timeline"]] == [1]
    assert all("victim" not in t["data"] for t in case["timeline"])
    text = json.dumps(document)
    for leak in ("Blake", "TVP-V-0002", "+447700900202", "blake.shaw", "emergency housing", "private worry"):
        assert leak not in text
    # Blake's own export has Blake's details and message on the same case, and nothing of Alex's
    blakes = _export("blake")["cases"][0]
    assert blakes["your_details"]["name"] == "Blake Shaw" and blakes["your_details"]["language"] == "cy"
    assert [m["text"] for m in blakes["your_messages"]] == ["Blake's private worry"]
    assert [t["sequence"] for t in blakes["timeline"]] == [2, 3]  # the entry that added Blake, and their own
    assert "Alex" not in json.dumps(blakes["your_details"]) + json.dumps(blakes["your_messages"])


def test_the_export_holds_each_victims_own_contact_preferences(shared: Shared) -> None:
    # Given Alex and Blake each set their contact preferences on the case they share
    for user, no_news in (("alex", 14), ("blake", None)):
        body = {
            "channels": ["email"],
            "name_police": True,
            "name_crime": user != "alex",
            "safe_hours": None,
            "no_news_days": no_news,
            "non_statutory": user != "blake",
        }
        assert shared.case(user, "thames-valley", "TVP-J-1", "/preferences", "PUT", body)[0] == 200
    # When each downloads their data, then each sees their own choices, as the preferences page shows them
    alexs = _export("alex")["cases"][0]["your_preferences"]
    assert alexs == shared.case("alex", "thames-valley", "TVP-J-1", "/preferences")[1]["yours"]
    assert (alexs["name_crime"], alexs["no_news_days"], alexs["non_statutory"]) == (False, 14, True)
    blakes = _export("blake")["cases"][0]["your_preferences"]
    assert (blakes["name_crime"], blakes["no_news_days"], blakes["non_statutory"]) == (True, None, False)
    # and Casey, who never set any, gets null
    assert _export("casey")["cases"][0]["your_preferences"] is None


def test_an_export_round_trips_through_json(shared: Shared) -> None:
    document = _export("alex", "alex.morgan@example.org")
    assert json.loads(json.dumps(document)) == document
    generated = datetime.fromisoformat(document["generated_at"])
    assert abs(generated - datetime.now(UTC)) < timedelta(minutes=1)


def test_each_exported_case_is_logged_and_read_with_one_query(shared: Shared) -> None:
    client = CaselineItem._get_connection().connection.client
    counter = CallCounter()
    client.meta.events.register("before-call.dynamodb", counter)
    try:
        _export("casey")
    finally:
        client.meta.events.unregister("before-call.dynamodb", counter)
    # links, the case's partition, the log entry, the account's reports (none, so nothing opened)
    assert counter.calls == ["Query", "Query", "PutItem", "Query"]
    exported = [i for i in _items() if i["entity"]["S"] == "audit" and i["action"]["S"] == "exported-data"]
    assert [(i["pk"]["S"], i["user_id"]["S"]) for i in exported] == [("AUDIT#hampshire#HAM-J-1", "casey")]


def test_someone_with_no_linked_cases_gets_an_empty_export(shared: Shared) -> None:
    document = _export("stranger")
    assert document["cases"] == [] and document["not_included"]


# ---------------------------------------------------------------- close account


def test_closing_removes_links_membership_and_messages_and_keeps_the_forces_record(shared: Shared) -> None:
    before = _items()
    identities = Identities("alex", "blake")
    result = _close("alex", identities)
    assert result["cases_unlinked"] == 1
    assert result["deleted"][:2] == [
        "The links between your account and 1 case: you can no longer see them.",
        _thread("1 message"),
    ]
    assert result["kept"] == list(data_rights.KEPT)
    assert identities.deleted == ["alex"] and identities.users == {"blake"}
    after = _items()
    gone = {(i["pk"]["S"], i["sk"]["S"]) for i in before} - {(i["pk"]["S"], i["sk"]["S"]) for i in after}
    pk = case_pk("thames-valley", "TVP-J-1")
    entities = sorted(next(i["entity"]["S"] for i in before if (i["pk"]["S"], i["sk"]["S"]) == key) for key in gone)
    assert entities == ["allowance", "link", "member", "message"]
    assert ("USER#alex", pk) in gone and (pk, "MEMBER#alex") in gone and (pk, "ALLOWANCE#MESSAGES#alex") in gone
    # Blake's messages allowance on the shared case is Blake's: it stays
    assert (pk, "ALLOWANCE#MESSAGES#blake") in {(i["pk"]["S"], i["sk"]["S"]) for i in after}
    # The force's record stays: the case, its timeline, both victims' details, every outbound event
    kept = {(i["pk"]["S"], i["entity"]["S"]) for i in after}
    for entity in ("case", "event", "victim", "outbound"):
        assert (pk, entity) in kept
    assert [i["user_id"]["S"] for i in after if i["entity"]["S"] == "message"] == ["blake"]
    assert len([i for i in after if i["entity"]["S"] == "outbound"]) == 3
    erasures = [i for i in after if i["entity"]["S"] == "audit" and i["action"]["S"] == "closed-account"]
    assert [(i["pk"]["S"], i["user_id"]["S"]) for i in erasures] == [("AUDIT#thames-valley#TVP-J-1", "alex")]
    # Alex can no longer see the case; Blake still can
    with pytest.raises(NotFoundError):
        victim_cases.view_case(
            "alex", "thames-valley", "TVP-J-1", reader=DynamoCaseReader(), audit=DynamoAuditLog(), clock=SystemClock()
        )
    assert shared.case("alex", "thames-valley", "TVP-J-1")[0] == 404
    assert shared.call("GET", "/v1/me/cases", "alex")[1] == {"cases": []}
    assert shared.case("blake", "thames-valley", "TVP-J-1")[0] == 200
    assert _export("alex")["cases"] == []


def test_closing_twice_is_fine(shared: Shared) -> None:
    identities = Identities("casey")
    assert _close("casey", identities)["cases_unlinked"] == 1
    audit_before = len([i for i in _items() if i["entity"]["S"] == "audit"])
    again = _close("casey", identities)
    assert again["cases_unlinked"] == 0
    assert again["deleted"] == [
        "Your Caseline sign-in: your email address, password and two-step verification settings."
    ]
    assert identities.deleted == ["casey", "casey"]
    assert len([i for i in _items() if i["entity"]["S"] == "audit"]) == audit_before  # nothing new logged


def test_each_case_is_unlinked_in_one_transaction(shared: Shared) -> None:
    client = CaselineItem._get_connection().connection.client
    counter = CallCounter()
    client.meta.events.register("before-call.dynamodb", counter)
    try:
        _close("alex", Identities("alex"))
    finally:
        client.meta.events.unregister("before-call.dynamodb", counter)
    # links, the case (whom the victim invited and whom the account followed: none here), own messages, all
    # the deletes, the account's reports (none), the figures' first-link item of the account
    assert counter.calls == ["Query", "Query", "Query", "TransactWriteItems", "Query", "DeleteItem"]


def test_more_messages_than_one_transaction_holds_are_all_deleted(shared: Shared) -> None:
    pk = case_pk("hampshire", "HAM-J-1")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with MessageItem.batch_write() as batch:
        for n in range(150):
            sent = start + timedelta(minutes=n)
            batch.save(
                MessageItem(
                    pk,
                    f"MESSAGE#{sent.isoformat()}#m{n:03d}",
                    force_id="hampshire",
                    case_id="HAM-J-1",
                    message_id=f"m{n:03d}",
                    user_id="casey",
                    text=f"message {n}",
                    sent_at=sent,
                )
            )
    assert len(_export("casey")["cases"][0]["your_messages"]) == 150
    result = _close("casey", Identities("casey"))
    assert result["deleted"][1] == _thread("150 messages")
    left = {i["entity"]["S"] for i in _items() if i["pk"]["S"] in (pk, "USER#casey")}
    assert "message" not in left and "member" not in left and "link" not in left
    assert "case" in left


def test_the_routes_download_and_close_through_the_handler(aws: Template) -> None:
    from caseline.adapters.identity import CognitoIdentityAdmin

    victims = Victims(aws)
    victims.api.dependencies.identity = CognitoIdentityAdmin(
        boto3.client("cognito-idp", region_name="eu-west-2"), user_pool_id=aws.physical["VictimUserPool"]["Ref"]
    )
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    status, document = victims.call("GET", "/v1/me/data", "alex")
    assert status == 200 and document["format"] == "caseline.export.v1"
    assert [c["case_id"] for c in document["cases"]] == ["TVP-J-1"]
    # The answer is the service's document as documented (docs/openapi.json): null keys stay, times as written
    assert document["cases"][0]["your_preferences"] is None and document["cases"][0]["your_survey"] is None
    assert document["generated_at"].endswith("+00:00") and document["reports"] == []
    status, closed = victims.call("DELETE", "/v1/me", "alex")
    assert status == 200 and closed["cases_unlinked"] == 1
    assert victims.case("alex", "thames-valley", "TVP-J-1")[0] == 401  # the closing token is refused at once
    victims.sign_in("alex", time.time() + 2)  # a later session (after the closure's whole second)
    assert victims.case("alex", "thames-valley", "TVP-J-1")[0] == 404  # nothing linked any more
    assert victims.call("DELETE", "/v1/me", "alex")[0] == 200  # closing twice is fine


# ---------------------------------------------------------------- reports made online


def test_a_reporters_reports_are_downloaded_opened_and_closing_detaches_them(aws: Template) -> None:
    from .test_reports import _my_reports, a_report, post

    # Given Alex reported a crime online signed in, and someone else did too
    key = aws.physical["DataKey"]["Arn"]
    kms = boto3.client("kms", region_name=REGION)
    reports = load_handler("reports")
    reports.store = DynamoReportStore(KmsFieldSealer(kms, key_id=key))
    reference = json.loads(post(reports, a_report(), user="alex")["body"])["report_reference"]
    other = json.loads(post(reports, a_report(), user="blake", ip="198.51.100.8")["body"])["report_reference"]
    store = DynamoDataRightsStore(lambda: KmsFieldSealer(kms, key_id=key))
    # When Alex downloads their data
    document = data_rights.export_my_data("alex", None, store=store, audit=DynamoAuditLog(), clock=SystemClock())
    # Then the report is there with its answers, the personal ones opened with the report's own context
    assert [r["report_reference"] for r in document["reports"]] == [reference]
    answers = document["reports"][0]["your_answers"]
    assert answers["what_happened"] == "Someone broke the back door and took my laptop."
    assert answers["reporter"]["email"] == "alex@example.org" and answers["cctv"] == "not-sure"
    assert json.loads(json.dumps(document)) == document
    # When Alex closes the account
    result = data_rights.close_account("alex", store=store, clock=SystemClock(), delete_identity=Identities("alex"))
    # Then the report is off the account but stays for the force, without the account on it
    assert result["reports_detached"] == 1
    assert _my_reports(reports, "alex") == []
    item = next(i for i in _items() if i["pk"]["S"] == f"REPORT#thames-valley#{reference}" and i["sk"]["S"] == "REPORT")
    assert "user_id" not in item and "gsi1pk" not in item and "gsi1sk" not in item and item["sealed"]
    assert [r["report_reference"] for r in _my_reports(reports, "blake")] == [other]
    assert (
        data_rights.export_my_data("alex", None, store=store, audit=DynamoAuditLog(), clock=SystemClock())["reports"]
        == []
    )
