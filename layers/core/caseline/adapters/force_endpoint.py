"""Deliver outbound events to a force's endpoint, signed (Standard Webhooks) with its outbound secret.

Each force's stack (infra/force.yaml) holds ``{"endpoint": ..., "current": ..., "previous": ...}`` in
the secret ``{prefix}{force_id}``; "current" signs. Any answer but 2xx, and any network error, is a
retryable failure: the queue retries with backoff and dead-letters after its limit.

Delivery cannot be mistaken for success: the endpoint must be https (plain http only to this machine's
loopback address, where the local stack's receivers listen), and redirects are never followed — a
3xx from a force's single sign-on or firewall would otherwise turn the POST into a GET without its body,
send the signed headers to another host, and count that host's 200 as the force's.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain import signing
from caseline.domain.errors import DeliveryFailedError, SecretUnavailableError
from caseline.domain.outbound import OutboundEvent, envelope

CACHE_SECONDS = 300
TIMEOUT_SECONDS = 5  # per socket operation; the template's batch size and function time-out are set by it
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not an instruction: urllib raises it as an HTTPError."""

    def redirect_request(self, *_: Any) -> None:
        return None


def _open_without_redirects() -> Callable[..., Any]:
    return urllib.request.build_opener(_NoRedirects()).open


def endpoint_allowed(endpoint: str) -> bool:
    """https anywhere; http only to the loopback address (the local stack's receivers)."""
    parts = urlsplit(endpoint)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)


class HttpForceEndpoint:
    def __init__(
        self,
        secrets_client: Any,
        *,
        prefix: str,
        source: str,
        clock: Callable[[], float] = time.time,
        opener: Callable[..., Any] | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._client = secrets_client
        self._prefix = prefix
        self._source = source
        self._clock = clock
        self._open = opener or _open_without_redirects()
        self._timeout = timeout
        self._cache: dict[str, tuple[float, str, str]] = {}

    def _config(self, force_id: str) -> tuple[str, str]:
        cached = self._cache.get(force_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1], cached[2]
        try:
            document = json.loads(self._client.get_secret_value(SecretId=self._prefix + force_id)["SecretString"])
        except (ClientError, BotoCoreError) as exc:
            raise SecretUnavailableError() from exc
        endpoint, secret = str(document.get("endpoint", "")), str(document.get("current", ""))
        if not endpoint_allowed(endpoint) or not secret:
            raise DeliveryFailedError("the force has no https outbound endpoint configured")
        self._cache[force_id] = (self._clock(), endpoint, secret)
        return endpoint, secret

    def deliver(self, force_id: str, event: OutboundEvent) -> None:
        endpoint, secret = self._config(force_id)
        body = envelope(event, source=self._source)
        timestamp = int(self._clock())
        request = urllib.request.Request(  # noqa: S310 - the force's configured http(s) endpoint
            endpoint,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/cloudevents+json",
                "webhook-id": event.event_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signing.sign(secret, event.event_id, timestamp, body),
                "User-Agent": "Caseline-Outbound/1",
            },
        )
        try:
            with self._open(request, timeout=self._timeout) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryFailedError(f"the force answered HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            followed = " (redirects are not followed)" if 300 <= exc.code < 400 else ""
            raise DeliveryFailedError(f"the force answered HTTP {exc.code}{followed}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryFailedError("the force's endpoint could not be reached") from exc
