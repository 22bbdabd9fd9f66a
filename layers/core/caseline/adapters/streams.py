"""Stream and queue semantics in one place.

A record handler that raises marks that record failed (ReportBatchItemFailures); Lambda retries it a
bounded number of times, bisecting the batch, then sends its metadata to the on-failure queue.
Permanent business failures do not raise: services turn them into officer tasks instead.
"""

from __future__ import annotations

from typing import Any

from caseline.adapters.dynamodb.models import CaselineItem, OutboxItem


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


def message_to_send(record: dict[str, Any], item: CaselineItem | None) -> OutboxItem | None:
    """The outbox message a stream record asks dispatch to send: one just written, or a held one set back
    to ``pending`` (released by the sweep). The same function's filters also bring it a message's other
    changes (sent, failed, delivered ...) for the force's figures: those are only counted."""
    if not isinstance(item, OutboxItem):
        return None
    if record.get("eventName") == "MODIFY" and item.status != "pending":
        return None
    return item
