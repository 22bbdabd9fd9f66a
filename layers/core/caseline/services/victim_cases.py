"""What a signed-in victim may see and do. Only cases linked to their own account are ever touched:
any other case — another victim's, another force's, a guessed id — is the same NotFoundError as a
missing one. Every read of a case writes a consultation-log entry first."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from caseline.content import review_rights
from caseline.domain.absence import absence_now, expected_reply_while_away, officer_away
from caseline.domain.account_ports import (
    ArticleRecommender,
    AuditLog,
    CaseReader,
    ReadState,
)
from caseline.domain.alerts import ACKNOWLEDGED_TITLE, AlertView, alerts_for
from caseline.domain.calendar import uk_date
from caseline.domain.delegation import Delegation, followed_by
from caseline.domain.errors import (
    NotFoundError,
)
from caseline.domain.event_types import OFFICER_MESSAGE, OUTCOME_RECORDED
from caseline.domain.outbound import OutboundStatus
from caseline.domain.ports import Clock, VictimCaseReader
from caseline.domain.records import (
    AuditEntry,
    CasePartition,
    CaseRecord,
    CaseSummary,
    DutyStatus,
    StoredEvent,
    VictimContact,
)
from caseline.domain.reviews import ReviewRules, ReviewView, review_view
from caseline.domain.rights import Right, rights_for
from caseline.domain.statements import StatementRequest, latest
from caseline.domain.timeline import (
    DUTY_STEPS,
    NEXT_STEPS,
    NO_NEWS_STEP,
    NOW,
    entries,
    expected_reply,
    long_date,
    victim_label,
)

if TYPE_CHECKING:  # the article modules are imported on the first case view, not at cold start
    from caseline.domain.articles import CaseContext, Recommendation

RECOMMENDED_ARTICLES = 5


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str | None


@dataclass(frozen=True)
class ThreadMessage:
    at: datetime
    author: str  # "you" or "officer"
    text: str
    delivery: str | None = None
    unread: bool = False  # for your messages: pending, queued, delivered or delayed


@dataclass(frozen=True)
class RecommendedArticle:
    slug: str
    title: str
    summary: str
    reason: str | None  # why you are seeing this (None: an article above gave the same reason)


@dataclass(frozen=True)
class NextDate:
    """The next thing the victim can count on, and the day it is due by."""

    on: date
    text: str  # the whole sentence, date included


@dataclass(frozen=True)
class Access:
    """Who is reading: the victim, or a person following the case for her (what they may do)."""

    role: str = "victim"  # or "delegate"
    scope: str = "all"  # a delegate's: "view" or "message"
    relationship: str | None = None
    granted_by: str | None = None

    @classmethod
    def of(cls, delegation: Delegation | None) -> Access:
        if delegation is None:
            return cls()
        return cls("delegate", delegation.scope.value, delegation.relationship, delegation.granted_by.value)


@dataclass(frozen=True)
class CaseView:
    force_id: str
    case_id: str
    crime_reference: str
    category: str
    stage: str
    officer: dict[str, str] | None
    timeline: list[TimelineEntry]
    rights: list[Right]
    tier: str
    category_label: str = "Crime"
    messages: list[ThreadMessage] = field(default_factory=list)
    delayed_to_force: int = 0
    now: str = ""
    next_steps: str = ""
    next_date: NextDate | None = None
    expected_reply: str | None = None
    officer_away: str | None = None  # the officer is away today: until when, and who is looking after the case
    recommended_articles: list[RecommendedArticle] = field(default_factory=list)
    alerts: list[AlertView] = field(default_factory=list)  # safety alerts the victim is asked to confirm
    review: ReviewView | None = None  # the Victims' Right to Review: an open offer, or a request's state
    statement: StatementRequest | None = None  # the victim's latest personal statement request
    access: Access = field(default_factory=Access)


def list_my_cases(user_id: str, *, reader: VictimCaseReader) -> list[CaseSummary]:
    return sorted(reader.linked_cases(user_id), key=lambda case: case.updated_at, reverse=True)


def authorised(user_id: str, force_id: str, case_id: str, reader: CaseReader) -> tuple[CasePartition, str]:
    """The victim's own routes: only an account linked as a victim of the case (a delegate is a stranger)."""
    partition, victim_id, delegation = authorised_reader(user_id, force_id, case_id, reader)
    if delegation is not None:
        raise NotFoundError("no such case")
    return partition, victim_id


def authorised_reader(
    user_id: str, force_id: str, case_id: str, reader: CaseReader
) -> tuple[CasePartition, str, Delegation | None]:
    """The case page's routes: the victim, or a delegate of hers (returned) whose access is active."""
    partition = reader.read(force_id, case_id)
    victim_id = partition.members.get(user_id)
    delegation = None
    if victim_id is None:
        delegation = followed_by(partition.delegations, user_id)
        victim_id = delegation.victim_id if delegation is not None else None
    if partition.case is None or not partition.case.is_recorded or victim_id is None:
        raise NotFoundError("no such case")
    return partition, victim_id, delegation


def view_case(
    user_id: str,
    force_id: str,
    case_id: str,
    *,
    reader: CaseReader,
    audit: AuditLog,
    clock: Clock,
    reads: ReadState | None = None,
    articles: ArticleRecommender | None = None,
) -> CaseView:
    partition, victim_id, delegation = authorised_reader(user_id, force_id, case_id, reader)
    now = clock.now()
    if delegation is None:
        own = "victim viewing their own case"
        audit.record(AuditEntry(force_id, case_id, user_id, "viewed-case", own, now, victim_id))
    else:  # not a victim's visit in the force's figures: counted as a delegate's view
        reason = f"a {delegation.relationship} following the case for the victim"
        audit.record(AuditEntry(force_id, case_id, user_id, "delegate-viewed-case", reason, now))
    if reads is not None and delegation is None:
        reads.mark_read(user_id, force_id, case_id, now)
    view = victim_view(partition, victim_id, now, articles=articles, accounts={user_id})
    if delegation is None:
        return view
    # A delegate's reads are not tracked: the officer's messages are never shown as new to them.
    thread = [replace(m, unread=False) for m in view.messages]
    return replace(view, access=Access.of(delegation), messages=thread)


def victim_view(
    partition: CasePartition,
    victim_id: str,
    now: datetime,
    *,
    articles: ArticleRecommender | None = None,
    accounts: Collection[str] = (),
) -> CaseView:
    """What one victim of a recorded case sees of it: the victim's own view, and the call handler's copy of
    it (services/staff_cases.py). ``accounts``: whose messages the thread shows (the victim's linked ones);
    an officer's message is unread when none of them has opened the case since it came."""
    case = partition.case
    assert case is not None and case.crime_reference is not None
    is_open = case.stage.slug != "closed"
    absence = absence_now(case, now) if is_open else None
    reply = expected_reply_while_away(absence) if absence else expected_reply(case.officer)
    victim = next((v for v in partition.victims if v.victim_id == victim_id), None)
    tier = victim.tier if victim else "standard"
    own_events = [
        event
        for event in sorted(partition.events, key=lambda e: (e.sequence, e.event_id))
        if event.data.get("victim_id", victim_id) == victim_id  # never another victim's assessment or details
    ]
    alerts = alerts_for(partition.alerts, partition.events, victim_id)
    rules = ReviewRules.of(review_rights())
    timeline = _timeline(own_events, alerts)
    recommended = (
        articles.recommend(article_context(case, victim, own_events, now), RECOMMENDED_ARTICLES)
        if articles is not None and victim is not None
        else []
    )
    return CaseView(
        force_id=case.force_id,
        case_id=case.case_id,
        crime_reference=case.crime_reference,
        category=case.category or "other-crime",
        category_label=victim_label(case.category, case.flags),
        stage=case.stage.slug,
        officer=case.officer,
        timeline=timeline,
        rights=rights_for(tier),
        tier=tier,
        messages=_thread(partition, accounts),
        delayed_to_force=sum(1 for o in partition.outbound if o.status is OutboundStatus.DELAYED),
        now=NOW[case.stage.slug],
        next_steps=NEXT_STEPS[case.stage.slug],
        next_date=next_date(partition, victim_id, uk_date(now)) if is_open else None,
        expected_reply=reply if is_open else None,
        officer_away=officer_away(absence),
        recommended_articles=_articles(recommended),
        alerts=alerts,
        review=review_view(partition.events, partition.outbound, partition.duties, victim_id, uk_date(now), rules),
        statement=latest(partition.outbound, partition.events, victim_id),
    )


def _timeline(events: list[StoredEvent], alerts: list[AlertView]) -> list[TimelineEntry]:
    """Each event's entries in the force's order, and after an alert's event, when the victim confirmed it."""
    confirmed = {a.event_sequence: a for a in alerts if a.acknowledged_at is not None}
    timeline = []
    for event in events:
        timeline += [TimelineEntry(event.occurred_at, *entry) for entry in entries(event.event_type, event.data)]
        if (alert := confirmed.get(event.sequence)) is not None and alert.acknowledged_at is not None:
            timeline.append(TimelineEntry(alert.acknowledged_at, ACKNOWLEDGED_TITLE, f"{alert.title}."))
    return timeline


def next_date(partition: CasePartition, victim_id: str, today: date) -> NextDate | None:
    """The earliest date the victim can count on: a Victims' Code duty still open for them, or their next
    "no news yet" update. Nothing already past, and nothing for a duty the page cannot explain."""
    found = [
        NextDate(duty.due_on, DUTY_STEPS[duty.right].format(day=long_date(duty.due_on)))
        for duty in partition.duties
        if duty.victim_id == victim_id
        and duty.status in (DutyStatus.OPEN, DutyStatus.AT_RISK)
        and duty.right in DUTY_STEPS
        and duty.due_on >= today
    ]
    no_news = partition.no_news_at.get(victim_id)
    if no_news is not None and uk_date(no_news) >= today:
        day = uk_date(no_news)
        found.append(NextDate(day, NO_NEWS_STEP.format(day=long_date(day))))
    return min(found, key=lambda found_date: found_date.on, default=None)


def _articles(recommended: list[Recommendation]) -> list[RecommendedArticle]:
    """Each reason said once: an article whose reason an earlier one gave already goes without it."""
    said: set[str] = set()
    articles = []
    for found in recommended:
        reason = found.reason if found.reason not in said else None
        said.add(found.reason)
        articles.append(RecommendedArticle(found.article.slug, found.article.title, found.article.summary, reason))
    return articles


def article_context(case: CaseRecord, victim: VictimContact, events: list[StoredEvent], now: datetime) -> CaseContext:
    """What the article ranking needs to know about this case and this victim, and nothing else."""
    from caseline.domain.articles import Audience, CaseContext, RecentEvent

    outcomes = [e for e in events if e.event_type == OUTCOME_RECORDED and "outcome_type" in e.data]
    return CaseContext(
        category=case.category or "other-crime",
        stage=case.stage.slug,
        tier=victim.tier,
        flags=frozenset(case.flags),
        outcome_type=int(outcomes[-1].data["outcome_type"]) if outcomes else None,
        events=tuple(RecentEvent(e.event_type, e.occurred_at) for e in events),
        audience=Audience.for_victim(language=victim.language, under_18=victim.under_18, force_id=case.force_id),
        now=now,
    )


def _thread(partition: CasePartition, accounts: Collection[str]) -> list[ThreadMessage]:
    statuses = {o.outbound_id: o.status.value for o in partition.outbound}
    mine = [
        ThreadMessage(m.sent_at, "you", m.text, statuses.get(f"msg-{m.message_id}", "sent"))
        for m in partition.messages
        if m.user_id in accounts
    ]
    last_read = max((partition.read_at[u] for u in accounts if u in partition.read_at), default=None)
    officer = [
        ThreadMessage(
            e.occurred_at, "officer", str(e.data.get("text", "")), unread=last_read is None or e.received_at > last_read
        )
        for e in partition.events
        if e.event_type == OFFICER_MESSAGE
    ]
    return sorted([*mine, *officer], key=lambda m: m.at)
