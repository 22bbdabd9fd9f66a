"""The command line wires the builders, the signing client and the example writer together."""

from __future__ import annotations

import io
import json
import time
import urllib.request

import pytest

from caseline.domain import signing
from caseline.domain.events import CloudEvent
from caseline_local.force_sim.__main__ import main

SECRET = "cli-test-secret"


class FakeAnswer(io.BytesIO):
    status = 202


def test_event_builds_signs_and_posts_one_event(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sent: list[urllib.request.Request] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> FakeAnswer:
        sent.append(request)
        return FakeAnswer(b'{"status": "accepted", "sequence": 2}')

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    argv = ["event", "--force", "thames-valley", "--type", "officer.assigned", "--case", "TVP-123", "--sequence", "2"]
    assert main([*argv, "--url", "http://gateway.invalid", "--secret", SECRET]) == 0
    [request] = sent
    assert request.full_url == "http://gateway.invalid/v1/webhooks/thames-valley"
    body = request.data
    assert isinstance(body, bytes)
    event = json.loads(body)
    CloudEvent.model_validate(event)
    assert (event["type"], event["subject"], event["sequence"]) == ("org.caseline.officer.assigned.v1", "TVP-123", 2)
    signing.verify([SECRET], signing.parse_headers(dict(request.header_items())), body, now=time.time())
    assert "HTTP 202" in capsys.readouterr().out


def test_an_answer_names_the_request_the_force_received(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the force received the victim's review request vrr-11-TVP-V-0001 (Caseline answers 422 to any other)
    sent: list[urllib.request.Request] = []

    def fake_urlopen(request: urllib.request.Request, timeout: float) -> FakeAnswer:
        sent.append(request)
        return FakeAnswer(b'{"status": "accepted", "sequence": 12}')

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    argv = ["event", "--type", "review.decided", "--case", "TVP-J-1", "--sequence", "12", "--url", "http://x.invalid"]
    # When the answer is sent naming it
    assert main([*argv, "--secret", SECRET, "--request-id", "vrr-11-TVP-V-0001"]) == 0
    # Then the event names that request and its victim
    [request] = sent
    assert isinstance(request.data, bytes)
    data = json.loads(request.data)["data"]
    assert (data["request_id"], data["victim_id"], data["decision"]) == ("vrr-11-TVP-V-0001", "TVP-V-0001", "upheld")


def test_a_request_id_for_an_event_that_answers_none_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["event", "--type", "officer.assigned", "--case", "C-1", "--sequence", "2", "--url", "http://x.invalid"]
    assert main([*argv, "--secret", SECRET, "--request-id", "vps-1-V-C-1"]) == 2
    assert "answers no request" in capsys.readouterr().err


def test_an_unknown_type_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["event", "--type", "officer.sacked", "--case", "C-1", "--sequence", "1", "--url", "http://x.invalid"]
    assert main([*argv, "--secret", SECRET]) == 2
    assert "unknown event type" in capsys.readouterr().err
