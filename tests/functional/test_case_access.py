"""Who can see this case, through the real handlers against moto: the victim lists the accounts linked to
her victim record and removes another; the force removes them by a signed ``access.revoked`` or by
re-issuing the code. A removed account then gets exactly the stranger's 404 on every case route."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, load_handler, webhook_request
from .test_victim_journey import Victims

CASE = ("thames-valley", "TVP-J-1")
ALEX_MOBILE = "+447700900101"
ALERT = "/v1/cases/{force_id}/{case_id}/alerts/{alert_id}/acknowledgement"
ALERT_ID = {"force_id": CASE[0], "case_id": CASE[1], "alert_id": "0" * 20}


class Access:
    """Alex (the victim, +447700900101) linked to TVP-J-1; helpers to send force events and read texts."""

    def __init__(self, template: Template) -> None:
        from caseline.adapters.identity import CognitoIdentityAdmin

        self.template = template
        self.victims = Victims(template)
        self.journey_stream = StreamReader(template, "JourneysFunction")
        self.dispatch_stream = StreamReader(template, "DispatchFunction")
        self.journeys, self.dispatch = load_handler("journeys"), load_handler("dispatch")
        pool = template.physical["VictimUserPool"]["Ref"]
        cognito = boto3.client("cognito-idp", region_name=REGION)
        self.users: dict[str, str] = {}  # name -> the account's sub (the API's caller id)
        for name, email in (("alex", "alex.morgan@example.org"), ("mallory", "mal@example.org")):
            user = cognito.admin_create_user(UserPoolId=pool, Username=email)["User"]
            self.users[name] = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        self.victims.api.dependencies.identity = CognitoIdentityAdmin(cognito, user_pool_id=pool)
        self.sequence = 1
        assert self.victims.link(self.alex, "43260001234", self.victims.codes[ALEX_MOBILE])[0] == 201
        self.flow()

    @property
    def alex(self) -> str:
        return self.users["alex"]

    @property
    def mallory(self) -> str:
        return self.users["mallory"]

    def flow(self) -> None:
        """Run the journeys and dispatch functions over what the stream holds now."""
        for function, stream in ((self.journeys, self.journey_stream), (self.dispatch, self.dispatch_stream)):
            records = stream.new_records()
            if records:
                function.lambda_handler({"Records": records}, Context())

    def force_event(self, event_type: str, data: dict[str, Any]) -> None:
        self.sequence += 1
        event = {**crime_recorded("TVP-J-1", sequence=self.sequence), "type": event_type, "data": data}
        assert (
            load_handler("webhook_ingest").lambda_handler(webhook_request(CASE[0], event), Context())["statusCode"]
            == 202
        )
        self.flow()

    def texts(self, number: str = ALEX_MOBILE) -> list[str]:
        return [t for _, (n, t, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items() if n == number]

    def reissue(self, **extra: Any) -> str:
        """The force re-issues Alex's code; returns the new code from the text she gets."""
        self.force_event("org.caseline.access.code-reissued.v1", {"victim_id": "TVP-V-0001", **extra})
        texts = [t for t in self.texts() if "new one-time code" in t]
        return re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", texts[-1]).group(1)  # type: ignore[union-attr]

    def second_account(self) -> None:
        """Mallory reads the re-issued code from Alex's phone and links (the force kept Alex's link)."""
        assert self.victims.link(self.mallory, "43260001234", self.reissue(remove_linked_accounts=False))[0] == 201
        self.flow()

    def accounts(self, user: str) -> tuple[int, Any]:
        return self.victims.case(user, *CASE, "/accounts")

    def remove(self, user: str, link_id: str) -> tuple[int, Any]:
        resource = "/v1/cases/{force_id}/{case_id}/accounts/{link_id}"
        path = f"/v1/cases/{CASE[0]}/{CASE[1]}/accounts/{link_id}"
        params = {"force_id": CASE[0], "case_id": CASE[1], "link_id": link_id}
        return self.victims.call("DELETE", path, user, None, resource, params)

    def every_case_route(self, user: str) -> list[tuple[int, Any]]:
        v = self.victims
        return [
            v.case(user, *CASE),
            v.case(user, *CASE, "/accounts"),
            v.case(user, *CASE, "/preferences"),
            v.case(user, *CASE, "/messages", "POST", {"text": "hello"}),
            v.case(user, *CASE, "/update-requests", "POST"),
            self.remove(user, "0" * 20),
            v.call("POST", ALERT.format(**ALERT_ID), user, None, ALERT, ALERT_ID),
            v.case(user, *CASE, "/review-request", "POST", {"reasons": None}),
            v.case(user, *CASE, "/statement-request", "POST", {"kind": "make", "use": "read-by-me"}),
        ]


@pytest.fixture
def access(aws: Template) -> Access:
    return Access(aws)


def test_the_victim_sees_every_account_linked_to_her_record(access: Access) -> None:
    # Given Mallory linked a second account to Alex's victim record
    access.second_account()
    # When Alex (and Mallory) ask who can see the case
    status, alex_view = access.accounts(access.alex)
    mallory_view = access.accounts(access.mallory)[1]
    # Then both accounts are listed, oldest first, with masked emails and which one is "you"
    assert status == 200
    rows = alex_view["accounts"]
    assert [(r["email"], r["you"]) for r in rows] == [
        ("a\u2022\u2022\u2022@example.org", True),
        ("m\u2022\u2022\u2022@example.org", False),
    ]
    assert [r["you"] for r in mallory_view["accounts"]] == [False, True]
    assert rows[0]["linked_at"] < rows[1]["linked_at"] and rows[0]["last_signed_in_at"] is None
    assert {r["link_id"] for r in rows} == {r["link_id"] for r in mallory_view["accounts"]}
    assert all(re.fullmatch(r"[0-9a-f]{20}", r["link_id"]) for r in rows)
    assert access.mallory not in str(rows) and "alex.morgan" not in str(rows)  # no account id, no whole address


def test_removing_another_account_gives_it_the_strangers_404_everywhere(access: Access) -> None:
    access.second_account()
    stranger = access.every_case_route("eve")
    assert all(status == 404 for status, _ in stranger)
    mallory_link = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    # When Alex removes Mallory's account
    assert access.remove(access.alex, mallory_link) == (204, None)
    # Then the force is told which link of which victim record went, and Alex by text and email
    [removed] = [i for i in _items("outbound") if i["event_type"]["S"].endswith("linked-account-removed.v1")]
    assert mallory_link in str(removed["data"]) and "TVP-V-0001" in str(removed["data"])
    access.flow()
    assert _sent("linked-account-removed") == ["email", "sms"]
    assert len([t for t in access.texts() if "an account was removed from your case" in t]) == 1
    # Then Mallory gets exactly what a stranger gets on every case route, and the case leaves her list
    assert access.every_case_route(access.mallory) == stranger
    assert access.victims.call("GET", "/v1/me/cases", access.mallory)[1]["cases"] == []
    # And her data download no longer holds Alex's case (nor Alex's contact details)
    status, document = access.victims.call("GET", "/v1/me/data", access.mallory)
    assert status == 200 and document["cases"] == [] and "alex.morgan" not in str(document)
    assert [r["you"] for r in access.accounts(access.alex)[1]["accounts"]] == [True]
    # And removing it again is a 404 (nothing left to remove), while Alex keeps her access
    assert access.remove(access.alex, mallory_link)[0] == 404
    assert access.victims.case(access.alex, *CASE)[0] == 200


def test_a_victim_cannot_remove_herself_or_links_that_are_not_hers(access: Access) -> None:
    own = access.accounts(access.alex)[1]["accounts"][0]["link_id"]
    status, problem = access.remove(access.alex, own)
    assert status == 422 and problem["type"] == "urn:caseline:problem:own-account"
    assert access.victims.case(access.alex, *CASE)[0] == 200
    # A link id of another case, or a made-up one, is the same 404; a malformed one is a 422
    assert access.remove(access.alex, "f" * 20)[0] == 404
    assert access.remove(access.alex, "not-a-link-id")[0] == 422
    # And nobody who is not linked may remove anything
    assert access.remove("eve", own) == access.every_case_route("eve")[5]


def test_the_force_revokes_one_account_by_signed_event(access: Access) -> None:
    access.second_account()
    mallory_link = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    access.force_event("org.caseline.access.revoked.v1", {"victim_id": "TVP-V-0001", "link_id": mallory_link})
    assert access.victims.case(access.mallory, *CASE) == access.victims.case("eve", *CASE)
    assert [r["you"] for r in access.accounts(access.alex)[1]["accounts"]] == [True]


def test_the_force_revokes_every_account_and_a_replay_removes_no_later_link(access: Access) -> None:
    access.second_account()
    access.force_event("org.caseline.access.revoked.v1", {"victim_id": "TVP-V-0001"})
    assert access.victims.case(access.alex, *CASE)[0] == 404 and access.victims.case(access.mallory, *CASE)[0] == 404
    # When Alex links again with a new code and the revocation is delivered again
    assert access.victims.link(access.alex, "43260001234", access.reissue(remove_linked_accounts=False))[0] == 201
    records = boto3.client("dynamodb", region_name=REGION)
    revoked = [
        i
        for i in records.scan(TableName="caseline-test")["Items"]
        if i["entity"]["S"] == "event" and i["event_type"]["S"] == "org.caseline.access.revoked.v1"
    ]
    assert len(revoked) == 1
    replay = {
        "Records": [
            r
            for r in StreamReader(access.template, "JourneysFunction").new_records()
            if r["dynamodb"]["NewImage"].get("event_type", {}).get("S") == "org.caseline.access.revoked.v1"
        ]
    }
    assert len(replay["Records"]) == 1
    access.journeys.lambda_handler(replay, Context())
    # Then her new link stays
    assert access.victims.case(access.alex, *CASE)[0] == 200


def test_a_reissued_code_removes_linked_accounts_unless_the_force_says_not_to(access: Access) -> None:
    # Opt-out: both stay
    access.second_account()
    assert len(access.accounts(access.alex)[1]["accounts"]) == 2
    # Default: a re-issue removes every account linked before it, and the new code links Alex again
    new_code = access.reissue()
    assert access.victims.case(access.alex, *CASE)[0] == 404 and access.victims.case(access.mallory, *CASE)[0] == 404
    assert access.victims.link(access.alex, "43260001234", new_code)[0] == 201
    assert [r["you"] for r in access.accounts(access.alex)[1]["accounts"]] == [True]


def test_sign_ins_show_as_last_signed_in(access: Access) -> None:
    from .test_sign_in import post_authentication

    load_handler("sign_in").lambda_handler(post_authentication(access.alex), Context())
    row = access.accounts(access.alex)[1]["accounts"][0]
    assert row["you"] and row["last_signed_in_at"] is not None


def _items(entity: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    return [i for i in items if i["entity"]["S"] == entity]


def _force_tasks(reason: str) -> list[dict[str, Any]]:
    """The outbound events the force receives for officer tasks with this reason (their data)."""
    import json

    events = [i for i in _items("outbound") if i["event_type"]["S"] == "org.caseline.officer.task-created.v1"]
    data = [json.loads(i["data"]["S"]) if "S" in i["data"] else i["data"] for i in events]
    return [d for d in data if d.get("reason") == reason]


def _sent(template: str) -> list[str]:
    """The channels a template was sent by (to anyone)."""
    return sorted(
        i["channel"]["S"] for i in _items("outbox") if i["template_id"]["S"] == template and i["status"]["S"] == "sent"
    )


def test_a_second_account_linking_is_told_to_the_victim_and_the_force(access: Access) -> None:
    # Given no notice before a second account exists
    assert _sent("another-account-linked") == [] and _force_tasks("another-account-linked") == []
    # When Mallory links a second account to Alex's victim record
    access.second_account()
    # Then Alex is told by each safe channel, and the force gets a task naming the new link
    assert _sent("another-account-linked") == ["email", "sms"]
    assert any("Another account was linked to your case" in t for t in access.texts())
    mallory_link = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    tasks = _force_tasks("another-account-linked")
    assert [(t["victim_id"], t["link_id"]) for t in tasks] == [("TVP-V-0001", mallory_link)]


def test_cutting_back_contact_is_told_on_the_channels_safe_before_it(access: Access) -> None:
    access.second_account()
    before = len([t for t in access.texts() if "changed how we contact you" in t])
    # When Mallory turns off every channel and every update from Alex's account
    body = {
        "channels": [],
        "name_police": True,
        "name_crime": True,
        "safe_hours": None,
        "no_news_days": None,
        "non_statutory": False,
    }
    assert access.victims.case(access.mallory, *CASE, "/preferences", "PUT", body)[0] == 200
    access.flow()
    # Then the change applies, yet Alex is told by SMS and email, the ways that were safe before it
    in_effect = access.victims.case(access.alex, *CASE, "/preferences")[1]["in_effect"]
    assert in_effect["safe_channels"] == []
    assert _sent("contact-reduced") == ["email", "sms"]
    assert len([t for t in access.texts() if "changed how we contact you" in t]) == before + 1
    # And the force gets a task saying what was cut back
    assert [t["changed"] for t in _force_tasks("contact-reduced")] == ["channels,updates,no-news"]
    # And a change that cuts nothing back (turning a channel on again is for the force) tells nobody again
    access.victims.case(access.mallory, *CASE, "/preferences", "PUT", body)
    access.flow()
    assert len(_force_tasks("contact-reduced")) == 1


def test_a_link_removed_while_the_case_is_read_is_a_404_not_a_503(access: Access) -> None:
    from caseline.adapters.dynamodb.case_view import DynamoReadState
    from caseline.domain.errors import NotFoundError

    # Given the case was read for Mallory, and her link is removed before the read is marked
    access.second_account()
    mallory_link = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    assert access.remove(access.alex, mallory_link)[0] == 204
    # Then marking it read is the stranger's not-found, never "storage unavailable"
    with pytest.raises(NotFoundError):
        DynamoReadState().mark_read(access.mallory, *CASE, datetime.now(UTC))
