"""Sign-in records: an account's links (``USER#{user}``), each case's member item for the victim it was
linked as, and one ``SIGNIN#{uk date}#{user}`` item per case and day, written only if absent. Every sign-in
also sets ``last_signed_in_at`` on the member item (what "Who can see this case" shows)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, GetError, PutError, QueryError, UpdateError

from caseline.adapters.dynamodb.base import is_condition_failed
from caseline.adapters.dynamodb.models import CaselineItem, CaseLinkItem, CaseMemberItem, SignInItem, case_pk
from caseline.domain.accounts import CaseMembership
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import WriteOutcome

# Long enough to outlive the UK day it is keyed on (the key, not the TTL, limits the notice to one a day).
SIGN_IN_KEPT = timedelta(hours=48)


def sign_in_sk(day: date, user_id: str) -> str:
    return f"SIGNIN#{day.isoformat()}#{user_id}"


class DynamoSignInStore:
    def memberships(self, user_id: str) -> list[CaseMembership]:
        try:
            links = [i for i in CaselineItem.query(f"USER#{user_id}") if isinstance(i, CaseLinkItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        found = []
        for link in links:
            try:
                member = CaselineItem.get(case_pk(link.force_id, link.case_id), f"MEMBER#{user_id}")
            except DoesNotExist:
                continue  # the link is being removed (account closed): nothing to tell
            except GetError as exc:
                raise StorageUnavailableError() from exc
            if isinstance(member, CaseMemberItem):
                found.append(CaseMembership(member.force_id, member.case_id, member.victim_id))
        return found

    def record(self, membership: CaseMembership, user_id: str, signed_in_at: datetime, day: date) -> WriteOutcome:
        pk = case_pk(membership.force_id, membership.case_id)
        try:  # "last signed in", shown to the victim under "Who can see this case"
            CaseMemberItem(pk, f"MEMBER#{user_id}").update(
                actions=[CaseMemberItem.last_signed_in_at.set(signed_in_at)], condition=CaseMemberItem.pk.exists()
            )
        except UpdateError as exc:
            if not is_condition_failed(exc):
                raise StorageUnavailableError() from exc
        item = SignInItem(
            case_pk(membership.force_id, membership.case_id),
            sign_in_sk(day, user_id),
            force_id=membership.force_id,
            case_id=membership.case_id,
            user_id=user_id,
            victim_id=membership.victim_id,
            signed_in_at=signed_in_at,
            expires_at=signed_in_at + SIGN_IN_KEPT,
        )
        try:
            item.save(condition=SignInItem.pk.does_not_exist())
        except PutError as exc:
            if is_condition_failed(exc):
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN
