"""Play a month plan (``month.py``) against the running local stack over HTTP, moving its clock: the force's
events through the signed webhook, victims through the victims' pool and API, reports through the report
form. A victim's access code is read from the local mailbox, as a tester would."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import client
from .month import Act, Acting
from .people import case_facts

CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")


def case_code(bodies: Iterable[str], crime_reference: str) -> str | None:
    """The newest access code in a victim's messages that name her case, as she would pick it: one number
    or address may be a victim's in more than one case (the drama numbers are only a thousand)."""
    codes = [m.group(1) for body in bodies if crime_reference in body and (m := CODE.search(body))]
    return codes[-1] if codes else None


# Acts that answer what the stack did with earlier ones (an alert raised, a case closed or decided): before
# each, the player waits until the stack has handled everything (``/_local/idle.json``, about 2 s when quiet).
# A link waits for its own code instead (``_code``).
AFTER_THE_STACK = frozenset({"acknowledge", "survey", "review"})


class HttpPlayer(Acting):
    """``pause``: seconds to let the stack catch up at the end of each day before the clock moves on."""

    def __init__(self, force_id: str, state: dict[str, Any], secret: str, *, pause: float = 2.0) -> None:
        import boto3

        super().__init__(force_id)
        self.secret, self.pause = secret, pause
        self.gateway = state["gateway"]
        self.clock_file = Path(client.STATE_FILE).parent / "clock.json"
        self.config = client.request(f"{self.gateway}/_local/config.json").body
        self.cognito = boto3.client("cognito-idp", endpoint_url=state["aws_endpoint"], region_name=state["region"])
        self.day: date | None = None

    def at(self, moment: datetime) -> None:
        if self.day and moment.date() != self.day:
            time.sleep(self.pause)
        self.day = moment.date()
        offset = (moment - datetime.now(UTC)).total_seconds()
        self.clock_file.with_suffix(".tmp").write_text(json.dumps({"offset_seconds": offset}))
        self.clock_file.with_suffix(".tmp").replace(self.clock_file)

    def act(self, act: Act) -> None:
        if act.kind in AFTER_THE_STACK:
            client.request(f"{self.gateway}/_local/idle.json", timeout=90.0)  # it waits for at most 60 s
        super().act(act)

    def post(self, event: dict[str, Any]) -> int:
        """Signed at the stack's time (the webhook refuses a timestamp far from its clock)."""
        body, stamp = client.encode(event), int(datetime.fromisoformat(event["time"]).timestamp())
        headers = client.signed_headers(self.secret, client.new_webhook_id(), body, timestamp=stamp)
        return client.request(client.webhook_url(self.gateway, self.force_id), body=body, headers=headers).status

    def call(self, method: str, path: str, account: str, body: Any = None, case_id: str | None = None) -> int:
        headers = {"Authorization": account, "Content-Type": "application/json"}
        payload = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        return client.request(f"{self.gateway}{path}", body=payload, headers=headers).status

    def link(self, case_id: str) -> int:
        facts = case_facts(self.force_id, case_id)
        code = self._code((facts.mobile, facts.email), facts.crime_reference)
        if not code:
            return 0
        email, password = f"victim.{uuid.uuid4().hex[:10]}@example.org", f"month {uuid.uuid4().hex}"
        pool, app = self.config["userPoolId"], self.config["userPoolClientId"]
        self.cognito.sign_up(ClientId=app, Username=email, Password=password)
        self.cognito.admin_confirm_sign_up(UserPoolId=pool, Username=email)
        auth = {"USERNAME": email, "PASSWORD": password}
        token = self.cognito.initiate_auth(ClientId=app, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
        self.accounts[case_id] = token["AuthenticationResult"]["IdToken"]
        body = {"crime_reference": facts.crime_reference, "access_code": code}
        return self.call("POST", "/v1/me/links", self.accounts[case_id], body)

    def _code(self, addresses: tuple[str, ...], crime_reference: str, attempts: int = 20) -> str | None:
        for _ in range(attempts):  # the confirmation may still be on its way
            if code := case_code([body for to in addresses for body in self._bodies(to)], crime_reference):
                return code
            time.sleep(0.5)
        return None

    def _bodies(self, address: str) -> list[str]:
        sent = client.request(f"{self.gateway}/_local/sent.json?to={quote(address)}").body.get("raw") or []
        return [message["body"] for message in sent]

    def submit(self, body: dict[str, Any], act: Act) -> tuple[int, dict[str, Any]]:
        data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
        answer = client.request(f"{self.gateway}/v1/reports", body=data, headers=headers)
        return answer.status, answer.body
