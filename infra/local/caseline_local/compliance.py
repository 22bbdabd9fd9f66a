"""The compliance view: per right and tier, how many Victims' Code duties fell due in a period and
how many were met on time, met late, missed or are still open (two gsi1 Queries per force)."""

from __future__ import annotations

from datetime import date, timedelta

from caseline.services.duties import ComplianceRow, compliance

HEADERS = ("right", "tier", "due", "met on time", "met late", "missed", "open")


def default_period(today: date) -> tuple[date, date]:
    """The period reported when none is given: 90 days back and 30 ahead of ``today`` (the stack's)."""
    return today - timedelta(days=90), today + timedelta(days=30)


def rows(force_id: str, first: date, last: date) -> list[ComplianceRow]:
    from caseline.adapters.dynamodb.duties import DynamoDutyRepository

    return compliance(DynamoDutyRepository().due_between(force_id, first, last))


def table(force_id: str, first: date, last: date, found: list[ComplianceRow]) -> str:
    lines = [f"Victims' Code duties due {first.isoformat()} to {last.isoformat()} for {force_id}"]
    cells = [HEADERS] + [
        (r.right, r.tier, str(r.due), str(r.met_on_time), str(r.met_late), str(r.missed), str(r.open)) for r in found
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADERS))]
    lines.extend("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells)
    if not found:
        lines.append("(no duties fell due in this period)")
    return "\n".join(lines)
