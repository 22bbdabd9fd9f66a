"""Standard Webhooks signatures: HMAC-SHA256 over ``{id}.{timestamp}.{body}``.

The ``webhook-signature`` header is a space-separated list of ``v1,<base64>`` entries so that a force
can rotate its secret with no downtime: any listed signature made with any currently valid secret passes.
After a rotation the ``previous`` secret stays valid only until its ``previous_expires_at``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseline.domain.errors import SignatureInvalidError

TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 - a format prefix, not a secret


@dataclass(frozen=True)
class SigningSecrets:
    """A force's secret document: ``current``, and during a rotation ``previous`` until ``previous_expires_at``."""

    current: str
    previous: str = ""
    previous_expires_at: datetime | None = None

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SigningSecrets:
        """Read ``{"current", "previous", "previous_expires_at"}``; a missing or unreadable expiry is no expiry."""

        def text(key: str) -> str:
            value = document.get(key)
            return value if isinstance(value, str) else ""

        try:
            expires: datetime | None = datetime.fromisoformat(text("previous_expires_at"))
        except ValueError:
            expires = None
        if expires is not None and expires.tzinfo is None:  # a time with no zone is not a time we can trust
            expires = None
        return cls(text("current"), text("previous"), expires)

    def valid_at(self, now: datetime) -> tuple[str, ...]:
        """The secrets that verify at ``now``: ``previous`` only before its expiry (no expiry: never)."""
        previous_valid = bool(self.previous) and self.previous_expires_at is not None and now < self.previous_expires_at
        return tuple(s for s in (self.current, self.previous if previous_valid else "") if s)


@dataclass(frozen=True)
class SignedHeaders:
    webhook_id: str
    timestamp: int
    signatures: tuple[str, ...]


def secret_key(secret: str) -> bytes:
    """``whsec_``-prefixed secrets carry base64 key bytes; any other string is used as its UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except binascii.Error as exc:
            raise ValueError("malformed whsec_ secret") from exc
    return secret.encode("utf-8")


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """Return one ``v1,<base64>`` signature entry."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def parse_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """Read the three signature headers (names case-insensitive)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id = lowered.get("webhook-id", "").strip()
    raw_timestamp = lowered.get("webhook-timestamp", "").strip()
    raw_signatures = lowered.get("webhook-signature", "").strip()
    if not webhook_id or not raw_timestamp or not raw_signatures or len(webhook_id) > 128:
        raise SignatureInvalidError("webhook-id, webhook-timestamp and webhook-signature are required")
    if not (raw_timestamp.isascii() and raw_timestamp.isdigit()) or len(raw_timestamp) > 12:
        raise SignatureInvalidError("webhook-timestamp must be integer seconds since the epoch")
    entries = tuple(part for part in raw_signatures.split(" ") if part)
    return SignedHeaders(webhook_id, int(raw_timestamp), entries)


def verify(
    secrets: Iterable[str], headers: SignedHeaders, body: bytes, *, now: float, tolerance: int = TOLERANCE_SECONDS
) -> int:
    """Return the index of the secret that verified ``body``; raise ``SignatureInvalidError`` otherwise."""
    if abs(now - headers.timestamp) > tolerance:
        raise SignatureInvalidError("webhook-timestamp is outside the accepted window")
    offered = [entry.split(",", 1)[1] for entry in headers.signatures if entry.startswith("v1,")]
    for index, secret in enumerate(secrets):
        expected = sign(secret, headers.webhook_id, headers.timestamp, body).split(",", 1)[1]
        # Compare against every offered entry without short-circuiting on the first mismatch.
        matched = False
        for candidate in offered:
            matched |= hmac.compare_digest(expected.encode("ascii"), candidate.encode("ascii", "replace"))
        if matched:
            return index
    raise SignatureInvalidError()
