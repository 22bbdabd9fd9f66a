"""docs/journeys.md's table of officer tasks names every reason the layer and the journey data can raise,
and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from caseline.content import journey_definitions
from caseline.domain.alerts import ALERT_UNACKNOWLEDGED
from caseline.domain.journeys import UNRECOGNISED_VALUE

ROOT = Path(__file__).resolve().parents[3]
LAYER = ROOT / "layers" / "core" / "caseline"

# Where the code names a task's reason: a task built for a message, a send-policy verdict that tasks the
# officer, a channel plan without channels, a task record written directly, the delivery follow-ups.
_RAISED = (
    r'_task\(message, "([a-z-]+)"',
    r'message_task\(message, "([a-z-]+)"',
    r'SendDecision\(Verdict\.(?:FAIL|BLOCK)[^,]*, "([a-z-]+)"',
    r'ChannelPlan\(\(\), "([a-z-]+)"\)',
    r'None if channels else "([a-z-]+)"\)',
    r'reason="([a-z-]+)"',
    r'SuppressionReason\.[A-Z]+: "([a-z-]+)"',
)


def _documented() -> set[str]:
    text = (ROOT / "docs" / "journeys.md").read_text(encoding="utf-8")
    section = text.split("## Officer tasks", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {reason for cell in first_cells for reason in re.findall(r"`([a-z-]+)`", cell)}


def _raised_by_code() -> set[str]:
    source = "\n".join(path.read_text(encoding="utf-8") for path in LAYER.rglob("*.py"))
    named = {UNRECOGNISED_VALUE, ALERT_UNACKNOWLEDGED}  # reasons the code raises by a constant's name
    return {reason for pattern in _RAISED for reason in re.findall(pattern, source)} | named


def _raised_by_journeys() -> set[str]:
    return {
        step.raw["reason"]
        for definition in journey_definitions().values()
        for step in definition.steps.values()
        if step.type == "task"
    }


def test_the_code_raises_the_reasons_the_tests_expect_to_find() -> None:
    found = _raised_by_code()
    # The patterns still find the reasons of each kind of site (if one is renamed, this says so).
    assert {
        "delivery-failed",
        "channel-not-safe",
        "message-needs-another-way",
        "duty-at-risk",
        "email-bounced",
    } <= found


def test_every_reason_a_task_can_have_is_documented_and_every_documented_one_is_raised() -> None:
    raised = _raised_by_code() | _raised_by_journeys()
    assert _documented() == raised
