"""Stream and queue semantics in one place.

A record handler that raises marks that record failed (ReportBatchItemFailures); Lambda retries it a
bounded number of times, bisecting the batch, then sends its metadata to the on-failure queue.
Permanent business failures do not raise: services turn them into officer tasks instead.
"""

from __future__ import annotations

from typing import Any

from caseline.adapters.dynamodb.models import CaselineItem


def new_image_item(record: dict[str, Any]) -> CaselineItem | None:
    """The typed item from a DynamoDB stream record's NewImage (None for removals)."""
    image = record.get("dynamodb", {}).get("NewImage")
    if not image:
        return None
    return CaselineItem.from_raw_data(image)


def old_image_item(record: dict[str, Any]) -> CaselineItem | None:
    """The typed item from a DynamoDB stream record's OldImage (None for inserts)."""
    image = record.get("dynamodb", {}).get("OldImage")
    if not image:
        return None
    return CaselineItem.from_raw_data(image)
