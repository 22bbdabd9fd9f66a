"""The inbound event contract: CloudEvents 1.0 envelopes carrying force events.

The force is never taken from the body: it is decided by the secret that verified the signature.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import CRIME_CATEGORIES, CrimeFlag, VictimTier

CRIME_RECORDED = "org.caseline.crime.recorded.v1"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
UkMobile = Annotated[str, StringConstraints(pattern=r"^\+447\d{9}$")]
CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Officer(_Strict):
    name: Text
    collar_number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,10}$")]
    team_contact: Text


class Victim(_Strict):
    victim_id: CaseId
    name: Text
    email: Email | None = None
    mobile: UkMobile | None = None
    preferred_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    tier: VictimTier = VictimTier.STANDARD
    date_of_birth: date | None = None
    under_18: bool = False
    safe_contact: SafeContactProfile = Field(default_factory=SafeContactProfile)


class CrimeRecordedData(_Strict):
    crime_reference: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9/-]{3,31}$")]
    category: str
    flags: tuple[CrimeFlag, ...] = ()
    occurred_at: datetime | None = None
    recorded_at: datetime
    area: Text | None = None
    victim: Victim
    officer: Officer | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CRIME_CATEGORIES:
            raise ValueError("must be a police.uk crime category slug")
        return value


class CloudEvent(_Strict):
    """CloudEvents 1.0 structured envelope with Caseline's per-case ``sequence`` extension."""

    specversion: Annotated[str, StringConstraints(pattern=r"^1\.0$")]
    id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    source: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    type: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    time: datetime
    subject: CaseId
    sequence: Annotated[int, Field(ge=1, le=2**53)]
    datacontenttype: str = "application/json"
    data: dict[str, Any]


EVENT_DATA_MODELS: dict[str, type[BaseModel]] = {CRIME_RECORDED: CrimeRecordedData}
