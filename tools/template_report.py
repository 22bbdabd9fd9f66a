"""Every SMS template's size with realistic values, and the template totals (``make templates``).

Each SMS body is rendered exactly as dispatch renders it, with ``SAMPLE_VALUES`` (every optional
block switched on, so the longest variant is measured), then measured in GSM-7 septets or UCS-2
code units. The result is OK, OVER (its ``sms_segments`` budget), UCS-2 (the characters are named)
or ERROR (it cannot be rendered); any but OK makes the command exit 1.

It then prints the worst case: every SMS rendered with ``LONGEST_VALUES`` (the contract's longest crime
reference, a long rank and name, a support service with an en dash, a 40-character portal address), so
the budget is seen where real data meets it. That part is a report only (issue: SMS budgets at the
contract's limits); it does not change the exit status.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from caseline.domain.errors import ValidationFailedError
from caseline.domain.personalisation import SAMPLE_VALUES
from caseline.domain.sms import non_gsm_characters, sms_size
from caseline.domain.templates import MessageTemplate, render

# Real values at their longest: the event contract's longest crime reference (32 characters), a rank and
# double-barrelled name, a force's support service written with an en dash (mapped to GSM-7 at send
# time), and a deployment's 40-character portal address.
LONGEST_VALUES: dict[str, str] = {
    **SAMPLE_VALUES,
    "name": "Alexandra Montgomery-Fitzwilliam",
    "crime_reference": "TVP/2027/0325/000000000000000001",
    "officer_name": "Detective Constable Alexandra Montgomery-Fitzwilliam",
    "support_service": "Victim Support \u2013 Thames Valley",
    "portal_url": "https://follow-your-case.thamesvalley.uk",
}


@dataclass(frozen=True)
class SmsRow:
    template_id: str
    encoding: str
    characters: int
    segments: int
    budget: int
    result: str
    """OK; OVER its budget; UCS-2 (the detail names the characters); ERROR when it cannot be rendered."""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.result == "OK"


def shipped_documents() -> list[dict[str, Any]]:
    """Every template document in the layer, in file-name order."""
    folder = resources.files("caseline.content").joinpath("templates")
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)
    return [json.loads(entry.read_text(encoding="utf-8")) for entry in entries]


def sms_row(document: Mapping[str, Any], values: Mapping[str, object]) -> SmsRow:
    template_id = str(document.get("id", "?"))
    budget = int(document.get("sms_segments", 1))
    body = str(document["channels"]["sms"]["body"])
    try:
        text = render(MessageTemplate(template_id, "sms", body), values).text
    except ValidationFailedError as error:
        return SmsRow(template_id, "-", 0, 0, budget, "ERROR", error.detail)
    size = sms_size(text)
    row = SmsRow(template_id, size.encoding, size.characters, size.segments, budget, "OK")
    if size.encoding != "GSM-7":
        culprits = " ".join(f"U+{ord(c):04X} {c!r}" for c in non_gsm_characters(text))
        return replace(row, result="UCS-2", detail=f"not in GSM-7: {culprits}")
    if size.segments > budget:
        return replace(row, result="OVER", detail=f"{size.segments - budget} segment(s) over")
    return row


def report(documents: Iterable[Mapping[str, Any]], values: Mapping[str, object]) -> tuple[list[str], bool]:
    """The report's lines, and whether every SMS is fine."""
    documents = list(documents)
    emails = sum("email" in d.get("channels", {}) for d in documents)
    rows = [sms_row(d, values) for d in documents if "sms" in d.get("channels", {})]
    width = max([len("template"), *(len(r.template_id) for r in rows)])
    lines = [f"{'template':<{width}}  encoding  chars  segments  budget  result"]
    for row in rows:
        lines.append(
            f"{row.template_id:<{width}}  {row.encoding:<8}  {row.characters:>5}  {row.segments:>8}"
            f"  {row.budget:>6}  {row.result}  {row.detail}".rstrip()
        )
    lines.append(f"{len(documents)} templates ({emails} email, {len(rows)} SMS)")
    return lines, all(row.ok for row in rows)


def worst_case(documents: Iterable[Mapping[str, Any]]) -> list[str]:
    """The SMS templates over their budget (or not GSM-7) with ``LONGEST_VALUES``, and how many there are."""
    rows = [sms_row(d, LONGEST_VALUES) for d in documents if "sms" in d.get("channels", {})]
    over = [row for row in rows if not row.ok]
    lines = [f"Worst case (longest realistic values): {len(over)} of {len(rows)} SMS templates over budget"]
    lines += [f"  {row.template_id}: {row.characters} {row.encoding}, {row.segments} segment(s)" for row in over]
    return lines


def main() -> int:
    documents = shipped_documents()
    lines, ok = report(documents, SAMPLE_VALUES)
    sys.stdout.write("\n".join([*lines, "", *worst_case(documents)]) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
