"""A month of life for one force (``force_sim month``): crimes every day, victims who link their case and
come back, update requests and messages, closures and surveys, online reports the force records or not,
emails that bounce and victims no message may reach (their duties are missed). Pure and deterministic for
a seed: ``month_plan`` lists the acts, ``play`` hands each to a player (HTTP against the local stack, or
in-process handlers in the functional test).

The shares are illustrative, shaped on the figures issue 15 quotes for the portal Caseline is modelled on
(registered victims came back about four times each; a fifth of calls asked for an update).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from caseline.domain import event_types as ev
from caseline.domain.alerts import alert_id

from .events import (
    Event,
    EventContext,
    case_closed,
    crime_recorded,
    envelope,
    investigation_updated,
    iso,
    outcome_recorded,
    suspect_released_under_investigation,
)
from .people import CATEGORIES, case_facts, drama_mobile, force

LINK_SHARE = 0.45  # victims who register and link their case
LINK_DELAY_DAYS = ((0, 0.4), (1, 0.2), (2, 0.1), (4, 0.15), (6, 0.05), (10, 0.05), (20, 0.05))  # (days, weight)
VISITS = (1, 2, 3, 4, 4, 5, 6, 8)  # case views per linked victim in the month: about four
UPDATE_SHARE, MESSAGE_SHARE = 0.25, 0.15  # linked victims who ask for an update / write to the officer
UPDATED_SHARE, CLOSED_SHARE, SURVEY_SHARE = 0.5, 0.35, 0.5  # cases with news, closed; closed victims who answer
BOUNCE_SHARE, UNREACHABLE_SHARE = 0.04, 0.03  # emails that bounce; victims no channel is safe for
RECORDED_SHARE = 0.75  # online reports (up to one a day per four crimes) the force records
STATEMENT_SHARE = 0.2  # linked victims who ask to give a personal statement while the case is open
REVIEWABLE_SHARE = 0.6  # closures after a decision with the right to review (outcomes 14-16 are most closures)
REVIEW_SHARE = 0.6  # linked victims who ask for one: far more than in life, so that a short month has some
ALERT_SHARE, ACKNOWLEDGE_SHARE = 0.3, 0.7  # open cases whose suspect is released; linked victims who confirm
REVIEWABLE_OUTCOMES = (14, 15, 16)  # evidential difficulties, victim does not support, time limit (police scheme)
TIERS = (("standard", 0.8), ("enhanced", 0.2))
REPORT_CATEGORIES = ("burglary", "bicycle-theft", "theft-from-the-person", "criminal-damage-arson")  # same questions
BOUNCING = "bounce+{}@simulator.amazonses.com"  # the SES mailbox simulator (and the local stack's) bounces it


@dataclass(frozen=True)
class Act:
    """One thing that happens at ``at``: ``kind`` is event, link, view, update, message, statement, review,
    acknowledge (a safety alert), survey, report or report-answer; ``case_id`` the case (or the report's plan
    number); ``event`` the force event to post."""

    at: datetime
    kind: str
    case_id: str
    event: Event | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Player(Protocol):
    def at(self, moment: datetime) -> None: ...
    def act(self, act: Act) -> None: ...


class Acting:
    """What every player does with an act; each says how it posts an event, submits a report form, links a
    victim (``accounts``: case id to the victim's sign-in) and calls the victim API. ``answers`` counts
    "kind HTTP-status" (0: not tried, say a victim who never got her code)."""

    def __init__(self, force_id: str) -> None:
        self.force_id = force_id
        self.accounts: dict[str, str] = {}
        self.references: dict[str, str] = {}  # report plan number -> report reference
        self.answers: Counter[str] = Counter()

    def post(self, event: Event) -> int:
        raise NotImplementedError

    def submit(self, body: dict[str, Any], act: Act) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def link(self, case_id: str) -> int:
        raise NotImplementedError

    def call(self, method: str, path: str, account: str, body: Any = None, case_id: str | None = None) -> int:
        raise NotImplementedError

    def act(self, act: Act) -> None:
        reference = self.references.get(act.case_id)
        if act.kind == "event" and act.event:
            status = self.post(act.event)
        elif act.kind == "report":
            status, answer = self.submit(report_body(self.force_id, act), act)
            if status < 300:
                self.references[act.case_id] = str(answer["report_reference"])
        elif act.kind == "report-answer" and reference:
            status = max(self.post(e) for e in report_answer(self.force_id, act, reference, 1))
        elif act.kind == "link":
            status = self.link(act.case_id)
        elif act.case_id in self.accounts:
            method, path, body = victim_request(self.force_id, act)
            status = self.call(method, path, self.accounts[act.case_id], body, act.case_id)
        else:
            status = 0
        self.answers[f"{act.kind} {status}"] += 1


def victim_request(force_id: str, act: Act) -> tuple[str, str, dict[str, Any] | None]:
    """(method, path, body) of a victim's view, update request, message or survey answer."""
    path = f"/v1/cases/{force_id}/{act.case_id}"
    if act.kind == "view":
        return "GET", path, None
    if act.kind == "update":
        return "POST", f"{path}/update-requests", None
    if act.kind == "message":
        return "POST", f"{path}/messages", {"text": "Is there any news on my case?"}
    if act.kind == "statement":
        return "POST", f"{path}/statement-request", {"kind": "make", "use": "read-by-me"}
    if act.kind == "review":
        return "POST", f"{path}/review-request", {"reasons": "I do not think the evidence was looked at."}
    if act.kind == "acknowledge":
        return "POST", f"{path}/alerts/{act.detail['alert']}/acknowledgement", None
    return "POST", f"{path}/survey", {"satisfaction": act.detail["score"], "kept_informed": 4, "easy_to_use": 4}


def _pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass(frozen=True)
class Story:
    """What happened on a case that its victim may answer: closed, a decision with the right to review,
    a safety alert (when, and its id)."""

    closed: datetime | None = None
    decided: datetime | None = None
    alert: tuple[datetime, str] | None = None


def _requests(case_id: str, linked: datetime, end: datetime, story: Story) -> list[Act]:
    """A linked victim's requests: a personal statement while the case is open, a review of a decision,
    confirming a safety alert. Its own random draws: the rest of a seed's plan stays as it was."""
    side = random.Random(f"requests/{case_id}")  # noqa: S311 - test data, not security
    acts, open_until = [], min(story.closed or end, end)
    if open_until > linked + timedelta(hours=1) and side.random() < STATEMENT_SHARE:
        acts.append(Act(linked + (open_until - linked) * side.uniform(0.1, 0.9), "statement", case_id))
    if story.decided and side.random() < REVIEW_SHARE:
        acts.append(Act(max(linked, story.decided) + timedelta(hours=side.uniform(3, 48)), "review", case_id))
    if story.alert and side.random() < ACKNOWLEDGE_SHARE:
        seen = max(linked, story.alert[0]) + timedelta(hours=side.uniform(1, 20))
        acts.append(Act(seen, "acknowledge", case_id, detail={"alert": story.alert[1]}))
    return acts


def _victim_acts(rng: random.Random, case_id: str, start: datetime, end: datetime, story: Story) -> list[Act]:
    midnight = (start + timedelta(days=_pick(rng, LINK_DELAY_DAYS))).replace(hour=0, minute=0, second=0, microsecond=0)
    linked = max(start + timedelta(minutes=30), midnight + timedelta(hours=rng.uniform(9, 20)))
    if not 9 <= linked.hour < 21:  # the code is texted after quiet hours: she links the next day
        linked = midnight + timedelta(days=1, hours=rng.uniform(9, 20))
    if linked >= end:
        return []
    acts = [Act(linked, "link", case_id)]
    span = (end - linked).total_seconds()
    acts += [Act(linked + timedelta(seconds=rng.uniform(60, span)), "view", case_id) for _ in range(rng.choice(VISITS))]
    if rng.random() < UPDATE_SHARE:
        acts.append(Act(linked + timedelta(seconds=rng.uniform(120, span)), "update", case_id))
    if rng.random() < MESSAGE_SHARE:
        acts.append(Act(linked + timedelta(seconds=rng.uniform(120, span)), "message", case_id))
    if (closed := story.closed) and closed > linked and rng.random() < SURVEY_SHARE:
        acts.append(
            Act(closed + timedelta(hours=rng.randint(2, 30)), "survey", case_id, detail={"score": rng.randint(1, 5)})
        )
    acts += _requests(case_id, linked, end, story)
    return [a for a in acts if a.at < end]


def _case(rng: random.Random, force_id: str, case_id: str, start: datetime, end: datetime) -> list[Act]:
    profile = {"category": rng.choice(CATEGORIES), "tier": _pick(rng, TIERS)}
    unreachable = rng.random() < UNREACHABLE_SHARE
    if unreachable:
        profile["safe_contact"] = {
            "safe_channels": [],
            "safe_hours": None,
            "may_name_police": True,
            "may_name_crime": True,
        }
    event = crime_recorded(EventContext(force_id, case_id, 1, start), **profile)
    if rng.random() < BOUNCE_SHARE:
        event["data"]["victim"]["email"] = BOUNCING.format(case_id.lower())
    acts = [Act(start, "event", case_id, event)]
    sequence, latest, closed, decided, alert = 1, start, None, None, None
    side = random.Random(f"decision/{case_id}")  # noqa: S311 - its own draws: the seed's plan stays as it was
    if rng.random() < UPDATED_SHARE:
        sequence += 1
        moment = latest = start + timedelta(days=rng.uniform(1, 12))
        acts.append(
            Act(moment, "event", case_id, investigation_updated(EventContext(force_id, case_id, sequence, moment)))
        )
    if rng.random() < CLOSED_SHARE:
        closed = start + timedelta(days=rng.uniform(5, 20))
        if side.random() < REVIEWABLE_SHARE:  # closed after a decision the victim may ask to have reviewed
            sequence, decided = sequence + 1, closed - timedelta(hours=2)
            outcome = outcome_recorded(
                EventContext(force_id, case_id, sequence, decided), outcome_type=side.choice(REVIEWABLE_OUTCOMES)
            )
            acts.append(Act(decided, "event", case_id, outcome))
        acts.append(Act(closed, "event", case_id, case_closed(EventContext(force_id, case_id, sequence + 1, closed))))
    elif side.random() < ALERT_SHARE:  # an open case's suspect is released under investigation: a safety alert
        sequence, released = sequence + 1, latest + timedelta(days=side.uniform(1, 10))
        event = suspect_released_under_investigation(EventContext(force_id, case_id, sequence, released))
        acts.append(Act(released, "event", case_id, event))
        alert = (released, alert_id(force_id, case_id, case_facts(force_id, case_id).victim_id, sequence))
    if not unreachable and rng.random() < LINK_SHARE:
        acts += _victim_acts(rng, case_id, start, end, Story(closed, decided, alert))
    return [a for a in acts if a.at < end]


def _reports(rng: random.Random, day: datetime, number: int, end: datetime) -> list[Act]:
    key = f"R{number:04d}"
    submitted = day + timedelta(hours=rng.uniform(7, 22))
    answered = submitted + timedelta(hours=rng.choice((3, 20, 30, 50, 80)))
    detail = {"category": rng.choice(REPORT_CATEGORIES), "recorded": rng.random() < RECORDED_SHARE}
    acts = [Act(submitted, "report", key, detail=detail), Act(answered, "report-answer", key, detail=detail)]
    return [a for a in acts if a.at < end]


def month_plan(
    force_id: str, *, start: datetime, days: int = 30, crimes_per_day: int = 8, seed: int = 0, run_id: str = "M0"
) -> list[Act]:
    """Every act of ``days`` days from ``start`` (crimes recorded 07:00-23:00), in time order."""
    if days < 1 or crimes_per_day < 1:
        raise ValueError("need days >= 1 and crimes_per_day >= 1")
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    prefix, end = force(force_id).case_prefix, start + timedelta(days=days)
    acts: list[Act] = []
    for day_number in range(days):
        day = start + timedelta(days=day_number)
        for n in range(rng.randint(crimes_per_day // 2, crimes_per_day * 3 // 2)):
            recorded = day + timedelta(hours=rng.uniform(7, 23))
            acts += _case(rng, force_id, f"{prefix}-{run_id}-{day_number:02d}{n:02d}", recorded, end)
        for _ in range(rng.randint(0, max(1, crimes_per_day // 4))):
            acts += _reports(rng, day, sum(a.kind == "report" for a in acts) + 1, end)
    return sorted(acts, key=lambda a: (a.at, a.case_id, a.kind))


def report_answer(force_id: str, act: Act, reference: str, sequence: int) -> list[Event]:
    """The force's answer to a report (received, then recorded with its case's crime.recorded, or not)."""
    ctx = EventContext(force_id, reference, sequence, act.at)
    received = envelope(ctx, ev.REPORT_RECEIVED, {})
    if not act.detail["recorded"]:
        reason = "What you told us is not a crime we can investigate."
        answer = envelope(
            EventContext(force_id, reference, sequence + 1, act.at),
            ev.REPORT_NOT_RECORDED,
            {"reason": reason, "where_to_go": "Citizens Advice can help."},
        )
        return [received, answer]
    case_id = f"{force(force_id).case_prefix}-{act.case_id}-{reference[-4:]}"
    facts = case_facts(force_id, case_id)
    data = {"crime_reference": facts.crime_reference, "case_id": case_id, "victim_id": facts.victim_id}
    recorded = envelope(EventContext(force_id, reference, sequence + 1, act.at), ev.REPORT_RECORDED, data)
    crime = crime_recorded(EventContext(force_id, case_id, 1, act.at), category=act.detail["category"])
    return [received, recorded, crime]


def report_body(force_id: str, act: Act) -> dict[str, Any]:
    """The online report form a member of the public submits (fictional: example.org, a drama number)."""
    number = int(act.case_id[1:])
    return {
        "force_id": force_id,
        "idempotency_key": str(uuid.uuid5(uuid.NAMESPACE_URL, f"caseline-month/{force_id}/{act.case_id}/{act.at}")),
        "website": "",
        "category": act.detail["category"],
        "what_happened": "Someone took my things while I was away.",
        "occurred": {"from": iso(act.at - timedelta(days=1)), "to": iso(act.at - timedelta(hours=2))},
        "location": {"description": "Outside 4 Example Road", "postcode": "RG1 1AA"},
        "items": [{"description": "A bag", "value_pounds": 40}],
        "damage": None,
        "suspect": {"known": False, "name": None, "description": None},
        "cctv": "not-sure",
        "reporter": {
            "name": "Sam Example",
            "email": f"reporter.{number}@example.org",
            "mobile": drama_mobile(number),
            "date_of_birth": "1985-03-02",
            "under_18": False,
            "preferred_language": "en",
            "wants_support": False,
        },
    }


def play(acts: list[Act], player: Player) -> Counter[str]:
    """Hand every act to ``player`` in time order, moving its clock first; how many of each kind."""
    done: Counter[str] = Counter()
    for act in acts:
        player.at(act.at)
        player.act(act)
        done[act.kind] += 1
    return done
