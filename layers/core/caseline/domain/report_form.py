"""The online report form: pydantic models of the body, one GOV.UK-style message per field at fault
(the checks are ``caseline.domain.form_fields``'s). ``validate_report`` returns the normalised request or
raises ``ReportInvalidError`` listing every field at fault, with its dotted path.

The models build their schema on first use, and only ``services.reports.submit`` imports this module, so
functions that never take a report (dispatch, outbound) load neither them nor pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
)

from caseline.domain.contact import is_email, typed_uk_mobile
from caseline.domain.form_fields import (
    FormContext,
    FormModel,
    accept,
    fail,
    field_errors,
    flag,
    form_context,
    json_object,
    moment,
    text,
)
from caseline.domain.report_questions import NOT_ASKED_MESSAGE, QUESTIONS, asked, not_asked
from caseline.domain.reports import FieldError, ReportElsewhereError, ReportInvalidError, ReportRequest, iso_utc
from caseline.domain.safe_contact import wall_clock_time

MAX_ITEMS = 20
MAX_VALUE_POUNDS = 1_000_000
# Checked with ``fullmatch``, as the published schema's patterns are read: with ``match``, Python's ``$`` also
# matches before a final line break, so "en\n" would pass and reach the force.
_POSTCODE = re.compile(r"(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})")
_LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9-]{16,64}")
_CCTV = ("yes", "no", "not-sure")
_CHANNELS = ("email", "sms")
_ROUTING = frozenset({"force_id", "idempotency_key", "website", "fraud"})  # not part of the report's details


_AS_ISO = PlainSerializer(lambda at: iso_utc(at) if at else None)  # 2026-11-28T20:00:00Z


# ----------------------------------------------------------------------------------------------- the models
def _ended(value: datetime | None, info: ValidationInfo) -> datetime | None:
    start = info.data.get("start")
    if value is not None and isinstance(start, datetime) and value < start:
        raise fail("When it ended must be the same as or after when it started")
    return value


class Occurred(FormModel):
    start: Annotated[datetime | None, moment("when it started", required=True, member="from"), _AS_ISO] = Field(
        None, alias="from"
    )
    end: Annotated[
        datetime | None, moment("when it ended", required=False, member="to"), AfterValidator(_ended), _AS_ISO
    ] = Field(None, alias="to")


def _postcode(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None:
        value = re.sub(r"\s+", " ", value.upper())
        if not _POSTCODE.fullmatch(value):
            raise fail("Enter a real postcode, like RG1 1AA")
        if " " not in value:
            value = f"{value[:-3]} {value[-3:]}"
        return value
    if "description" in info.data and info.data["description"] is None:
        raise fail("Enter where it happened or its postcode", at="description")
    return None


class Location(FormModel):
    description: Annotated[str | None, text("Where it happened")] = None
    postcode: Annotated[str | None, text("The postcode"), AfterValidator(_postcode)] = None


def _is_pounds(value: object) -> bool:
    if value is None:
        return True
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= MAX_VALUE_POUNDS


class Item(FormModel):
    description: Annotated[str | None, text("What was taken", required="Enter what was taken")] = None
    value_pounds: Annotated[
        int | float | None, BeforeValidator(accept(_is_pounds, "Enter a value between £0 and £1,000,000"))
    ] = None


def _items(value: object) -> object:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise fail(f"List up to {MAX_ITEMS} things that were taken")
    return value


_WHAT_WAS_TAKEN = BeforeValidator(accept(lambda value: isinstance(value, dict), "Enter what was taken"))


class Suspect(FormModel):
    known: Annotated[bool, flag("whether you know who did it")] = False
    name: Annotated[str | None, text("Their name")] = None
    description: Annotated[str | None, text("The description of who did it")] = None


def _mobile(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None:
        mobile = typed_uk_mobile(value)
        if mobile is None:
            raise fail("Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982")
        return mobile
    if "email" in info.data and info.data["email"] is None:
        raise fail("Enter an email address or a mobile phone number so we can contact you", at="email")
    return None


_EMAIL = AfterValidator(
    accept(
        lambda value: value is None or is_email(value),
        "Enter an email address in the correct format, like name@example.com",
    )
)


def _date_of_birth(value: object, info: ValidationInfo) -> str | None:
    if value is None or value == "":
        return None
    try:
        born = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        born = None
    if born is None:
        raise fail("Date of birth must be a real date")
    if born >= form_context(info).now.date():
        raise fail("Date of birth must be in the past")
    if born.year < 1900:
        raise fail("Date of birth must be after 1900")
    return born.isoformat()


def _language(value: object) -> str:
    if value is None:
        return "en"
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise fail("Select the language you prefer")
    return value


class Reporter(FormModel):
    name: Annotated[str | None, text("Your name", required="Enter your full name")] = None
    email: Annotated[str | None, text("Your email address"), _EMAIL] = None
    mobile: Annotated[str | None, text("Your mobile number"), AfterValidator(_mobile)] = None
    date_of_birth: Annotated[str | None, BeforeValidator(_date_of_birth)] = None
    under_18: Annotated[bool, flag("whether you are under 18")] = False
    preferred_language: Annotated[str, BeforeValidator(_language)] = "en"
    needs: Annotated[str | None, text("Your needs")] = None
    wants_support: Annotated[bool, flag("whether you want support")] = False


def _safe_channels(value: object) -> list[str]:
    if value is None:
        return list(_CHANNELS)
    if not isinstance(value, list) or any(c not in _CHANNELS for c in value) or len(set(value)) != len(value):
        raise fail("Select email, text message, or both")
    return value


def _safe_hours(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    start = end = None
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        try:
            start, end = wall_clock_time(value["start"]), wall_clock_time(value["end"])
        except ValueError:
            start = end = None
    if start is None or end is None or start == end:
        raise fail("Enter safe times as a start and an end, like 09:00 and 17:00")
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


class SafeContactAnswers(FormModel):
    safe_channels: Annotated[list[str], BeforeValidator(_safe_channels)] = list(_CHANNELS)
    safe_hours: Annotated[dict[str, str] | None, BeforeValidator(_safe_hours)] = None
    may_name_police: Annotated[bool, flag("whether we may name the police", True)] = True
    may_name_crime: Annotated[bool, flag("whether we may name the crime", True)] = True


def _force(value: object, info: ValidationInfo) -> str:
    if not isinstance(value, str) or value not in form_context(info).forces:
        raise fail("Select the police force for the area where it happened")
    return value


_IDEMPOTENCY = BeforeValidator(
    accept(
        lambda value: isinstance(value, str) and bool(_IDEMPOTENCY_KEY.fullmatch(value)),
        "Start the report again: the form is missing its submission key",
    )
)
_WEBSITE = BeforeValidator(accept(lambda value: value is None or isinstance(value, str), "Leave this empty"))


def _category(value: object, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not value:
        raise fail("Select what happened")
    force_id = info.data.get("force_id")
    if force_id and value not in form_context(info).forces[force_id]:
        raise fail("Select what happened from the list: this kind of crime cannot be reported online")
    return value


def _when_asked(member: str) -> AfterValidator:
    """The member's question is asked only for some categories (``caseline.domain.report_questions``):
    elsewhere an answer is refused (empty is taken as not asked); where asked, it may be required."""
    question = next(q for q in QUESTIONS if member in q.members)

    def check(value: object, info: ValidationInfo) -> object:
        category = info.data.get("category")
        if not category:
            return value
        if not asked(question, category):
            if value not in (None, False, []):
                raise fail(NOT_ASKED_MESSAGE)
        elif question.required and question.required[0] == member and value is None:
            raise fail(question.required[1])
        return value

    return AfterValidator(check)


_CCTV_ANSWER = BeforeValidator(
    accept(lambda value: value is None or value in _CCTV, "Select whether there is any CCTV: yes, no or not sure")
)


class ReportForm(FormModel):
    """The body of ``POST /v1/reports`` (and ``/v1/me/reports``), member by member in the form's order."""

    force_id: Annotated[str, BeforeValidator(_force)] = ""
    idempotency_key: Annotated[str, _IDEMPOTENCY] = ""
    website: Annotated[str | None, _WEBSITE] = None
    fraud: Annotated[bool, flag("whether it was fraud")] = False
    category: Annotated[str, BeforeValidator(_category)] = ""
    what_happened: Annotated[str | None, text("What happened", required="Enter what happened")] = None
    occurred: Annotated[
        Occurred | None,
        json_object(
            "when it happened", when_missing=("occurred.from", "Enter when it happened"), also_not_an_object=False
        ),
    ] = None
    location: Annotated[
        Location | None,
        json_object(
            "where it happened", when_missing=("location.description", "Enter where it happened or its postcode")
        ),
    ] = None
    items: Annotated[list[Annotated[Item, _WHAT_WAS_TAKEN]], BeforeValidator(_items), _when_asked("items")] = []
    damage: Annotated[str | None, text("What was damaged"), _when_asked("damage")] = None
    injured: Annotated[bool, flag("whether anyone was injured"), _when_asked("injured")] = False
    injury_details: Annotated[str | None, text("The injury details"), _when_asked("injury_details")] = None
    suspect: Annotated[Suspect | None, json_object("who did it")] = None
    witnesses: Annotated[str | None, text("Witnesses")] = None
    vehicle: Annotated[str | None, text("Vehicle details"), _when_asked("vehicle")] = None
    cctv: Annotated[str | None, _CCTV_ANSWER] = None
    reporter: Annotated[
        Reporter | None, json_object("your details", when_missing=("reporter.name", "Enter your full name"))
    ] = None
    safe_contact: Annotated[SafeContactAnswers | None, json_object("how it is safe to contact you", empty=True)] = None


def validate_report(payload: object, *, forces: Mapping[str, frozenset[str]], now: datetime) -> ReportRequest:
    """Check every field of a report body. ``forces`` maps each force to the categories it takes online.

    Raises ``ReportElsewhereError`` for fraud and ``ReportInvalidError`` listing every field at fault.
    """
    if not isinstance(payload, dict):
        raise ReportInvalidError([FieldError("body", "The report must be a JSON object")])
    if payload.get("fraud") is True and payload.get("category") in (None, "other-crime"):
        raise ReportElsewhereError()
    try:
        form = ReportForm.model_validate(payload, context=FormContext(forces=forces, now=now))
    except ValidationError as error:
        raise ReportInvalidError(
            [FieldError(f, m) for f, m in field_errors(error, list(ReportForm.model_fields))]
        ) from None
    website = form.website
    details = form.model_dump(by_alias=True, exclude=set(_ROUTING))
    for question in not_asked(form.category):  # the force is told "not asked", not "no"
        details.update(dict.fromkeys(question.members))
    return ReportRequest(
        force_id=form.force_id,
        idempotency_key=form.idempotency_key,
        honeypot_filled=bool(website and website.strip()),
        category=form.category,
        details=details,
    )
