"""Form fields checked by pydantic with GOV.UK-style messages: one message per field at fault.

A check raises the message the portal shows next to its field (the ``form`` error type, ``fail``);
``field_errors`` turns pydantic's errors into (dotted path, message) pairs (``reporter.email``,
``items.0.value_pounds``) in the form's order. A form's models derive from ``FormModel`` and are validated
with a ``FormContext`` (what the checks compare with: the forces and their categories, now).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from caseline.domain.calendar import within_calendar

MAX_TEXT = 2000
_NOT_ON_THE_FORM = "This question is not part of the form"


# -------------------------------------------------------------------------------- one check per kind of member
def fail(message: str, at: str | None = None) -> PydanticCustomError:
    """The member's message; ``at`` names the member it belongs to instead (a sibling, or ``x.member``)."""
    return PydanticCustomError("form", message, {"at": at} if at else None)


def _capital(label: str) -> str:
    return f"{label[0].upper()}{label[1:]}"


def accept(test: Callable[[Any], bool], message: str) -> Callable[[Any], Any]:
    """The value as it is when ``test`` holds, else ``message``."""

    def check(value: Any) -> Any:
        if not test(value):
            raise fail(message)
        return value

    return check


def text(label: str, required: str | None = None) -> BeforeValidator:
    """A trimmed string up to 2,000 characters; ``required`` is the message when it is empty."""

    def check(value: object) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise fail(required)
            return None
        if not isinstance(value, str):
            raise fail(f"{label} must be text")
        if len(value.strip()) > MAX_TEXT:
            raise fail(f"{label} must be 2,000 characters or fewer")
        return value.strip()

    return BeforeValidator(check)


def flag(label: str, default: bool = False) -> BeforeValidator:
    def check(value: object) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            raise fail(f"Select yes or no for {label}")
        return value

    return BeforeValidator(check)


def json_object(
    label: str, *, when_missing: tuple[str, str] | None = None, also_not_an_object: bool = True, empty: bool = False
) -> BeforeValidator:
    """A JSON object (its members are the nested model's). ``when_missing``: (member, message) if it must be
    there, also when it is not an object unless told; ``empty``: absent means every member's default."""

    def check(value: object) -> object:
        if value is None:
            if when_missing:
                raise fail(when_missing[1], at=when_missing[0])
            return {} if empty else None
        if not isinstance(value, dict):
            if when_missing and also_not_an_object:
                raise _failures(value, fail(f"Enter {label}"), fail(when_missing[1], at=when_missing[0]))
            raise fail(f"Enter {label}")
        return value

    return BeforeValidator(check)


def _failures(value: object, *errors: PydanticCustomError) -> ValidationError:
    """Several messages from one check (pydantic keeps each as an error of the member)."""
    return ValidationError.from_exception_data(
        "form", [InitErrorDetails(type=error, loc=(), input=value) for error in errors]
    )


def moment(label: str, *, required: bool, member: str) -> BeforeValidator:
    """A date and time in the past (UTC if it has no offset); ``member`` is its name in the body."""

    def check(value: object, info: ValidationInfo) -> datetime | None:
        if value is None or value == "":
            if required:
                raise fail(f"Enter {label}", at=member)
            return None
        try:
            parsed = within_calendar(datetime.fromisoformat(value)) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise fail(f"{_capital(label)} must be a real date and time", at=member)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed > form_context(info).now:
            raise fail(f"{_capital(label)} must be in the past", at=member)
        return parsed.astimezone(UTC)

    return BeforeValidator(check)


@dataclass(frozen=True)
class FormContext:
    forces: Mapping[str, frozenset[str]]
    now: datetime


def form_context(info: ValidationInfo) -> FormContext:
    context = info.context
    assert isinstance(context, FormContext)
    return context


class FormModel(BaseModel):
    # Missing members go through their checks too (a required one fails, the others take their default).
    model_config = ConfigDict(extra="forbid", validate_default=True, defer_build=True)


def field_errors(error: ValidationError, order: list[str]) -> list[tuple[str, str]]:
    """One (field, message) per field at fault, in the form's ``order`` (its top-level members). Of several
    members not on the form in one object, the first by name, before the object's other messages."""
    found: list[tuple[tuple[str, ...], str]] = []
    unknown: dict[tuple[str, ...], str] = {}
    for problem in error.errors(include_url=False):
        path = tuple(str(part) for part in problem["loc"])
        if problem["type"] == "extra_forbidden":
            parent, name = path[:-1], path[-1]
            unknown[parent] = min(name, unknown.get(parent, name))
            continue
        at = (problem.get("ctx") or {}).get("at")
        if at:
            path = (*path[:-1], *str(at).split("."))
        if all(f != path for f, _ in found):
            found.append((path, problem["msg"]))
    for parent, name in sorted(unknown.items(), key=lambda pair: len(pair[0]), reverse=True):
        first = next((i for i, (f, _) in enumerate(found) if f[: len(parent)] == parent and f != parent), len(found))
        found.insert(first, ((*parent, name), _NOT_ON_THE_FORM))
    found.sort(key=lambda pair: order.index(pair[0][0]) if pair[0][0] in order else -1)  # unknown members first
    return [(".".join(path), message) for path, message in found]
