"""Forces and the fictional people, places and references that make up a simulated case.

Every name is invented; mobiles are Ofcom drama numbers (+44 7700 900xxx), team phone numbers are
Ofcom drama numbers (01632 960xxx) and email addresses are @example.org. The same force and case id
always give the same people, so every event about one case agrees with the others.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Force:
    force_id: str
    case_prefix: str  # the force's case ids look like TVP-123456
    source: str  # CloudEvents ``source``: the sending system
    reference_prefix: str  # crime references start with the force's two-digit code
    areas: tuple[str, ...]
    officers: tuple[dict[str, str], ...]  # name, collar_number, team_contact
    courts: tuple[str, ...]


def _forces(path: Path) -> dict[str, Force]:
    """Each force in the data file, its lists as tuples (a field missing or unknown fails here, at import)."""
    forces: dict[str, Force] = {}
    for force_id, entry in json.loads(path.read_text(encoding="utf-8"))["forces"].items():
        fields: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in entry.items()}
        forces[force_id] = Force(force_id=force_id, **fields)
    return forces


FORCES = _forces(Path(__file__).with_name("simulated_forces.json"))

FIRST_NAMES = ("Robin", "Jamie", "Taylor", "Avery", "Morgan", "Quinn", "Rowan", "Sasha", "Elliot", "Harper")
LAST_NAMES = ("Ashdown", "Brightwell", "Calloway", "Denholm", "Everly", "Fairbrook", "Greaves", "Hollis")
CATEGORIES = ("burglary", "vehicle-crime", "criminal-damage-arson", "theft-from-the-person", "bicycle-theft")
# What a suspect is charged with, in words a victim would read (no names: only what they need to know).
CHARGES: dict[str, str] = {
    "burglary": "Burglary of a home",
    "vehicle-crime": "Theft from a motor vehicle",
    "criminal-damage-arson": "Criminal damage",
    "theft-from-the-person": "Theft from the person",
    "bicycle-theft": "Theft of a pedal cycle",
    "robbery": "Robbery",
    "violent-crime": "Assault occasioning actual bodily harm",
}


@dataclass(frozen=True)
class CaseFacts:
    """Everything about one case that stays the same from event to event."""

    victim_id: str
    victim_name: str
    email: str
    mobile: str
    officer: dict[str, str]
    area: str
    crime_reference: str
    category: str
    court: str


def force(force_id: str) -> Force:
    try:
        return FORCES[force_id]
    except KeyError:
        raise ValueError(f"unknown force {force_id!r}: one of {', '.join(FORCES)}") from None


def drama_mobile(number: int) -> str:
    """Ofcom drama mobile ``number`` (0-999) as +447700900NNN, but never one ending in 99: moto's SNS says
    every such number has opted out of SMS, so the local stack would never text that victim (dispatch
    falls back) and a test expecting a text would wait for ever."""
    number %= 1000
    return f"+447700900{number - 1 if number % 100 == 99 else number:03d}"


def case_facts(force_id: str, case_id: str) -> CaseFacts:
    """Deterministic fictional facts for a case (no I/O, no global random state)."""
    profile = force(force_id)
    rng = random.Random(zlib.crc32(f"{force_id}/{case_id}".encode()))  # noqa: S311 - test data, not security
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    officer = dict(rng.choice(profile.officers))
    return CaseFacts(
        victim_id=f"V-{case_id}"[:64],
        victim_name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}.{rng.randrange(1000):03d}@example.org",
        mobile=drama_mobile(rng.randrange(1000)),
        officer=officer,
        area=rng.choice(profile.areas),
        crime_reference=f"{profile.reference_prefix}26{rng.randrange(10**7):07d}",
        category=rng.choice(CATEGORIES),
        court=rng.choice(profile.courts),
    )
