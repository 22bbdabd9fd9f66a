"""Signed force events for functional tests, built from the demo files the local stack loads, and a case
a victim has linked that those events then reach."""

from __future__ import annotations

import copy
import json
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from caseline.domain.signing import sign

from .conftest import REGION, Context, StreamReader, load_handler, webhook_request

if TYPE_CHECKING:
    from caseline_local.template import Template

DEMO = Path(__file__).resolve().parents[2] / "infra" / "local" / "demo"


def crime_recorded(
    case_id: str = "TVP-T-0001", *, sequence: int = 1, demo: str = "01-thames-valley-burglary", **data: Any
) -> dict[str, Any]:
    event = copy.deepcopy(json.loads((DEMO / f"{demo}.json").read_text(encoding="utf-8"))["event"])
    event.update({"id": str(uuid.uuid4()), "subject": case_id, "sequence": sequence})
    event["data"].update(data)
    return event


def signed(
    secret: str,
    body: bytes,
    *,
    webhook_id: str | None = None,
    timestamp: int | None = None,
    content_type: str = "application/cloudevents+json",
) -> dict[str, str]:
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    timestamp = timestamp if timestamp is not None else int(time.time())
    return {
        "Content-Type": content_type,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }


class LinkedCase:
    """Alex (the demo's first victim) linked to TVP-J-1 through the victim API; a force's events on the case go
    through ingest and journeys as they would in the stack."""

    force_id, case_id = "thames-valley", "TVP-J-1"

    def __init__(self, template: Template) -> None:
        from .test_victim_journey import Victims  # that module imports this one: not at the top

        self.victims = Victims(template)
        assert self.victims.link("alex", "43260001234", self.victims.codes["+447700900101"])[0] == 201
        self.ingest, self.journeys = load_handler("webhook_ingest"), load_handler("journeys")
        self.stream = StreamReader(template, "JourneysFunction")
        self.stream.new_records()

    def post(self, event_type: str, sequence: int, data: dict[str, Any], **envelope: Any) -> None:
        """A signed ``org.caseline.<event_type>.v1`` on the case (``envelope`` sets more of its attributes),
        then the journeys it starts."""
        event = {
            **crime_recorded(self.case_id, sequence=sequence),
            "type": f"org.caseline.{event_type}.v1",
            **envelope,
            "data": data,
        }
        assert self.ingest.lambda_handler(webhook_request(self.force_id, event), Context())["statusCode"] == 202
        assert self.journeys.lambda_handler({"Records": self.stream.new_records()}, Context()) == {
            "batchItemFailures": []
        }


def items(entity: str) -> list[dict[str, Any]]:
    """Every item of one kind (``entity``) in the test table."""
    table = boto3.resource("dynamodb", region_name=REGION).Table("caseline-test")
    return [i for i in table.scan()["Items"] if i["entity"] == entity]
