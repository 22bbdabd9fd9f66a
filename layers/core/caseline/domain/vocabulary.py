"""Domain vocabulary: forces, police.uk crime categories, flags and Victims' Code tiers."""

from __future__ import annotations

from enum import StrEnum

# police.uk force ids and the names victims know them by.
FORCE_NAMES: dict[str, str] = {
    "thames-valley": "Thames Valley Police",
    "hampshire": "Hampshire and Isle of Wight Constabulary",
}

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


# Home Office outcome types, each with a plain-English explanation for the victim.
OUTCOME_TYPES: dict[int, str] = {
    1: "Someone has been charged or summonsed to court. The case will now go through the courts.",
    2: "The person responsible, who is under 18, has been given a youth caution.",
    3: "The person responsible has been given a caution, a formal warning that stays on their record.",
    4: "The person responsible admitted this crime and asked for it to be taken into account when "
    "they are sentenced for another crime.",
    5: "The person suspected of this crime has died, so the case cannot go further.",
    6: "The person responsible has been given a penalty notice for disorder, a fixed fine.",
    7: "The person responsible has been given a formal warning for possessing cannabis or khat.",
    8: "The crime has been dealt with by a community resolution, an agreed way to put things right "
    "without going to court.",
    9: "The Crown Prosecution Service decided that prosecuting is not in the public interest.",
    10: "The police decided that formal action is not in the public interest.",
    11: "The case cannot go to court because the suspect is under the age of criminal responsibility.",
    12: "The case cannot go to court because the suspect is too ill to be prosecuted.",
    13: "The case cannot go to court because the victim or a key witness has died or is too ill to give evidence.",
    14: "No suspect has been named, and the victim does not support, or cannot support, further action to find "
    "one, so the case has been closed.",
    15: "A suspect was identified and the victim supports action, but there is not enough evidence to go further.",
    16: "A suspect was identified, but the victim does not support action and there is not enough evidence "
    "to go further.",
    17: "A suspect was identified, but the time limit for prosecuting this offence has passed.",
    18: "The investigation is complete but no suspect has been identified. The case may be reopened if new "
    "information comes to light.",
    20: "Another organisation is responsible for dealing with this crime and has taken it on.",
    21: "A suspect was identified, but further investigation is not in the public interest.",
    22: "The person responsible has been offered a diversionary, educational or intervention activity instead "
    "of further action.",
}
