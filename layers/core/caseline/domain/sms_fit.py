"""Making an SMS fit its segment budget at send time, whatever the force's data holds.

A template's SMS may declare ``shorten``: steps tried in order, each on top of the ones before, until
the text is GSM-7 and within the template's ``sms_segments``. A step is either

* a **value rule** named in ``VALUE_RULES`` (``officer_rank``: "Detective Constable Jo Bloggs" becomes
  "DC Jo Bloggs"), or
* a **keep flag** (``keep_reference``, ``keep_force``, ``keep_officer``, ``keep_service``,
  ``keep_advice``): the SMS
  body wraps what it can do without in ``((keep_x??…))``; the flag is on for the full text and the
  step turns it off.

Every keep flag is on until its step runs, so a body reads in full when it fits. The template linter
checks that the last variant fits at the contract's maximum lengths (``make templates``), so a
victim's text is one segment of GSM-7 however long the force's values are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

KEEP_FLAGS = frozenset({"keep_reference", "keep_force", "keep_officer", "keep_service", "keep_advice"})

# Ranks of the police forces of England and Wales as they are written out, and the short form officers
# use themselves. Longest first, so "Detective Chief Inspector" is not read as "Chief Inspector".
RANKS: tuple[tuple[str, str], ...] = (
    ("Detective Chief Superintendent", "DCS"),
    ("Detective Superintendent", "Det Supt"),
    ("Chief Superintendent", "Ch Supt"),
    ("Superintendent", "Supt"),
    ("Detective Chief Inspector", "DCI"),
    ("Chief Inspector", "Ch Insp"),
    ("Detective Inspector", "DI"),
    ("Inspector", "Insp"),
    ("Detective Sergeant", "DS"),
    ("Police Sergeant", "PS"),
    ("Sergeant", "Sgt"),
    ("Trainee Detective Constable", "TDC"),
    ("Detective Constable", "DC"),
    ("Police Constable", "PC"),
    ("Special Constable", "SC"),
    ("Police Community Support Officer", "PCSO"),
)
_RANK = re.compile(
    r"^\s*(" + "|".join(re.escape(full) for full, _ in sorted(RANKS, key=lambda r: -len(r[0]))) + r")\b",
    re.IGNORECASE,
)
_SHORT = {full.lower(): short for full, short in RANKS}


def abbreviate_rank(name: str) -> str:
    """The name with a written-out rank at its start replaced by its short form; any other name as it is."""
    match = _RANK.match(name)
    if not match:
        return name
    return _SHORT[match.group(1).lower()] + name[match.end() :]


def _officer_rank(values: Mapping[str, object]) -> dict[str, object]:
    name = values.get("officer_name")
    return {**values, "officer_name": abbreviate_rank(name)} if isinstance(name, str) else dict(values)


VALUE_RULES: dict[str, Callable[[Mapping[str, object]], dict[str, object]]] = {"officer_rank": _officer_rank}


def unknown_steps(steps: tuple[str, ...]) -> list[str]:
    """The steps that are neither a value rule nor a keep flag (the template linter reports them)."""
    return [step for step in steps if step not in VALUE_RULES and step not in KEEP_FLAGS]


def variants(steps: tuple[str, ...], values: Mapping[str, object]) -> Iterator[dict[str, object]]:
    """The values for the full text, then after each step in turn (each on top of the ones before)."""
    current: dict[str, object] = {**values, **dict.fromkeys(KEEP_FLAGS, "yes")}
    yield current
    for step in steps:
        rule = VALUE_RULES.get(step)
        current = rule(current) if rule else {**current, step: ""}
        yield current
