"""The outbound queue (SQS)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import StorageUnavailableError
from caseline.domain.outbound import OutboundEvent, to_message


class SqsOutboundQueue:
    def __init__(self, client: Any, *, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, event: OutboundEvent) -> None:
        try:
            self._client.send_message(QueueUrl=self._url, MessageBody=to_message(event))
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailableError("the outbound queue is unavailable") from exc
