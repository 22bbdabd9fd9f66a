"""Creating an account (POST /v1/accounts, docs/adr/0014) against moto: a known address and a new one get the
same answer, after the same pause; the known address's owner is emailed instead; the SignUp call carries the
header the user pool's web ACL wants; bad bodies are 4xx problem details; the policy covers every call."""

from __future__ import annotations

import json
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from caseline.domain.sign_up import ANSWER_FLOOR_SECONDS, OWNER_NOTICES_PER_DAY
from caseline.services.sign_up import AnswerFloor
from caseline_local.template import Template
from tests.unit.services.test_sign_up import Clock

from .conftest import REGION, Context, api_event, load_handler

PASSWORD = "correct horse battery staple"
OWNER_SUBJECT = "Someone tried to create an account with your email address"


class Accounts:
    def __init__(self, template: Template) -> None:
        self.handler: ModuleType = load_handler("accounts")
        self.time = Clock()  # moves only when the function pauses: what each answer waited is recorded
        self.handler.floor = AnswerFloor(self.time.monotonic, self.time.pause)  # type: ignore[attr-defined]
        self.idp = boto3.client("cognito-idp", region_name=REGION)
        self.pool = template.physical["VictimUserPool"]["Ref"]
        self.client_id = template.physical["VictimUserPoolClient"]["Ref"]
        secrets = boto3.client("secretsmanager", region_name=REGION)
        self.secret = secrets.get_secret_value(SecretId=template.physical["SignUpVerifySecret"]["Ref"])["SecretString"]

    def post(
        self, body: str | bytes, content_type: str = "application/json", path: str = "/v1/accounts"
    ) -> tuple[int, dict[str, str], Any]:
        event = api_event("POST", path, resource=path, headers={"Content-Type": content_type}, body=body)
        answer = self.handler.lambda_handler(event, Context())
        headers = {**(answer.get("headers") or {})}
        headers.update({k: ", ".join(v) for k, v in (answer.get("multiValueHeaders") or {}).items()})
        return answer["statusCode"], headers, json.loads(answer["body"])

    def sign_up(self, email: str, password: str = PASSWORD) -> tuple[int, dict[str, str], Any]:
        return self.post(json.dumps({"email": email, "password": password}))

    def confirm(self, email: str, code: str = "123456") -> tuple[int, dict[str, str], Any]:
        return self.post(json.dumps({"email": email, "code": code}), path="/v1/accounts/confirmation")

    def status(self, email: str) -> str:
        return str(self.idp.admin_get_user(UserPoolId=self.pool, Username=email)["UserStatus"])

    def confirmed_account(self, email: str) -> None:
        self.idp.sign_up(ClientId=self.client_id, Username=email, Password=PASSWORD)
        self.idp.admin_confirm_sign_up(UserPoolId=self.pool, Username=email)


def sent_to(address: str) -> list[Any]:
    return [
        m for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages if address in m.destinations["ToAddresses"]
    ]


@pytest.fixture
def accounts(aws: Template) -> Accounts:
    return Accounts(aws)


def test_a_known_address_gets_the_same_answer_as_a_new_one_and_its_owner_an_email(accounts: Accounts) -> None:
    # Given an account for Riley's address
    accounts.confirmed_account("riley.jones@example.org")
    # When someone signs up with Riley's address, and someone else with a new address
    known = accounts.sign_up("riley.jones@example.org", "another long pass phrase")
    new = accounts.sign_up("sam.taylor@example.org")
    # Then both get the same status, headers and body, after the same wait
    assert known == new
    assert known[0] == 202 and known[2] == {"status": "check-your-email"}
    assert known[1]["Cache-Control"] == "no-store"
    assert accounts.time.paused == [ANSWER_FLOOR_SECONDS, ANSWER_FLOOR_SECONDS]
    # ...the new address is signed up (Cognito sends its code) and Riley's account is unchanged
    assert accounts.status("sam.taylor@example.org") == "UNCONFIRMED"
    assert accounts.status("riley.jones@example.org") == "CONFIRMED"
    # ...and Riley is told by email, with where to sign in and reset, and nothing about any case
    [email] = sent_to("riley.jones@example.org")
    assert email.subject == OWNER_SUBJECT
    assert "/sign-in.html" in email.body and "/reset-password.html" in email.body
    assert sent_to("sam.taylor@example.org") == []  # Cognito's own code email, not one of ours


def test_an_owner_gets_at_most_the_days_cap_of_emails(accounts: Accounts) -> None:
    # Given an account, and someone who keeps signing up with its address
    accounts.confirmed_account("riley.jones@example.org")
    answers = [accounts.sign_up("riley.jones@example.org") for _ in range(OWNER_NOTICES_PER_DAY + 1)]
    # Then every answer is the same, and the owner got the day's cap of emails, no more
    assert all(answer == answers[0] for answer in answers) and answers[0][0] == 202
    assert len(sent_to("riley.jones@example.org")) == OWNER_NOTICES_PER_DAY


def test_an_unconfirmed_sign_up_gets_its_code_again_and_the_same_answer(accounts: Accounts) -> None:
    # Given a sign-up that was never confirmed
    assert accounts.sign_up("alex.morgan@example.org")[0] == 202
    asked: list[str] = []

    def cognito_resends(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        # moto has no ResendConfirmationCode: answer as Cognito does
        asked.append(json.loads(params["body"])["Username"])
        return SimpleNamespace(status_code=200, headers={}), {}

    client = accounts.handler.identity._client
    client.meta.events.register("before-call.cognito-idp.ResendConfirmationCode", cognito_resends)
    # When the same address signs up again
    again = accounts.sign_up("alex.morgan@example.org")
    # Then the answer is the same, Cognito is asked to send the code again, and no other email goes
    assert again[0] == 202 and again[2] == {"status": "check-your-email"}
    assert asked == ["alex.morgan@example.org"]
    assert sent_to("alex.morgan@example.org") == []


def _texts(headers: Any) -> dict[str, str]:
    return {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in headers.items()}


def test_the_sign_up_call_carries_the_header_the_user_pools_web_acl_wants(accounts: Accounts) -> None:
    seen: list[dict[str, Any]] = []
    client = accounts.handler.identity._client
    client.meta.events.register("before-send.cognito-idp", lambda request, **_: seen.append(_texts(request.headers)))
    accounts.confirmed_account("jordan.blake@example.org")
    accounts.sign_up("jordan.blake@example.org")  # known: AdminGetUser follows, without the header
    accounts.sign_up("casey.lee@example.org")
    accounts.confirm("casey.lee@example.org")
    targets = [h["x-amz-target"].rpartition(".")[2] for h in seen]
    guarded = [h for h, t in zip(seen, targets, strict=True) if t in {"SignUp", "ConfirmSignUp"}]
    assert sorted(t for t in targets if t in {"SignUp", "ConfirmSignUp"}) == ["ConfirmSignUp", "SignUp", "SignUp"]
    assert all(h["x-caseline-sign-up"] == accounts.secret for h in guarded)
    assert all("x-caseline-sign-up" not in h for h, t in zip(seen, targets, strict=True) if t == "AdminGetUser")


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        ('{"email": "riley.jones@example.org"}', "application/json", 422, "password"),
        ('{"email": "riley.jones@example.org", "password": "short"}', "application/json", 422, "password"),
        ('{"email": "not an address", "password": "' + PASSWORD + '"}', "application/json", 422, "email"),
        ('{"email": "a@example.org", "password": "' + PASSWORD + '", "name": "x"}', "application/json", 422, "name"),
        ("[1, 2]", "application/json", 422, "body"),
        ("[" * 40 + "]" * 40, "application/json", 400, "body"),
        (b"\xff\xfe", "application/json", 400, "body"),
        ("email=a@example.org", "application/x-www-form-urlencoded", 415, None),
    ],
)
def test_bad_bodies_are_problem_details_and_sign_up_no_one(
    accounts: Accounts, body: str | bytes, content_type: str, status: int, field: str | None
) -> None:
    answer, headers, problem = accounts.post(body, content_type)
    assert (answer, problem.get("field")) == (status, field)
    assert problem["type"].startswith("urn:caseline:problem:") and problem["status"] == status
    assert headers["Content-Type"] == "application/problem+json"
    assert accounts.idp.list_users(UserPoolId=accounts.pool)["Users"] == []
    assert accounts.time.paused == []  # a refusal says nothing about the address, so it need not wait


def test_confirming_says_nothing_about_an_account_that_is_confirmed_already(accounts: Accounts) -> None:
    # Given an account, a sign-up waiting for its code, and an address with neither
    accounts.confirmed_account("riley.jones@example.org")
    assert accounts.sign_up("sam.taylor@example.org")[0] == 202
    # When a code is sent for each (moto takes any code for a waiting sign-up)
    known = accounts.confirm("riley.jones@example.org")
    nobody = accounts.confirm("nobody@example.org")
    waiting = accounts.confirm("sam.taylor@example.org")
    again = accounts.confirm("sam.taylor@example.org")
    # Then the account and the unknown address get the same refusal, as does confirming twice
    assert known == nobody == again
    assert known[0] == 422 and known[2]["field"] == "code"
    assert known[2]["title"] == "The code is not right or has expired"
    # ...and only the waiting sign-up is confirmed, every answer after the same floor
    assert waiting[0] == 200 and waiting[2] == {"status": "confirmed"}
    assert accounts.status("sam.taylor@example.org") == "CONFIRMED"
    assert accounts.time.paused == [ANSWER_FLOOR_SECONDS] * 5


def test_a_malformed_code_is_refused_before_cognito_is_asked(accounts: Accounts) -> None:
    assert accounts.sign_up("sam.taylor@example.org")[0] == 202
    for code in ("12345", "1234567", "12345a", "١٢٣٤٥٦"):
        status, _, problem = accounts.confirm("sam.taylor@example.org", code)
        assert (status, problem["field"]) == (422, "code")
    assert accounts.status("sam.taylor@example.org") == "UNCONFIRMED"
