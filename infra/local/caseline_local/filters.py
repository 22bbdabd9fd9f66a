"""Lambda event-filtering patterns (the subset Caseline's template uses, checked strictly).

A pattern matches when every key in it matches: nested objects recurse; a list holds alternatives,
each a literal (equality) or ``{"prefix": ...}``, ``{"anything-but": [...]}`` or ``{"exists": bool}``.
"""

from __future__ import annotations

import json
from typing import Any

_MISSING = object()


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    for key, expected in pattern.items():
        actual = record.get(key, _MISSING) if isinstance(record, dict) else _MISSING
        if isinstance(expected, dict):
            if actual is _MISSING or not isinstance(actual, dict) or not matches(expected, actual):
                return False
        elif isinstance(expected, list):
            if not any(_alternative(option, actual) for option in expected):
                return False
        else:
            raise ValueError(f"filter value for {key} must be an object or a list")
    return True


def _alternative(option: Any, actual: Any) -> bool:
    if isinstance(option, dict):
        ((operator, operand),) = option.items()
        if operator == "exists":
            return (actual is not _MISSING) == bool(operand)
        if actual is _MISSING:
            return False
        if operator == "prefix":
            return isinstance(actual, str) and actual.startswith(operand)
        if operator == "anything-but":
            return actual not in (operand if isinstance(operand, list) else [operand])
        raise ValueError(f"unsupported filter operator {operator}")
    return actual is not _MISSING and actual == option


def any_filter_matches(filters: list[dict[str, Any]] | None, record: dict[str, Any]) -> bool:
    if not filters:
        return True
    return any(matches(json.loads(f["Pattern"]), record) for f in filters)
