"""Reporting a crime online: a validated request and its errors, the stored report, its reference, its
personal fields and the messages to the reporter. The form's models are in ``caseline.domain.report_form``.

Pure, no pydantic: the victim API, journeys, dispatch and the outbound function read reports without
loading the form's models at cold start.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from caseline.domain.contact import normalised_address
from caseline.domain.errors import ValidationFailedError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import OutboxMessage, VictimContact, statutory_messages
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel

MAX_BODY_BYTES = 16 * 1024
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
# The reporter as the "victim" of a report's own outbox messages: not a valid force victim id (CaseId
# allows no "~"), so a report's message is never mistaken for a case's. Its key is
# report#report-received#{channel}#~reporter, on the report's partition (the case id is the reference).
REPORTER_VICTIM_ID = "~reporter"
REPORT_RECEIVED_TEMPLATE = "report-received"
REPORT_FRAUD_URL = "https://www.reportfraud.police.uk/"


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


@dataclass(frozen=True)
class NewReport:
    """A submitted report and what goes with it, stored all or none."""

    record: ReportRecord
    idempotency_key: str  # the reporter's device's, so a resubmission finds the first reference
    details: dict[str, Any]  # what is not personal, stored in the clear
    personal: dict[str, Any]  # sealed before it is stored
    outbound: OutboundEvent  # tells the force a report is waiting
    messages: Sequence[OutboxMessage] = ()  # the reporter's ``report-received`` messages


def new_reference(prefix: str, random_bytes: bytes | None = None) -> str:
    """``TV-7K3M-Q9PX``: the force's prefix and 40 random bits in Crockford base32 (unguessable)."""
    value = int.from_bytes(random_bytes if random_bytes is not None else secrets.token_bytes(5), "big")
    characters = "".join(REFERENCE_ALPHABET[(value >> (5 * i)) & 31] for i in range(7, -1, -1))
    return f"{prefix}-{characters[:4]}-{characters[4:]}"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def submitted_data(record: ReportRecord, details: Mapping[str, Any], *, account_linked: bool) -> dict[str, Any]:
    """The data of ``org.caseline.report.submitted.v1``: the whole report, never the account id."""
    return {
        "report_reference": record.reference,
        "submitted_at": iso_utc(record.submitted_at),
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
    given = message_destinations(personal)
    channels = [channel for channel in (Channel.EMAIL, Channel.SMS) if channel.value in given]
    values = {"force_name": force_name, "report_reference": record.reference}
    on = (record.force_id, record.reference)  # the report's partition: the case id is the reference
    return statutory_messages(
        on, REPORTER_VICTIM_ID, "report", REPORT_RECEIVED_TEMPLATE, channels, values, record.submitted_at
    )


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
