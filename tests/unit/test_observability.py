"""The one logger never writes what an exception says: its message can quote what a caller sent."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pydantic import BaseModel, ValidationError

from caseline.observability import FIELD_NOT_LOGGED, loggable_field, logger, without_values


class _Reporter(BaseModel):
    age: int


EMAIL = "marigold.example@example"  # what a caller sent: kept off the lines that raise, which are traced
MOBILE = "07700 900123"


def _logged() -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_handler.formatter)
    logger._logger.addHandler(handler)
    try:
        try:
            try:
                _Reporter.model_validate({"age": EMAIL})
            except ValidationError as error:
                raise ValueError(MOBILE, error)  # noqa: B904 (the context is the point)
        except ValueError:
            logger.exception("Unhandled error", extra={"error": "ValueError"})
    finally:
        logger._logger.removeHandler(handler)
    return json.loads(stream.getvalue().splitlines()[-1])


def test_an_exception_is_logged_by_type_and_frame_without_its_message() -> None:
    # Given an error raised while handling a validation error that quotes a victim's email address
    # When the one logger logs it
    entry = _logged()
    # Then the entry names both exceptions and where they were raised, and quotes neither message
    logged = json.dumps(entry)
    assert "marigold" not in logged
    assert "07700" not in logged
    trace = str(entry["exception"])
    assert "pydantic_core._pydantic_core.ValidationError (message not logged)" in trace
    assert "builtins.ValueError (message not logged)" in trace
    assert trace.index("ValidationError") < trace.index("builtins.ValueError")
    assert "test_observability.py" in trace
    assert entry["exception_name"] == "ValueError"
    assert "stack_trace" not in entry


def test_a_suppressed_context_is_left_out() -> None:
    # Given an error raised "from None" inside the handling of another
    try:
        try:
            raise KeyError(EMAIL)
        except KeyError:
            raise LookupError(MOBILE) from None
    except LookupError as error:
        trace = without_values(error)
    # Then only the error itself is traced, by type
    assert trace.count("Traceback (most recent call last):") == 1
    assert "builtins.LookupError (message not logged)" in trace
    assert "builtins.KeyError" not in trace
    assert EMAIL not in trace
    assert MOBILE not in trace


@pytest.mark.parametrize("chained", ["cause", "context"])
def test_a_chain_is_traced_oldest_first(chained: str) -> None:
    first = OSError("first")
    try:
        if chained == "cause":
            raise RuntimeError("second") from first
        try:
            raise first
        except OSError:
            raise RuntimeError("second")  # noqa: B904
    except RuntimeError as error:
        trace = without_values(error)
    assert trace.count("Traceback (most recent call last):") == 2
    assert trace.index("builtins.OSError") < trace.index("builtins.RuntimeError")


@pytest.mark.parametrize(
    ("field", "logged"),
    [
        (None, None),
        ("email", "email"),
        ("reporter.email", "reporter.email"),
        ("items.0.value_pounds", "items.0.value_pounds"),
        ("data.victim.safe_contact.channels.1", "data.victim.safe_contact.channels.1"),
        ("Ottoline Wrexhamvant +447700900417 ottoline@example.org", FIELD_NOT_LOGGED),
        ("ottoline@example.org", FIELD_NOT_LOGGED),
        ("07700900417", FIELD_NOT_LOGGED),
        ("items.07700900417", FIELD_NOT_LOGGED),
        ("utm.Source", FIELD_NOT_LOGGED),
        ("a" * 41, FIELD_NOT_LOGGED),
        ("a.b.c.d.e.f.g", FIELD_NOT_LOGGED),
        ("", FIELD_NOT_LOGGED),
    ],
)
def test_a_field_is_logged_only_when_it_is_named_like_the_apis_fields(field: str | None, logged: str | None) -> None:
    assert loggable_field(field) == logged
