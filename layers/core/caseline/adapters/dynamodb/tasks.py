"""Officer tasks: kept on the case's partition (TASK#) and sent to the force as an outbound event, in the
same transaction, so a task the officer must act on is never only a row nobody reads."""

from __future__ import annotations

from typing import Any

from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import on_case
from caseline.adapters.dynamodb.models import OutboundItem, TaskItem
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.domain.outbound import task_event
from caseline.domain.records import OfficerTask


def task_item(task: OfficerTask) -> TaskItem:
    """On the case, and on the force's task list (gsi1) in the order the tasks came."""
    listed = f"{task.created_at.isoformat()}#{task.case_id}"
    return on_case(task, TaskItem, sk=f"TASK#{task.task_id}", gsi1pk=f"TASK#{task.force_id}", gsi1sk=listed)


def save_task(transaction: TransactWrite, task: OfficerTask, *, once: bool = True) -> None:
    """Add the task and its outbound event to ``transaction`` (conditional on the task being new)."""
    condition: Any = TaskItem.pk.does_not_exist() if once else None
    transaction.save(task_item(task), condition=condition)
    event = task_event(task.force_id, task.case_id, task.task_id, task.reason, dict(task.detail), task.created_at)
    transaction.save(outbound_item(event), condition=OutboundItem.pk.does_not_exist() if once else None)
