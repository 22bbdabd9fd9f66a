"""Delegated access through the real handlers against moto: Alex invites someone she trusts, who follows
the case from their own account without her contact details; she removes them and they get the stranger's
404; the force sets up a parent or guardian by signed event and ends it the same way."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from caseline_local.template import Template

from .conftest import REGION, ReadsTogether, in_parallel
from .test_case_access import ALEX_MOBILE, CASE, Access

DELEGATES = "/v1/cases/{force_id}/{case_id}/delegates/{delegation_id}"
ALEX_DETAILS = ("alex.morgan", ALEX_MOBILE, "07700 900101", "07700900101")


@pytest.fixture
def access(aws: Template) -> Access:
    return Access(aws)


def _invite(access: Access, relationship: str = "family", scope: str = "view", name: str = "Sam") -> dict[str, Any]:
    body = {"name": name, "relationship": relationship, "scope": scope}
    status, answer = access.victims.case(access.alex, *CASE, "/delegates", "POST", body)
    assert status == 201, answer
    return answer  # type: ignore[no-any-return]


def _accept(access: Access, user: str, code: str) -> tuple[int, Any]:
    return access.victims.call("POST", "/v1/me/delegations", user, {"code": code})


def _remove(access: Access, user: str, delegation_id: str) -> tuple[int, Any]:
    params = {"force_id": CASE[0], "case_id": CASE[1], "delegation_id": delegation_id}
    return access.victims.call("DELETE", DELEGATES.format(**params), user, None, DELEGATES, params)


def _outbound(suffix: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    found = [i for i in items if i["entity"]["S"] == "outbound" and i["event_type"]["S"].endswith(suffix)]
    return [json.loads(i["data"]["S"]) if "S" in i["data"] else i["data"] for i in found]


def test_an_invited_person_follows_the_case_without_the_victims_contact_details(access: Access) -> None:
    # Given Alex invites Sam, a family member, to read her case
    answer = _invite(access)
    code, delegate = answer["invitation_code"], answer["delegate"]
    assert delegate["status"] == "invited" and delegate["granted_by"] == "victim" and delegate["scope"] == "view"
    # When Sam, with an account of his own, types the code (any case, with spaces)
    status, linked = _accept(access, "sam", code.lower().replace("-", " "))
    # Then the case is in Sam's list and he reads it as a delegate
    assert status == 201 and (linked["force_id"], linked["case_id"]) == CASE
    [listed] = access.victims.call("GET", "/v1/me/cases", "sam")[1]["cases"]
    assert (listed["force_id"], listed["case_id"]) == CASE
    status, view = access.victims.case("sam", *CASE)
    assert status == 200 and view["access"] == {
        "role": "delegate",
        "scope": "view",
        "relationship": "family",
        "granted_by": "victim",
    }
    assert view["crime_reference"] and view["timeline"]
    # And new events keep his list current, with nothing shown as unread (his reads are not tracked)
    access.force_event("org.caseline.officer.message.v1", {"message_id": "MSG-9", "text": "We have a suspect."})
    access.force_event("org.caseline.case.closed.v1", {"closed_at": "2026-11-30T10:00:00Z"})
    [listed] = access.victims.call("GET", "/v1/me/cases", "sam")[1]["cases"]
    [hers] = access.victims.call("GET", "/v1/me/cases", access.alex)[1]["cases"]
    assert (listed["stage"], listed["unread"]) == ("closed", 0) and (hers["stage"], hers["unread"]) == ("closed", 1)
    # And never Alex's contact details, nor what Alex wrote to the officer
    access.victims.case(access.alex, *CASE, "/messages", "POST", {"text": "Private words from Alex"})
    page = json.dumps(access.victims.case("sam", *CASE)[1])
    assert not any(detail in page for detail in ALEX_DETAILS) and "Private words" not in page
    # And Alex sees him as active; her own view says she is the victim
    [row] = access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"]
    assert (row["name"], row["status"], row["accepted_at"] is not None) == ("Sam", "active", True)
    assert access.victims.case(access.alex, *CASE)[1]["access"]["role"] == "victim"


def test_a_delegate_reads_but_does_only_what_the_scope_allows(access: Access) -> None:
    _accept(access, "sam", _invite(access, scope="view")["invitation_code"])
    _accept(access, "ivy", _invite(access, relationship="advocate", scope="message", name="Ivy")["invitation_code"])
    # A reader may not write to the officer: 403, with nothing sent
    status, problem = access.victims.case("sam", *CASE, "/messages", "POST", {"text": "hello"})
    assert status == 403 and problem["type"] == "urn:caseline:problem:forbidden"
    assert access.victims.case("sam", *CASE, "/update-requests", "POST")[0] == 403
    # An advocate with the message scope may, and the force is told who wrote
    assert access.victims.case("ivy", *CASE, "/messages", "POST", {"text": "I support Alex"})[0] == 202
    assert access.victims.case("ivy", *CASE, "/update-requests", "POST")[0] == 202
    [sent] = [d for d in _outbound("message-sent.v1") if d["text"] == "I support Alex"]
    assert sent["sent_by"] == "delegate" and sent["victim_id"] == "TVP-V-0001"
    [requested] = _outbound("update-requested.v1")
    assert requested["sent_by"] == "delegate"
    # Everything that is the victim's own is a stranger's 404 for either delegate
    stranger = access.every_case_route("eve")
    for user in ("sam", "ivy"):
        routes = access.every_case_route(user)
        own = [routes[i] for i in (1, 2, 5, 6, 7, 8)]  # accounts, preferences, removal, alert, review, statement
        assert own == [stranger[i] for i in (1, 2, 5, 6, 7, 8)]
        assert access.victims.case(user, *CASE, "/delegates")[0] == 404


def test_removing_a_delegate_gives_them_the_strangers_404_everywhere(access: Access) -> None:
    invited = _invite(access, scope="message")
    _accept(access, "sam", invited["invitation_code"])
    delegation_id = invited["delegate"]["delegation_id"]
    # When Alex removes Sam
    assert _remove(access, access.alex, delegation_id) == (204, None)
    # Then Sam gets exactly what a stranger gets, and the case leaves his list
    assert access.every_case_route("sam") == access.every_case_route("eve")
    assert access.victims.call("GET", "/v1/me/cases", "sam")[1]["cases"] == []
    # And the force hears of it; removing again is a 404; Alex keeps her access
    [removed] = _outbound("delegate-removed.v1")
    assert removed["delegation_id"] == delegation_id and removed["relationship"] == "family"
    assert _remove(access, access.alex, delegation_id)[0] == 404
    assert access.victims.case(access.alex, *CASE)[0] == 200


def test_an_invitation_works_once_and_every_failure_looks_the_same(access: Access) -> None:
    invited = _invite(access)
    code = invited["invitation_code"]
    # Unknown code, then the right one, then the same one again by another account
    status, unknown = _accept(access, "eve", "ABCD-EFGH-JKMN-PQRS")
    assert status == 400 and unknown["type"] == "urn:caseline:problem:invitation-refused"
    assert _accept(access, "sam", code)[0] == 201
    assert _accept(access, "eve", code) == (status, unknown)
    # Alex cannot take her own invitation (she sees the case already), and a malformed code is a 422
    code2 = _invite(access, name="Jo")["invitation_code"]
    assert _accept(access, access.alex, code2) == (status, unknown)
    assert _accept(access, "eve", "not a code")[0] == 422
    # An invitation withdrawn before it is taken up no longer works
    pending = next(
        d for d in access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"] if d["name"] == "Jo"
    )
    assert _remove(access, access.alex, pending["delegation_id"])[0] == 204
    assert _accept(access, "eve", code2) == (status, unknown)
    assert access.victims.case("eve", *CASE)[0] == 404


def test_guessing_invitation_codes_is_counted_per_account(access: Access) -> None:
    code = _invite(access)["invitation_code"]
    for _ in range(10):
        assert _accept(access, "eve", "ABCD-EFGH-JKMN-PQRS")[0] == 400
    # Past the limit even the right code is refused for that account, and not for another
    assert _accept(access, "eve", code)[0] == 400
    assert _accept(access, "sam", code)[0] == 201


def test_bad_invitations_are_422_and_there_is_a_limit(access: Access) -> None:
    for body in (
        {"name": "", "relationship": "family", "scope": "view"},
        {"name": "Sam", "relationship": "stranger", "scope": "view"},
        {"name": "Sam", "relationship": "family", "scope": "everything"},
        {"name": "x" * 61, "relationship": "family", "scope": "view"},
        {"name": "Sam", "relationship": "family"},
    ):
        assert access.victims.case(access.alex, *CASE, "/delegates", "POST", body)[0] == 422
    for n in range(5):
        _invite(access, name=f"Person {n}")
    status, problem = access.victims.case(
        access.alex, *CASE, "/delegates", "POST", {"name": "Six", "relationship": "friend", "scope": "view"}
    )
    assert status == 422 and "up to 5 people" in problem["detail"]
    # Nobody but the victim may invite: a stranger gets the 404
    body = {"name": "Mal", "relationship": "friend", "scope": "message"}
    assert access.victims.case("eve", *CASE, "/delegates", "POST", body)[0] == 404


@pytest.mark.filterwarnings("ignore:No application metrics")  # threads share the handler's metrics
def test_invitations_sent_at_once_stop_at_the_limit(access: Access, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseline.domain.delegation import MAX_DELEGATES

    parallel = 16
    # Given Alex has invited 4 people, and every request below reads the case before any of them writes
    for n in range(MAX_DELEGATES - 1):
        _invite(access, name=f"Person {n}")
    dependencies = access.victims.api.dependencies
    monkeypatch.setattr(dependencies, "_case_reader", ReadsTogether(dependencies._case_reader, parallel))
    body = {"name": "Sam", "relationship": "friend", "scope": "view"}

    def post() -> int:
        """One invitation, retried on a 503 as a client does (``Retry-After``)."""
        for _ in range(parallel):
            status, _ = access.victims.case(access.alex, *CASE, "/delegates", "POST", body)
            if status != 503:
                break
        return status

    # When she sends 16 more invitations at once
    answers = in_parallel(post, parallel)
    # Then one more is accepted, the rest are 422, and her record has exactly 5 people
    assert sorted(answers) == [201] + [422] * (parallel - 1)
    monkeypatch.undo()
    assert len(access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"]) == MAX_DELEGATES


def test_the_force_sets_up_a_parent_and_ends_it_by_signed_event(access: Access) -> None:
    data = {
        "victim_id": "TVP-V-0001",
        "delegation_id": "DEL-77",
        "name": "Jordan Morgan",
        "relationship": "parent-guardian",
    }
    access.force_event("org.caseline.access.delegated.v1", data)
    # Then the code goes to the force, signed like every outbound event, for the officer to hand over
    [invitation] = _outbound("delegate-invitation.v1")
    assert invitation["delegation_id"] == "DEL-77" and invitation["victim_id"] == "TVP-V-0001"
    # And the victim sees who the force gave access, and the timeline says so
    [row] = access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"]
    assert (row["granted_by"], row["relationship_label"], row["scope"]) == ("force", "Parent or guardian", "message")
    titles = [e["title"] for e in access.victims.case(access.alex, *CASE)[1]["timeline"]]
    assert "We gave someone access to follow your case for you" in titles
    # When the parent accepts, they follow the case and may write to the officer
    assert _accept(access, "jordan", invitation["invitation_code"])[0] == 201
    view = access.victims.case("jordan", *CASE)[1]
    assert view["access"]["granted_by"] == "force" and view["access"]["scope"] == "message"
    assert access.victims.case("jordan", *CASE, "/messages", "POST", {"text": "Any news?"})[0] == 202
    # When the force ends it, access ends at once and the victim no longer sees them
    access.force_event("org.caseline.access.delegation-ended.v1", {"delegation_id": "DEL-77"})
    assert access.victims.case("jordan", *CASE) == access.victims.case("eve", *CASE)
    assert access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"] == []
    assert len(_outbound("delegate-invitation.v1")) == 1


def test_a_delegate_of_one_case_sees_no_other_case(access: Access) -> None:
    _accept(access, "sam", _invite(access, scope="message")["invitation_code"])
    not_found = access.victims.case("eve", "nowhere", "NO-SUCH-CASE")
    for force, case_id in (("hampshire", "HAM-J-1"), ("hampshire", CASE[1]), (CASE[0], "TVP-J-2")):
        assert access.victims.case("sam", force, case_id) == not_found
        assert access.victims.case("sam", force, case_id, "/messages", "POST", {"text": "hi"})[0] == 404


def test_a_delegate_who_closes_their_account_leaves_the_victims_list(access: Access) -> None:
    import time

    from caseline.adapters.identity import CognitoIdentityAdmin

    # Given Jo, with an account in the sign-in service, follows Alex's case and wrote to the officer
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = access.template.physical["VictimUserPool"]["Ref"]
    user = cognito.admin_create_user(UserPoolId=pool, Username="jo@example.org")["User"]
    jo = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    access.victims.api.dependencies.identity = CognitoIdentityAdmin(cognito, user_pool_id=pool)
    assert _accept(access, jo, _invite(access, name="Jo", scope="message")["invitation_code"])[0] == 201
    assert access.victims.case(jo, *CASE, "/messages", "POST", {"text": "Jo here"})[0] == 202
    # When Jo closes the account
    status, closed = access.victims.call("DELETE", "/v1/me", jo)
    # Then the case is unlinked, and Alex no longer sees Jo in her list
    assert status == 200 and closed["cases_unlinked"] == 1
    assert access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"] == []
    access.victims.sign_in(jo, time.time() + 2)
    assert access.victims.case(jo, *CASE)[0] == 404


def test_closing_the_victims_account_ends_the_people_she_invited_not_the_forces(access: Access) -> None:
    # Given Alex invited Jo (who took it up and wrote to the officer) and Sam (not yet), and the force set
    # up a parent for her
    jo = _invite(access, name="Jo", scope="message")
    sam = _invite(access, name="Sam")
    assert _accept(access, "jo", jo["invitation_code"])[0] == 201
    assert access.victims.case("jo", *CASE, "/messages", "POST", {"text": "Jo here"})[0] == 202
    parent = {"victim_id": "TVP-V-0001", "delegation_id": "DEL-78", "name": "Jordan", "relationship": "parent-guardian"}
    access.force_event("org.caseline.access.delegated.v1", parent)
    [invitation] = _outbound("delegate-invitation.v1")
    assert _accept(access, "jordan", invitation["invitation_code"])[0] == 201
    # And Jo's download lists the case Jo follows, with Jo's message and none of Alex's details
    status, mine = access.victims.call("GET", "/v1/me/data", "jo")
    assert status == 200 and mine["cases"] == []
    [followed] = mine["following"]
    assert (followed["case_id"], followed["relationship"], followed["scope"]) == (CASE[1], "family", "message")
    assert [m["text"] for m in followed["your_messages"]] == ["Jo here"]
    assert not [d for d in ALEX_DETAILS if d in json.dumps(mine)]
    # When Alex closes her account
    status, closed = access.victims.call("DELETE", "/v1/me", access.alex)
    # Then her two invitations end, she is told, and the force hears of each; the parent stays
    assert status == 200 and closed["delegates_removed"] == 2
    assert any("2 people you invited" in line for line in closed["deleted"])
    removed = _outbound("delegate-removed.v1")
    assert sorted(r["delegation_id"] for r in removed) == sorted(
        [jo["delegate"]["delegation_id"], sam["delegate"]["delegation_id"]]
    )
    assert access.victims.case("jo", *CASE) == access.victims.case("eve", *CASE)  # the stranger's 404
    assert _accept(access, "sam", sam["invitation_code"])[0] == 400  # the open invitation is gone too
    assert access.victims.case("jordan", *CASE)[0] == 200


def test_an_account_removed_from_the_case_takes_the_access_it_gave_with_it(access: Access) -> None:
    # Given Mallory linked to Alex's record with a code read from her phone, and invited a "Mum" who took it up
    access.second_account()
    status, mum = access.victims.case(
        access.mallory, *CASE, "/delegates", "POST", {"name": "Mum", "relationship": "family", "scope": "message"}
    )
    assert status == 201
    assert _accept(access, "mum", mum["invitation_code"])[0] == 201
    # And Alex sees that this invitation was not hers
    [row] = access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"]
    assert (row["name"], row["granted_by"], row["invited_by_you"]) == ("Mum", "victim", False)
    # When Alex removes Mallory's account
    link = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    assert access.remove(access.alex, link) == (204, None)
    # Then "Mum" gets the stranger's 404 too, the force hears of it, and Alex's list is empty
    assert access.victims.case("mum", *CASE) == access.victims.case("eve", *CASE)
    assert [r["delegation_id"] for r in _outbound("delegate-removed.v1")] == [row["delegation_id"]]
    assert access.victims.case(access.alex, *CASE, "/delegates")[1]["delegates"] == []


def test_a_delegates_views_are_audited_as_theirs_not_as_the_victims_visits(access: Access) -> None:
    _accept(access, "sam", _invite(access)["invitation_code"])
    access.victims.case("sam", *CASE)
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    audit = [(i["user_id"]["S"], i["action"]["S"]) for i in items if i["entity"]["S"] == "audit"]
    assert ("sam", "delegate-viewed-case") in audit and ("sam", "viewed-case") not in audit
    assert ("sam", "delegate-linked") in audit and (access.alex, "delegate-invited") in audit


def test_an_invitation_ended_while_the_account_closes_leaves_the_case_linked_for_a_retry(access: Access) -> None:
    from caseline.adapters.dynamodb.account_links import DynamoAccountLinks
    from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore
    from caseline.domain.accounts import Unlinking
    from caseline.domain.delegation import removed_event
    from caseline.domain.errors import StorageUnavailableError
    from caseline.domain.records import AuditEntry

    # Given Alex's closing read her invitation of Sam, and Sam was removed (from another tab) since
    sam = _invite(access, name="Sam")
    [read] = DynamoAccountLinks().delegations(*CASE)
    assert _remove(access, access.alex, sam["delegate"]["delegation_id"])[0] == 204
    erasure = AuditEntry(*CASE, access.alex, "closed-account", "victim closed their account", read.created_at)
    # When the case is unlinked with what was read
    with pytest.raises(StorageUnavailableError):
        DynamoDataRightsStore().unlink(
            Unlinking(access.alex, erasure, None, ((read, removed_event(read, erasure.at)),))
        )
    # Then nothing of it was written: the case is still hers, with no second notice for the force
    assert access.victims.case(access.alex, *CASE)[0] == 200
    assert len(_outbound("delegate-removed.v1")) == 1
    # And closing again (a fresh read) goes through
    status, closed = access.victims.call("DELETE", "/v1/me", access.alex)
    assert status == 200 and closed["cases_unlinked"] == 1 and closed["delegates_removed"] == 0
