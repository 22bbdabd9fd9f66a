"""SES event notifications, as they arrive on the delivery-events queue: an SNS envelope whose
``Message`` is the SES event JSON (configuration set event publishing).

Only what Caseline uses is read; anything else in the documents is ignored. Event types that say
nothing about the result (Send, Open, Click, DeliveryDelay) give None.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, Json, ValidationError
from pydantic.alias_generators import to_camel

from caseline.domain.delivery import DeliveryNotification, DeliveryResult
from caseline.domain.errors import ValidationFailedError


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
    event = envelope.Message
    mail = event.mail
    if event.event_type == "Bounce" and event.bounce is not None:
        bounce = event.bounce
        return DeliveryNotification(
            provider_message_id=mail.message_id,
            result=DeliveryResult.BOUNCED,
            occurred_at=bounce.timestamp,
            sent_at=mail.timestamp,
            addresses=tuple(r.email_address for r in bounce.bounced_recipients) or tuple(mail.destination),
            permanent=bounce.bounce_type == "Permanent",
        )
    if event.event_type == "Complaint" and event.complaint is not None:
        complaint = event.complaint
        return DeliveryNotification(
            provider_message_id=mail.message_id,
            result=DeliveryResult.COMPLAINED,
            occurred_at=complaint.timestamp,
            sent_at=mail.timestamp,
            addresses=tuple(r.email_address for r in complaint.complained_recipients) or tuple(mail.destination),
        )
    if event.event_type == "Delivery" and event.delivery is not None:
        return DeliveryNotification(
            provider_message_id=mail.message_id,
            result=DeliveryResult.DELIVERED,
            occurred_at=event.delivery.timestamp,
            sent_at=mail.timestamp,
        )
    if event.event_type in _FAILED:
        return DeliveryNotification(
            provider_message_id=mail.message_id,
            result=DeliveryResult.FAILED,
            occurred_at=envelope.Timestamp,
            sent_at=mail.timestamp,
        )
    return None
