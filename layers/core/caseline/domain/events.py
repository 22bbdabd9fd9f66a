"""The inbound event contract: CloudEvents 1.0 envelopes carrying force events.

The force is never taken from the body: it is decided by the secret that verified the signature.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from caseline.domain import event_types as ev
from caseline.domain.calendar import within_calendar
from caseline.domain.contact import EMAIL_PATTERN, MAX_EMAIL, UK_MOBILE_PATTERN
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import CRIME_CATEGORIES, OUTCOME_TYPES, CrimeFlag, VictimTier

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(max_length=MAX_EMAIL, pattern=EMAIL_PATTERN)]
UkMobile = Annotated[str, StringConstraints(pattern=rf"^{UK_MOBILE_PATTERN}$")]
CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Moment = Annotated[datetime, AfterValidator(within_calendar)]


class _Strict(BaseModel):
    # Built on first use: a request validates one event type, so a cold start builds only the models it needs.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    category: str = Field(json_schema_extra={"enum": list(CRIME_CATEGORIES)})
    flags: tuple[CrimeFlag, ...] = ()
    occurred_at: Moment | None = None
    recorded_at: Moment
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
    time: Moment
    subject: CaseId
    sequence: Annotated[int, Field(ge=1, le=2**53)]
    datacontenttype: str = "application/json"
    data: dict[str, Any]


LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class OfficerAssignedData(_Strict):
    officer: Officer


class SupportReferral(_Strict):
    service: Text
    referred_at: Moment


class NeedsAssessedData(_Strict):
    victim_id: CaseId
    tier: VictimTier
    needs: tuple[Text, ...] = ()
    support_referral: SupportReferral | None = None


class InvestigationUpdateData(_Strict):
    summary: LongText  # written by the officer for the victim


class SuspectEventData(_Strict):
    """Right 6 suspect events. ``conditions_summary`` is for bail conditions that protect the victim."""

    occurred_at: Moment
    bail_until: date | None = None
    conditions_summary: LongText | None = None
    charges: tuple[Text, ...] = ()


class DecisionNotToInvestigateData(_Strict):
    reason_summary: LongText


class OutcomeRecordedData(_Strict):
    outcome_type: int = Field(json_schema_extra={"enum": list(OUTCOME_TYPES)})
    summary: LongText | None = None

    @field_validator("outcome_type")
    @classmethod
    def _known_outcome(cls, value: int) -> int:
        if value not in OUTCOME_TYPES:
            raise ValueError("must be a Home Office outcome type (1-18, 20-22)")
        return value


class CourtHearingScheduledData(_Strict):
    court: Text
    starts_at: Moment
    hearing_type: Text


class CourtOutcomeData(_Strict):
    result: Literal["convicted", "acquitted", "discontinued", "adjourned"]
    sentence_summary: LongText | None = None
    custodial_months: Annotated[int, Field(ge=0, le=1200)] | None = None
    violent_or_sexual_offence: bool = False


class OfficerMessageData(_Strict):
    message_id: CaseId
    text: LongText


class VictimContactChangedData(_Strict):
    victim_id: CaseId
    email: Email | None = None
    mobile: UkMobile | None = None
    preferred_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] | None = None
    safe_contact: SafeContactProfile | None = None


class AccessCodeReissuedData(_Strict):
    """The force asks for a new one-time access code for this victim (the old one stops working, and
    a lock on guessing the crime reference is lifted). Unless ``remove_linked_accounts`` is false, every
    account already linked to this victim record loses access: whoever read the old code cannot keep
    the case, and the victim links again with the new one."""

    victim_id: CaseId
    remove_linked_accounts: bool = True


class AccessRevokedData(_Strict):
    """The force removes accounts' access to this victim record: every account linked to it, or only the
    one with ``link_id`` (from Caseline's ``another-account-linked`` officer task). Accounts linked after Caseline
    received the event keep theirs."""

    victim_id: CaseId
    link_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{20}$")] | None = None


class OfficerUnavailableData(_Strict):
    """The officer in charge is away from ``away_from`` to ``away_until`` (both days included). Messages and
    update requests in that time are marked for the cover team, named here if there is one."""

    away_from: date
    away_until: date
    cover_team: Text | None = None
    cover_phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ]{2,19}$")] | None = None

    @model_validator(mode="after")
    def _in_order(self) -> OfficerUnavailableData:
        if self.away_until < self.away_from:
            raise ValueError("away_until must not be before away_from")
        return self


class OfficerAvailableData(_Strict):
    """The officer is back early, or the absence is cancelled (no data)."""


DelegationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class AccessDelegatedData(_Strict):
    """The force gives a person its officer has checked access to a victim's case from their own account: a
    parent or guardian of a child victim, a bereaved family's spokesperson, an advocate. ``name`` is shown
    to the victim under "Who can see this case"; the one-time invitation code comes back to the force in
    ``org.caseline.access.delegate-invitation.v1`` for the officer to hand over."""

    victim_id: CaseId
    delegation_id: DelegationId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    relationship: Literal["parent-guardian", "family-spokesperson", "advocate"]
    scope: Literal["view", "message"] = "message"


class AccessDelegationEndedData(_Strict):
    """The force ends a delegation it (or the victim) set up: the person loses access at once."""

    delegation_id: DelegationId


class CaseClosedData(_Strict):
    closed_at: Moment
    reason_summary: LongText | None = None


RequestId = Annotated[str, StringConstraints(pattern=r"^vrr-[0-9]{1,16}-[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class ReviewAcknowledgedData(_Strict):
    """The force has the victim's request for a review (``request_id`` from ``victim.review-requested``)."""

    request_id: RequestId
    victim_id: CaseId


class ReviewDecidedData(_Strict):
    """The review is done: the original decision is ``upheld`` (it stands) or ``not-upheld`` (the case is
    looked at again). ``summary`` is written by the reviewer for the victim."""

    request_id: RequestId
    victim_id: CaseId
    decision: Literal["upheld", "not-upheld"]
    summary: LongText | None = None


class StatementTakenData(_Strict):
    """The officer took the personal statement the victim asked to make or update (``request_id`` from
    ``victim.statement-requested``), in the force's own process."""

    request_id: Annotated[str, StringConstraints(pattern=r"^vps-[0-9]{1,6}-[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    victim_id: CaseId


class ReportReceivedData(_Strict):
    """The force's system has the report (no data)."""


class ReportRecordedData(_Strict):
    """Recorded as a crime. The force then sends ``crime.recorded`` for ``case_id`` as usual."""

    crime_reference: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9/-]{3,31}$")]
    case_id: CaseId
    victim_id: CaseId


class ReportNotRecordedData(_Strict):
    reason: LongText  # shown to the reporter as written
    where_to_go: LongText | None = None


# Case events (subject: the force's case id); each starts journeys.
EVENT_DATA_MODELS: dict[str, type[BaseModel]] = {
    ev.CRIME_RECORDED: CrimeRecordedData,
    ev.OFFICER_ASSIGNED: OfficerAssignedData,
    ev.NEEDS_ASSESSED: NeedsAssessedData,
    ev.INVESTIGATION_UPDATED: InvestigationUpdateData,
    **dict.fromkeys(ev.SUSPECT_EVENTS, SuspectEventData),
    ev.DECISION_NOT_TO_INVESTIGATE: DecisionNotToInvestigateData,
    ev.OUTCOME_RECORDED: OutcomeRecordedData,
    ev.COURT_HEARING_SCHEDULED: CourtHearingScheduledData,
    ev.COURT_OUTCOME: CourtOutcomeData,
    ev.OFFICER_MESSAGE: OfficerMessageData,
    ev.VICTIM_CONTACT_CHANGED: VictimContactChangedData,
    ev.CASE_CLOSED: CaseClosedData,
    ev.ACCESS_CODE_REISSUED: AccessCodeReissuedData,
    ev.ACCESS_REVOKED: AccessRevokedData,
    ev.REVIEW_ACKNOWLEDGED: ReviewAcknowledgedData,
    ev.REVIEW_DECIDED: ReviewDecidedData,
    ev.STATEMENT_TAKEN: StatementTakenData,
    ev.OFFICER_UNAVAILABLE: OfficerUnavailableData,
    ev.OFFICER_AVAILABLE: OfficerAvailableData,
    ev.ACCESS_DELEGATED: AccessDelegatedData,
    ev.ACCESS_DELEGATION_ENDED: AccessDelegationEndedData,
}
# A force's answers about an online report (subject: Caseline's report reference); they start no journey.
REPORT_EVENT_DATA_MODELS: dict[str, type[BaseModel]] = {
    ev.REPORT_RECEIVED: ReportReceivedData,
    ev.REPORT_RECORDED: ReportRecordedData,
    ev.REPORT_NOT_RECORDED: ReportNotRecordedData,
}
# Everything the webhook accepts: the published contract (docs/events/schemas/).
INBOUND_EVENT_DATA_MODELS: dict[str, type[BaseModel]] = {**EVENT_DATA_MODELS, **REPORT_EVENT_DATA_MODELS}
