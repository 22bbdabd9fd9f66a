"""Delivery events for the local stack. moto's SES sends nothing and reports nothing, so this poller
plays the mailbox: for each email moto's SES has accepted, it publishes, once, the event SES would
publish to each configuration set's SNS destination, shaped like SES event publishing.

As with SES's mailbox simulator, ``bounce@simulator.amazonses.com`` bounces (Permanent),
``complaint@simulator.amazonses.com`` complains, and every other address is delivered to.
moto runs in this process: the emails come from the stack's sent log (``mailbox``), and the
configuration sets from moto's SES backend.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.ses.models import ses_backends

from caseline_local import mailbox
from caseline_local.pollers import Poller
from caseline_local.template import ACCOUNT_ID

SIMULATOR_DOMAIN = "simulator.amazonses.com"


def _simulator_mailbox(address: str) -> str | None:
    """``bounce`` for bounce@ or bounce+label@ the simulator domain, and so on; None for anyone else."""
    local, _, domain = address.strip().lower().rpartition("@")
    return local.split("+", 1)[0] if domain == SIMULATOR_DOMAIN else None


def ses_event(message_id: str, source: str, addresses: list[str], sent_at: datetime, now: datetime) -> dict[str, Any]:
    """The event a real mailbox would cause for this message (one event per message)."""
    stamp = now.isoformat().replace("+00:00", "Z")
    mail = {
        "timestamp": sent_at.isoformat().replace("+00:00", "Z"),
        "source": source,
        "messageId": message_id,
        "destination": addresses,
        "tags": {},
    }
    bounced = [a for a in addresses if _simulator_mailbox(a) == "bounce"]
    complained = [a for a in addresses if _simulator_mailbox(a) == "complaint"]
    if bounced:
        return {
            "eventType": "Bounce",
            "mail": mail,
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {"emailAddress": a, "action": "failed", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1"}
                    for a in bounced
                ],
                "timestamp": stamp,
                "feedbackId": str(uuid.uuid4()),
                "reportingMTA": "dns; local-stack",
            },
        }
    if complained:
        return {
            "eventType": "Complaint",
            "mail": mail,
            "complaint": {
                "complainedRecipients": [{"emailAddress": a} for a in complained],
                "complaintFeedbackType": "abuse",
                "timestamp": stamp,
                "feedbackId": str(uuid.uuid4()),
            },
        }
    return {
        "eventType": "Delivery",
        "mail": mail,
        "delivery": {
            "timestamp": stamp,
            "recipients": addresses,
            "processingTimeMillis": 1,
            "smtpResponse": "250 2.6.0 Message received",
            "reportingMTA": "local-stack",
        },
    }


class SesEventsPoller(Poller):
    """Publishes each sent email's event once, reading the stack's sent log from where it left off.
    ``settle_seconds`` leaves dispatch time to record the message as sent (real SES takes longer than
    that to hear back from a mailbox)."""

    def __init__(
        self,
        *,
        sns: Any,
        region: str,
        stop: threading.Event,
        account_id: str = ACCOUNT_ID,
        interval: float = 0.5,
        settle_seconds: float = 1.0,
        log: mailbox.SentLog = mailbox.SENT,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__("ses-events", stop, interval=interval)
        self.sns, self.region, self.account_id, self.settle_seconds = sns, region, account_id, settle_seconds
        self.log, self.now = log, now  # ``now``: the stack's clock, which scenarios move (the log keeps real time)
        self.cursor = 0  # the last sequence number handled
        mailbox.install()

    def _destinations(self) -> list[tuple[str, set[str]]]:
        """(topic ARN, event types) of every enabled SNS event destination."""
        backend = ses_backends[self.account_id][self.region]
        found = []
        for destination in backend.config_set_event_destination.values():
            topic = destination.get("SNSDestination", {}).get("TopicARN")
            if topic and str(destination.get("Enabled", "true")).lower() == "true":
                found.append((topic, {t.lower() for t in destination.get("MatchingEventTypes", [])}))
        return found

    def _settled(self) -> tuple[list[list[mailbox.SentMessage]], int]:
        """Settled emails after the cursor (one list of recipients per message, oldest first) and the
        sequence number of the last settled entry of any channel."""
        settled_before = datetime.now(UTC) - timedelta(seconds=self.settle_seconds)
        grouped: dict[str, list[mailbox.SentMessage]] = {}
        cursor = self.cursor
        for entry in self.log.read(since=self.cursor):
            if entry.at > settled_before:
                break
            cursor = entry.seq
            if entry.channel == "email":
                grouped.setdefault(entry.message_id, []).append(entry)
        return list(grouped.values()), cursor

    def poll_once(self) -> bool:
        destinations = self._destinations()
        if not destinations:
            return False
        messages, cursor = self._settled()
        now = self.now()
        moved = now - datetime.now(UTC)
        for entries in messages:
            first = entries[0]
            addresses = [entry.to for entry in entries]
            event = ses_event(first.message_id, first.source or "", addresses, first.at + moved, now)
            for topic, types in destinations:
                if event["eventType"].lower() in types:
                    self.sns.publish(TopicArn=topic, Message=json.dumps(event))
        self.cursor = cursor
        return bool(messages)
