"""Deliver outbound events to a force's endpoint, signed (Standard Webhooks) with its outbound secret.

Each force's stack (infra/force.yaml) holds ``{"endpoint": ..., "current": ..., "previous": ...}`` in
the secret ``{prefix}{force_id}``; "current" signs. Any answer but 2xx, and any network error, is a
retryable failure: the queue retries with backoff and dead-letters after its limit.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain import signing
from caseline.domain.errors import DeliveryFailedError, SecretUnavailableError
from caseline.domain.outbound import OutboundEvent, envelope

CACHE_SECONDS = 300
TIMEOUT_SECONDS = 5


class HttpForceEndpoint:
    def __init__(
        self,
        secrets_client: Any,
        *,
        prefix: str,
        source: str,
        clock: Callable[[], float] = time.time,
        opener: Callable[..., Any] = urllib.request.urlopen,
    ) -> None:
        self._client = secrets_client
        self._prefix = prefix
        self._source = source
        self._clock = clock
        self._open = opener
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
        if not endpoint.startswith(("https://", "http://")) or not secret:
            raise DeliveryFailedError("the force has no outbound endpoint configured")
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
                "webhook-id": event.outbound_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signing.sign(secret, event.outbound_id, timestamp, body),
                "User-Agent": "Caseline-Outbound/1",
            },
        )
        try:
            with self._open(request, timeout=TIMEOUT_SECONDS) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryFailedError(f"the force answered HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryFailedError(f"the force answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryFailedError("the force's endpoint could not be reached") from exc
