"""What a signed-in victim may see. Only cases linked to their own account are ever returned."""

from __future__ import annotations

from caseline.domain.ports import VictimCaseReader
from caseline.domain.records import CaseSummary


def list_my_cases(user_id: str, *, reader: VictimCaseReader) -> list[CaseSummary]:
    return sorted(reader.linked_cases(user_id), key=lambda case: case.updated_at, reverse=True)
