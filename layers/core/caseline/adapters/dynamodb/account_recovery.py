"""The facts the high-risk rule needs, read on designed keys: the case item (its flags) and the victim
item (their current tier), two strongly consistent GetItems on the case's partition."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, GetError

from caseline.adapters.dynamodb.models import CaseItem, CaselineItem, VictimItem, case_pk
from caseline.domain.account_recovery import is_high_risk_victim
from caseline.domain.errors import StorageUnavailableError


class DynamoVictimRisks:
    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        pk = case_pk(force_id, case_id)
        try:
            case = CaselineItem.get(pk, "CASE", consistent_read=True)
            victim = CaselineItem.get(pk, f"VICTIM#{victim_id}", consistent_read=True)
        except DoesNotExist:
            return False
        except GetError as exc:
            raise StorageUnavailableError() from exc
        flags = case.flags if isinstance(case, CaseItem) else []
        tier = victim.tier if isinstance(victim, VictimItem) else "standard"
        return is_high_risk_victim(tier, flags or [])
