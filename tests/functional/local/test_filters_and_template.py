"""The local stack's own machinery: event filters, schedules and template intrinsics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseline_local.pollers import any_filter_matches, parse_rate
from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[3]


def _record(entity: str, event_name: str = "INSERT", applied: bool = True) -> dict[str, object]:
    return {"eventName": event_name, "dynamodb": {"NewImage": {"entity": {"S": entity}, "applied": {"BOOL": applied}}}}


def _filters(function: str) -> list[dict[str, str]]:
    template = Template.read(ROOT / "template.yaml", region="eu-west-2")
    props = next(iter(template.resources[function]["Properties"]["Events"].values()))["Properties"]
    return list(props["FilterCriteria"]["Filters"])


def test_the_journeys_filter_passes_only_inserted_applied_events() -> None:
    filters = _filters("JourneysFunction")
    assert any_filter_matches(filters, _record("event"))
    assert not any_filter_matches(filters, _record("event", applied=False))
    assert not any_filter_matches(filters, _record("event", event_name="MODIFY"))
    assert not any_filter_matches(filters, _record("outbox"))


def test_the_dispatch_filter_passes_only_new_outbox_items() -> None:
    filters = _filters("DispatchFunction")
    assert any_filter_matches(filters, _record("outbox"))
    assert not any_filter_matches(filters, _record("outbox", event_name="MODIFY"))
    assert not any_filter_matches(filters, _record("case"))
    pending = {"entity": {"S": "outbox"}, "status": {"S": "pending"}}
    for before, passes in (("deferred", True), ("pending", False)):  # only a deferred send that is released
        images = {"NewImage": pending, "OldImage": {"status": {"S": before}}}
        assert any_filter_matches(filters, {"eventName": "MODIFY", "dynamodb": images}) is passes


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [
        ({"a": [{"prefix": "CASE#"}]}, {"a": "CASE#x"}, True),
        ({"a": [{"prefix": "CASE#"}]}, {"a": "USER#x"}, False),
        ({"a": [{"exists": False}]}, {}, True),
        ({"a": [{"exists": True}]}, {}, False),
        ({"a": [{"anything-but": ["x"]}]}, {"a": "y"}, True),
        ({"a": [{"anything-but": ["x"]}]}, {"a": "x"}, False),
        ({"a": {"b": [1]}}, {"a": {"b": 1}}, True),
        ({"a": {"b": [1]}}, {"a": 1}, False),
    ],
)
def test_filter_operators(pattern: dict[str, object], record: dict[str, object], expected: bool) -> None:
    assert any_filter_matches([{"Pattern": json.dumps(pattern)}], record) is expected


def test_no_filters_means_every_record() -> None:
    assert any_filter_matches(None, {"anything": 1})
    assert not any_filter_matches([{"Pattern": json.dumps({"a": ["b"]})}], {"a": "c"})


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions(expression: str, seconds: float) -> None:
    assert parse_rate(expression) == seconds


def test_intrinsics_resolve_parameters_pseudo_parameters_and_conditions() -> None:
    template = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "prod"})
    assert template.resolve({"Fn::Sub": "caseline-${Environment}-${AWS::Region}"}) == "caseline-prod-eu-west-2"
    assert template.resolve({"Fn::Join": [",", {"Ref": "Forces"}]}) == "thames-valley,hampshire"
    assert template.condition("IsProduction") is True
    table = template.resources["CaselineTable"]["Properties"]
    assert template.resolve(table["DeletionProtectionEnabled"]) is True
