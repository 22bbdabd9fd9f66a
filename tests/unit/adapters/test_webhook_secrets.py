"""A force's webhook secret as warm functions see it: an expiry already read is compared with the clock on
every request, but a new expiry, like any change to the secret, is read again only after the cache time,
as docs/runbook.md tells the operator who ends an old value early."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from caseline.adapters.secrets import CACHE_SECONDS, SecretsManagerWebhookSecrets

RUNBOOK = Path(__file__).resolve().parents[3] / "docs" / "runbook.md"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class _Secrets:
    def __init__(self, document: dict[str, str]) -> None:
        self.document = document

    def get_secret_value(self, SecretId: str) -> dict[str, Any]:
        return {"SecretString": json.dumps(self.document)}


def test_an_earlier_expiry_stops_the_old_value_only_once_the_cache_time_is_over() -> None:
    client = _Secrets({"current": "new", "previous": "old", "previous_expires_at": "2026-12-08T10:00:00Z"})
    seconds = [0.0]
    secrets = SecretsManagerWebhookSecrets(client, prefix="p/", forces=["thames-valley"], clock=lambda: seconds[0])
    assert secrets.webhook_secrets("thames-valley").valid_at(NOW) == ("new", "old")  # type: ignore[union-attr]
    client.document = {**client.document, "previous_expires_at": "2026-11-30T10:00:00Z"}  # the old value leaked
    seconds[0] = CACHE_SECONDS - 1
    assert secrets.webhook_secrets("thames-valley").valid_at(NOW) == ("new", "old")  # type: ignore[union-attr]
    seconds[0] = CACHE_SECONDS
    assert secrets.webhook_secrets("thames-valley").valid_at(NOW) == ("new",)  # type: ignore[union-attr]
    text = " ".join(RUNBOOK.read_text(encoding="utf-8").split())
    assert f"a new `previous_expires_at` reaches them within {CACHE_SECONDS // 60} minutes too" in text
