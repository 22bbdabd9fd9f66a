"""The outbound receiver's inbox: signature first, then media type and body, then once per webhook-id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseline_local.force_sim.client import signed_headers
from caseline_local.force_sim.receiver import Inbox

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_800_000_000
MESSAGE = {
    "specversion": "1.0",
    "id": "out-1",
    "source": "urn:caseline:local",
    "type": "org.caseline.victim.message-sent.v1",
    "time": "2027-01-15T08:00:00Z",
    "subject": "TVP-123",
    "data": {"message_id": "VM-1", "text": "Thank you, I will be at home after 5pm."},
}


def inbox(tmp_path: Path, lines: list[str] | None = None) -> Inbox:
    return Inbox(SECRET, out=tmp_path / "inbox.jsonl", echo=None if lines is None else lines.append, clock=lambda: NOW)


def post(box: Inbox, body: bytes, *, webhook_id: str = "msg_out_1", **overrides: str) -> Any:
    headers = signed_headers(SECRET, webhook_id, body, timestamp=NOW)
    headers.update(overrides)
    return box.handle(headers, body)


def test_a_good_event_is_kept_once_and_a_repeat_is_a_duplicate(tmp_path: Path) -> None:
    lines: list[str] = []
    box = inbox(tmp_path, lines)
    body = json.dumps(MESSAGE).encode()
    first, again = post(box, body), post(box, body)
    assert (first.status, first.body) == (204, None)
    assert (again.status, again.body) == (200, {"status": "duplicate"})
    assert box.received == [MESSAGE]
    assert [json.loads(line) for line in (tmp_path / "inbox.jsonl").read_text().splitlines()] == [MESSAGE]
    assert len(lines) == 1 and "victim.message-sent.v1" in lines[0] and "TVP-123" in lines[0]


def test_a_new_webhook_id_is_a_new_delivery(tmp_path: Path) -> None:
    box = inbox(tmp_path)
    body = json.dumps(MESSAGE).encode()
    assert post(box, body).status == post(box, body, webhook_id="msg_out_2").status == 204
    assert len(box.received) == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"webhook-signature": "v1,AAAA"},
        {"webhook-timestamp": str(NOW - 301)},
        {"webhook-id": "msg_other"},
        {"webhook-signature": ""},
    ],
    ids=["wrong-signature", "too-old", "id-not-signed", "no-signature"],
)
def test_bad_signatures_get_a_401_problem_and_nothing_is_kept(tmp_path: Path, overrides: dict[str, str]) -> None:
    box = inbox(tmp_path)
    reply = post(box, json.dumps(MESSAGE).encode(), **overrides)
    assert reply.status == 401
    assert reply.content_type == "application/problem+json"
    assert reply.body == {
        "type": "urn:caseline:problem:unauthenticated",
        "title": "The signature is not valid",
        "status": 401,
    }
    assert box.received == [] and not (tmp_path / "inbox.jsonl").exists()


@pytest.mark.parametrize(
    ("body", "overrides", "status"),
    [
        (json.dumps(MESSAGE).encode(), {"Content-Type": "text/plain"}, 415),
        (b"\xff\xfe{}", {}, 400),
        (b"{not json", {}, 400),
        (b"[1, 2]", {}, 400),
        (json.dumps({**MESSAGE, "type": "com.example.other"}).encode(), {}, 422),
        (b"x" * (256 * 1024 + 1), {}, 413),
    ],
    ids=["not-json-media-type", "not-utf8", "not-json", "not-an-object", "not-a-caseline-type", "too-large"],
)
def test_malformed_deliveries_get_problem_details(
    tmp_path: Path, body: bytes, overrides: dict[str, str], status: int
) -> None:
    box = inbox(tmp_path)
    reply = post(box, body, **overrides)
    assert reply.status == status
    assert reply.body is not None and reply.body["status"] == status
    assert reply.body["type"].startswith("urn:caseline:problem:")
    assert box.received == []


@pytest.mark.parametrize(
    "event_type",
    [
        "org.caseline.victim.message-sent.v1",
        "org.caseline.victim.update-requested.v1",
        "org.caseline.victim.preferences-changed.v1",
    ],
)
def test_every_planned_outbound_type_is_accepted(tmp_path: Path, event_type: str) -> None:
    box = inbox(tmp_path)
    assert (
        post(box, json.dumps({**MESSAGE, "type": event_type}).encode(), **{"Content-Type": "application/json"}).status
        == 204
    )
