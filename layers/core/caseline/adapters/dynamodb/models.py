"""PynamoDB models for the single Caseline table.

Key layout (``pk`` / ``sk``; sparse ``gsi1pk`` / ``gsi1sk``; TTL on ``expires_at``):

=============  ==============================  ===============================  ===============================
item           pk                              sk                               gsi1pk / gsi1sk
=============  ==============================  ===============================  ===============================
case           CASE#{force}#{case}             CASE                             -
victim         CASE#{force}#{case}             VICTIM#{victim}                  -
event          CASE#{force}#{case}             EVENT#{sequence:012d}#{id}       -
outbox         CASE#{force}#{case}             OUTBOX#{key}                     DEFERRED#{force} / {after}#... (held)
outbound       CASE#{force}#{case}             OUTBOUND#{outbound id}           -
duty           CASE#{force}#{case}             DUTY#{duty}                      DUTY#{force} / {due}#{case} (open)
                                                                                DUTYDONE#{force} / {due}#{case} (closed)
run            CASE#{force}#{case}             RUN#{journey}#{run}#{victim}     -
timer          CASE#{force}#{case}             TIMER#{timer}                    TIMER#{force} / {due at}#{case}#{timer}
task           CASE#{force}#{case}             TASK#{task}                      TASK#{force} / {created}#{case}
access code    CASE#{force}#{case}             ACCESS#{victim}                  -
link           USER#{user}                     CASE#{force}#{case}              -
receipt        WEBHOOK#{force}#{webhook id}    RECEIPT                          -
crime ref      REF#{normalised reference}      CASE#{force}#{case}              -
member         CASE#{force}#{case}             MEMBER#{user}                    -
preferences    CASE#{force}#{case}             PREFS#{victim}                   -
message        CASE#{force}#{case}             MESSAGE#{sent at}#{id}           -
audit          AUDIT#{force}#{case}            {at}#{user}#{action}             -
attempts       ATTEMPTS#REF#{ref} or #USER#{u} {window start}                   -
sign-in        CASE#{force}#{case}             SIGNIN#{uk date}#{user}          -
survey         CASE#{force}#{case}             SURVEY#{victim}                  -
session end    USER#{user}                     SESSION                          -
               CASE#{force}#{case}             SESSION#{user}                   -
=============  ==============================  ===============================  ===============================

Every key starts with the force where the item belongs to a force: tenant isolation is in the key.
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


class CaseItem(CaselineItem, discriminator="case"):
    """Crime fields are null while only events that came before ``crime.recorded`` are stored."""

    case_id = UnicodeAttribute()
    crime_reference = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    flags = JSONAttribute()
    stage = UnicodeAttribute()
    sequence = NumberAttribute()
    revision = NumberAttribute()
    officer = JSONAttribute(null=True)
    recorded_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class VictimItem(CaselineItem, discriminator="victim"):
    case_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    mobile = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    tier = UnicodeAttribute()
    under_18 = BooleanAttribute()
    safe_contact = JSONAttribute()
    sequence = NumberAttribute(default=0)


class EventItem(CaselineItem, discriminator="event"):
    case_id = UnicodeAttribute()
    sequence = NumberAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute()
    received_at = UTCDateTimeAttribute()
    applied = BooleanAttribute()
    data = JSONAttribute()


class ReceiptItem(CaselineItem, discriminator="receipt"):
    webhook_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class OutboxItem(CaselineItem, discriminator="outbox"):
    case_id = UnicodeAttribute()
    key = UnicodeAttribute()
    victim_id = UnicodeAttribute()
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
    reason = UnicodeAttribute(null=True)  # why it was blocked, failed or skipped
    attempts = NumberAttribute(null=True)  # provider failures so far (retried with backoff)
    sealed_code = UnicodeAttribute(null=True)  # the access code, KMS-sealed for this message, until it is handled
    safe_contact = JSONAttribute(null=True)  # the profile a safety notice obeys (the one before a change)


class OutboundItem(CaselineItem, discriminator="outbound"):
    case_id = UnicodeAttribute()
    outbound_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    data = JSONAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    delivered_at = UTCDateTimeAttribute(null=True)


class DutyItem(CaselineItem, discriminator="duty"):
    case_id = UnicodeAttribute()
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


class JourneyRunItem(CaselineItem, discriminator="run"):
    """A victim entered a journey (its version is the one the run keeps); exists once per run key."""

    case_id = UnicodeAttribute()
    journey_id = UnicodeAttribute()
    version = NumberAttribute()
    victim_id = UnicodeAttribute()
    started_at = UTCDateTimeAttribute()


class TimerItem(CaselineItem, discriminator="timer"):
    """A waiting run or a "no news yet" cadence; the sweep finds due ones through gsi1."""

    case_id = UnicodeAttribute()
    timer_id = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    journey_id = UnicodeAttribute()
    version = NumberAttribute()
    step = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    run_key = UnicodeAttribute()
    event_sequence = NumberAttribute()


class TaskItem(CaselineItem, discriminator="task"):
    case_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    detail = JSONAttribute()


class AccessCodeItem(CaselineItem, discriminator="access-code"):
    case_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    expires_at = TTLAttribute()


class CrimeReferenceItem(CaselineItem, discriminator="crime-reference"):
    """Finds a case from the crime reference a victim types in (several forces may share a number)."""

    case_id = UnicodeAttribute()
    crime_reference = UnicodeAttribute(null=True)


class CaseMemberItem(CaselineItem, discriminator="member"):
    """The reverse of a link, on the case's partition: who may see this case (one read checks it)."""

    case_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    linked_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)
    last_signed_in_at = UTCDateTimeAttribute(null=True)  # set by the sign-in trigger


class PreferencesItem(CaselineItem, discriminator="preferences"):
    """A victim's own contact choices for one case (combined with the force's profile when sending)."""

    case_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    preferences = JSONAttribute()
    updated_at = UTCDateTimeAttribute()


class MessageItem(CaselineItem, discriminator="message"):
    """A message a victim sent about their case. Stored as text, always rendered escaped."""

    case_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    text = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()


class AuditItem(CaselineItem, discriminator="audit"):
    """Consultation log (Data Protection Act 2018 s.62): who read which case's data, when and why."""

    case_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class AttemptsItem(CaselineItem, discriminator="attempts"):
    """Failed link attempts in one fixed window for a crime reference or an account (conditional ADD)."""

    attempts = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class CaseLinkItem(CaselineItem, discriminator="link"):
    user_id = UnicodeAttribute()
    case_id = UnicodeAttribute()
    crime_reference = UnicodeAttribute()
    category = UnicodeAttribute()
    stage = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    unread = NumberAttribute(default=0)


class SessionEndItem(CaselineItem, discriminator="session-end"):
    """The account's sessions that began before ``valid_after`` are over (sign out everywhere, quick exit,
    account closure). On the account's partition and on each case it had linked, so the read each route
    already makes carries it. Kept until no token from an ended session can still be presented."""

    user_id = UnicodeAttribute()
    valid_after = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class SurveyItem(CaselineItem, discriminator="survey"):
    """A victim's answers to the closing survey: one per victim per case, written with its outbound event."""

    case_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    satisfaction = NumberAttribute()
    kept_informed = NumberAttribute()
    easy_to_use = NumberAttribute()
    comments = UnicodeAttribute(null=True)
    answered_at = UTCDateTimeAttribute()


class SignInItem(CaselineItem, discriminator="sign-in"):
    """A linked account signed in on this UK day (written once; the journeys stream sends the notice)."""

    case_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    victim_id = UnicodeAttribute()
    signed_in_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
