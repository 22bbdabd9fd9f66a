"""SES event notifications, as they arrive on the delivery-events queue: an SNS envelope whose
``Message`` is the SES event JSON (configuration set event publishing).

Only what Caseline uses is read; anything else in the documents is ignored. Event types that say
nothing about the result (Send, Open, Click, DeliveryDelay) give None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, Json, ValidationError
from pydantic.alias_generators import to_camel

from caseline.domain.delivery import DeliveryNotification, DeliveryResult
from caseline.domain.errors import ValidationFailedError

if TYPE_CHECKING:
    from datetime import datetime


class _Ses(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class _Mail(_Ses):
    message_id: str
    timestamp: AwareDatetime
    destination: list[str] = Field(default_factory=list)


class _Recipient(_Ses):
    email_address: str


class _Bounce(_Ses):
    bounce_type: str
    bounced_recipients: list[_Recipient] = Field(default_factory=list)
    timestamp: AwareDatetime


class _Complaint(_Ses):
    complained_recipients: list[_Recipient] = Field(default_factory=list)
    timestamp: AwareDatetime


class _Delivery(_Ses):
    timestamp: AwareDatetime


class SesEvent(_Ses):
    # Event publishing says eventType; the older identity notifications say notificationType.
    event_type: str = Field(validation_alias=AliasChoices("eventType", "notificationType"))
    mail: _Mail
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None
    delivery: _Delivery | None = None


class SnsEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    Type: Literal["Notification"]
    MessageId: str
    Timestamp: AwareDatetime
    Message: Json[SesEvent]


_FAILED = frozenset({"Reject", "Rendering Failure"})


def parse_delivery_notification(body: str) -> DeliveryNotification | None:
    """The notification in an SQS message body; ValidationFailedError if it is not an SES event."""
    try:
        envelope = SnsEnvelope.model_validate_json(body)
    except ValidationError as exc:
        raise ValidationFailedError("not an SES event notification") from exc
    event, mail = envelope.Message, envelope.Message.mail
    if event.event_type == "Bounce" and event.bounce is not None:
        bounce = event.bounce
        permanent = bounce.bounce_type == "Permanent"
        return _report(mail, DeliveryResult.BOUNCED, bounce.timestamp, bounce.bounced_recipients, permanent=permanent)
    if event.event_type == "Complaint" and event.complaint is not None:
        complaint = event.complaint
        return _report(mail, DeliveryResult.COMPLAINED, complaint.timestamp, complaint.complained_recipients)
    if event.event_type == "Delivery" and event.delivery is not None:
        return _report(mail, DeliveryResult.DELIVERED, event.delivery.timestamp)
    if event.event_type in _FAILED:
        return _report(mail, DeliveryResult.FAILED, envelope.Timestamp)
    return None


def _report(
    mail: _Mail,
    result: DeliveryResult,
    occurred_at: datetime,
    recipients: list[_Recipient] | None = None,
    *,
    permanent: bool = True,
) -> DeliveryNotification:
    """The notification for ``mail``; a bounce or complaint names its recipients (all the message's when it
    lists none), other results name none."""
    addresses = () if recipients is None else tuple(r.email_address for r in recipients) or tuple(mail.destination)
    return DeliveryNotification(mail.message_id, result, occurred_at, mail.timestamp, addresses, permanent)
