"""Per-force webhook signing secrets in Secrets Manager.

Each force has its own secret ``{prefix}{force_id}`` holding
``{"current": "...", "previous": "...", "previous_expires_at": "<ISO 8601>"}``; ``previous`` is valid only
until its expiry (``SigningSecrets.valid_at``). Documents are cached for a short time per process; the
expiry is checked on every request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import SecretUnavailableError
from caseline.domain.signing import SigningSecrets

CACHE_SECONDS = 300


class SecretsManagerWebhookSecrets:
    def __init__(
        self, client: Any, *, prefix: str, forces: Sequence[str], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._forces = frozenset(forces)
        self._clock = clock
        self._cache: dict[str, tuple[float, SigningSecrets | None]] = {}

    def webhook_secrets(self, force_id: str) -> SigningSecrets | None:
        if force_id not in self._forces:
            return None
        cached = self._cache.get(force_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            response = self._client.get_secret_value(SecretId=self._prefix + force_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return None
            raise SecretUnavailableError() from exc
        except BotoCoreError as exc:
            raise SecretUnavailableError() from exc
        document = json.loads(response["SecretString"])
        values = SigningSecrets.from_document(document) if isinstance(document, dict) else None
        self._cache[force_id] = (self._clock(), values)
        return values
