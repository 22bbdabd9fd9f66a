"""The one strict body reader: everything json.loads would choke on, or that no contract needs, is a
MalformedBodyError (400) or PayloadTooLargeError (413); everything else reads as json.loads reads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain.errors import MalformedBodyError, PayloadTooLargeError
from caseline.domain.json_body import MAX_DEPTH, MAX_NUMBER_CHARS, read_json

LIMIT = 64 * 1024


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 1000 + b"]" * 1000, id="1000-deep"),
        pytest.param(b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), id="one-too-deep"),
        pytest.param(b'{"sequence": ' + b"9" * 4301 + b"}", id="4301-digit-integer"),
        pytest.param(b'{"n": ' + b"1" * (MAX_NUMBER_CHARS + 1) + b"}", id="number-one-too-long"),
        pytest.param(b'{"n": 1e400}', id="infinite-float"),
        pytest.param(b'{"n": NaN}', id="nan"),
        pytest.param(b'{"n": -Infinity}', id="infinity"),
        pytest.param(b'{"text": "hello\\u0000"}', id="escaped-nul"),
        pytest.param(b'{"te\\u0007xt": "bell in a key"}', id="control-in-key"),
        pytest.param(b'{"text": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"text": "caf\xe9"}', id="latin-1-not-utf-8"),
        pytest.param(b'{"text": "x"', id="truncated"),
        pytest.param(b"", id="empty"),
    ],
)
def test_hostile_bodies_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedBodyError):
        read_json(body, max_bytes=LIMIT)


def test_a_body_over_the_limit_is_too_large() -> None:
    with pytest.raises(PayloadTooLargeError):
        read_json(b'"' + b"x" * LIMIT + b'"', max_bytes=LIMIT)


def test_tabs_and_new_lines_are_text_and_deep_enough_is_fine() -> None:
    deepest = {"a": 1}
    for _ in range(MAX_DEPTH - 1):
        deepest = {"a": deepest}
    assert read_json(json.dumps(deepest).encode(), max_bytes=LIMIT) == deepest
    assert read_json(b'{"t": "line one\\nline\\ttwo\\r\\n"}', max_bytes=LIMIT) == {"t": "line one\nline\ttwo\r\n"}


PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False)
DOCUMENTS = st.recursive(
    SCALARS | PLAIN_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(PLAIN_TEXT, inner, max_size=4),
    max_leaves=10,  # keeps generated documents within MAX_DEPTH
)


@given(DOCUMENTS)
def test_ordinary_documents_read_as_json_loads_reads_them(document: Any) -> None:
    body = json.dumps(document).encode()
    assert read_json(body, max_bytes=LIMIT) == json.loads(body)


@given(st.binary(max_size=300))
def test_any_bytes_either_read_or_are_refused_as_a_4xx_error(body: bytes) -> None:
    try:
        value = read_json(body, max_bytes=LIMIT)
    except (MalformedBodyError, PayloadTooLargeError):
        return  # the only errors it may raise: both are 4xx problem details
    assert value == json.loads(body)  # and what it does read, it reads as JSON
