"""Victim API behind the Cognito authorizer. The caller is the token's subject, never a parameter."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.account_links import DynamoAccountLinks
from caseline.adapters.dynamodb.case_view import (
    DynamoAuditLog,
    DynamoCaseReader,
    DynamoMessageStore,
    DynamoPreferencesStore,
    DynamoReadState,
)
from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore
from caseline.adapters.dynamodb.linking import DynamoLinkRepository
from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository
from caseline.adapters.dynamodb.sessions import DynamoSessionStore
from caseline.adapters.dynamodb.survey import DynamoSurveyStore
from caseline.adapters.dynamodb.victim_cases import DynamoVictimCaseReader
from caseline.adapters.http import install_problem_handlers, non_json_body_problem, strict_json
from caseline.adapters.identity import CognitoIdentityAdmin
from caseline.config import get_settings
from caseline.content import openapi_json
from caseline.content.articles_index import LazyArticleLibrary
from caseline.domain.preferences import PreferenceRequest, VictimPreferences
from caseline.domain.safe_contact import SafeHours
from caseline.domain.sessions import Token, require_recent_sign_in, token_from_claims
from caseline.domain.survey import MAX_COMMENTS_CHARS, SurveyAnswers
from caseline.domain.vocabulary import CRIME_CATEGORIES, Channel
from caseline.observability import logger, metrics, tracer
from caseline.services import account_links, data_rights, preferences, sessions, survey, victim_cases
from caseline.services.linking import link_case

if TYPE_CHECKING:
    from caseline.domain.articles import Article

app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
install_problem_handlers(app)
# Every read of a case or of "my cases" refuses a token from a session that was ended (sign out
# everywhere, quick exit, closure): the mark is on the items those reads return, so it costs no call.
summaries = sessions.CheckedLinkedCases(DynamoVictimCaseReader(), lambda: _token())
cases = sessions.CheckedCaseReader(DynamoCaseReader(), lambda: _token())
session_store = DynamoSessionStore()
audit = DynamoAuditLog()
messages = DynamoMessageStore()
outbound = DynamoOutboundRepository()
links = DynamoLinkRepository()
account_store = DynamoAccountLinks()
preference_store = DynamoPreferencesStore()
rights = DynamoDataRightsStore()
read_state = DynamoReadState()
surveys = DynamoSurveyStore()
identity = CognitoIdentityAdmin(user_pool_id=get_settings().user_pool_id, client_factory=lambda: client("cognito-idp"))
clock = SystemClock()
articles = LazyArticleLibrary()  # the index is read on the first article request, not at cold start

Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseSummaryView(_Model):
    force_id: str
    case_id: str
    crime_reference: str
    category: str
    category_label: str
    stage: str
    updated_at: datetime
    unread: int = Field(description="Officer messages since you last opened the case")


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
    reason: str = Field(description="Why you are seeing this, in one sentence")


class CaseDetailView(_Model):
    force_id: str
    case_id: str
    crime_reference: str
    category: str
    category_label: str
    stage: str
    stages: list[str]
    officer: dict[str, str] | None
    timeline: list[TimelineEntryView]
    tier: str
    rights: list[RightView]
    messages: list[MessageView]
    delayed_to_force: int = Field(description="Messages or requests the force has not received yet, still retried")
    next_steps: str
    expected_reply: str
    recommended_articles: list[RecommendedArticleView] = Field(
        description="The most relevant articles for this case now, keeping-safe first where it applies"
    )


class NewMessage(_Model):
    # Normalise, then validate: spaces around the text do not count towards its length
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=victim_cases.MAX_MESSAGE_CHARS)
    ]


class Accepted(_Model):
    status: str


def _token() -> Token:
    context = app.current_event.request_context
    return token_from_claims((context.authorizer.claims or {}) if context else {})


def _caller() -> str:
    return _token().user_id


def _account_caller(*, recent_sign_in: bool = False) -> str:
    """Account routes that read nothing of a case: check the account's session mark (one GetItem)."""
    token = _token()
    sessions.check_account(token, store=session_store)
    if recent_sign_in:
        require_recent_sign_in(token, clock.now())
    return token.user_id


@app.get("/v1/me/cases", summary="The signed-in victim's linked cases", tags=["Victims"])
def my_cases() -> MyCasesView:
    found = victim_cases.list_my_cases(_caller(), reader=summaries)
    metrics.add_metric(name="CaseListsServed", unit=MetricUnit.Count, value=1)
    return MyCasesView(
        cases=[
            CaseSummaryView(
                force_id=s.force_id,
                case_id=s.case_id,
                crime_reference=s.crime_reference,
                category=s.category,
                category_label=CRIME_CATEGORIES.get(s.category, "Crime"),
                stage=s.stage.slug,
                updated_at=s.updated_at,
                unread=s.unread,
            )
            for s in found
        ]
    )


@app.post("/v1/me/links", summary="Link a case with its crime reference and one-time access code", tags=["Victims"])
def link(request: Annotated[LinkRequest, Body()]) -> Response[LinkedCaseView]:
    user_id = _account_caller()
    linked = link_case(
        user_id, request.crime_reference, request.access_code, links=links, identity=identity, clock=clock
    )
    sessions.carry_to_new_case(user_id, linked.force_id, linked.case_id, store=session_store, clock=clock)
    metrics.add_metric(name="CasesLinked", unit=MetricUnit.Count, value=1)
    view = LinkedCaseView(force_id=linked.force_id, case_id=linked.case_id, crime_reference=linked.crime_reference)
    return Response(status_code=201, content_type="application/json", body=view)


@app.get(
    "/v1/cases/<force_id>/<case_id>", summary="One of my cases: stage, timeline, officer, rights", tags=["Victims"]
)
def case_detail(force_id: Id, case_id: Id) -> CaseDetailView:
    view = victim_cases.view_case(
        _caller(), force_id, case_id, reader=cases, audit=audit, clock=clock, reads=read_state, articles=articles
    )
    metrics.add_metric(name="CaseViewsServed", unit=MetricUnit.Count, value=1)
    return CaseDetailView(
        force_id=view.force_id,
        case_id=view.case_id,
        crime_reference=view.crime_reference,
        category=view.category,
        category_label=CRIME_CATEGORIES.get(view.category, "Crime"),
        stage=view.stage,
        stages=["reported", "officer-assigned", "investigating", "outcome", "closed"],
        officer=view.officer,
        timeline=[TimelineEntryView(at=t.at, title=t.title, detail=t.detail) for t in view.timeline],
        tier=view.tier,
        rights=[RightView(number=r.number, title=r.title, summary=r.summary) for r in view.rights],
        messages=[
            MessageView(at=m.at, author=m.author, text=m.text, delivery=m.delivery, unread=m.unread)
            for m in view.messages
        ],
        delayed_to_force=view.delayed_to_force,
        next_steps=view.next_steps,
        expected_reply=view.expected_reply,
        recommended_articles=[
            RecommendedArticleView(slug=a.slug, title=a.title, summary=a.summary, reason=a.reason)
            for a in view.recommended_articles
        ],
    )


@app.post("/v1/cases/<force_id>/<case_id>/messages", summary="Send a message to the officer", tags=["Victims"])
def send_message(force_id: Id, case_id: Id, message: Annotated[NewMessage, Body()]) -> Response[Accepted]:
    victim_cases.send_message(_caller(), force_id, case_id, message.text, reader=cases, store=messages, clock=clock)
    metrics.add_metric(name="VictimMessagesSent", unit=MetricUnit.Count, value=1)
    return Response(status_code=202, content_type="application/json", body=Accepted(status="sent"))


@app.post("/v1/cases/<force_id>/<case_id>/update-requests", summary="Ask the officer for an update", tags=["Victims"])
def request_update(force_id: Id, case_id: Id) -> Response[Accepted]:
    new = victim_cases.request_update(_caller(), force_id, case_id, reader=cases, outbound=outbound, clock=clock)
    metrics.add_metric(name="UpdatesRequested", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=202,
        content_type="application/json",
        body=Accepted(status="requested" if new else "already-requested-today"),
    )


class LinkedAccountView(_Model):
    link_id: str = Field(description="Opaque id of this account's link, for removing it")
    email: str | None = Field(description="The account's email, masked (v\u2022\u2022\u2022@example.org)")
    linked_at: datetime
    last_signed_in_at: datetime | None = Field(description="The last sign-in since the link (null: none yet)")
    you: bool = Field(description="This is the account you are signed in with")


class LinkedAccountsView(_Model):
    accounts: list[LinkedAccountView]


LinkId = Annotated[str, Path(pattern=r"^[0-9a-f]{20}$")]


@app.get(
    "/v1/cases/<force_id>/<case_id>/accounts",
    summary="Who can see this case: the accounts linked to my victim record",
    tags=["Victims"],
)
def linked_accounts(force_id: Id, case_id: Id) -> LinkedAccountsView:
    found = account_links.list_accounts(
        _caller(), force_id, case_id, reader=cases, store=account_store, directory=identity
    )
    return LinkedAccountsView(accounts=[LinkedAccountView(**vars(a)) for a in found])


@app.delete(
    "/v1/cases/<force_id>/<case_id>/accounts/<link_id>",
    summary="Remove another account's access to this case",
    tags=["Victims"],
)
def remove_linked_account(force_id: Id, case_id: Id, link_id: LinkId) -> Response[str]:
    account_links.remove_account(
        _caller(), force_id, case_id, link_id, reader=cases, store=account_store, audit=audit, clock=clock
    )
    metrics.add_metric(name="LinkedAccountsRemoved", unit=MetricUnit.Count, value=1)
    return Response(status_code=204, content_type="application/json", body="")


Score = Annotated[int, Field(strict=True, ge=1, le=5)]


class SurveyBody(_Model):
    """The closing survey: each score from 1 (worst) to 5 (best)."""

    satisfaction: Score = Field(description="Overall, how satisfied you are with how you were kept informed")
    kept_informed: Score = Field(description="How well the police kept you informed about your case")
    easy_to_use: Score = Field(description="How easy this service was to use")
    comments: str | None = Field(default=None, max_length=MAX_COMMENTS_CHARS, description="Anything else (optional)")


@app.post(
    "/v1/cases/<force_id>/<case_id>/survey",
    summary="Answer the closing survey for my closed case (once)",
    tags=["Victims"],
)
def answer_survey(force_id: Id, case_id: Id, body: Annotated[SurveyBody, Body()]) -> Response[Accepted]:
    answers = SurveyAnswers(body.satisfaction, body.kept_informed, body.easy_to_use, body.comments)
    survey.answer_survey(_caller(), force_id, case_id, answers, reader=cases, store=surveys, clock=clock)
    metrics.add_metric(name="SurveysAnswered", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=Accepted(status="answered"))


class SafeHoursView(_Model):
    """The only times messages may go, UK time: from ``start`` until ``end``. An ``end`` earlier than
    ``start`` runs overnight (22:00 until 06:00). Equal times would leave no moment to send."""

    start: time = Field(description="Messages may go from this time (UK)")
    end: time = Field(description="...until this time (UK); earlier than start means overnight")

    @model_validator(mode="after")
    def _some_time_to_send(self) -> SafeHoursView:
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


class PreferencesView(_Model):
    yours: PreferencesBody
    in_effect: dict[str, Any] = Field(description="The profile every message obeys: the force's, made stricter")
    waiting_for_the_force: dict[str, Any] = Field(default_factory=dict)


def _body(own: VictimPreferences) -> PreferencesBody:
    hours = own.safe_hours
    return PreferencesBody(
        channels=[c for c in Channel if c not in own.channels_off],
        name_police=not own.hide_police,
        name_crime=not own.hide_crime,
        safe_hours=SafeHoursView(start=hours.start, end=hours.end) if hours else None,
        no_news_days=own.no_news_days if own.no_news_days in (14, 28) else None,
        language=own.language,
        non_statutory=own.non_statutory,
    )


@app.get("/v1/cases/<force_id>/<case_id>/preferences", summary="My contact preferences for this case", tags=["Victims"])
def get_preferences(force_id: Id, case_id: Id) -> PreferencesView:
    view = preferences.get_preferences(_caller(), force_id, case_id, reader=cases, store=preference_store)
    return PreferencesView(yours=_body(view.own), in_effect=view.effective.to_dict())


@app.put(
    "/v1/cases/<force_id>/<case_id>/preferences",
    summary="Change my contact preferences for this case",
    tags=["Victims"],
)
def put_preferences(force_id: Id, case_id: Id, body: Annotated[PreferencesBody, Body()]) -> PreferencesView:
    hours = SafeHours(body.safe_hours.start, body.safe_hours.end) if body.safe_hours else None
    request = PreferenceRequest(
        channels=frozenset(body.channels),
        name_police=body.name_police,
        name_crime=body.name_crime,
        safe_hours=hours,
        no_news_days=body.no_news_days,
        language=body.language,
        non_statutory=body.non_statutory,
    )
    decision = preferences.update_preferences(
        _caller(), force_id, case_id, request, reader=cases, store=preference_store, clock=clock
    )
    view = preferences.get_preferences(_caller(), force_id, case_id, reader=cases, store=preference_store)
    return PreferencesView(
        yours=_body(decision.applied), in_effect=view.effective.to_dict(), waiting_for_the_force=decision.for_the_force
    )


def _email() -> str | None:
    context = app.current_event.request_context
    claims = (context.authorizer.claims or {}) if context else {}
    email = claims.get("email")
    return str(email) if email else None


class ClosedAccountView(_Model):
    deleted: list[str] = Field(description="What was deleted, in plain English")
    kept: list[str] = Field(description="What is kept, and why, in plain English")
    cases_unlinked: int
    reports_detached: int = Field(description="Reports made online taken off the account (the force keeps them)")


@app.get(
    "/v1/me/data",
    summary="Download my data (format caseline.export.v1); needs a sign-in in the last 15 minutes",
    tags=["Victims"],
)
def download_my_data() -> Response[dict[str, Any]]:
    user_id = _account_caller(recent_sign_in=True)
    document = data_rights.export_my_data(user_id, _email(), store=rights, audit=audit, clock=clock)
    metrics.add_metric(name="DataExportsServed", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=200,
        content_type="application/json",
        body=document,
        headers={"Content-Disposition": 'attachment; filename="caseline-my-data.json"', "Cache-Control": "no-store"},
    )


@app.delete(
    "/v1/me",
    summary="Close my account: unlink my cases and reports, delete my messages and my sign-in; needs a sign-in in "
    "the last 15 minutes",
    tags=["Victims"],
)
def close_my_account() -> ClosedAccountView:
    user_id = _account_caller(recent_sign_in=True)
    # Every token of the account is refused from here on, even if closing stops part-way.
    sessions.end_every_session(
        user_id, links=rights, store=session_store, sign_out=identity.global_sign_out, clock=clock
    )
    closed = data_rights.close_account(user_id, store=rights, clock=clock, delete_identity=identity.delete)
    metrics.add_metric(name="AccountsClosed", unit=MetricUnit.Count, value=1)
    return ClosedAccountView(**closed)


@app.post(
    "/v1/me/sign-out-everywhere",
    summary="End every session of my account (sign out everywhere, quick exit): issued tokens stop working",
    tags=["Victims"],
)
def sign_out_everywhere() -> Accepted:
    user_id = _account_caller()
    sessions.end_every_session(
        user_id, links=rights, store=session_store, sign_out=identity.global_sign_out, clock=clock
    )
    metrics.add_metric(name="SignedOutEverywhere", unit=MetricUnit.Count, value=1)
    return Accepted(status="signed-out")


Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
ForceQuery = Annotated[
    str | None, Query(pattern=r"^[a-z0-9-]{1,40}$", description="Include this force's own articles and overrides")
]
LanguageQuery = Annotated[str, Query(pattern=r"^[a-z]{2}$", description="Reader's language (English if untranslated)")]
AgeQuery = Annotated[Literal["adult", "under-18"] | None, Query(description="Only articles written for this age group")]
PUBLIC_ARTICLE_HEADERS = {"Cache-Control": "public, max-age=300"}


class ArticleSummaryView(_Model):
    slug: str
    title: str
    summary: str
    kind: str
    safety: bool
    url: str = Field(description="The article's page in the portal")


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


def _summary(article: Article) -> ArticleSummaryView:
    from caseline.domain.articles import article_path

    return ArticleSummaryView(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        kind=article.kind,
        safety=article.safety,
        url=article_path(article.slug),
    )


@app.get("/v1/articles", summary="Search the support articles (no q: all of them)", tags=["Articles"])
def list_articles(
    q: Annotated[str | None, Query(max_length=200, description="Words to search for; typos are forgiven")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    force_id: ForceQuery = None,
    language: LanguageQuery = "en",
    age_group: AgeQuery = None,
) -> Response[ArticleListView]:
    from caseline.domain.articles import Audience  # the article modules load with the first article request

    audience = Audience(language=language, age_group=age_group, force_id=force_id)
    query = q.strip() if q and q.strip() else None
    if query:
        found = [hit.article for hit in articles.search(query, audience, limit)]
        metrics.add_metric(name="ArticleSearches", unit=MetricUnit.Count, value=1)
    else:
        found = articles.browse(audience)[:limit]
    view = ArticleListView(query=query, articles=[_summary(a) for a in found])
    return Response(status_code=200, content_type="application/json", body=view, headers=PUBLIC_ARTICLE_HEADERS)


_PROBLEM: dict[str, Any] = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@app.get(
    "/v1/articles/<slug>",
    summary="One support article",
    tags=["Articles"],
    responses={
        200: {"description": "The article"},
        404: {"description": "No such article for this reader (language, age group, force)", "content": _PROBLEM},
    },
)
def get_article(
    slug: Slug, force_id: ForceQuery = None, language: LanguageQuery = "en", age_group: AgeQuery = None
) -> Response[ArticleView]:
    from caseline.domain.articles import Audience, article_path

    article = articles.get(slug, Audience(language=language, age_group=age_group, force_id=force_id))
    metrics.add_metric(name="ArticlesServed", unit=MetricUnit.Count, value=1)
    view = ArticleView(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        kind=article.kind,
        language=article.language,
        force_id=article.force,
        age_groups=list(article.age_groups),
        safety=article.safety,
        service=ServiceView(**article.service.to_dict()) if article.service else None,
        body_html=article.body_html,
        review_by=date.fromisoformat(article.review_by),
        url=article_path(article.slug),
    )
    return Response(status_code=200, content_type="application/json", body=view, headers=PUBLIC_ARTICLE_HEADERS)


@app.get("/v1/openapi.json", summary="This API's OpenAPI document", tags=["Documentation"])
def openapi_document() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_json())


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return non_json_body_problem(event) or app.resolve(event, context)
