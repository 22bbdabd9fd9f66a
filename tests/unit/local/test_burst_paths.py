"""moto's hot paths under a burst, rewritten with the same results (moto_fixes item 12), and the strings
stored items share (item 13)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from caseline_local import moto_fixes

moto_fixes.apply()


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": "abc"}, 3),
        ({"S": "é"}, 2),  # UTF-8 bytes
        ({"N": "12.5"}, 4),
        ({"BOOL": True}, 1),
        ({"NULL": True}, 1),
        ({"B": b"xyz"}, 3),
        ({"SS": ["a", "bc"]}, 3),
        ({"NS": ["1", "23"]}, 3),
        ({"L": [{"N": "1"}, {"S": "ab"}]}, 3),
        ({"M": {"key": {"S": "vv"}, "n": {"M": {"x": {"N": "10"}}}}}, 3 + 2 + 1 + 1 + 2),
    ],
)
def test_a_value_has_dynamodbs_size(value: dict[str, Any], size: int) -> None:
    assert DynamoType(value).size() == size


def test_values_compare_as_moto_compares_them() -> None:
    assert DynamoType({"N": "10"}).cast_value == Decimal(10)
    assert DynamoType({"N": "9"}) < DynamoType({"N": "10"})  # numbers, not strings
    assert DynamoType({"SS": ["b", "a"]}) == DynamoType({"SS": ["a", "b"]})
    assert DynamoType({"M": {"a": {"L": [{"NULL": True}]}}}).cast_value == {"a": [None]}
    assert DynamoType({"S": "x"}) != DynamoType({"S": "y"})


def test_an_item_past_the_size_limit_is_refused() -> None:
    key = DynamoType({"S": "pk"})
    assert Item(key, None, {"pk": {"S": "pk"}, "body": {"S": "x" * 1000}}).size() == 2 + 2 + 4 + 1000
    with pytest.raises(ItemSizeTooLarge):
        Item(key, None, {"pk": {"S": "pk"}, "body": {"S": "x" * 405_000}})


def test_a_condition_lexed_once_still_takes_each_calls_values() -> None:
    item = Item(DynamoType({"S": "pk"}), None, {"pk": {"S": "pk"}, "status": {"S": "sent"}})
    text = "#s = :v AND attribute_exists(pk)"
    for value, expected in (("sent", True), ("failed", False), ("sent", True)):
        condition = get_filter_expression(text, {"#s": "status"}, {":v": {"S": value}})
        assert condition.expr(item) is expected


def _stored(document: str) -> Item:
    """An item built as moto builds one from a request: from freshly parsed JSON."""
    return Item(DynamoType({"S": "pk"}), None, json.loads(document))


def test_stored_items_share_attribute_names_and_short_values_only() -> None:
    long_text = "free text longer than the shared strings, as a message body is " * 2
    document = json.dumps({"status": {"S": "sent"}, "body": {"S": long_text}, "n": {"N": "12"}})
    parsed = [json.loads(document) for _ in range(2)]
    assert parsed[0]["status"]["S"] is not parsed[1]["status"]["S"]  # each request parses its own copies

    first, second = _stored(document), _stored(document)
    [status_1] = [name for name in first.attrs if name == "status"]
    [status_2] = [name for name in second.attrs if name == "status"]
    assert status_1 is status_2
    assert first.attrs["status"].value is second.attrs["status"].value
    assert first.attrs["body"].value == second.attrs["body"].value == long_text
    assert first.attrs["body"].value is not second.attrs["body"].value  # long values are not interned
    assert (
        first.to_json()
        == second.to_json()
        == {"Attributes": {"status": {"S": "sent"}, "body": {"S": long_text}, "n": {"N": "12"}}}
    )
