"""Allowances on the table (domain/allowances.py): the ``ALLOWANCE#{scope}`` item on the case's partition,
read with the case, and the update a limited write makes to it in the write's own transaction."""

from __future__ import annotations

from datetime import datetime

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.models import AllowanceItem, case_pk
from caseline.domain.allowances import Allowance

_PREFIX = "ALLOWANCE#"


def scope_of(item: AllowanceItem) -> str:
    return item.sk.removeprefix(_PREFIX)


def allowance_item(force_id: str, case_id: str, scope: str) -> AllowanceItem:
    """The allowance's key (to delete it: an account's messages allowance goes when it leaves the case)."""
    return AllowanceItem(case_pk(force_id, case_id), _PREFIX + scope)


def use_allowance(
    t: TransactWrite,
    force_id: str,
    case_id: str,
    allowance: Allowance,
    *,
    as_read: bool = True,
    expires_at: datetime | None = None,
) -> None:
    """Increment the allowance's version in the caller's transaction; ``as_read``: only if it is still the
    version read (0: the item must not exist), else the transaction fails that condition. Without it (a
    write the limit does not refuse, such as the force's delegation), unconditionally: a write that read the
    old version then fails."""
    item = allowance_item(force_id, case_id, allowance.scope)
    actions: list[Action] = [
        AllowanceItem.version.add(1),
        AllowanceItem.entity.set(AllowanceItem),
        AllowanceItem.force_id.set(force_id),
        AllowanceItem.case_id.set(case_id),
    ]
    if expires_at is not None:
        actions.append(AllowanceItem.expires_at.set(expires_at))
    if not as_read:
        t.update(item, actions=actions)
    elif allowance.version:
        t.update(item, actions=actions, condition=AllowanceItem.version == allowance.version)
    else:
        t.update(item, actions=actions, condition=AllowanceItem.version.does_not_exist())
