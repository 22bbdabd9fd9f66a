"""Signing and posting without a network: urlopen is replaced, the signature is checked as Caseline would."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from caseline.domain import signing
from caseline.domain.errors import SignatureInvalidError
from caseline_local import demo
from caseline_local.force_sim import client
from caseline_local.force_sim.events import EventContext, build

SECRET = "local-secret-for-tests-0123456789abcdef0123456789"
EVENT = build("officer.assigned", EventContext("hampshire", "HAM-1", 2, datetime(2026, 1, 5, 9, tzinfo=UTC)))


class FakeAnswer(io.BytesIO):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(body)
        self.status = status


def test_signed_headers_verify_with_caselines_own_check() -> None:
    body = client.encode(EVENT)
    headers = client.signed_headers(SECRET, "msg_1", body, timestamp=1_800_000_000)
    parsed = signing.parse_headers(headers)
    assert signing.verify(["old", SECRET], parsed, body, now=1_800_000_100) == 1
    assert headers["Content-Type"] == "application/cloudevents+json"
    with pytest.raises(SignatureInvalidError):  # re-serialising after signing breaks the signature
        signing.verify([SECRET], parsed, json.dumps(EVENT, indent=1).encode(), now=1_800_000_100)


def test_the_body_sent_is_the_body_signed(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[urllib.request.Request] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> FakeAnswer:
        sent.append(request)
        assert timeout == client.TIMEOUT_SECONDS
        return FakeAnswer(202, b'{"status": "accepted", "sequence": 2}')

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    response = client.post_event("http://gateway.invalid/", "hampshire", EVENT, SECRET, webhook_id="msg_x")
    assert (response.status, response.outcome) == (202, "accepted")
    [request] = sent
    assert request.full_url == "http://gateway.invalid/v1/webhooks/hampshire"
    headers = {k.lower(): v for k, v in request.header_items()}
    body = request.data
    assert isinstance(body, bytes) and json.loads(body) == EVENT
    parsed = signing.parse_headers(headers)
    assert parsed.webhook_id == "msg_x"
    signing.verify([SECRET], parsed, body, now=time.time())


def test_http_errors_are_answers_with_their_problem_type(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: urllib.request.Request, timeout: float) -> Any:
        problem = b'{"type": "urn:caseline:problem:temporarily-unavailable", "status": 503}'
        headers = Message()
        headers["Retry-After"] = "5"
        raise urllib.error.HTTPError(request.full_url, 503, "Unavailable", headers, io.BytesIO(problem))

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    status, body = demo.post_event("http://gateway.invalid", "thames-valley", EVENT, SECRET)
    assert (status, body["status"]) == (503, 503)
    response = client.post_event("http://gateway.invalid", "thames-valley", EVENT, SECRET)
    assert (response.outcome, response.retry_after) == ("urn:caseline:problem:temporarily-unavailable", 5.0)


def test_a_batch_counts_statuses_and_network_failures() -> None:
    def answer(status: int, outcome: str) -> client.Response:
        return client.Response(status, {"status": outcome})

    def unreachable() -> client.Response:
        raise ConnectionRefusedError

    calls = [lambda: answer(202, "accepted")] * 3 + [lambda: answer(200, "duplicate"), unreachable]
    report = client.run_concurrently(calls, concurrency=2)
    assert report.statuses == {202: 3, 200: 1, 0: 1}
    assert report.outcomes["accepted"] == 3
    assert report.outcomes["no answer (ConnectionRefusedError)"] == 1
    assert report.server_errors == 1
    assert len(report.responses) == 5 and report.per_second > 0


def test_without_a_running_stack_the_commands_say_how_to_start_one(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make dev"):
        client.local_stack(tmp_path / "state.json")


def scripted(monkeypatch: pytest.MonkeyPatch, answers: list[client.Response | OSError]) -> list[str]:
    """Replace post_signed with scripted answers; return the webhook-id of every attempt."""
    attempts: list[str] = []

    def fake(
        url: str, body: bytes, secret: str, *, webhook_id: str | None = None, timeout: float = 0
    ) -> client.Response:
        attempts.append(str(webhook_id))
        answer = answers.pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer

    monkeypatch.setattr(client, "post_signed", fake)
    return attempts


UNAVAILABLE = client.Response(503, {"type": "urn:caseline:problem:temporarily-unavailable"}, retry_after=5)


def test_a_retryable_answer_is_retried_with_the_same_webhook_id(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = scripted(monkeypatch, [UNAVAILABLE, TimeoutError(), client.Response(202, {"status": "accepted"})])
    waits: list[float] = []
    final = client.post_with_retries(
        "http://x.invalid", b"{}", SECRET, "msg_r", client.Retries(max_wait=1.0), sleep=waits.append
    )
    assert (final.status, final.outcome) == (202, "accepted")
    assert attempts == ["msg_r"] * 3
    assert waits == [1.0, 0.4]  # Retry-After 5 capped at max_wait, then backing off
    assert final.earlier == ("503 urn:caseline:problem:temporarily-unavailable", "0 no answer (TimeoutError)")


def test_retries_stop_after_the_last_attempt_and_never_on_a_permanent_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted(monkeypatch, [UNAVAILABLE] * 3)
    final = client.post_with_retries(
        "http://x.invalid", b"{}", SECRET, "msg_r", client.Retries(attempts=3), sleep=lambda _: None
    )
    assert final.status == 503 and len(final.earlier) == 2
    invalid = client.Response(422, {"type": "urn:caseline:problem:validation"})
    attempts = scripted(monkeypatch, [invalid, invalid])
    assert client.post_with_retries("http://x.invalid", b"{}", SECRET, "msg_v", sleep=lambda _: None).status == 422
    assert len(attempts) == 1
