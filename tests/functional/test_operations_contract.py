"""Operations: every alarm in template.yaml, the runbook section it names, and the dashboard's coverage.

An alarm that wakes someone must say what to do: each description ends with a link to a section of
docs/runbook.md that exists. Every function is in the error and throttle alarms and on the dashboard.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "test"})
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE.body["Resources"]
ALARMS = {name: spec["Properties"] for name, spec in RESOURCES.items() if spec["Type"] == "AWS::CloudWatch::Alarm"}
FUNCTIONS = sorted(name for name, spec in RESOURCES.items() if spec["Type"] == "AWS::Serverless::Function")
RUNBOOK = (ROOT / "docs" / "runbook.md").read_text(encoding="utf-8")

# Every alarm and the runbook section it names: a new alarm must be added here, with its section.
EXPECTED = {
    "RequestFunctionErrorsAlarm": "function-errors-and-throttles",
    "BackgroundFunctionErrorsAlarm": "function-errors-and-throttles",
    "RequestFunctionThrottlesAlarm": "function-errors-and-throttles",
    "BackgroundFunctionThrottlesAlarm": "function-errors-and-throttles",
    "ApiServerErrorsAlarm": "api-server-errors",
    "StreamIteratorAgeAlarm": "stream-iterator-age",
    "DeliveryEventsBacklogAlarm": "queue-backlog",
    "OutboundBacklogAlarm": "queue-backlog",
    "SesBounceRateAlarm": "email-reputation",
    "SesComplaintRateAlarm": "email-reputation",
    "SmsSpendAlarm": "sms-spend-and-destinations",
    "MessagesFailingAlarm": "messages-failing",
    "DutiesAtRiskAlarm": "victims-code-duties-at-risk-or-missed",
    "DutiesMissedAlarm": "victims-code-duties-at-risk-or-missed",
    "JourneysDeadLetterAlarm": "dead-letter-queues-and-alarms",
    "DispatchDeadLetterAlarm": "dead-letter-queues-and-alarms",
    "OutboundDeadLetterAlarm": "dead-letter-queues-and-alarms",
    "DeliveryEventsDeadLetterAlarm": "dead-letter-queues-and-alarms",
    "DutySweepDeadLetterAlarm": "dead-letter-queues-and-alarms",
    "OutboundDeliveryFailingAlarm": "a-forces-outbound-endpoint-and-secret",
}


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_the_alarms_are_exactly_the_listed_ones() -> None:
    assert sorted(ALARMS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_alarm_names_its_runbook_section_and_notifies_the_operations_topic(name: str) -> None:
    alarm = ALARMS[name]
    link = re.search(r"Runbook: docs/runbook\.md#([a-z0-9-]+)\s*$", alarm["AlarmDescription"])
    assert link, "the description must end with its runbook link"
    assert link.group(1) == EXPECTED[name]
    assert link.group(1) in _anchors(RUNBOOK)
    assert alarm["AlarmActions"] == [{"Ref": "OperationsAlarmTopic"}]
    assert alarm["TreatMissingData"] == "notBreaching"  # quiet periods are not an outage
    assert alarm["Threshold"] is not None


def _function_metrics(alarm: dict[str, Any]) -> list[str]:
    return [
        query["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_is_in_exactly_one_error_and_one_throttle_alarm(metric: str) -> None:
    alarms = [ALARMS[f"{group}Function{metric}Alarm"] for group in ("Request", "Background")]
    watched = [name for alarm in alarms for name in _function_metrics(alarm)]
    assert sorted(watched) == FUNCTIONS
    for alarm in alarms:
        assert {q["MetricStat"]["Metric"]["MetricName"] for q in alarm["Metrics"] if "MetricStat" in q} == {metric}
        # A metric math alarm takes at most 10 metrics: add a group before an eleventh function joins one
        assert len(_function_metrics(alarm)) <= 10
        (total,) = [q for q in alarm["Metrics"] if q.get("ReturnData")]
        ids = ",".join(q["Id"] for q in alarm["Metrics"] if "MetricStat" in q)
        assert total["Expression"] == f"SUM([{ids}])"


def test_the_stream_alarm_watches_both_stream_functions() -> None:
    assert sorted(_function_metrics(ALARMS["StreamIteratorAgeAlarm"])) == ["DispatchFunction", "JourneysFunction"]
    stream_consumers = sorted(
        name
        for name in FUNCTIONS
        if any(e["Type"] == "DynamoDB" for e in RESOURCES[name]["Properties"].get("Events", {}).values())
    )
    assert stream_consumers == ["DispatchFunction", "JourneysFunction"]


def test_the_dashboard_shows_every_function_queue_and_dead_letter_queue() -> None:
    body = RESOURCES["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    text = json.dumps(widgets)
    for name in FUNCTIONS:
        assert "${" + name + "}" in text, f"{name} is not on the dashboard"
    queues = [name for name, spec in RESOURCES.items() if spec["Type"] == "AWS::SQS::Queue"]
    for name in queues:
        assert "${" + name + ".QueueName}" in text, f"{name} is not on the dashboard"
    # Widgets do not overlap on the 24-column grid
    cells = set()
    for widget in widgets:
        assert widget["x"] + widget["width"] <= 24
        area = {
            (x, y)
            for x in range(widget["x"], widget["x"] + widget["width"])
            for y in range(widget["y"], widget["y"] + widget["height"])
        }
        assert not cells & area, widget.get("properties", {}).get("title")
        cells |= area


def test_the_api_alarm_and_dashboard_name_the_api_as_deployed() -> None:
    api = RESOURCES["CaselineApi"]["Properties"]
    assert api["Name"] == {"Fn::Sub": "caseline-${Environment}-api"}
    dimensions = {d["Name"]: d["Value"] for d in ALARMS["ApiServerErrorsAlarm"]["Dimensions"]}
    assert dimensions == {"ApiName": {"Fn::Sub": "caseline-${Environment}-api"}, "Stage": {"Ref": "Environment"}}
