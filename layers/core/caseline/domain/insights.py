"""Force insights: which table changes count towards which daily figures (docs/adr/0015).

A ``Change`` is one stream record reduced to what counting needs (kind, insert or modify, key, old and new
values). ``tallies`` turns it into increments, each for one force, UK day and figure family, only on a
transition (an insert, a status that changed), with the source key and transition, so the store can
refuse to count a replayed record twice.

Figures (family: figure names; ``{channel}`` is ``email`` or ``sms``, ``{n}`` a survey score 1-5):

- adoption: ``invitations_sent`` (a message carrying an access code, sent), ``cases_linked``,
  ``linked_{same_day|1_2_days|3_7_days|8_30_days|later}`` (from the day the victim's first invitation on the case was
  sent to the link) or ``linked_uninvited`` (no invitation sent), ``accounts_created`` (an account's first link to any
  case, counted for that case's force: before it links, an account belongs to no force), ``victims_invited`` and
  ``victims_linked`` (a victim of a case, once ever, on the day of their first invitation sent, of their first link by
  any account)
- contact: ``case_views``, ``update_requests``, ``victim_messages``, ``calls_recorded`` (a call handler's "victim
  called for an update" audit item)
- case_actions: one figure per counted audit action (``CASE_ACTIONS``, hyphens as underscores), such as
  ``requested_review``, ``requested_statement``, ``alert_acknowledged``
- messages: ``sms_segments`` (the parts of the SMS sent, as billed), ``sent_{channel}``, ``failed_{channel}``,
  ``blocked_{channel}``, ``skipped_{channel}``, ``fell_back_{channel}`` (a copy by another channel was made),
  ``bounced_{channel}``, ``complained_{channel}``; ``opted_out`` / ``opted_in`` (a victim turned the messages the
  Victims' Code does not require off / back on)
- templates: one figure per template id, for each message sent with it
- visitors_day, visitors_week, visitors_month (distinct victims in each UK day, week from Monday and calendar month, on
  the period's first day): ``active_victims`` (distinct victims who viewed a case), ``visits_1``, ``visits_2_3``,
  ``visits_4_7``, ``visits_8_plus`` (victims by their visits in the period); an answer by day, week or month shows the
  matching one as ``visitors``
- satisfaction: ``answers``, ``satisfaction_{n}``
- satisfaction_by_case: the same, ``{category}.{tier}.{figure}``
- duties: ``due`` (on the day it first falls due), ``met_on_time``, ``met_late``, ``missed`` (on its due day)
- duties_by_right: the same, ``{right}.{tier}.{figure}``
- reports: ``submitted``, ``recorded`` (on the day the force answered), each also ``.{category}``, and
  ``recorded_{same_day|1_2_days|3_7_days|8_30_days|later}`` (time to be recorded, from its submitted day)

Each counts on a day from the item itself (a final message not sent: the day it was made), so a recount
from the items alone finds the same days (tests/functional/recount.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from caseline.domain.calendar import uk_date

FAMILIES = (
    *("adoption", "contact", "case_actions", "messages", "templates", "satisfaction", "satisfaction_by_case"),
    *("duties", "duties_by_right", "reports"),
)
PERIODS = ("day", "week", "month")
VISITORS = "visitors"  # distinct victims of the answer's period: the stored family of that period, renamed
VISITOR_FAMILIES = {period: f"visitors_{period}" for period in PERIODS}  # on each period's first day
MAX_RANGE_DAYS = 93  # a quarter: one Query of about 93 x 11 small items (one page)
# Audit actions counted one figure each (case_actions): a victim's requests and confirmations (issue 18),
# and a delegate's access (counted as soon as its audit items appear)
CASE_ACTIONS = (
    *("requested-review", "requested-statement", "alert-acknowledged"),
    *("delegate-invited", "delegate-linked", "delegate-removed", "delegate-viewed-case"),
)
VISIT_BUCKETS = ((1, "visits_1"), (3, "visits_2_3"), (7, "visits_4_7"))  # else visits_8_plus
RECORDED_WITHIN = ((0, "same_day"), (2, "1_2_days"), (7, "3_7_days"), (30, "8_30_days"))  # else "later"
PROFILED = frozenset({"survey", "member"})  # inserts counted with their case's profile (category, tier...)
UNINVITED = "linked_uninvited"  # a link with no invitation sent to the victim on the case

_FINAL_OUTBOX = {"sent", "failed", "blocked", "skipped"}
_FALLBACK_MARK = "#fallback-"
_VIEWED_CASE = "viewed-case"
_VICTIM_CALLED = "victim-called"  # a call handler recorded that the victim called for an update
_MESSAGE_SENT = "org.caseline.victim.message-sent.v1"
_UPDATE_REQUESTED = "org.caseline.victim.update-requested.v1"
_DELIVERY_FIGURES = {"bounced": "bounced", "complained": "complained"}


@dataclass(frozen=True)
class Change:
    """One table change: ``kind`` is the item's entity, ``event`` INSERT or MODIFY, ``at`` when the
    change was made (the stream record's time: the same on every replay)."""

    kind: str
    event: str
    pk: str
    sk: str
    force_id: str
    new: Mapping[str, Any]
    old: Mapping[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(frozen=True)
class Tally:
    """Increments to one force's figures for one UK day and family, from one source transition."""

    force_id: str
    day: date
    family: str
    figures: dict[str, int]


@dataclass(frozen=True)
class CaseProfile:
    """What a survey or a link is counted by, from its case: the crime's category, the victim's tier and
    when the victim's first invitation on the case (a message carrying an access code) was sent."""

    category: str | None = None
    tier: str | None = None
    invited_at: datetime | None = None


@dataclass(frozen=True)
class Visit:
    """A victim's case view on a UK ``day``, for the distinct visitors of its day, week and month. The
    ``visitor`` is the victim (``VICTIM#{victim id}``), so her second account is not a second visitor; a view
    recorded without one is its account's (``USER#{account}``)."""

    force_id: str
    day: date
    visitor: str

    def start(self, period: str) -> date:
        return period_start(self.day, period)


ACCOUNTS_CREATED, VICTIMS_INVITED, VICTIMS_LINKED = "accounts_created", "victims_invited", "victims_linked"


@dataclass(frozen=True)
class First:
    """A figure counted once ever for its ``subject``, on the day of its earliest occurrence: an account's
    first link (``accounts_created``, for the linked case's force), a victim's first invitation sent or
    first link (``victims_invited``, ``victims_linked``; the subject is ``{force}#{case}#{victim}``)."""

    figure: str
    subject: str
    force_id: str
    at: datetime


@dataclass(frozen=True)
class Counted:
    """Everything one change counts, and the key that makes counting it idempotent. ``visit``: the change
    is also a victim's visit, whose tallies depend on how many visits each period has seen; ``firsts``:
    what counts only if nothing earlier for its subject was counted (an account's first link, a victim's
    first invitation or link)."""

    source: str
    tallies: tuple[Tally, ...]
    visit: Visit | None = None
    firsts: tuple[First, ...] = ()


def visits_bucket(visits: int) -> str:
    return next((name for limit, name in VISIT_BUCKETS if visits <= limit), "visits_8_plus")


def visitor_tally(visit: Visit, period: str, seen: int) -> Tally:
    """The period's distinct visitors as this visit moves the victim from ``seen`` visits in it to one
    more: ``active_victims`` on the first, and the victim moved between visits-per-victim buckets."""
    before, after = visits_bucket(seen), visits_bucket(seen + 1)
    moved = {before: -1, after: 1} if before != after else {}
    figures = {"active_victims": 1, after: 1} if seen == 0 else moved
    return Tally(visit.force_id, visit.start(period), VISITOR_FAMILIES[period], figures)


def first_tallies(first: First, earlier: First | None) -> tuple[Tally, ...]:
    """``first.figure`` as this candidate meets the earliest counted so far for its subject (``earlier``):
    none, it counts; a later one (records came out of order), the count moves here (-1 there, +1 here)."""
    if earlier is not None and earlier.at <= first.at:
        return ()
    here = Tally(first.force_id, uk_date(first.at), "adoption", {first.figure: 1})
    if earlier is None:
        return (here,)
    return (here, Tally(earlier.force_id, uk_date(earlier.at), "adoption", {first.figure: -1}))


def merged(found: Iterable[Tally]) -> list[Tally]:
    """One tally per force, day and family (a transaction may touch an item once), zero figures left out."""
    sums: dict[tuple[str, date, str], dict[str, int]] = {}
    for tally in found:
        figures = sums.setdefault((tally.force_id, tally.day, tally.family), {})
        for name, value in tally.figures.items():
            figures[name] = figures.get(name, 0) + value
    return [Tally(f, d, fam, {k: v for k, v in figures.items() if v}) for (f, d, fam), figures in sums.items()]


def _day(value: Any, fallback: datetime | None) -> date | None:
    if isinstance(value, datetime):
        return uk_date(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return uk_date(fallback) if fallback else None


def _one(change: Change, family: str, figures: dict[str, int], when: Any = None) -> list[Tally]:
    day = _day(when, change.at)
    return [Tally(change.force_id, day, family, figures)] if day else []


def _outbox(change: Change) -> list[Tally]:
    new, old = change.new, change.old
    channel = str(new.get("channel", "unknown"))
    if change.event == "INSERT":
        if _FALLBACK_MARK in str(new.get("key", "")):
            return _one(change, "messages", {f"fell_back_{channel}": 1}, new.get("created_at"))
        return []
    tallies: list[Tally] = []
    status, was = new.get("status"), old.get("status")
    if status in _FINAL_OUTBOX and status != was:
        when = new.get("sent_at") if status == "sent" else new.get("created_at")
        segments = int(new.get("segments") or 0) if status == "sent" else 0  # an SMS's billed parts
        tallies += _one(
            change, "messages", {f"{status}_{channel}": 1} | ({"sms_segments": segments} if segments else {}), when
        )
        if status == "sent":
            tallies += _one(change, "templates", {str(new.get("template_id", "unknown")): 1}, when)
        if status == "sent" and old.get("sealed_code"):
            tallies += _one(change, "adoption", {"invitations_sent": 1}, when)
    delivery = new.get("delivery")
    if delivery in _DELIVERY_FIGURES and delivery != old.get("delivery"):
        tallies += _one(change, "messages", {f"{_DELIVERY_FIGURES[delivery]}_{channel}": 1}, new.get("delivery_at"))
    return tallies


def _duty(change: Change) -> list[Tally]:
    """A duty's figure, and the same by right and tier (``duties_by_right``: ``{right}.{tier}.{figure}``)."""
    new = change.new
    if change.event == "INSERT":
        figure, when = "due", new.get("due_on")
    elif new.get("status") == change.old.get("status"):
        return []
    elif new.get("status") == "met":
        when = new.get("met_at")
        met_on, due_on = _day(when, change.at), _day(new.get("due_on"), None)
        figure = "met_on_time" if met_on is not None and due_on is not None and met_on <= due_on else "met_late"
    elif new.get("status") == "missed":
        figure, when = "missed", new.get("due_on")
    else:
        return []
    by_right = f"{new.get('right') or 'unknown'}.{new.get('tier') or 'unknown'}.{figure}"
    return _one(change, "duties", {figure: 1}, when) + _one(change, "duties_by_right", {by_right: 1}, when)


def recorded_within(start: date, end: date) -> str:
    """The days from ``start`` to ``end`` as a bucket: same_day, 1_2_days, 3_7_days, 8_30_days or later."""
    days = (end - start).days
    return next((name for limit, name in RECORDED_WITHIN if days <= limit), "later")


def _report(change: Change) -> list[Tally]:
    new, category = change.new, str(change.new.get("category") or "unknown")
    if change.event == "INSERT":
        return _one(change, "reports", {"submitted": 1, f"submitted.{category}": 1}, new.get("submitted_at"))
    if new.get("status") == "recorded" and change.old.get("status") != "recorded":
        recorded, submitted = _day(new.get("answered_at"), change.at), _day(new.get("submitted_at"), None)
        figures = {"recorded": 1, f"recorded.{category}": 1}
        if recorded and submitted:
            figures[f"recorded_{recorded_within(submitted, recorded)}"] = 1
        return _one(change, "reports", figures, new.get("answered_at"))
    return []


def _opt_out(change: Change) -> list[Tally]:
    off, was_off = (not (c.get("preferences") or {}).get("non_statutory", True) for c in (change.new, change.old))
    if off == was_off:
        return []
    return _one(change, "messages", {"opted_out" if off else "opted_in": 1}, change.new.get("updated_at"))


def _inserted(change: Change, profile: CaseProfile) -> list[Tally]:
    new = change.new
    if change.kind == "member":
        linked, invited = _day(new.get("linked_at"), change.at), _day(profile.invited_at, None)
        after = f"linked_{recorded_within(invited, linked)}" if linked and invited else UNINVITED
        return _one(change, "adoption", {"cases_linked": 1, after: 1}, new.get("linked_at"))
    if change.kind == "audit" and new.get("action") in {_VIEWED_CASE, _VICTIM_CALLED}:
        figure = "case_views" if new.get("action") == _VIEWED_CASE else "calls_recorded"
        return _one(change, "contact", {figure: 1}, new.get("at"))
    if change.kind == "audit" and new.get("action") in CASE_ACTIONS:
        return _one(change, "case_actions", {str(new["action"]).replace("-", "_"): 1}, new.get("at"))
    if change.kind == "outbound" and new.get("event_type") in {_MESSAGE_SENT, _UPDATE_REQUESTED}:
        figure = "victim_messages" if new.get("event_type") == _MESSAGE_SENT else "update_requests"
        return _one(change, "contact", {figure: 1}, new.get("created_at"))
    if change.kind == "survey":
        score = new.get("satisfaction")
        figures = {"answers": 1} | ({f"satisfaction_{int(score)}": 1} if score is not None else {})
        by_case = f"{profile.category or 'unknown'}.{profile.tier or 'unknown'}"
        return _one(change, "satisfaction", figures, new.get("answered_at")) + _one(
            change,
            "satisfaction_by_case",
            {f"{by_case}.{name}": n for name, n in figures.items()},
            new.get("answered_at"),
        )
    return []


def tallies(change: Change, profile: CaseProfile | None = None) -> Counted | None:
    """What ``change`` counts (None: nothing). The source key names the item and its transition. A survey
    or a link is also counted by its case's ``profile`` (``unknown`` parts when there is none)."""
    rule = {"outbox": _outbox, "duty": _duty, "report": _report, "preferences": _opt_out}.get(change.kind)
    found = rule(change) if rule else _inserted(change, profile or CaseProfile()) if change.event == "INSERT" else []
    if not found:
        return None
    transition = "insert" if change.event == "INSERT" else _transition(change)
    visit, victim, user = None, change.new.get("victim_id"), change.new.get("user_id")
    if change.kind == "audit" and change.new.get("action") == _VIEWED_CASE and (victim or user):
        visit = Visit(change.force_id, found[0].day, f"VICTIM#{victim}" if victim else f"USER#{user}")
    return Counted(f"{change.pk}|{change.sk}|{transition}", tuple(found), visit, _firsts(change, found))


def _firsts(change: Change, found: list[Tally]) -> tuple[First, ...]:
    """A link: the account's first link and the victim's; an invitation sent: the victim's first."""
    new, member = change.new, change.kind == "member"
    when = new.get("linked_at" if member else "sent_at")
    at, user = when if isinstance(when, datetime) else change.at, new.get("user_id")
    victim = f"{change.force_id}#{new.get('case_id')}#{new.get('victim_id')}"
    invited = change.kind == "outbox" and any("invitations_sent" in t.figures for t in found)
    if at is None or not (member or invited):
        return ()
    account = (First(ACCOUNTS_CREATED, str(user), change.force_id, at),) if member and user else ()
    known = new.get("case_id") and new.get("victim_id")
    return account + (
        (First(VICTIMS_LINKED if member else VICTIMS_INVITED, victim, change.force_id, at),) if known else ()
    )


def _transition(change: Change) -> str:
    new, old = change.new, change.old
    return f"{old.get('status')}>{new.get('status')}|{old.get('delivery')}>{new.get('delivery')}"


def period_start(day: date, period: str) -> date:
    """The first day of the day's week (Monday) or month; the day itself for ``day``."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day
