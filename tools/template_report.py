"""Every SMS template's size with sample values and at the contract's limits (``make templates``).

Each SMS is rendered exactly as dispatch renders it (its ``shorten`` steps included: see
``caseline.domain.sms_fit``), with every optional block switched on, then measured in GSM-7 septets or
UCS-2 code units. The result is OK, OVER (its ``sms_segments`` budget), UCS-2 (the characters are named)
or ERROR (it cannot be rendered).

It renders every SMS twice: with ``SAMPLE_VALUES``, and with ``LONGEST_VALUES``, each value as long as
the event contract and the deployment parameters allow (a 32-character crime reference, a 200-character
officer name and support service with characters GSM-7 lacks, the longest force name, a portal address
of ``PORTAL_URL_MAX_LENGTH`` characters). ``PORTAL_URL=https://… make templates`` checks a deployment's
own address instead. Any row that is not OK in either makes the command exit 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from caseline.content import message_template, template_documents
from caseline.domain.errors import ValidationFailedError
from caseline.domain.personalisation import SAMPLE_VALUES
from caseline.domain.sms import non_gsm_characters, sms_size
from caseline.domain.templates import render
from caseline.domain.vocabulary import FORCE_NAMES

# template.yaml's PortalUrl parameter allows at most this many characters (a contract test holds them).
PORTAL_URL_MAX_LENGTH = 40
CRIME_REFERENCE_MAX_LENGTH = 32  # the force event contract's longest crime reference
FREE_TEXT_MAX_LENGTH = 200  # the contract's longest officer name and support service name


def _padded(start: str, length: int) -> str:
    return (start + " Montgomery-Fitzwilliam" * 10)[:length]


LONGEST_VALUES: dict[str, str] = {
    **SAMPLE_VALUES,
    "name": _padded("Alexandra", FREE_TEXT_MAX_LENGTH),
    "force_name": max(FORCE_NAMES.values(), key=len),
    "crime_reference": "TVP/2027/0325/000000000000000001"[:CRIME_REFERENCE_MAX_LENGTH],
    "officer_name": _padded("Detective Chief Inspector Siobh\u00e1n \u201cSam\u201d", FREE_TEXT_MAX_LENGTH),
    "support_service": _padded("Victim Support \u2013 Thames Valley \u4e2d", FREE_TEXT_MAX_LENGTH),
    "portal_url": ("https://follow-your-case." + "x" * PORTAL_URL_MAX_LENGTH)[: PORTAL_URL_MAX_LENGTH - 3] + ".uk",
    "access_code_expires": "Wednesday 30 September 2026",
    "event_date": "Wednesday 30 September 2026",
    "hearing_date": "Wednesday 30 September 2026",
    "hearing_time": "10:30am",
    "away_until": "Wednesday 30 September 2026",
    "cover_team": _padded("Investigation Hub \u2013 duty desk", FREE_TEXT_MAX_LENGTH),
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


def sms_row(document: Mapping[str, Any], values: Mapping[str, object]) -> SmsRow:
    template_id = str(document.get("id", "?"))
    budget = int(document.get("sms_segments", 1))
    try:
        text = render(message_template(document, "sms"), values).text
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


def worst_case(documents: Iterable[Mapping[str, Any]], values: Mapping[str, object]) -> tuple[list[str], bool]:
    """The SMS templates over their budget (or not GSM-7) at the limits, and whether there are none."""
    rows = [sms_row(d, values) for d in documents if "sms" in d.get("channels", {})]
    over = [row for row in rows if not row.ok]
    lines = [
        f"At the contract's limits (portal address {len(str(values['portal_url']))} characters):"
        f" {len(over)} of {len(rows)} SMS templates over budget"
    ]
    lines += [
        f"  {row.template_id}: {row.characters} {row.encoding}, {row.segments} segment(s) {row.detail}" for row in over
    ]
    return lines, not over


def main() -> int:
    documents = template_documents()
    lines, ok = report(documents, SAMPLE_VALUES)
    portal_url = os.environ.get("PORTAL_URL") or LONGEST_VALUES["portal_url"]
    limits, fits = worst_case(documents, {**LONGEST_VALUES, "portal_url": portal_url})
    sys.stdout.write("\n".join([*lines, "", *limits]) + "\n")
    return 0 if ok and fits else 1


if __name__ == "__main__":
    sys.exit(main())
