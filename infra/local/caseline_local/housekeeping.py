"""Keeps the local stack's memory flat over a long run: stream records every consumer has read are
dropped from moto (DynamoDB itself keeps them 24 hours, then trims), so moto's state stays the size of
the live data, not of everything that ever happened."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from caseline_local import moto_fixes
from caseline_local.pollers import Poller, StreamPoller
from caseline_local.template import ACCOUNT_ID


def read_by_all(pollers: Iterable[StreamPoller]) -> dict[str, int]:
    """For each stream, the last sequence number that every one of its pollers has read (a stream one of
    whose pollers has read nothing yet is left out: nothing of it may be dropped)."""
    by_stream: dict[str, list[StreamPoller]] = defaultdict(list)
    for poller in pollers:
        by_stream[poller.stream_arn].append(poller)
    found: dict[str, int] = {}
    for arn, consumers in by_stream.items():
        marks = [max(poller.read_up_to().values(), default=None) for poller in consumers]
        if all(mark is not None for mark in marks):
            found[arn] = min(mark for mark in marks if mark is not None)
    return found


def table_of(stream_arn: str, region: str, account_id: str = ACCOUNT_ID) -> Table | None:
    for table in dynamodb_backends[account_id][region].tables.values():
        label = table.latest_stream_label
        if label and stream_arn == f"{table.table_arn}/stream/{label}":
            return table
    return None


class Housekeeper(Poller):
    """Every ``interval`` seconds, drops the stream records that all pollers of the stream have read."""

    def __init__(
        self, *, pollers: list[StreamPoller], region: str, stop: threading.Event, interval: float = 5.0
    ) -> None:
        super().__init__("housekeeping", stop, interval=interval)
        self.pollers, self.region = pollers, region
        self.trimmed = 0

    def poll_once(self) -> bool:
        for arn, mark in read_by_all(self.pollers).items():
            table = table_of(arn, self.region)
            if table is not None:
                self.trimmed += moto_fixes.trim_stream(table, mark)
        return False
