"""Domain vocabulary: forces, police.uk crime categories, flags and Victims' Code tiers."""

from __future__ import annotations

from enum import StrEnum

CRIME_CATEGORIES: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}


class CrimeFlag(StrEnum):
    DOMESTIC_ABUSE = "domestic-abuse"
    HATE_CRIME = "hate-crime"
    SEXUAL_OFFENCE = "sexual-offence"
    STALKING_HARASSMENT = "stalking-harassment"
    FRAUD = "fraud"


SENSITIVE_FLAGS = frozenset(
    {CrimeFlag.DOMESTIC_ABUSE, CrimeFlag.SEXUAL_OFFENCE, CrimeFlag.HATE_CRIME, CrimeFlag.STALKING_HARASSMENT}
)


class VictimTier(StrEnum):
    """Victims' Code: enhanced rights for victims of the most serious crime and vulnerable victims."""

    STANDARD = "standard"
    ENHANCED = "enhanced"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
