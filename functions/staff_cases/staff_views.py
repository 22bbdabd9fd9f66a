"""The call handler's view's request bodies and answers (its OpenAPI schemas)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field

from caseline.domain.staff_access import LOOKUP_REASONS, MAX_DETAIL_CHARS, StaffAuditEntry
from caseline.services.staff_cases import StaffCaseView

Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]  # a force's or a case's id in a path


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LookupBody(_Model):
    crime_reference: str = Field(min_length=4, max_length=40)
    reason: str = Field(
        max_length=40, description="One of " + "; ".join(f"{k} ({v})" for k, v in LOOKUP_REASONS.items())
    )
    detail: str | None = Field(default=None, max_length=MAX_DETAIL_CHARS, description="Free text; required with other")
    force_id: str | None = Field(default=None, description="Needed only by a call handler of several forces")


class CallBody(_Model):
    note: str | None = Field(default=None, max_length=MAX_DETAIL_CHARS)


class Recorded(_Model):
    status: Literal["recorded"]
    at: datetime


class SentMessageView(BaseModel):
    model_config = ConfigDict(extra="ignore")  # built from the service's record, without its victim id

    template_id: str = Field(description="The message's template (its content is not stored)")
    rendered_template: str | None = Field(description="The template rendered: a content-free variant if one was used")
    channel: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    delivery: str | None = Field(description="The provider's worst news: delivered, bounced, complained...")
    reason: str | None = Field(description="Why it was blocked, failed or skipped")


class VictimOnCaseView(_Model):
    victim_id: str
    name: str
    view: dict[str, Any] = Field(description="What this victim sees: the victim API's case view (CaseDetailView)")
    messages_sent: list[SentMessageView] = Field(description="Every message Caseline sent or tried, oldest first")


class StaffCaseAnswer(_Model):
    force_id: str
    case_id: str
    crime_reference: str
    victims: list[VictimOnCaseView]

    @classmethod
    def of(cls, found: StaffCaseView) -> StaffCaseAnswer:
        victims = [
            VictimOnCaseView(
                victim_id=v.victim_id,
                name=v.name,
                view=asdict(v.view),
                messages_sent=[SentMessageView.model_validate(m, from_attributes=True) for m in v.messages_sent],
            )
            for v in found.victims
        ]
        return cls(
            force_id=found.force_id, case_id=found.case_id, crime_reference=found.crime_reference, victims=victims
        )


class AuditEntryView(BaseModel):
    model_config = ConfigDict(extra="ignore")  # built from the audit entry, without its force, case and ids

    at: datetime
    action: Literal["staff-viewed-case", "victim-called"]
    staff_sub: str
    staff_email: str | None
    reason: str


class CaseLookupsView(_Model):
    entries: list[AuditEntryView]

    @classmethod
    def of(cls, entries: list[StaffAuditEntry]) -> CaseLookupsView:
        return cls.model_validate(
            {"entries": [asdict(e) | {"staff_sub": e.sub, "staff_email": e.email} for e in entries]}
        )
