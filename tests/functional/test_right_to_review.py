"""The Victims' Right to Review through the real functions against moto: after a decision not to prosecute
the case page offers a review; the request reaches the force signed (dispatch, the queue, the outbound
function) with two duties in working days, checked against the ``holidays`` package; the force's answers
meet them and the victim sees where the request stands; an answer that never comes is missed. A personal
statement request reaches the officer the same way and is marked taken by the force's event."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from caseline.domain.calendar import uk_date
from caseline_local.template import Template
from tests.unit.builders import working_days_after
from tests.unit.fakes import FixedClock

from .builders import LinkedCase, items
from .conftest import REGION, Context, StreamReader, load_handler
from .test_outbound import FakeForce, _queue_records

FORCE, CASE, VICTIM = "thames-valley", "TVP-J-1", "TVP-V-0001"
REQUESTED = "org.caseline.victim.review-requested.v1"
STATEMENT = "org.caseline.victim.statement-requested.v1"


class World(LinkedCase):
    """Alex linked to TVP-J-1; the force's endpoint is a fake that checks Caseline's signature."""

    def __init__(self, template: Template) -> None:
        super().__init__(template)
        self.dispatch, self.outbox = load_handler("dispatch"), StreamReader(template, "DispatchFunction")
        self.outbox.new_records()
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secret = json.loads(secrets.get_secret_value(SecretId=f"caseline/test/outbound/{FORCE}")["SecretString"])
        self.force = FakeForce(secret["current"])
        self.outbound = load_handler("outbound")
        self.outbound.endpoint._open = self.force
        self.queue = template.physical["OutboundQueue"]["QueueUrl"]
        self.sweep = load_handler("duty_sweep")

    def post(self, event_type: str, sequence: int, data: dict[str, Any], **envelope: Any) -> None:
        super().post(event_type, sequence, data, time=datetime.now(UTC).isoformat(timespec="seconds"), **envelope)

    def ask(self, user: str = "alex", reasons: str | None = None) -> tuple[int, Any]:
        return self.victims.case(user, FORCE, CASE, "/review-request", method="POST", body={"reasons": reasons})

    def deliver(self) -> None:
        """Dispatch relays new outbound items to the queue; the outbound function posts them to the force."""
        self.dispatch.lambda_handler({"Records": self.outbox.new_records()}, Context())
        queued = _queue_records(self.queue)
        if queued:
            self.outbound.lambda_handler({"Records": queued}, Context())

    def sweep_at(self, moment: datetime) -> None:
        clock = FixedClock(moment)
        self.sweep.clock = clock
        self.sweep.environment = dataclasses.replace(self.sweep.environment, clock=clock)
        self.sweep.lambda_handler({}, Context())


def review_duties() -> dict[str, dict[str, Any]]:
    return {str(d["right"]): d for d in items("duty") if str(d["right"]).startswith("vrr-")}


@pytest.fixture
def world(aws: Template) -> World:
    return World(aws)


def test_a_request_after_nfa_reaches_the_force_signed_and_its_answers_meet_the_duties(world: World) -> None:
    # Given a decision not to prosecute (evidential difficulties), the case page offers a review
    world.post("outcome.recorded", 2, {"outcome_type": 15})
    review = world.victims.case("alex", FORCE, CASE)[1]["review"]
    assert review["scheme"] == "police" and review["open_until"] and review["request"] is None
    # When Alex asks, with reasons (and asks again: the first request answers)
    status, body = world.ask(reasons="A neighbour's doorbell camera saw it.")
    assert status == 202 and body["state"] == "requested"
    again_status, again = world.ask()
    assert again_status == 200 and again["request_id"] == body["request_id"]
    # Then the force receives one signed event naming the request (FakeForce verifies the signature)
    world.deliver()
    [received] = [r["body"] for r in world.force.received if r["body"]["type"] == REQUESTED]
    assert received["data"]["request_id"] == body["request_id"] and received["data"]["victim_id"] == VICTIM
    assert received["data"]["reasons"] == "A neighbour's doorbell camera saw it."
    # And two duties are open, due in working days (England and Wales bank holidays excluded)
    duties = review_duties()
    asked_on = uk_date(datetime.fromisoformat(body["requested_at"]))
    assert duties["vrr-acknowledge"]["due_on"] == working_days_after(asked_on, 10).isoformat()
    assert duties["vrr-decide"]["due_on"] == working_days_after(asked_on, 30).isoformat()
    assert {d["status"] for d in duties.values()} == {"open"}
    # When the force acknowledges, that duty is met and the victim is told
    world.post("review.acknowledged", 3, {"request_id": body["request_id"], "victim_id": VICTIM})
    assert {k: d["status"] for k, d in review_duties().items()} == {"vrr-acknowledge": "met", "vrr-decide": "open"}
    assert any(o["template_id"] == "review-acknowledged" for o in items("outbox"))
    view = world.victims.case("alex", FORCE, CASE)[1]
    assert view["review"]["request"]["state"] == "acknowledged"
    assert view["review"]["request"]["acknowledge_by"] is None and view["review"]["request"]["decide_by"]
    # When it decides, the other is met, and the page shows the decision and the timeline the result
    decided = {"request_id": body["request_id"], "victim_id": VICTIM, "decision": "not-upheld"}
    world.post("review.decided", 4, decided)
    assert {d["status"] for d in review_duties().values()} == {"met"}
    view = world.victims.case("alex", FORCE, CASE)[1]
    assert (view["review"]["request"]["state"], view["review"]["request"]["decision"]) == ("decided", "not-upheld")
    assert "The review is done: we will look at your case again" in [e["title"] for e in view["timeline"]]


def test_an_answer_that_never_comes_is_missed_the_day_after_it_was_due(world: World) -> None:
    world.post("outcome.recorded", 2, {"outcome_type": 9})
    assert world.ask()[0] == 202
    due = date.fromisoformat(str(review_duties()["vrr-acknowledge"]["due_on"]))
    world.sweep_at(datetime(due.year, due.month, due.day, 12, tzinfo=UTC))
    assert review_duties()["vrr-acknowledge"]["status"] == "at-risk"
    world.sweep_at(datetime(due.year, due.month, due.day, 12, tzinfo=UTC) + timedelta(days=1))
    duties = review_duties()
    assert duties["vrr-acknowledge"]["status"] == "missed" and duties["vrr-decide"]["status"] == "open"


def test_no_right_or_a_stranger_is_refused_and_nothing_reaches_the_force(world: World) -> None:
    world.post("outcome.recorded", 2, {"outcome_type": 1})  # charged: no right to review
    assert world.victims.case("alex", FORCE, CASE)[1]["review"] is None
    status, body = world.ask()
    assert status == 409 and body["type"].startswith("urn:caseline:problem:")
    world.post("outcome.recorded", 3, {"outcome_type": 10})
    assert world.ask(user="stranger")[0] == 404
    status, body = world.ask(reasons="x" * 1501)
    assert status == 422 and body["status"] == 422
    world.deliver()
    assert [r for r in world.force.received if r["body"]["type"] == REQUESTED] == []
    assert review_duties() == {}


def test_a_statement_request_reaches_the_officer_signed_and_is_marked_taken(world: World) -> None:
    # When Alex asks to make a statement, read aloud by someone else (twice: the first answers)
    path = "/statement-request"
    status, body = world.victims.case(
        "alex", FORCE, CASE, path, "POST", {"kind": "make", "use": "read-by-someone-else"}
    )
    assert status == 202 and body["state"] == "requested"
    again = world.victims.case("alex", FORCE, CASE, path, "POST", {"kind": "update", "use": "considered-only"})
    assert again == (200, body)
    # Then the officer receives it signed, once
    world.deliver()
    [received] = [r["body"] for r in world.force.received if r["body"]["type"] == STATEMENT]
    assert received["data"] == {
        "request_id": body["request_id"],
        "victim_id": VICTIM,
        "kind": "make",
        "use": "read-by-someone-else",
        "requested_at": received["data"]["requested_at"],
    }
    # When the officer has taken it, the page says so and the victim is told
    world.post("statement.taken", 2, {"request_id": body["request_id"], "victim_id": VICTIM})
    view = world.victims.case("alex", FORCE, CASE)[1]
    assert view["statement"]["state"] == "taken" and view["statement"]["taken_at"]
    assert any(o["template_id"] == "statement-taken" for o in items("outbox"))
    # And an unknown use is a 422 naming it
    status, problem = world.victims.case("alex", FORCE, CASE, path, "POST", {"kind": "make", "use": "sung"})
    assert status == 422 and problem["status"] == 422
