"""The victim API's view models: the request bodies it accepts and the answers it gives (its OpenAPI
schemas). The case views are validated from the services' results by attribute, not copied field by field."""

# No ``from __future__ import annotations`` here: pydantic would then evaluate each field's annotation from
# its string at import, a cold-start cost; the few forward references (in methods) are quoted instead.
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from caseline.domain.case import CaseStage
from caseline.domain.preferences import PreferenceRequest
from caseline.domain.safe_contact import SafeHours, WallClockTime
from caseline.domain.survey import MAX_COMMENTS_CHARS, SurveyAnswers
from caseline.domain.timeline import victim_label
from caseline.domain.vocabulary import Channel
from caseline.services.officer_messages import MAX_MESSAGE_CHARS

if TYPE_CHECKING:
    from caseline.domain.articles import Article
    from caseline.domain.preferences import VictimPreferences
    from caseline.domain.records import CaseSummary
    from caseline.services.victim_cases import CaseView

STAGES = [stage.slug for stage in CaseStage]  # the tracker's stages, in order

Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]  # a force's or a case's id in a path
AlertId = Annotated[str, Path(pattern=r"^[0-9a-f]{20}$")]  # a safety alert's opaque id


class _Model(BaseModel):
    # Built on first use: a request needs the models of its route only, not all of them at cold start.
    model_config = ConfigDict(extra="forbid", from_attributes=True, defer_build=True)


# --- Cases ----------------------------------------------------------------------------------------------


class _CaseHeading(_Model):
    """What every view of a case starts with."""

    force_id: str
    case_id: str
    crime_reference: str
    category: str
    category_label: str
    stage: str


def _label(category: str) -> str:
    """The list of cases has no flags: the category in the victim's words, never the offence class."""
    return victim_label(category)


class CaseSummaryView(_CaseHeading):
    updated_at: datetime
    unread: int = Field(description="Officer messages since you last opened the case")

    @classmethod
    def of(cls, case: "CaseSummary") -> "CaseSummaryView":
        return cls.model_validate({**vars(case), "category_label": _label(case.category), "stage": case.stage.slug})


class MyCasesView(_Model):
    cases: list[CaseSummaryView]


class LinkRequest(_Model):
    crime_reference: str = Field(min_length=4, max_length=40)
    access_code: str = Field(min_length=8, max_length=20)


class LinkedCaseView(_Model):
    force_id: str
    case_id: str
    crime_reference: str


class TimelineEntryView(_Model):
    at: datetime
    title: str
    detail: str | None


class RightView(_Model):
    number: int
    title: str
    summary: str


class MessageView(_Model):
    at: datetime
    author: str
    text: str
    delivery: str | None
    unread: bool = Field(description="An officer's message that came after you last opened this case")


class RecommendedArticleView(_Model):
    slug: str
    title: str
    summary: str
    reason: str | None = Field(
        description="Why you are seeing this, in one sentence; null when an article above gave the same reason"
    )


class NextDateView(_Model):
    on: date = Field(description="The day it is due by (UK date)")
    text: str = Field(description="What will happen by then, in one plain-English sentence that includes the date")


class SafetyAlertView(_Model):
    alert_id: str = Field(description="Opaque; the message's link names it in the page's fragment (#alert=…)")
    title: str = Field(description="What happened, as the timeline says it")
    raised_at: datetime
    acknowledged_at: datetime | None = Field(description="When the victim confirmed they had seen it; null: not yet")


class ReviewStatusView(_Model):
    request_id: str
    state: Literal["requested", "acknowledged", "decided"]
    requested_at: datetime
    acknowledge_by: date | None = Field(description="The day the force must confirm it has the request (until it does)")
    decide_by: date | None = Field(description="The day the force must tell the result (until it does)")
    acknowledged_at: datetime | None
    decided_at: datetime | None
    decision: Literal["upheld", "not-upheld"] | None = Field(
        description="upheld: the original decision stands; not-upheld: the case is looked at again"
    )


class ReviewView(_Model):
    """The Victims' Right to Review on this case (docs/journeys.md#right-to-review)."""

    scheme: Literal["police", "cps"] | None = Field(description="Whose decision it is: the police's or the CPS's")
    open_until: date | None = Field(description="The last day to ask online; null once asked")
    request: ReviewStatusView | None = Field(description="The victim's request and where it stands; null: none")


class NewReviewRequest(_Model):
    reasons: str | None = Field(
        default=None, description="Why the victim thinks the decision is wrong (optional; at most 1,500 characters)"
    )


StatementKind = Literal["make", "update"]
StatementUse = Literal["read-by-me", "read-by-someone-else", "read-by-prosecutor", "considered-only"]


class StatementRequestView(_Model):
    """A Victim Personal Statement request (docs/journeys.md#personal-statement-requests)."""

    request_id: str
    state: Literal["requested", "taken"]
    kind: StatementKind
    use: StatementUse = Field(description="How the victim wants it used in court")
    requested_at: datetime
    taken_at: datetime | None = Field(description="When the officer took it; null until then")


class NewStatementRequest(_Model):
    kind: StatementKind = Field(description="make a first statement, or update one made before")
    use: StatementUse = Field(
        description="read aloud by the victim, by someone else they choose, by the prosecutor, or only "
        "considered by the court"
    )


class AccessView(_Model):
    """Who is reading: the victim, or a person following the case for her, and what they may do."""

    role: Literal["victim", "delegate"]
    scope: Literal["all", "view", "message"] = Field(description="A delegate's: view, or also message the officer")
    relationship: str | None = Field(description="A delegate's relationship to the victim; null for the victim")
    granted_by: Literal["victim", "force"] | None


class CaseDetailView(_CaseHeading):
    """``category_label`` here is the victim's name for the case: a flag's words (domestic abuse), never
    the police.uk offence class."""

    stages: list[str]
    officer: dict[str, str] | None
    timeline: list[TimelineEntryView] = Field(description="Every step that reached the case, oldest first")
    tier: str
    rights: list[RightView]
    messages: list[MessageView]
    delayed_to_force: int = Field(description="Messages or requests the force has not received yet, still retried")
    now: str = Field(description="What is happening now, in plain English (the page's heading)")
    next_steps: str = Field(description="What happens next at this stage, in plain English")
    next_date: NextDateView | None = Field(
        description="The earliest date the victim can count on: an open Victims' Code duty or the next "
        "'no news yet' update; null when there is none (a closed case)"
    )
    expected_reply: str | None = Field(description="How soon the officer aims to reply; null with no officer")
    officer_away: str | None = Field(description="The officer is away today: until when and who covers; else null")
    recommended_articles: list[RecommendedArticleView] = Field(
        description="The most relevant articles for this case now, keeping-safe first where it applies"
    )
    alerts: list[SafetyAlertView] = Field(
        description="Safety news the victim is asked to confirm they have seen (a suspect released or bailed), "
        "oldest first"
    )
    statement: StatementRequestView | None = Field(
        description="The victim's latest personal statement request and its state; null: none yet"
    )
    review: ReviewView | None = Field(
        description="The right to ask for a review of a decision not to prosecute: an open offer or the "
        "request's state; null when no decision on the case carries it"
    )
    access: AccessView = Field(
        description="Who is reading. A delegate sees the case but not the victim's contact details or her own "
        "messages, and cannot confirm alerts, ask for a review or statement, or change her choices"
    )

    @classmethod
    def of(cls, case: "CaseView") -> "CaseDetailView":
        return cls.model_validate({**vars(case), "stages": STAGES})


class NewMessage(_Model):
    # Normalise, then validate: spaces around the text do not count towards its length
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)]
    idempotency_key: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]{16,64}$",
        description="One per message written, the same on every retry of it: a retry whose answer was lost "
        "is the same message, sent once",
    )


class Accepted(_Model):
    status: str


# --- Accounts linked to a case ---------------------------------------------------------------------------


class LinkedAccountView(_Model):
    link_id: str = Field(description="Opaque id of this account's link, for removing it")
    email: str | None = Field(description="The account's email, masked (v\u2022\u2022\u2022@example.org)")
    linked_at: datetime
    last_signed_in_at: datetime | None = Field(description="The last sign-in since the link (null: none yet)")
    you: bool = Field(description="This is the account you are signed in with")


class LinkedAccountsView(_Model):
    accounts: list[LinkedAccountView]


# --- Closing survey --------------------------------------------------------------------------------------

Score = Annotated[int, Field(strict=True, ge=1, le=5)]


class SurveyBody(_Model):
    """The closing survey: each score from 1 (worst) to 5 (best)."""

    satisfaction: Score = Field(description="Overall, how satisfied you are with how you were kept informed")
    kept_informed: Score = Field(description="How well the police kept you informed about your case")
    easy_to_use: Score = Field(description="How easy this service was to use")
    comments: str | None = Field(default=None, max_length=MAX_COMMENTS_CHARS, description="Anything else (optional)")

    def answers(self) -> "SurveyAnswers":
        return SurveyAnswers(self.satisfaction, self.kept_informed, self.easy_to_use, self.comments)


# --- Contact preferences ---------------------------------------------------------------------------------


class SafeHoursView(_Model):
    """The only times messages may go, UK time: from ``start`` until ``end``. An ``end`` earlier than
    ``start`` runs overnight (22:00 until 06:00). Equal times would leave no moment to send."""

    start: WallClockTime = Field(description="Messages may go from this time (HH:MM, UK local time, no offset)")
    end: WallClockTime = Field(description="...until this time (HH:MM, UK); earlier than start means overnight")

    @model_validator(mode="after")
    def _some_time_to_send(self) -> "SafeHoursView":
        if self.start == self.end:
            raise ValueError("start and end must differ: equal times leave no moment to send")
        return self


class PreferencesBody(_Model):
    """What the victim wants. Anything less safe than the force's assessment goes to the force to decide."""

    channels: list[Channel] = Field(max_length=2)
    name_police: bool
    name_crime: bool
    safe_hours: SafeHoursView | None = Field(description="The only hours messages may go; null: any time")
    no_news_days: Literal[14, 28] | None = Field(description="Days between 'no news yet' updates; null: never")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    non_statutory: bool = Field(description="False: only the messages the Victims' Code requires")

    @classmethod
    def of(cls, own: "VictimPreferences") -> "PreferencesBody":
        hours = own.safe_hours
        return cls(
            channels=[c for c in Channel if c not in own.channels_off],
            name_police=not own.hide_police,
            name_crime=not own.hide_crime,
            safe_hours=SafeHoursView(start=hours.start, end=hours.end) if hours else None,
            no_news_days=own.no_news_days if own.no_news_days in (14, 28) else None,
            language=own.language,
            non_statutory=own.non_statutory,
        )

    def request(self) -> "PreferenceRequest":
        return PreferenceRequest(
            channels=frozenset(self.channels),
            name_police=self.name_police,
            name_crime=self.name_crime,
            safe_hours=SafeHours(self.safe_hours.start, self.safe_hours.end) if self.safe_hours else None,
            no_news_days=self.no_news_days,
            language=self.language,
            non_statutory=self.non_statutory,
        )


class PreferencesView(_Model):
    yours: PreferencesBody
    in_effect: dict[str, Any] = Field(description="The profile every message obeys: the force's, made stricter")
    waiting_for_the_force: dict[str, Any] = Field(default_factory=dict)


# --- My account ------------------------------------------------------------------------------------------


class ClosedAccountView(_Model):
    deleted: list[str] = Field(description="What was deleted, in plain English")
    kept: list[str] = Field(description="What is kept, and why, in plain English")
    cases_unlinked: int
    reports_detached: int = Field(description="Reports made online taken off the account (the force keeps them)")
    delegates_removed: int = Field(
        description="People the victim invited to follow her cases whose access ended, as she could no longer "
        "remove them (people the force set up stay)"
    )


# --- My data: format caseline.export.v1 (docs/data-rights.md; the service builds it, this documents it) ---

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]  # as the service wrote it


class ExportAccount(_Model):
    user_id: str
    email: str | None = Field(description="The sign-in email address from the ID token")


class ExportDetails(_Model):
    """The caller's contact details as the force holds them."""

    name: str
    email: str | None
    mobile: str | None
    language: str
    tier: str
    safe_contact: dict[str, Any] = Field(description="safe_channels, safe_hours, may_name_police, may_name_crime")


class ExportTimelineEntry(_Model):
    event_type: str
    title: str = Field(description="The plain-English title the case view shows")
    sequence: int
    occurred_at: DateTime
    data: dict[str, Any]


class ExportMessage(_Model):
    text: str
    sent_at: DateTime


class ExportRequest(_Model):
    type: str = Field(description="An org.caseline.victim.* outbound event type")
    created_at: DateTime
    status: str
    reasons: str | None = Field(default=None, description="What you wrote with a request for a review (if anything)")


class ExportPreferences(_Model):
    """The caller's own contact preferences, in the shape of GET .../preferences's ``yours``."""

    channels: list[Channel]
    name_police: bool
    name_crime: bool
    safe_hours: dict[str, str] | None = Field(description="start and end, HH:MM:SS UK time; null: any time")
    no_news_days: int | None
    language: str | None
    non_statutory: bool


class ExportSurvey(_Model):
    satisfaction: int
    kept_informed: int
    easy_to_use: int
    comments: str | None
    answered_at: DateTime


class ExportAlert(_Model):
    event_type: str
    title: str
    raised_at: DateTime
    acknowledged_at: DateTime | None


class ExportDelegate(_Model):
    name: str
    relationship: str
    scope: str
    granted_by: str


class ExportCase(_Model):
    force_id: str
    case_id: str
    crime_reference: str
    category: str | None
    stage: str
    officer: dict[str, Any] | None
    your_details: ExportDetails | None
    timeline: list[ExportTimelineEntry]
    your_messages: list[ExportMessage]
    requests_to_the_force: list[ExportRequest]
    your_preferences: ExportPreferences | None = Field(description="null: never set")
    your_survey: ExportSurvey | None
    your_safety_alerts: list[ExportAlert] = Field(description="Safety news you were asked to confirm, and when you did")
    people_following_your_case: list[ExportDelegate] = Field(
        description="People you (or the force) gave access to follow this case for you"
    )


class ExportFollowed(_Model):
    """A case the caller follows for a victim (delegated access): how, and what the caller wrote there."""

    force_id: str
    case_id: str
    crime_reference: str
    relationship: str
    scope: str
    granted_by: str
    accepted_at: DateTime | None
    your_messages: list[ExportMessage]
    requests_to_the_force: list[ExportRequest]


class ExportReport(_Model):
    force_id: str
    report_reference: str
    category: str
    submitted_at: DateTime
    status: str
    crime_reference: str | None
    reason: str | None
    where_to_go: str | None
    your_answers: dict[str, Any]


class DataExportView(_Model):
    format: Literal["caseline.export.v1"]
    generated_at: DateTime
    account: ExportAccount
    cases: list[ExportCase]
    following: list[ExportFollowed] = Field(description="Cases the caller follows for someone else")
    reports: list[ExportReport]
    not_included: list[str] = Field(description="What Caseline holds but does not put in this file, and why")


# --- Articles (public) -----------------------------------------------------------------------------------


class ArticleSummaryView(_Model):
    slug: str
    title: str
    summary: str
    kind: str
    safety: bool
    url: str = Field(description="The article's page in the portal")

    @classmethod
    def of(cls, article: "Article") -> "ArticleSummaryView":
        return cls(**_as_listed(article))


def _as_listed(article: "Article") -> dict[str, Any]:
    """What a list of articles shows of one; its page shows these too."""
    from caseline.domain.articles import article_path  # loaded with the first article request

    shown = ("slug", "title", "summary", "kind", "safety")
    return {name: getattr(article, name) for name in shown} | {"url": article_path(article.slug)}


class ArticleListView(_Model):
    query: str | None
    articles: list[ArticleSummaryView]


class ServiceView(_Model):
    name: str
    web: str
    phone: str | None = None
    hours: str | None = None


class ArticleView(_Model):
    slug: str
    title: str
    summary: str
    kind: str
    language: str
    force_id: str | None = Field(description="Set when this is the force's own article or its version of a shared one")
    age_groups: list[str]
    safety: bool
    service: ServiceView | None
    body_html: str = Field(description="Safe HTML rendered at build time: no raw HTML, no scripts, no images")
    review_by: date
    url: str

    @classmethod
    def of(cls, article: "Article") -> "ArticleView":
        return cls(
            **_as_listed(article),
            language=article.language,
            force_id=article.force,
            age_groups=list(article.age_groups),
            service=ServiceView(**article.service.to_dict()) if article.service else None,
            body_html=article.body_html,
            review_by=date.fromisoformat(article.review_by),
        )


# --- People following a case for the victim (delegated access) ---------------------------------------------


class DelegateView(_Model):
    delegation_id: str = Field(description="Opaque id of this delegation, for removing it")
    name: str = Field(description="What the victim (or the force) calls the person")
    relationship: str = Field(description="family, friend, advocate, parent-guardian or family-spokesperson")
    relationship_label: str
    scope: Literal["view", "message"] = Field(description="view: reads the case; message: also writes to the officer")
    granted_by: Literal["victim", "force"]
    invited_by_you: bool = Field(
        description="False when the force or another account linked to your record of the case set it up: that "
        "account's invitations end when it is removed"
    )
    status: Literal["invited", "expired", "active"]
    created_at: datetime
    invitation_expires_at: datetime | None = Field(description="Until when the code works; null once accepted")
    accepted_at: datetime | None


class DelegatesView(_Model):
    delegates: list[DelegateView]


class NewDelegateRequest(_Model):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    relationship: Literal["family", "friend", "advocate"]
    scope: Literal["view", "message"]


class NewDelegateView(_Model):
    delegate: DelegateView
    invitation_code: str = Field(description="Shown once: give it to the person yourself. It works once, for 7 days")


class AcceptInvitationRequest(_Model):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class AcceptedInvitationView(_Model):
    force_id: str
    case_id: str
