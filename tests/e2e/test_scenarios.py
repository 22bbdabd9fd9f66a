"""Whole case life cycles through the local stack with a controllable clock: signed force events in,
the scheduled sweep run at chosen moments, and the exact messages each victim received (template as
rendered, channel, UK date) read back from the table.

The stack's clock is moved forward for these tests only and put back afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import boto3

from caseline.content import template_info
from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack

from .conftest import MONDAY, Client, access_code, eventually, sent
from .test_local_stack import id_token

TABLE = "caseline-local"
UNSETTLED = {"pending", "sending"}


class Case:
    """One case's life: events from the force, the sweep, and what reached the victim."""

    def __init__(self, stack: LocalStack, force_id: str, tag: str) -> None:
        self.stack, self.force_id = stack, force_id
        self.case_id = f"SCN-{tag}-{uuid.uuid4().hex[:6]}"
        self.sequence = 0
        self.table = boto3.session.Session(region_name="eu-west-2").client("dynamodb")

    def at(self, moment: datetime) -> Case:
        self.stack.set_clock(moment)
        return self

    def send(
        self,
        builder: Callable[..., dict[str, Any]],
        edit: Callable[[dict[str, Any]], None] | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        self.sequence += 1
        event = builder(EventContext(self.force_id, self.case_id, self.sequence, self.stack.now()), **options)
        if edit is not None:
            edit(event["data"])
        assert self.stack.gateway is not None
        # Signed at the stack's time: the webhook refuses signatures more than five minutes off its clock
        body = client.encode(event)
        secret = self.stack.webhook_secret(self.force_id)
        headers = client.signed_headers(
            secret, client.new_webhook_id(), body, timestamp=int(self.stack.now().timestamp())
        )
        response = client.request(client.webhook_url(self.stack.gateway.url, self.force_id), body=body, headers=headers)
        status, body = response.status, response.body
        assert status == 202, body
        self.settle()
        return event

    def sweep(self, moment: datetime) -> None:
        self.at(moment)
        self.stack.sweep()
        self.stack.wait_idle(timeout=300)  # other cases' timers fire too
        self.settle()
        self.stack.sweep()  # a second run finds nothing new to do (fired timers are gone)
        self.settle()

    def items(self, prefix: str) -> list[dict[str, Any]]:
        return self.table.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": f"CASE#{self.force_id}#{self.case_id}"},
                ":prefix": {"S": prefix},
            },
            ConsistentRead=True,
        )["Items"]

    def settle(self) -> None:
        """Wait until the streams and queues are drained and no message is pending or being sent."""

        def settled() -> bool:
            assert self.stack.wait_idle(timeout=120), "the local stack did not drain"
            return not any(status in UNSETTLED for status, _ in self.statuses().values())

        eventually(settled, timeout=120)

    def received(self) -> list[tuple[str, str, date]]:
        """What the victim got: (template as rendered, channel, UK date sent), in order."""
        found = [
            (i["sent_at"]["S"], i["rendered_template"]["S"], i["channel"]["S"])
            for i in self.items("OUTBOX#")
            if i["status"]["S"] == "sent"
        ]
        return by_day([(template, channel, datetime.fromisoformat(at).date()) for at, template, channel in found])

    def statuses(self, prefix: str = "OUTBOX#") -> dict[str, tuple[str, str]]:
        return {i["sk"]["S"]: (i["status"]["S"], i.get("reason", {}).get("S", "")) for i in self.items(prefix)}


def both(template: str, day: date) -> list[tuple[str, str, date]]:
    return [(template, "email", day), (template, "sms", day)]


def by_day(messages: list[tuple[str, str, date]]) -> list[tuple[str, str, date]]:
    return sorted(messages, key=lambda m: (m[2], m[0], m[1]))


def content_free(template: str, *, may_name_police: bool) -> str:
    """What dispatch sends instead of a disclosing template for a sensitive case."""
    info = template_info()[template]
    if not info.discloses:
        return template
    return info.content_free or ("content-free-update" if may_name_police else "content-free-update-unbranded")


D = {n: date(2026, 12, n) for n in range(7, 32)}


def test_a_standard_burglary_victim_hears_at_each_step_and_the_deadlines_are_met(clock: LocalStack) -> None:
    case = Case(clock, "thames-valley", "burglary").at(MONDAY)
    case.send(build.crime_recorded, category="burglary")
    case.sweep(MONDAY + timedelta(days=1, minutes=5))  # Tuesday: 1 working day
    case.sweep(MONDAY + timedelta(days=2, minutes=5))  # Wednesday: 2 working days
    case.sweep(MONDAY + timedelta(days=3, minutes=5))  # Thursday: 3 working days, still not signed up
    case.at(MONDAY + timedelta(days=3, hours=1)).send(build.suspect_arrested)
    case.at(MONDAY + timedelta(days=4)).send(build.case_closed)  # Friday
    case.sweep(MONDAY + timedelta(days=7, minutes=5))  # Monday: 1 working day after closing
    case.sweep(MONDAY + timedelta(days=30))  # nothing else: waiting runs exit once the case is closed
    assert case.received() == by_day(
        both("confirmation-burglary", D[7])
        + both("your-rights-standard", D[8])
        + both("advice-burglary-home-security", D[9])
        + both("invite-reminder", D[10])
        + both("suspect-arrested", D[10])
        + both("case-closed", D[11])
        + both("satisfaction-survey", D[14])
    )
    duties = {i["right"]["S"]: (i["status"]["S"], i["met_at"]["S"][:10]) for i in case.items("DUTY#")}
    assert duties == {
        "right-3-written-confirmation": ("met", "2026-12-07"),
        "right-6-suspect-information": ("met", "2026-12-10"),
    }


def test_an_enhanced_domestic_abuse_victim_gets_only_unbranded_content_free_email(
    clock: LocalStack, http: Client
) -> None:
    profile = {"safe_channels": ["email"], "may_name_police": False, "may_name_crime": False}
    case = Case(clock, "thames-valley", "da").at(MONDAY)
    recorded = case.send(
        build.crime_recorded,
        category="violent-crime",
        flags=("domestic-abuse",),
        tier="enhanced",
        safe_contact=profile,
    )
    case.sweep(MONDAY + timedelta(days=1, minutes=5))
    case.sweep(MONDAY + timedelta(days=3, minutes=5))
    case.at(MONDAY + timedelta(days=3, hours=1)).send(build.suspect_arrested)
    expected = by_day(
        [
            (content_free("confirmation-violent-crime", may_name_police=False), "email", D[7]),
            (content_free("your-rights-enhanced", may_name_police=False), "email", D[8]),
            (content_free("invite-reminder", may_name_police=False), "email", D[10]),
            (content_free("suspect-arrested", may_name_police=False), "email", D[10]),
        ]
    )
    assert case.received() == expected
    assert all(channel == "email" for _, channel, _ in expected)
    # No message she was sent names the police, the force, the crime or the suspect
    address = recorded["data"]["victim"]["email"]
    bodies = [m["subject"] + m["body"] for m in sent(http, address)]
    assert len(bodies) == len(expected)
    for text in (b.lower() for b in bodies):
        for word in ("police", "thames valley", "crime", "violence", "abuse", "suspect", "arrest"):
            assert word not in text, word
    # The Right 6 deadline for an enhanced victim is one working day, and it was met
    [right6] = [i for i in case.items("DUTY#") if i["right"]["S"] == "right-6-suspect-information"]
    assert (right6["due_on"]["S"], right6["status"]["S"]) == ("2026-12-11", "met")


def test_a_victim_under_18_gets_the_young_persons_messages(clock: LocalStack) -> None:
    case = Case(clock, "hampshire", "young").at(MONDAY)

    def young(data: dict[str, Any]) -> None:
        data["victim"]["under_18"] = True

    case.send(build.crime_recorded, young, category="robbery", tier="enhanced")
    for day in (1, 2, 3, 7):
        case.sweep(MONDAY + timedelta(days=day, minutes=5))
    assert case.received() == by_day(
        both("confirmation-under-18", D[7])
        + both("your-rights-enhanced", D[8])
        + both("advice-theft-of-phone", D[9])
        + both("invite-reminder", D[10])
        + both("advice-under-18-support", D[14])
    )


def test_a_victim_who_opted_out_gets_only_what_the_code_requires(clock: LocalStack, http: Client) -> None:
    case = Case(clock, "hampshire", "optout").at(MONDAY)
    recorded = case.send(build.crime_recorded, category="vehicle-crime")
    # The victim signs up, links the case with the code from their text, and opts out of the rest
    mobile = recorded["data"]["victim"]["mobile"]
    code = access_code(http, mobile, recorded["data"]["crime_reference"])
    token = {"Authorization": id_token(clock), "Content-Type": "application/json"}
    link = {"crime_reference": recorded["data"]["crime_reference"], "access_code": code}
    assert http.request("POST", "/v1/me/links", headers=token, body=json.dumps(link).encode()).status == 201
    case.settle()  # linking starts the account journey, whose first message goes before they opt out
    choices = {
        "channels": ["email", "sms"],
        "name_police": True,
        "name_crime": True,
        "safe_hours": None,
        "no_news_days": 28,
        "language": "en",
        "non_statutory": False,
    }
    path = f"/v1/cases/hampshire/{case.case_id}/preferences"
    assert http.request("PUT", path, headers=token, body=json.dumps(choices).encode()).status == 200
    case.settle()
    for day in (1, 2, 3):
        case.sweep(MONDAY + timedelta(days=day, minutes=5))
    case.at(MONDAY + timedelta(days=3, hours=1)).send(build.suspect_arrested)
    # Then after opting out, only the statutory Right 6 message reached them
    assert case.received() == by_day(
        both("confirmation-vehicle-crime", D[7])
        + both("account-linked", D[7])
        + both("opt-out-confirmation", D[7])  # confirming their own choice reaches them
        + both("contact-reduced", D[7])  # the safety notice: whoever opted out, the victim hears of it
        + both("suspect-arrested", D[10])
    )
    # And everything else is recorded as skipped because they opted out, never silently dropped
    skipped = {key.split("#")[2] for key, (status, reason) in case.statuses().items() if status == "skipped"}
    assert {"your-rights-standard", "advice-vehicle-crime", "account-linked-safety-tips"} <= skipped
    assert all(reason == "opted-out" for status, reason in case.statuses().values() if status == "skipped")


def test_a_victim_whose_email_bounces_is_reached_by_text_and_nobody_is_tasked(clock: LocalStack) -> None:
    case = Case(clock, "thames-valley", "bounce").at(MONDAY)

    def bouncing(data: dict[str, Any]) -> None:
        data["victim"]["email"] = "bounce@simulator.amazonses.com"

    case.send(build.crime_recorded, bouncing, category="bicycle-theft")
    # The mailbox reports the bounce: the address is suppressed (the step's SMS carried the message)
    eventually(lambda: any(i.get("delivery", {}).get("S") == "bounced" for i in case.items("OUTBOX#")))
    case.sweep(MONDAY + timedelta(days=1, minutes=5))
    case.at(MONDAY + timedelta(days=1, hours=1)).send(build.suspect_arrested)
    # Then after the bounce, every message reaches them by text only
    assert case.received() == by_day(
        [
            *both("confirmation-bicycle-theft", D[7]),
            ("your-rights-standard", "sms", D[8]),
            ("suspect-arrested", "sms", D[8]),
        ]
    )
    statuses = case.statuses()
    email_keys = {k: v for k, v in statuses.items() if "#email#" in k and "confirmation" not in k}
    assert sorted(email_keys.values()) == [("failed", "address-suppressed"), ("skipped", "suppressed")]
    # And no officer task for content that reached the victim by text
    assert not {"email-bounced", "address-suppressed"} & {i["reason"]["S"] for i in case.items("TASK#")}


def test_a_charge_sent_before_the_crime_was_recorded_is_told_after_the_confirmation(clock: LocalStack) -> None:
    # Given a force whose system posts the charge (its event 2) before the crime is recorded (its event 1)
    case = Case(clock, "thames-valley", "early").at(MONDAY)
    case.sequence = 1
    case.send(build.suspect_charged)
    assert case.items("OUTBOX#") == []  # nobody to tell yet: the victim comes with the recording
    case.sequence = 0
    case.at(MONDAY + timedelta(minutes=10)).send(build.crime_recorded, category="burglary")
    # Then the victim is told of the recording and of the charge, each once on each channel, in that order
    sent_items = sorted(
        (i["sent_at"]["S"], i["rendered_template"]["S"], i["channel"]["S"])
        for i in case.items("OUTBOX#")
        if i["status"]["S"] == "sent"
    )
    templates = [template for _, template, _ in sent_items]
    charged = [t for t in templates if t.startswith("suspect-charged")]
    assert sorted(templates.count(t) for t in set(templates)) == [2] * len(set(templates))  # email and SMS, once
    assert "confirmation-burglary" in templates and len(set(charged)) == 1
    first_charge = min(at for at, template, _ in sent_items if template in charged)
    assert max(at for at, template, _ in sent_items if template == "confirmation-burglary") <= first_charge
    # And the charge started its Right 6 duty
    assert any(i["right"]["S"] == "right-6-suspect-information" for i in case.items("DUTY#"))


def test_a_victim_reached_only_at_night_gets_each_message_sent_or_skipped_none_held(clock: LocalStack) -> None:
    # Given a victim who may be contacted only from 22:00 to 07:00: never inside the 08:00-21:00 quiet-hours
    # rule for messages the Victims' Code does not require
    night = {
        "safe_channels": ["email", "sms"],
        "safe_hours": {"start": "22:00", "end": "07:00"},
        "may_name_police": True,
        "may_name_crime": True,
    }
    case = Case(clock, "thames-valley", "night").at(MONDAY)
    case.send(build.crime_recorded, category="burglary", safe_contact=night)
    # When the night comes, and the next night after the first working day's steps
    case.sweep(MONDAY + timedelta(hours=12, minutes=5))
    case.sweep(MONDAY + timedelta(days=1, hours=12, minutes=5))
    # Then every message ended sent or skipped with its reason; none is still held
    statuses = case.statuses()
    assert statuses and all(status in {"sent", "skipped"} for status, _ in statuses.values()), statuses
    assert {reason for status, reason in statuses.values() if status == "skipped"} == {"no-sending-moment"}
    sent_keys = [key for key, (status, _) in statuses.items() if status == "sent"]
    assert any("confirmation-burglary" in key for key in sent_keys)  # the statutory one went, at night
