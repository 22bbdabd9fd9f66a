"""Reporting a crime online: the request, its validation with GOV.UK-style messages, the reference.

Pure: no pydantic here (the reports function validates by hand so each field gets the message the
portal shows next to it, and the victim API never imports this at cold start). The published schema of
``report.submitted`` is ``caseline.domain.events.ReportSubmittedData``; a test keeps the two agreeing.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from caseline.domain.contact import is_email, normalised_address, typed_uk_mobile
from caseline.domain.errors import ValidationFailedError
from caseline.domain.records import OutboxMessage, OutboxStatus, VictimContact
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel

MAX_BODY_BYTES = 16 * 1024
MAX_TEXT = 2000
MAX_ITEMS = 20
MAX_VALUE_POUNDS = 1_000_000
REPORT_FRAUD_URL = "https://www.reportfraud.police.uk/"
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
REFERENCE_PATTERN = re.compile(r"^[A-Z]{2,4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
# Members of the body that are personal: sealed (encrypted) at rest, opened only to deliver to the force.
PERSONAL_FIELDS = (
    "what_happened",
    "location",
    "items",
    "damage",
    "injury_details",
    "suspect",
    "witnesses",
    "vehicle",
    "reporter",
    "safe_contact",
)
_TOP_LEVEL = frozenset(
    {
        "force_id",
        "idempotency_key",
        "website",
        "category",
        "fraud",
        "what_happened",
        "occurred",
        "location",
        "items",
        "damage",
        "injured",
        "injury_details",
        "suspect",
        "witnesses",
        "vehicle",
        "cctv",
        "reporter",
        "safe_contact",
    }
)
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$")
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9-]{16,64}$")
# The reporter as the "victim" of a report's own outbox messages: not a valid force victim id (CaseId
# allows no "~"), so a report's message is never mistaken for a case's. Its key is
# report#report-received#{channel}#~reporter, on the report's partition (the case id is the reference).
REPORTER_VICTIM_ID = "~reporter"
REPORT_RECEIVED_TEMPLATE = "report-received"
_CCTV = ("yes", "no", "not-sure")
_CHANNELS = ("email", "sms")


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    RECEIVED = "received"  # the force's system has it
    RECORDED = "recorded"  # recorded as a crime: it has a crime reference and a case
    NOT_RECORDED = "not-recorded"  # with the reason and where to go instead


FINAL_STATUSES = frozenset({ReportStatus.RECORDED, ReportStatus.NOT_RECORDED})


@dataclass(frozen=True)
class ForceReporting:
    """A force's online reporting settings (``content/forces.json``): its reference prefix and the
    police.uk categories it takes online."""

    prefix: str
    online_categories: frozenset[str]


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ReportInvalidError(ValidationFailedError):
    """One GOV.UK-style message per field at fault (422 ``validation`` with ``errors``)."""

    title = "There is a problem with the report"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("Check the fields listed in errors", field=errors[0].field if errors else None)
        self.errors = errors


class ReportElsewhereError(ValidationFailedError):
    """Fraud and cyber crime go to Report Fraud, not to the force (422 ``report-elsewhere``)."""

    title = "Report fraud and cyber crime to Report Fraud"

    def __init__(self) -> None:
        super().__init__(
            f"Report fraud and cyber crime to Report Fraud (formerly Action Fraud) at {REPORT_FRAUD_URL}",
            field="category",
        )


@dataclass(frozen=True)
class ReportRequest:
    """A validated report. ``details`` is the normalised body without the routing members."""

    force_id: str
    idempotency_key: str
    honeypot_filled: bool
    category: str
    details: dict[str, Any]

    def personal(self) -> dict[str, Any]:
        return {name: self.details.get(name) for name in PERSONAL_FIELDS}

    def not_personal(self) -> dict[str, Any]:
        return {name: value for name, value in self.details.items() if name not in PERSONAL_FIELDS}


@dataclass(frozen=True)
class ReportRecord:
    """A stored report as the reporter and the force see its progress (personal fields stay sealed)."""

    force_id: str
    reference: str
    category: str
    submitted_at: datetime
    status: ReportStatus = ReportStatus.SUBMITTED
    user_id: str | None = None
    sequence: int = 0
    crime_reference: str | None = None
    case_id: str | None = None
    victim_id: str | None = None
    reason: str | None = None
    where_to_go: str | None = None
    linked: bool = False


def new_reference(prefix: str, random_bytes: bytes | None = None) -> str:
    """``TV-7K3M-Q9PX``: the force's prefix and 40 random bits in Crockford base32 (unguessable)."""
    value = int.from_bytes(random_bytes if random_bytes is not None else secrets.token_bytes(5), "big")
    characters = "".join(REFERENCE_ALPHABET[(value >> (5 * i)) & 31] for i in range(7, -1, -1))
    return f"{prefix}-{characters[:4]}-{characters[4:]}"


@dataclass
class _Checker:
    now: datetime
    errors: list[FieldError] = field(default_factory=list)

    def errors_fields(self) -> set[str]:
        return {e.field for e in self.errors}

    def fail(self, name: str, message: str) -> None:
        if all(e.field != name for e in self.errors):
            self.errors.append(FieldError(name, message))

    def text(self, body: Mapping[str, Any], name: str, label: str, *, required: str | None = None) -> str | None:
        """A trimmed string up to 2,000 characters; ``required`` is the message when it is empty."""
        path = name
        value = body.get(name.rsplit(".", 1)[-1])
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, required)
            return None
        if not isinstance(value, str):
            self.fail(path, f"{label} must be text")
            return None
        value = value.strip()
        if len(value) > MAX_TEXT:
            self.fail(path, f"{label} must be 2,000 characters or fewer")
            return None
        return value

    def flag(self, body: Mapping[str, Any], name: str, label: str, default: bool | None = False) -> bool | None:
        value = body.get(name.rsplit(".", 1)[-1], default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(name, f"Select yes or no for {label}")
            return default
        return value

    def obj(self, body: Mapping[str, Any], name: str, members: Iterable[str], label: str) -> Mapping[str, Any] | None:
        value = body.get(name.rsplit(".", 1)[-1])
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, f"Enter {label}")
            return None
        unknown = sorted(set(value) - set(members))
        if unknown:
            self.fail(f"{name}.{unknown[0]}", "This question is not part of the form")
        return value

    def moment(self, body: Mapping[str, Any], name: str, label: str, *, required: bool) -> datetime | None:
        value = body.get(name.rsplit(".", 1)[-1])
        if value is None or value == "":
            if required:
                self.fail(name, f"Enter {label}")
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(name, f"{label[0].upper()}{label[1:]} must be a real date and time")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed > self.now:
            self.fail(name, f"{label[0].upper()}{label[1:]} must be in the past")
            return None
        return parsed.astimezone(UTC)


def validate_report(payload: object, *, forces: Mapping[str, frozenset[str]], now: datetime) -> ReportRequest:
    """Check every field of a report body. ``forces`` maps each force to the categories it takes online.

    Raises ``ReportElsewhereError`` for fraud and ``ReportInvalidError`` listing every field at fault.
    """
    if not isinstance(payload, dict):
        raise ReportInvalidError([FieldError("body", "The report must be a JSON object")])
    check = _Checker(now=now)
    unknown = sorted(set(payload) - _TOP_LEVEL)
    if unknown:
        check.fail(unknown[0], "This question is not part of the form")
    force_id = payload.get("force_id")
    if not isinstance(force_id, str) or force_id not in forces:
        check.fail("force_id", "Select the police force for the area where it happened")
        force_id = ""
    key = payload.get("idempotency_key")
    if not isinstance(key, str) or not _IDEMPOTENCY_KEY.match(key):
        check.fail("idempotency_key", "Start the report again: the form is missing its submission key")
        key = ""
    website = payload.get("website")
    if website is not None and not isinstance(website, str):
        check.fail("website", "Leave this empty")
    fraud = check.flag(payload, "fraud", "whether it was fraud")
    category = payload.get("category")
    if fraud and category in (None, "other-crime"):
        raise ReportElsewhereError()
    if not isinstance(category, str) or not category:
        check.fail("category", "Select what happened")
        category = ""
    elif force_id and category not in forces[force_id]:
        check.fail("category", "Select what happened from the list: this kind of crime cannot be reported online")
    details: dict[str, Any] = {"category": category}
    details["what_happened"] = check.text(payload, "what_happened", "What happened", required="Enter what happened")
    details["occurred"] = _occurred(check, payload)
    details["location"] = _location(check, payload)
    details["items"] = _items(check, payload)
    details["damage"] = check.text(payload, "damage", "What was damaged")
    details["injured"] = check.flag(payload, "injured", "whether anyone was injured")
    details["injury_details"] = check.text(payload, "injury_details", "The injury details")
    details["suspect"] = _suspect(check, payload)
    details["witnesses"] = check.text(payload, "witnesses", "Witnesses")
    details["vehicle"] = check.text(payload, "vehicle", "Vehicle details")
    cctv = payload.get("cctv")
    if cctv is not None and cctv not in _CCTV:
        check.fail("cctv", "Select whether there is any CCTV: yes, no or not sure")
    details["cctv"] = cctv if cctv in _CCTV else None
    details["reporter"] = _reporter(check, payload)
    details["safe_contact"] = _safe_contact(check, payload, details["reporter"])
    if check.errors:
        raise ReportInvalidError(check.errors)
    return ReportRequest(
        force_id=force_id,
        idempotency_key=key,
        honeypot_filled=bool(isinstance(website, str) and website.strip()),
        category=category,
        details=details,
    )


def _occurred(check: _Checker, body: Mapping[str, Any]) -> dict[str, str] | None:
    occurred = check.obj(body, "occurred", ("from", "to"), "when it happened")
    if occurred is None:
        if not any(f.startswith("occurred") for f in check.errors_fields()):
            check.fail("occurred.from", "Enter when it happened")
        return None
    start = check.moment(occurred, "occurred.from", "when it started", required=True)
    end = check.moment(occurred, "occurred.to", "when it ended", required=False)
    if start and end and end < start:
        check.fail("occurred.to", "When it ended must be the same as or after when it started")
    if start is None:
        return None
    return {"from": _iso(start), "to": _iso(end) if end else None}  # type: ignore[dict-item]


def _location(check: _Checker, body: Mapping[str, Any]) -> dict[str, str | None] | None:
    location = check.obj(body, "location", ("description", "postcode"), "where it happened")
    if location is None:
        check.fail("location.description", "Enter where it happened or its postcode")
        return None
    description = check.text(location, "location.description", "Where it happened")
    postcode = check.text(location, "location.postcode", "The postcode")
    if postcode is not None:
        postcode = re.sub(r"\s+", " ", postcode.upper())
        if not _POSTCODE.match(postcode):
            check.fail("location.postcode", "Enter a real postcode, like RG1 1AA")
            postcode = None
        elif " " not in postcode:
            postcode = f"{postcode[:-3]} {postcode[-3:]}"
    if description is None and postcode is None and "location.postcode" not in check.errors_fields():
        check.fail("location.description", "Enter where it happened or its postcode")
    return {"description": description, "postcode": postcode}


def _items(check: _Checker, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items")
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        check.fail("items", f"List up to {MAX_ITEMS} things that were taken")
        return []
    cleaned = []
    for index, item in enumerate(items):
        name = f"items.{index}"
        entry = check.obj({"item": item}, "item", ("description", "value_pounds"), "what was taken")
        if entry is None:
            check.fail(name, "Enter what was taken")
            continue
        description = check.text(entry, f"{name}.description", "What was taken", required="Enter what was taken")
        value = entry.get("value_pounds")
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_VALUE_POUNDS
        ):
            check.fail(f"{name}.value_pounds", "Enter a value between £0 and £1,000,000")
            value = None
        cleaned.append({"description": description, "value_pounds": value})
    return cleaned


def _suspect(check: _Checker, body: Mapping[str, Any]) -> dict[str, Any] | None:
    suspect = check.obj(body, "suspect", ("known", "name", "description"), "who did it")
    if suspect is None:
        return None
    return {
        "known": check.flag(suspect, "suspect.known", "whether you know who did it"),
        "name": check.text(suspect, "suspect.name", "Their name"),
        "description": check.text(suspect, "suspect.description", "The description of who did it"),
    }


_REPORTER_MEMBERS = (
    "name",
    "email",
    "mobile",
    "date_of_birth",
    "under_18",
    "preferred_language",
    "needs",
    "wants_support",
)


def _reporter(check: _Checker, body: Mapping[str, Any]) -> dict[str, Any] | None:
    reporter = check.obj(body, "reporter", _REPORTER_MEMBERS, "your details")
    if reporter is None:
        check.fail("reporter.name", "Enter your full name")
        return None
    name = check.text(reporter, "reporter.name", "Your name", required="Enter your full name")
    email = check.text(reporter, "reporter.email", "Your email address")
    if email is not None and not is_email(email):
        check.fail("reporter.email", "Enter an email address in the correct format, like name@example.com")
        email = None
    mobile = check.text(reporter, "reporter.mobile", "Your mobile number")
    if mobile is not None:
        mobile = typed_uk_mobile(mobile)
        if mobile is None:
            check.fail("reporter.mobile", "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982")
    if email is None and mobile is None and not {"reporter.email", "reporter.mobile"} & check.errors_fields():
        check.fail("reporter.email", "Enter an email address or a mobile phone number so we can contact you")
    born = _date_of_birth(check, reporter)
    language = reporter.get("preferred_language", "en")
    if language is None:
        language = "en"
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        check.fail("reporter.preferred_language", "Select the language you prefer")
        language = "en"
    return {
        "name": name,
        "email": email,
        "mobile": mobile,
        "date_of_birth": born.isoformat() if born else None,
        "under_18": check.flag(reporter, "reporter.under_18", "whether you are under 18"),
        "preferred_language": language,
        "needs": check.text(reporter, "reporter.needs", "Your needs"),
        "wants_support": check.flag(reporter, "reporter.wants_support", "whether you want support"),
    }


def _date_of_birth(check: _Checker, reporter: Mapping[str, Any]) -> date | None:
    value = reporter.get("date_of_birth")
    if value is None or value == "":
        return None
    try:
        born = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        born = None
    if born is None:
        check.fail("reporter.date_of_birth", "Date of birth must be a real date")
    elif born >= check.now.date():
        check.fail("reporter.date_of_birth", "Date of birth must be in the past")
        born = None
    elif born.year < 1900:
        check.fail("reporter.date_of_birth", "Date of birth must be after 1900")
        born = None
    return born


def _safe_contact(check: _Checker, body: Mapping[str, Any], reporter: Mapping[str, Any] | None) -> dict[str, Any]:
    members = ("safe_channels", "safe_hours", "may_name_police", "may_name_crime")
    profile = check.obj(body, "safe_contact", members, "how it is safe to contact you") or {}
    channels = profile.get("safe_channels", list(_CHANNELS))
    if channels is None:
        channels = list(_CHANNELS)
    if (
        not isinstance(channels, list)
        or any(c not in _CHANNELS for c in channels)
        or len(set(channels)) != len(channels)
    ):
        check.fail("safe_contact.safe_channels", "Select email, text message, or both")
        channels = []
    hours = profile.get("safe_hours")
    safe_hours = None
    if hours is not None:
        start = end = None
        if isinstance(hours, dict) and set(hours) == {"start", "end"}:
            try:
                start, end = time.fromisoformat(str(hours["start"])), time.fromisoformat(str(hours["end"]))
            except ValueError:
                start = end = None
        if start is None or end is None or start == end:
            check.fail("safe_contact.safe_hours", "Enter safe times as a start and an end, like 09:00 and 17:00")
        else:
            safe_hours = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    return {
        "safe_channels": channels,
        "safe_hours": safe_hours,
        "may_name_police": check.flag(profile, "safe_contact.may_name_police", "whether we may name the police", True),
        "may_name_crime": check.flag(profile, "safe_contact.may_name_crime", "whether we may name the crime", True),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def submitted_data(record: ReportRecord, details: Mapping[str, Any], *, account_linked: bool) -> dict[str, Any]:
    """The data of ``org.caseline.report.submitted.v1``: the whole report, never the account id."""
    return {
        "report_reference": record.reference,
        "submitted_at": _iso(record.submitted_at),
        "account_linked": account_linked,
        **{name: details.get(name) for name in sorted(set(details) | set(PERSONAL_FIELDS))},
    }


def is_reporter_message(key: str) -> bool:
    """Is this outbox key a report's message to its reporter (see ``REPORTER_VICTIM_ID``)?"""
    return key.split("#")[3:4] == [REPORTER_VICTIM_ID]


def reporter_messages(record: ReportRecord, personal: Mapping[str, Any], *, force_name: str) -> list[OutboxMessage]:
    """The reference by a safe channel: ``report-received`` on each channel the reporter gave an address
    for and said is safe. Statutory-like (no opt-out, no quiet hours) but dispatch still applies the
    report's safe hours and naming choices. The personalisation holds nothing personal (no name)."""
    channels = message_destinations(personal)
    return [
        OutboxMessage(
            force_id=record.force_id,
            case_id=record.reference,
            key=f"report#{REPORT_RECEIVED_TEMPLATE}#{channel.value}#{REPORTER_VICTIM_ID}",
            victim_id=REPORTER_VICTIM_ID,
            channel=channel.value,
            template_id=REPORT_RECEIVED_TEMPLATE,
            personalisation={"force_name": force_name, "report_reference": record.reference},
            status=OutboxStatus.PENDING,
            created_at=record.submitted_at,
            statutory=True,
        )
        for channel in (Channel.EMAIL, Channel.SMS)
        if channel.value in channels
    ]


def client_network(source_ip: str | None) -> str | None:
    """What the per-address limit counts: an IPv4 address itself, an IPv6 address's /64 (one subscriber is
    usually given a whole /64, so counting each address would give endless keys). An IPv4-mapped IPv6
    address counts as its IPv4 address. None: no address, or not an address (nothing to count)."""
    try:
        address = ipaddress.ip_address((source_ip or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def message_destinations(personal: Mapping[str, Any]) -> dict[str, str]:
    """Where the reference goes on each channel the reporter gave an address for and said is safe, as the
    per-destination cap counts it: the email address in lower case, the mobile as validated (``+447`` and
    9 digits)."""
    reporter = personal.get("reporter") or {}
    profile = SafeContactProfile.from_dict(personal.get("safe_contact") or {})
    found = {Channel.EMAIL: reporter.get("email"), Channel.SMS: reporter.get("mobile")}
    return {
        channel.value: normalised_address(channel.value, str(address))
        for channel, address in found.items()
        if address and channel in profile.safe_channels
    }


def reporter_contact(force_id: str, reference: str, personal: Mapping[str, Any]) -> VictimContact | None:
    """The reporter as dispatch's recipient, from the report's opened personal fields."""
    reporter = personal.get("reporter")
    if not reporter:
        return None
    return VictimContact(
        force_id=force_id,
        case_id=reference,
        victim_id=REPORTER_VICTIM_ID,
        name=str(reporter.get("name") or ""),
        email=reporter.get("email"),
        mobile=reporter.get("mobile"),
        language=str(reporter.get("preferred_language") or "en"),
        tier="standard",
        under_18=bool(reporter.get("under_18")),
        safe_contact=SafeContactProfile.from_dict(personal.get("safe_contact") or {}),
    )
