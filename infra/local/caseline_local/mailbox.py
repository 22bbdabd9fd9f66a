"""The messages the local stack has "sent": moto keeps every SES email and SNS SMS."""

from __future__ import annotations

import html
import json
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class SentMessage:
    channel: str
    to: str
    subject: str | None
    body: str
    message_id: str


def sent_messages(endpoint: str) -> list[SentMessage]:
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=5) as response:
        data = json.load(response)
    found: list[SentMessage] = []
    for message in data.get("ses", {}).get("Message", []):
        for address in message.get("destinations", {}).get("ToAddresses", []):
            found.append(
                SentMessage("email", address, message.get("subject"), message.get("body", ""), message.get("id", ""))
            )
    for sms in data.get("sns", {}).get("SMS", []):
        found.append(
            SentMessage("sms", sms.get("phone_number", ""), None, sms.get("message", ""), sms.get("message_id", ""))
        )
    return found


def as_json(messages: list[SentMessage]) -> list[dict[str, str | None]]:
    return [message.__dict__ for message in messages]


def as_html(messages: list[SentMessage]) -> str:
    """A plain page listing every message, newest last. Email bodies are shown as text, never rendered."""
    rows = "".join(
        "<li class='message'><p><strong>{channel}</strong> to {to}{subject}</p><pre>{body}</pre></li>".format(
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
        "<p>Every email and text message the local stack has sent. Nothing leaves this machine.</p>"
        f"{empty}<ol>{rows}</ol></main></body></html>"
    )
