"""The Lambda service's side of DynamoDB Streams, in process.

The stream pollers stand where Lambda's event source mappings stand in AWS: inside the platform, not
behind the public API. moto runs in this process, so they call its DynamoDB Streams back end directly
(the same ``describe_stream`` / ``get_shard_iterator`` / ``get_records`` operations, answers shaped as
botocore would parse them) instead of paying for an HTTP round trip, a botocore client and moto's
serialiser ten times a second per function. What the functions receive is unchanged: the records are
copied out as JSON, with binary values in base64 and times in epoch seconds, as Lambda delivers them.
"""

from __future__ import annotations

import json
from typing import Any

from moto.dynamodbstreams.models import dynamodbstreams_backends

from caseline_local.moto_fixes import json_value
from caseline_local.template import ACCOUNT_ID


class InProcessStreams:
    """Implements the three DynamoDB Streams calls a stream poller makes, with boto3's keyword names."""

    def __init__(self, region: str, account_id: str = ACCOUNT_ID) -> None:
        self.region, self.account_id = region, account_id

    @property
    def _backend(self) -> Any:
        return dynamodbstreams_backends[self.account_id][self.region]

    def describe_stream(self, *, StreamArn: str) -> dict[str, Any]:
        return {"StreamDescription": _copied(self._backend.describe_stream(StreamArn))}

    def get_shard_iterator(
        self,
        *,
        StreamArn: str,
        ShardId: str,
        ShardIteratorType: str,
        SequenceNumber: str | None = None,
    ) -> dict[str, Any]:
        sequence = int(SequenceNumber) if SequenceNumber is not None else None
        iterator = self._backend.get_shard_iterator(StreamArn, ShardId, ShardIteratorType, sequence)
        return {"ShardIterator": iterator.arn}

    def get_records(self, *, ShardIterator: str, Limit: int = 1000) -> dict[str, Any]:
        return dict(_copied(self._backend.get_records(ShardIterator, Limit)))


def _copied(value: Any) -> Any:
    """A JSON copy: nothing the poller changes reaches moto's own records."""
    return json.loads(json.dumps(value, default=json_value))
