"""Session ends: the ``SESSION`` mark on the account's partition and a ``SESSION#{user}`` mark on each
case it has linked (see ``domain/sessions.py``). Both expire once no token they refuse can be presented."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import PutError

from caseline.adapters.dynamodb.base import get_item, is_condition_failed
from caseline.adapters.dynamodb.models import SessionEndItem, case_pk
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.sessions import SESSION_MARK_KEPT

ACCOUNT_SK = "SESSION"


def _save(item: SessionEndItem) -> None:
    """Only ever moves the instant later: a slower, earlier sign-out cannot reopen sessions."""
    newer = SessionEndItem.valid_after.does_not_exist() | (SessionEndItem.valid_after < item.valid_after)
    try:
        item.save(condition=newer)
    except PutError as exc:
        if is_condition_failed(exc):
            return  # a later instant is already recorded
        raise StorageUnavailableError("the sign-out could not be recorded") from exc


class DynamoSessionStore:
    def account_ended(self, user_id: str) -> datetime | None:
        """When the account's sessions last ended (one consistent GetItem), or None."""
        item = get_item(SessionEndItem, f"USER#{user_id}", ACCOUNT_SK)
        return item.valid_after if item is not None else None

    def end_sessions(self, user_id: str, valid_after: datetime, cases: Sequence[tuple[str, str]]) -> None:
        """Mark every linked case first, the account last: a failure part-way leaves the account's own
        routes open to the old token only until the victim tries again (503, safe to repeat)."""
        for force_id, case_id in cases:
            self.mark_case(user_id, force_id, case_id, valid_after)
        _save(
            SessionEndItem(
                f"USER#{user_id}",
                ACCOUNT_SK,
                force_id="-",
                user_id=user_id,
                valid_after=valid_after,
                expires_at=valid_after + SESSION_MARK_KEPT,
            )
        )

    def mark_case(self, user_id: str, force_id: str, case_id: str, valid_after: datetime) -> None:
        _save(
            SessionEndItem(
                case_pk(force_id, case_id),
                f"SESSION#{user_id}",
                force_id=force_id,
                user_id=user_id,
                valid_after=valid_after,
                expires_at=valid_after + SESSION_MARK_KEPT,
            )
        )
