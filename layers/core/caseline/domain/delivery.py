"""What happened to a message after the provider accepted it: delivered, bounced, complained or failed.

Providers report results late, more than once and out of order. A result only ever moves a message to
a *more serious* one (delivered < failed < bounced < complained), so a late "delivered" never hides
a bounce and a repeated notification changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DeliveryResult(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"  # the provider refused to send it (SES Reject or rendering failure)
    BOUNCED = "bounced"
    COMPLAINED = "complained"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    def outranks(self) -> tuple[DeliveryResult, ...]:
        """The results this one may replace on a message."""
        return tuple(r for r in DeliveryResult if r.severity < self.severity)


_SEVERITY = {
    DeliveryResult.DELIVERED: 1,
    DeliveryResult.FAILED: 2,
    DeliveryResult.BOUNCED: 3,
    DeliveryResult.COMPLAINED: 4,
}


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    OPTED_OUT = "opted-out"


@dataclass(frozen=True)
class DeliveryNotification:
    """One provider report about one sent message. ``addresses`` are the recipients it names (held in
    memory only, never logged). A transient (soft) bounce is BOUNCED with ``permanent`` False: the
    message did not arrive, but the address may work another time."""

    provider_message_id: str
    result: DeliveryResult
    occurred_at: datetime
    sent_at: datetime
    addresses: tuple[str, ...] = ()
    permanent: bool = True

    @property
    def suppression_reason(self) -> SuppressionReason | None:
        """Why the address must not be written to again, if it must not."""
        if self.result is DeliveryResult.COMPLAINED:
            return SuppressionReason.COMPLAINT
        if self.result is DeliveryResult.BOUNCED and self.permanent:
            return SuppressionReason.BOUNCE
        return None


@dataclass(frozen=True)
class ProviderPointer:
    """Which outbox message a provider message id belongs to (written by dispatch when it sends)."""

    provider_message_id: str
    force_id: str
    case_id: str
    key: str
    victim_id: str
    channel: str
    statutory: bool
