"""The month of life (``caseline_local.force_sim.month``) played in-process through the real handlers, on a
clock the test moves: webhook ingest, journeys and dispatch off the stream, the victim API, the report
form, the duty sweep each hour and, for emails to the SES simulator's bounce address, the delivery events
SES would publish. Every code a victim types is read from the sent mailbox."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from caseline.adapters.clock import SystemClock
from caseline_local import mailbox, moto_fixes
from caseline_local.force_sim.month import Act, Acting
from caseline_local.force_sim.month_http import case_code
from caseline_local.force_sim.people import case_facts
from caseline_local.ses_events import SIMULATOR_DOMAIN, ses_event
from caseline_local.template import Template

from .conftest import REGION, Context, StreamReader, api_event, load_handler, webhook_request
from .test_delivery_events import run, through_the_topic

FORCE = "thames-valley"
SWEEP_EVERY = timedelta(hours=6)


class InProcessPlayer(Acting):
    def __init__(self, template: Template, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        from caseline.adapters.dynamodb.reports import DynamoReportStore
        from caseline.adapters.sealing import KmsFieldSealer

        super().__init__(FORCE)
        self.template, self.now, self.swept = template, start, start
        monkeypatch.setattr(SystemClock, "now", lambda _: self.now)
        moto_fixes.apply()  # as the local stack runs moto: no copy of the whole table per transaction
        mailbox.install()
        mailbox.SENT.clear()
        self.handlers = {name: load_handler(name) for name in ("webhook_ingest", "journeys", "dispatch", "victim_api")}
        self.handlers |= {name: load_handler(name) for name in ("reports", "delivery_events", "duty_sweep")}
        key = template.physical["DataKey"]["Arn"]
        self.handlers["reports"].store = DynamoReportStore(
            KmsFieldSealer(boto3.client("kms", region_name=REGION), key_id=key)
        )
        self.journey_stream = StreamReader(template, "JourneysFunction")
        self.dispatch_stream = StreamReader(template, "DispatchFunction")
        self.bounced_to = 0  # the sent log's sequence number read up to

    # ------------------------------------------------------------ the clock and the machinery
    def at(self, moment: datetime) -> None:
        while moment - self.swept >= SWEEP_EVERY:  # every minute deployed: every six hours of the month here
            self.settle()
            self.now = self.swept = self.swept + SWEEP_EVERY
            self.handlers["duty_sweep"].lambda_handler({}, Context())
        self.settle()
        self.now = moment

    def settle(self) -> None:
        """Journeys and dispatch until the stream is quiet; then the bounces SES would report, and again."""
        while True:
            journey_records = self.journey_stream.new_records()
            if journey_records:
                assert self.handlers["journeys"].lambda_handler({"Records": journey_records}, Context()) == {
                    "batchItemFailures": []
                }
            records = self.dispatch_stream.new_records()
            if records:
                answer = self.handlers["dispatch"].lambda_handler({"Records": records}, Context())
                assert answer == {"batchItemFailures": []}
            if not records and not journey_records and not self._bounces():
                return

    def _bounces(self) -> bool:
        sent = [m for m in mailbox.SENT.read(since=self.bounced_to) if m.channel == "email"]
        self.bounced_to = max([self.bounced_to, *(m.seq for m in mailbox.SENT.read(since=self.bounced_to))])
        events = [
            ses_event(m.message_id, m.source or "", [m.to], self.now, self.now)
            for m in sent
            if m.to.endswith(f"@{SIMULATOR_DOMAIN}")
        ]
        for event in events:
            event["mail"]["tags"] = {"force": [FORCE], "ses:configuration-set": ["caseline-test-delivery"]}
            records = through_the_topic(self.template, event)
            assert run(self.handlers["delivery_events"], records) == {"batchItemFailures": []}
        return bool(events)

    # ------------------------------------------------------------ the acts (dispatched by Acting.act)
    def post(self, event: dict[str, Any]) -> int:
        request = webhook_request(FORCE, event, timestamp=int(self.now.timestamp()))  # signed on the moved clock
        return int(self.handlers["webhook_ingest"].lambda_handler(request, Context())["statusCode"])

    def call(self, method: str, path: str, account: str, body: Any = None, case_id: str | None = None) -> int:
        resource = "/v1/cases/{force_id}/{case_id}" + path.split(case_id, 1)[1] if case_id else path
        stamp = int(self.now.timestamp())
        claims = {"sub": account, "auth_time": str(stamp), "iat": self.now.strftime("%a %b %d %H:%M:%S UTC %Y")}
        event = api_event(
            method,
            path,
            resource=resource,
            path_parameters={"force_id": FORCE, "case_id": case_id} if case_id else None,
            headers={"Content-Type": "application/json"},
            body=json.dumps(body) if body is not None else None,
            claims=claims,
        )
        return int(self.handlers["victim_api"].lambda_handler(event, Context())["statusCode"])

    def link(self, case_id: str) -> int:
        facts = case_facts(FORCE, case_id)
        sent = [s.body for to in (facts.mobile, facts.email) for s in mailbox.SENT.read(to=to)]
        if not (code := case_code(sent, facts.crime_reference)):
            return 0
        self.accounts[case_id] = f"victim-{uuid.uuid4().hex[:8]}"
        body = {"crime_reference": facts.crime_reference, "access_code": code}
        return self.call("POST", "/v1/me/links", self.accounts[case_id], body)

    def submit(self, body: dict[str, Any], act: Act) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        event = api_event("POST", "/v1/reports", resource="/v1/reports", headers=headers, body=json.dumps(body))
        event["requestContext"]["identity"]["sourceIp"] = f"198.51.100.{int(act.case_id[1:]) % 250}"
        answer = self.handlers["reports"].lambda_handler(event, Context())
        return int(answer["statusCode"]), json.loads(answer["body"])
