"""Which stream records ask dispatch to send a message (``adapters.streams.message_to_send``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caseline.adapters.dynamodb.models import OutboxItem, TaskItem
from caseline.adapters.streams import message_to_send

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def message(status: str) -> OutboxItem:
    return OutboxItem(
        pk="CASE#thames-valley#TVP-1",
        sk="OUTBOX#k1",
        force_id="thames-valley",
        case_id="TVP-1",
        victim_id="v1",
        key="k1",
        channel="sms",
        template_id="crime-recorded",
        personalisation={},
        status=status,
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("event_name", "status", "sent"),
    [
        ("INSERT", "pending", True),  # a new message
        ("MODIFY", "pending", True),  # a held message released
        ("MODIFY", "sent", False),  # the send itself recorded: counted only
        ("MODIFY", "failed", False),
        ("MODIFY", "blocked", False),
    ],
)
def test_a_message_is_sent_when_written_or_set_back_to_pending(event_name: str, status: str, sent: bool) -> None:
    item = message(status)
    assert (message_to_send({"eventName": event_name}, item) is item) is sent


def test_other_items_and_removals_are_never_sent() -> None:
    task = TaskItem(pk="CASE#thames-valley#TVP-1", sk="TASK#t1", force_id="thames-valley", case_id="TVP-1")
    assert message_to_send({"eventName": "INSERT"}, task) is None
    assert message_to_send({"eventName": "REMOVE"}, None) is None
