"""Keeps the local stack's memory flat over a long run: stream records every consumer has read are
dropped from moto (DynamoDB itself keeps them 24 hours, then trims), so moto's state stays the size of
the live data, not of everything that ever happened. Function logs are rotated when a stack starts."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from caseline_local import moto_fixes
from caseline_local.pollers import Poller, StreamPoller
from caseline_local.template import ACCOUNT_ID

LOG_LIMIT_BYTES = 10 * 1024 * 1024  # about an hour of the soak's load for the busiest function


def rotate_logs(log_dir: Path, limit: int = LOG_LIMIT_BYTES) -> list[str]:
    """Each function log that earlier runs grew past ``limit`` becomes ``<name>.log.1`` (an older one is
    replaced) and this run starts it afresh: at most two files a function, however many runs. The names."""
    rotated = [log for log in sorted(log_dir.glob("*.log")) if log.stat().st_size > limit]
    for log in rotated:
        log.replace(log.with_name(log.name + ".1"))
    return [log.name for log in rotated]


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
