"""A victim's account partition (``USER#{user}``): the cases it has linked and when its sessions ended."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import QueryError

from caseline.adapters.dynamodb.models import CaselineItem, CaseLinkItem, SessionEndItem
from caseline.domain.case import CaseStage
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import CaseSummary


class DynamoVictimCaseReader:
    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return self.account(user_id)[0]

    def account(self, user_id: str) -> tuple[list[CaseSummary], datetime | None]:
        """The account's linked cases and when its sessions last ended, from one Query of ``USER#{user}``
        (the partition holds only the links and that one mark)."""
        try:
            items = list(CaselineItem.query(f"USER#{user_id}"))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        ended = next((i.valid_after for i in items if isinstance(i, SessionEndItem)), None)
        links = [
            CaseSummary(
                force_id=item.force_id,
                case_id=item.case_id,
                crime_reference=item.crime_reference,
                category=item.category,
                stage=CaseStage.from_slug(item.stage),
                updated_at=item.updated_at,
                unread=int(item.unread or 0),
            )
            for item in items
            if isinstance(item, CaseLinkItem)
        ]
        return links, ended
