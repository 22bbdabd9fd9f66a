"""The messages the local stack has "sent", recorded as moto accepts them.

moto runs in this process, so its SES and SNS back ends are wrapped (``install``): every email SES accepts
and every SMS SNS publishes is appended to one ``SentLog`` with a sequence number, the moment it was
accepted, and an index by recipient. Reading back costs what it returns: ``read(since=N)`` starts after
the N-th message, ``read(to=address)`` looks the address up. Nothing parses moto's state, and moto's own
copies are trimmed to the last ``MOTO_KEEP`` messages so a long run does not grow without bound.
"""

from __future__ import annotations

import bisect
import functools
import html
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

MOTO_KEEP = 500  # moto's own lists of sent messages keep only this many (the log keeps the rest)
LOG_KEEP = 50_000  # the log forgets its oldest messages past this many (sequence numbers carry on)
PAGE_NEWEST = 1_000  # the sent page without filters shows the newest this many (it grew with the run)


@dataclass(frozen=True)
class SentMessage:
    seq: int
    at: datetime
    channel: str
    to: str
    subject: str | None
    body: str
    message_id: str
    source: str | None = None


def _key(address: str) -> str:
    return address.strip().lower()


class SentLog:
    """Every email and SMS in the order accepted. Thread-safe; ``seq`` starts at 1 and never repeats."""

    def __init__(self, keep: int = LOG_KEEP) -> None:
        self.keep = keep
        self._messages: list[SentMessage] = []
        self._first_seq = 1  # seq of self._messages[0]
        self._by_recipient: dict[str, list[SentMessage]] = {}
        self._lock = threading.Lock()

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._first_seq + len(self._messages) - 1

    def record(
        self, *, channel: str, to: str, subject: str | None, body: str, message_id: str, source: str | None = None
    ) -> SentMessage:
        with self._lock:
            message = SentMessage(
                seq=self._first_seq + len(self._messages),
                at=datetime.now(UTC),
                channel=channel,
                to=to,
                subject=subject,
                body=body,
                message_id=message_id,
                source=source,
            )
            self._messages.append(message)
            self._by_recipient.setdefault(_key(to), []).append(message)
            if len(self._messages) > self.keep:
                self._forget(len(self._messages) - self.keep)
            return message

    def _forget(self, count: int) -> None:
        for old in self._messages[:count]:
            same = self._by_recipient[_key(old.to)]
            same.pop(0)
            if not same:
                del self._by_recipient[_key(old.to)]
        del self._messages[:count]
        self._first_seq += count

    def read(self, *, since: int = 0, to: str | None = None) -> list[SentMessage]:
        """Messages after sequence number ``since`` (0: all kept), optionally to one address only."""
        with self._lock:
            if to is not None:
                same = self._by_recipient.get(_key(to), [])
                start = bisect.bisect_right([m.seq for m in same], since) if since else 0
                return same[start:]
            return self._messages[max(0, since - self._first_seq + 1) :]

    def clear(self) -> None:
        """Forget every message; sequence numbers carry on from where they were."""
        with self._lock:
            self._first_seq += len(self._messages)
            self._messages.clear()
            self._by_recipient.clear()


SENT = SentLog()
_installed = False
_install_lock = threading.Lock()


def _trim(values: Any) -> None:
    """Keep only the newest MOTO_KEEP entries of one of moto's lists or ordered dicts."""
    excess = len(values) - MOTO_KEEP
    if excess <= 0:
        return
    if isinstance(values, list):
        del values[:excess]
    else:
        for key in list(values)[:excess]:
            del values[key]


def _addresses(destinations: Any) -> list[str]:
    if isinstance(destinations, dict):
        return [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(key, [])]
    return list(destinations or [])


def _recording_email(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        message = original(self, *args, **kwargs)
        body = getattr(message, "body", None) or getattr(message, "raw_data", "") or ""
        for address in _addresses(getattr(message, "destinations", None)):
            SENT.record(
                channel="email",
                to=address,
                subject=getattr(message, "subject", None),
                body=str(body),
                message_id=str(message.id),
                source=getattr(message, "source", None),
            )
        _trim(self.sent_messages)
        return message

    return send


def _recording_sms(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def publish(self: Any, message: str, arn: str | None, phone_number: str | None = None, **kwargs: Any) -> Any:
        message_id = original(self, message, arn, phone_number=phone_number, **kwargs)
        if phone_number:
            SENT.record(channel="sms", to=phone_number, subject=None, body=message, message_id=str(message_id))
            _trim(self.sms_messages)
            _trim(self.sms_message_objects)
        return message_id

    return publish


def _bounded_notifications(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto keeps every notification a topic ever published; nothing in the stack reads them."""

    @functools.wraps(original)
    def publish(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        _trim(self.sent_notifications)
        return result

    return publish


def install() -> None:
    """Wrap moto's SES and SNS back ends (once per process) so every send lands in ``SENT``."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from moto.ses.models import SESBackend
        from moto.sns.models import SNSBackend, Topic

        for name in ("send_email", "send_templated_email", "send_raw_email"):
            setattr(SESBackend, name, _recording_email(getattr(SESBackend, name)))
        SNSBackend.publish = _recording_sms(SNSBackend.publish)  # type: ignore[method-assign]
        Topic.publish = _bounded_notifications(Topic.publish)  # type: ignore[method-assign]
        _installed = True


def query(params: dict[str, list[str]]) -> dict[str, Any]:
    """``since`` and ``to`` from a query string; a ``since`` that is not a whole number counts as 0."""
    since = params.get("since", ["0"])[0]
    to = params.get("to", [None])[0]
    return {"since": int(since) if since.isdigit() else 0, "to": to or None}


def page(params: dict[str, list[str]]) -> str:
    """The sent page: what ``since`` and ``to`` select, else the newest ``PAGE_NEWEST`` messages only."""
    asked = query(params)
    if "since" not in params and asked["to"] is None:
        asked["since"] = max(0, SENT.last_seq - PAGE_NEWEST)
    return as_html(SENT.read(**asked))


def as_json(messages: list[SentMessage]) -> list[dict[str, Any]]:
    return [{**asdict(message), "at": message.at.isoformat()} for message in messages]


def as_html(messages: list[SentMessage]) -> str:
    """A plain page listing every message, newest last. Email bodies are shown as text, never rendered."""
    rows = "".join(
        "<li class='message' value='{seq}'><p><strong>{channel}</strong> to {to}{subject}</p>"
        "<pre>{body}</pre></li>".format(
            seq=m.seq,
            channel=html.escape(m.channel.upper()),
            to=html.escape(m.to),
            subject=f" &mdash; {html.escape(m.subject)}" if m.subject else "",
            body=html.escape(m.body),
        )
        for m in messages
    )
    empty = "" if messages else "<p>No messages have been sent yet.</p>"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Sent messages - Caseline local stack</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#f3f2f1;padding:.75rem}li{margin-bottom:1rem}</style></head>"
        f"<body><main><h1>Sent messages ({len(messages)})</h1>"
        "<p>Every email and text message the local stack has sent. Nothing leaves this machine. "
        f"Without filters it shows the newest {PAGE_NEWEST:,}: add <code>?to=</code> an address or number, or "
        "<code>?since=</code> a message number (0 for all kept).</p>"
        f"{empty}<ol>{rows}</ol></main></body></html>"
    )
