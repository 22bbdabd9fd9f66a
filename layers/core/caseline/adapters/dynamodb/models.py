"""PynamoDB models for the single Caseline table.

Keys: ``pk`` / ``sk``, a sparse ``gsi1`` (``gsi1pk`` / ``gsi1sk``), TTL on ``expires_at``. The layout, one row
an item, is the table "Single-table key layout" in docs/architecture.md.

Every key starts with the force where the item belongs to a force: tenant isolation is in the key.
Every item model is here (``delivery.py`` and ``reports.py`` describe their items' use). Attributes the
same on many items come from the small mixins below (``OnCase``, ``ForVictim``, ``Expiring``).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from caseline.config import get_settings

_settings = get_settings()


def case_pk(force_id: str, case_id: str) -> str:
    return f"CASE#{force_id}#{case_id}"


def crime_reference_pk(reference: str) -> str:
    """References are matched ignoring case, spaces and separators people type differently."""
    return "REF#" + "".join(ch for ch in reference.upper() if ch.isalnum())


class Gsi1(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class OnCase:
    """An item of one case (on its partition, or pointing at it)."""

    case_id = UnicodeAttribute()


class ForVictim(OnCase):
    """An item about one victim of the case."""

    victim_id = UnicodeAttribute()


class ForAccount(ForVictim):
    """An item about the account linked to the case as one victim."""

    user_id = UnicodeAttribute()


class InJourney(ForVictim):
    """An item of one victim's journey run, at the journey version the run keeps."""

    journey_id = UnicodeAttribute()
    version = NumberAttribute()


class Expiring:
    """Removed by the table's TTL once ``expires_at`` has passed."""

    expires_at = TTLAttribute()


class CaselineItem(Model):
    class Meta:
        table_name = _settings.table_name
        region = _settings.region
        host = _settings.endpoint_url

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = DiscriminatorAttribute()
    force_id = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()


class CaseItem(OnCase, CaselineItem, discriminator="case"):
    """Crime fields are null while only events that came before ``crime.recorded`` are stored."""

    crime_reference = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    flags = JSONAttribute()
    stage = UnicodeAttribute()
    sequence = NumberAttribute()
    revision = NumberAttribute()
    officer = JSONAttribute(null=True)
    officer_absence = JSONAttribute(null=True)
    recorded_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class VictimItem(ForVictim, CaselineItem, discriminator="victim"):
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    mobile = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    tier = UnicodeAttribute()
    under_18 = BooleanAttribute()
    safe_contact = JSONAttribute()
    sequence = NumberAttribute(default=0)


class EventItem(OnCase, CaselineItem, discriminator="event"):
    sequence = NumberAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    received_at = UTCDateTimeAttribute()
    applied = BooleanAttribute()
    data = JSONAttribute()


class ReceiptItem(Expiring, CaselineItem, discriminator="receipt"):
    webhook_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()


class OutboxItem(ForVictim, CaselineItem, discriminator="outbox"):
    key = UnicodeAttribute()
    channel = UnicodeAttribute()
    template_id = UnicodeAttribute()
    personalisation = JSONAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    duty_id = UnicodeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    send_after = UTCDateTimeAttribute(null=True)
    statutory = BooleanAttribute(null=True)  # absent on items written before it existed: statutory
    sent_at = UTCDateTimeAttribute(null=True)
    rendered_template = UnicodeAttribute(null=True)  # the content-free variant, when one was used
    segments = NumberAttribute(null=True)  # an SMS's parts, as billed (counted into the force's figures)
    reason = UnicodeAttribute(null=True)  # why it was blocked, failed or skipped
    attempts = NumberAttribute(null=True)  # provider failures so far (retried with backoff)
    sealed_code = UnicodeAttribute(null=True)  # the access code, KMS-sealed for this message, until it is handled
    safe_contact = JSONAttribute(null=True)  # the profile a safety notice obeys (the one before a change)
    delivery = UnicodeAttribute(null=True)  # the provider's worst news so far (set by delivery events only)
    delivery_at = UTCDateTimeAttribute(null=True)


class OutboundItem(OnCase, CaselineItem, discriminator="outbound"):
    outbound_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    data = JSONAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    delivered_at = UTCDateTimeAttribute(null=True)


class DutyItem(OnCase, CaselineItem, discriminator="duty"):
    duty_id = UnicodeAttribute()
    right = UnicodeAttribute()
    due_on = UnicodeAttribute()
    status = UnicodeAttribute()
    victim_id = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    started_on = UnicodeAttribute(null=True)
    working_days = JSONAttribute(null=True)
    met_at = UTCDateTimeAttribute(null=True)
    met_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)


class JourneyRunItem(InJourney, CaselineItem, discriminator="run"):
    """A victim entered a journey (its version is the one the run keeps); exists once per run key."""

    started_at = UTCDateTimeAttribute()


class TimerItem(InJourney, CaselineItem, discriminator="timer"):
    """A waiting run or a "no news yet" cadence; the sweep finds due ones through gsi1."""

    timer_id = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    step = UnicodeAttribute()
    run_key = UnicodeAttribute()
    event_sequence = NumberAttribute()


class AlertItem(ForVictim, CaselineItem, discriminator="alert"):
    """A must-acknowledge safety alert (``ALERT#{alert}``): raised by a journey run, confirmed by the victim."""

    alert_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    event_sequence = NumberAttribute()
    raised_at = UTCDateTimeAttribute()
    channels = JSONAttribute(null=True)
    acknowledged_at = UTCDateTimeAttribute(null=True)
    acknowledged_by = UnicodeAttribute(null=True)


class TaskItem(OnCase, CaselineItem, discriminator="task"):
    task_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    detail = JSONAttribute()


class AccessCodeItem(ForVictim, Expiring, CaselineItem, discriminator="access-code"):
    code_hash = UnicodeAttribute()


class CrimeReferenceItem(OnCase, CaselineItem, discriminator="crime-reference"):
    """Finds a case from the crime reference a victim types in (several forces may share a number)."""

    crime_reference = UnicodeAttribute(null=True)


class CaseMemberItem(ForAccount, CaselineItem, discriminator="member"):
    """The reverse of a link, on the case's partition: who may see this case (one read checks it)."""

    linked_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)
    last_signed_in_at = UTCDateTimeAttribute(null=True)  # set by the sign-in trigger


class CaseDelegateItem(ForVictim, CaselineItem, discriminator="delegate"):
    """A person following the case for the victim from their own account (domain/delegation.py)."""

    delegation_id = UnicodeAttribute()
    name = UnicodeAttribute()
    relationship = UnicodeAttribute()
    scope = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    invitation_expires_at = UTCDateTimeAttribute()
    code_hash = UnicodeAttribute(null=True)  # while the invitation is open
    user_id = UnicodeAttribute(null=True)
    accepted_at = UTCDateTimeAttribute(null=True)
    invited_by = UnicodeAttribute(null=True)  # the inviting account (victim's invitations, since it was kept)


class DelegateCodeItem(OnCase, Expiring, CaselineItem, discriminator="delegate-code"):
    """Finds an open invitation from its code; removed when it is accepted or withdrawn, or by TTL."""

    delegation_id = UnicodeAttribute()


class AllowanceItem(OnCase, CaselineItem, discriminator="allowance"):
    """The version of one limited scope of the case (domain/allowances.py): ``ALLOWANCE#MESSAGES#{user}``,
    ``ALLOWANCE#DELEGATES#{victim}``. Incremented by each write the limit counts, in that write's
    transaction, on condition it is still the version read. Its sort key sorts before the items it
    guards (``DELEGATE#``, ``MESSAGE#``), so the Query of the case reads it first: a write that commits
    during the Query either shows in what was counted or changed the version."""

    version = NumberAttribute()
    expires_at = TTLAttribute(null=True)  # an account's messages: 2 days after its last one; else none


class PreferencesItem(ForVictim, CaselineItem, discriminator="preferences"):
    """A victim's own contact choices for one case (combined with the force's profile when sending)."""

    preferences = JSONAttribute()
    updated_at = UTCDateTimeAttribute()


class MessageItem(OnCase, CaselineItem, discriminator="message"):
    """A message a victim sent about their case. Stored as text, always rendered escaped."""

    message_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    text = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()


class AuditItem(OnCase, CaselineItem, discriminator="audit"):
    """Consultation log (Data Protection Act 2018 s.62): who read which case's data, when and why."""

    user_id = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    staff_email = UnicodeAttribute(null=True)  # a force staff member's sign-in address (call handlers)
    victim_id = UnicodeAttribute(null=True)  # whose case view it was (a victim's own view: her visits' figures)


class AttemptsItem(Expiring, CaselineItem, discriminator="attempts"):
    """Failed link attempts in one fixed window for a crime reference or an account (conditional ADD)."""

    attempts = NumberAttribute(default=0)


class CaseLinkItem(OnCase, CaselineItem, discriminator="link"):
    user_id = UnicodeAttribute()
    role = UnicodeAttribute(null=True)  # "delegate" for a delegate's link; null for the victim's own
    crime_reference = UnicodeAttribute()
    category = UnicodeAttribute()
    stage = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    unread = NumberAttribute(default=0)


class SessionEndItem(Expiring, CaselineItem, discriminator="session-end"):
    """The account's sessions that began before ``valid_after`` are over (sign out everywhere, quick exit,
    account closure). On the account's partition and on each case it had linked, so the read each route
    already makes carries it. Kept until no token from an ended session can still be presented."""

    user_id = UnicodeAttribute()
    valid_after = UTCDateTimeAttribute()


class SurveyItem(ForAccount, CaselineItem, discriminator="survey"):
    """A victim's answers to the closing survey: one per victim per case, written with its outbound event."""

    satisfaction = NumberAttribute()
    kept_informed = NumberAttribute()
    easy_to_use = NumberAttribute()
    comments = UnicodeAttribute(null=True)
    answered_at = UTCDateTimeAttribute()


class SignInItem(ForAccount, Expiring, CaselineItem, discriminator="sign-in"):
    """A linked account signed in on this UK day (written once; the journeys stream sends the notice)."""

    signed_in_at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- delivery (see delivery.py)


class ProviderPointerItem(ForVictim, Expiring, CaselineItem, discriminator="provider-pointer"):
    """From the provider's message id back to the outbox message it sent (for delivery events)."""

    key = UnicodeAttribute()
    channel = UnicodeAttribute()
    statutory = BooleanAttribute()


class SuppressionItem(CaselineItem, discriminator="suppression"):
    """An address no message may go to (a bounce or a complaint); the first reason stays."""

    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- online reports (see reports.py)


class ReportItem(CaselineItem, discriminator="report"):
    reference = UnicodeAttribute()
    category = UnicodeAttribute()
    submitted_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)  # when the force's newest answer arrived (received, recorded...)
    user_id = UnicodeAttribute(null=True)
    sequence = NumberAttribute(default=0)
    crime_reference = UnicodeAttribute(null=True)
    case_id = UnicodeAttribute(null=True)
    victim_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    where_to_go = UnicodeAttribute(null=True)
    linked = BooleanAttribute(default=False)
    details = JSONAttribute()  # the members that are not personal (category, when, CCTV ...)
    sealed = JSONAttribute()  # the personal members, KMS-encrypted with context {force, report}


class ReportKeyItem(Expiring, CaselineItem, discriminator="report-key"):
    """An idempotency key: the same form submitted again gets the same reference."""

    reference = UnicodeAttribute()


class ReportRateItem(Expiring, CaselineItem, discriminator="report-rate"):
    submissions = NumberAttribute(default=0)


class ReportCaseItem(OnCase, CaselineItem, discriminator="report-case"):
    """A recorded report whose case is not recorded yet: crime.recorded links the reporter."""

    reference = UnicodeAttribute()
