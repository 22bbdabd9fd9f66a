"""Per-force webhook signing secrets in Secrets Manager.

Each force has its own secret ``{prefix}{force_id}`` holding ``{"current": "...", "previous": "..."}``;
both are valid while a rotation is under way. Values are cached for a short time per process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import SecretUnavailableError

CACHE_SECONDS = 300


class SecretsManagerWebhookSecrets:
    def __init__(
        self, client: Any, *, prefix: str, forces: Sequence[str], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._forces = frozenset(forces)
        self._clock = clock
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}

    def webhook_secrets(self, force_id: str) -> Sequence[str]:
        if force_id not in self._forces:
            return ()
        cached = self._cache.get(force_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            response = self._client.get_secret_value(SecretId=self._prefix + force_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return ()
            raise SecretUnavailableError() from exc
        except BotoCoreError as exc:
            raise SecretUnavailableError() from exc
        document = json.loads(response["SecretString"])
        values = tuple(v for v in (document.get("current"), document.get("previous")) if isinstance(v, str) and v)
        self._cache[force_id] = (self._clock(), values)
        return values
