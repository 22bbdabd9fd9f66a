"""The command line wires the builders, the signing client and the example writer together."""

from __future__ import annotations

import io
import json
import time
import urllib.request
from pathlib import Path

import pytest

from caseline.domain import signing
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS, CloudEvent
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


def test_an_unknown_type_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["event", "--type", "officer.sacked", "--case", "C-1", "--sequence", "1", "--url", "http://x.invalid"]
    assert main([*argv, "--secret", SECRET]) == 2
    assert "unknown event type" in capsys.readouterr().err


def test_examples_writes_one_file_per_type(tmp_path: Path) -> None:
    assert main(["examples", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.json"))) == len(INBOUND_EVENT_DATA_MODELS)
