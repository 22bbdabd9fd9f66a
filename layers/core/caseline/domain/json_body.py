"""The one strict reader for every JSON request body: the webhook, the victim API and online reports.

Everything a small hostile body can do to ``json.loads`` is refused here as a 4xx, before any model
sees the value: too many bytes, bytes that are not UTF-8, nesting deeper than any contract needs,
numbers longer than any field needs (Python refuses to read integers of 4,301+ digits with a
ValueError), ``NaN`` and ``Infinity`` (not JSON), and control characters in strings (a NUL in a
victim's message would be stored and sent). Tab, line feed and carriage return are text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from caseline.domain.errors import MalformedBodyError, PayloadTooLargeError

MAX_DEPTH = 16  # the deepest contract (a report's items in its body) needs 4
MAX_NUMBER_CHARS = 24  # an int64 has 19 digits; a float with exponent fits too
# C0 controls but tab, LF and CR; DEL; and lone UTF-16 surrogates ("\ud800"), which cannot be stored as UTF-8
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise MalformedBodyError(f"numbers can have at most {MAX_NUMBER_CHARS} characters", field="body")
    if not any(c in text for c in ".eE"):
        return int(text)
    number = float(text)
    if not math.isfinite(number):  # 1e400
        raise MalformedBodyError("numbers must be finite", field="body")
    return number


def _constant(name: str) -> Any:
    raise MalformedBodyError(f"{name} is not a JSON number", field="body")


def _check(value: Any) -> None:
    """Depth and control characters, without recursion (the body may be nested as deep as its size)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise MalformedBodyError(f"the body is nested more than {MAX_DEPTH} levels deep", field="body")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, str) and _CONTROL.search(item):
            raise MalformedBodyError("text may not contain control characters or lone surrogates", field="body")


def read_json(body: bytes, *, max_bytes: int) -> Any:
    """The parsed body, or a MalformedBodyError (400) / PayloadTooLargeError (413) saying why not."""
    if len(body) > max_bytes:
        raise PayloadTooLargeError(f"the body can be at most {max_bytes // 1024} KiB")
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except UnicodeDecodeError as exc:
        raise MalformedBodyError("the body must be UTF-8", field="body") from exc
    except RecursionError as exc:
        raise MalformedBodyError(f"the body is nested more than {MAX_DEPTH} levels deep", field="body") from exc
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise MalformedBodyError("the body must be JSON", field="body") from exc
    _check(value)
    return value
