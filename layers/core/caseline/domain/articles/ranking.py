"""Which articles to recommend for a case, and why. Every point of a score comes from a named rule.

An article is **eligible** when every attribute it declares fits the case:
- ``flags``: the case has one of them (a flag article is never shown to a case without that flag);
- ``categories``: the case's category is one of them, unless one of the article's flags matched;
- ``stages``: the case is at one of them, unless one of the article's ``events`` happened recently;
- ``outcome_types``: the case's outcome is one of them, unless one of the article's events other than
  ``outcome.recorded`` happened recently (a right-to-review article is timely when a suspect is
  released without charge, whatever the outcome).
``tiers`` is not a filter (the hard filters are language, age and force): a victim with one of the
article's tiers scores the tier rule, anyone else can still be shown it.

It then **scores** points per matched attribute (``WEIGHTS``); the narrower the declaration, the more
a match is worth (a match among one stage counts more than a match among four). A matched event counts
more the more recent it is: full weight today, half a week later (``HALF_LIFE_DAYS``), nothing after
``RECENT_DAYS``. ``crime.recorded`` scores nothing: every case starts with it, and the ``reported``
stage already says a case is new. An article about a one-off step (``MILESTONES``: the needs
assessment, a suspect arrested, bailed, charged…, a court hearing, an outcome) that has not happened on
the case counts its stage match only a quarter (``UNTIMELY``).

Then rules about the case as a whole:
- the reported, officer-assigned and investigating stages each have one guide that explains them
  (``STAGE_GUIDES``); at its stage it scores the guide rule, and at any other stage it is not shown
  ("What happens after you report a crime" is out of date once an officer is assigned; at the outcome
  and closed stages the outcome's own article explains where the case is);
- an article written only for young people (for a young victim) scores like a flag;
- the default signposts (``DEFAULT_SIGNPOSTS``) add a little, and the default support service (Victim
  Support) more after a crime against the person (``PERSONAL_CATEGORIES``, ``PERSONAL_FLAGS``:
  violence, robbery, theft from the person, domestic abuse, hate crime, sexual offences, stalking);
- a force's own article (support in your area) adds a point.
For a domestic-abuse or stalking case its keeping-safe articles (``safety: true``) come first,
whatever their score. Equal scores go by kind (a guide before a service, ``KIND_ORDER``), then a
service that answers day and night first, then by slug, so the order never changes between requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from caseline.domain import event_types as ev
from caseline.domain.articles.audience import Audience, visible
from caseline.domain.articles.model import KIND_ORDER, Article
from caseline.domain.vocabulary import CRIME_CATEGORIES, CrimeFlag

RECENT_DAYS = 28
HALF_LIFE_DAYS = 7.0
UNTIMELY = 0.25
WEIGHTS = {
    "event": 6.0,
    "flag": 6.0,
    "age": 6.0,
    "outcome": 4.0,
    "category": 3.5,
    "stage": 3.0,
    "guide": 3.0,
    "personal": 2.5,
    "tier": 2.0,
    "force": 1.0,
}
DEFAULT_SIGNPOSTS = {
    "victim-support": (2.0, "it is support for anyone affected by crime"),
    "victims-code-your-rights": (1.0, "every victim of crime has these rights"),
}
PERSONAL_CATEGORIES = frozenset({"violent-crime", "robbery", "theft-from-the-person"})
PERSONAL_FLAGS = frozenset(
    {
        CrimeFlag.DOMESTIC_ABUSE.value,
        CrimeFlag.HATE_CRIME.value,
        CrimeFlag.SEXUAL_OFFENCE.value,
        CrimeFlag.STALKING_HARASSMENT.value,
    }
)
STAGE_GUIDES = {
    "reported": "what-happens-after-you-report",
    "officer-assigned": "when-an-officer-is-assigned",
    "investigating": "how-an-investigation-works",
}
# Why a stage matters, in the victim's words (never "the officer assigned stage")
STAGE_CLAUSES = {
    "reported": "your report is new",
    "officer-assigned": "an officer has been assigned to your case",
    "investigating": "your case is being investigated",
    "outcome": "a decision has been made on your case",
    "closed": "your case is closed",
}
MILESTONES = frozenset(
    {
        ev.NEEDS_ASSESSED,
        *ev.SUSPECT_EVENTS,
        ev.DECISION_NOT_TO_INVESTIGATE,
        ev.OUTCOME_RECORDED,
        ev.COURT_HEARING_SCHEDULED,
        ev.COURT_OUTCOME,
        ev.CASE_CLOSED,
    }
)
_GUIDES = frozenset(STAGE_GUIDES.values())
SAFETY_FIRST_FLAGS = frozenset({CrimeFlag.DOMESTIC_ABUSE.value, CrimeFlag.STALKING_HARASSMENT.value})

_EVENT_CLAUSES = {
    ev.OFFICER_ASSIGNED: "an officer has been assigned to your case",
    ev.SUSPECT_ARRESTED: "a suspect has been arrested",
    ev.SUSPECT_INTERVIEWED: "a suspect has been interviewed under caution",
    ev.SUSPECT_RELEASED_WITHOUT_CHARGE: "a suspect has been released without charge",
    ev.SUSPECT_BAILED: "a suspect has been released on bail",
    ev.SUSPECT_RELEASED_UNDER_INVESTIGATION: "a suspect has been released while the investigation continues",
    ev.SUSPECT_BAIL_CONDITIONS_CHANGED: "a suspect's bail conditions have changed",
    ev.SUSPECT_CHARGED: "a suspect has been charged",
    ev.DECISION_NOT_TO_INVESTIGATE: "a decision has been made not to investigate further",
    ev.OUTCOME_RECORDED: "an outcome has been recorded",
    ev.COURT_HEARING_SCHEDULED: "a court hearing has been arranged",
    ev.COURT_OUTCOME: "the court has made a decision",
    ev.CASE_CLOSED: "your case has been closed",
    ev.NEEDS_ASSESSED: "we talked about the support you need",
    ev.INVESTIGATION_UPDATED: "there is news about the investigation",
}
_FLAG_CLAUSES = {
    "domestic-abuse": "your case involves domestic abuse",
    "hate-crime": "your case is being treated as a hate crime",
    "sexual-offence": "your case involves a sexual offence",
    "stalking-harassment": "your case involves stalking or harassment",
    "fraud": "your case involves fraud",
}


@dataclass(frozen=True)
class RecentEvent:
    event_type: str
    occurred_at: datetime


@dataclass(frozen=True)
class CaseContext:
    category: str
    stage: str
    tier: str
    audience: Audience
    now: datetime
    flags: frozenset[str] = frozenset()
    outcome_type: int | None = None
    events: tuple[RecentEvent, ...] = ()

    @property
    def against_the_person(self) -> bool:
        """Violence, robbery, theft from the person, or a case flagged as abuse, hate, sexual or stalking."""
        return self.category in PERSONAL_CATEGORIES or bool(self.flags & PERSONAL_FLAGS)


@dataclass(frozen=True)
class Match:
    rule: str
    points: float
    clause: str


@dataclass(frozen=True)
class Recommendation:
    article: Article
    score: float
    matches: tuple[Match, ...]  # strongest first
    pinned: bool = False

    @property
    def reason(self) -> str:
        """Why you are seeing this, in one short sentence."""
        if self.pinned:
            flag_clause = next((m.clause for m in self.matches if m.rule == "flag"), "your case")
            return f"Because {flag_clause}: keeping safe comes first."
        told = self.matches
        if any(m.rule == "guide" for m in told):  # "it explains the X stage, where your case is now" says both
            told = tuple(m for m in told if m.rule != "stage")
        clauses = list(dict.fromkeys(m.clause for m in told))[:2]
        if not clauses:
            return "Useful for anyone affected by crime."
        return "Because " + " and ".join(clauses) + "."


def _narrow(weight: float, declared: int) -> float:
    """Full weight for a match among one declared value, half-way to half weight for each value more."""
    return weight * (0.5 + 0.5 / max(declared, 1))


def _untimely(article: Article, context: CaseContext) -> bool:
    """Is the article about a milestone that has not happened on this case (however long ago)?"""
    if not MILESTONES & set(article.events):
        return False
    return not any(e.event_type in article.events for e in context.events)


def _event_match(article: Article, context: CaseContext, ignore: str | None = None) -> Match | None:
    best: Match | None = None
    for event in context.events:
        if event.event_type not in article.events or event.event_type in {ignore, ev.CRIME_RECORDED}:
            continue
        age = (context.now - event.occurred_at).total_seconds() / 86400
        if age < 0 or age > RECENT_DAYS:
            continue
        points = WEIGHTS["event"] * 0.5 ** (age / HALF_LIFE_DAYS)
        if best is None or points > best.points:
            best = Match("event", points, _EVENT_CLAUSES.get(event.event_type, "there is news about your case"))
    return best


def _signposts(article: Article, context: CaseContext) -> list[Match]:
    """A default signpost's points, and more for the default support service after a crime against the person."""
    if article.slug not in DEFAULT_SIGNPOSTS:
        return []
    points, clause = DEFAULT_SIGNPOSTS[article.slug]
    matches = [Match("signpost", points, clause)]
    if article.kind == "service" and context.against_the_person:
        matches.append(Match("personal", WEIGHTS["personal"], "the crime was against you as a person"))
    return matches


def _context_matches(article: Article, context: CaseContext) -> list[Match]:
    """Rules about the case as a whole rather than one attribute: stage guide, age, area, signposts."""
    matches = []
    if article.tiers and context.tier in article.tiers:
        matches.append(Match("tier", WEIGHTS["tier"], f"you have {context.tier} rights under the Victims' Code"))
    if STAGE_GUIDES.get(context.stage) == article.slug:
        matches.append(Match("guide", WEIGHTS["guide"], "it explains where your case is now"))
    if context.audience.age_group == "under-18" and article.age_groups == ("under-18",):
        matches.append(Match("age", WEIGHTS["age"], "it is written for young people"))
    if article.force is not None:
        matches.append(Match("force", WEIGHTS["force"], "it is support in your area"))
    return [*matches, *_signposts(article, context)]


def _stage_clause(context: CaseContext) -> str:
    return STAGE_CLAUSES.get(context.stage, "of where your case is now")


def score(article: Article, context: CaseContext) -> Recommendation | None:
    """The article's score for this case with the rules that made it, or None when it is not eligible."""
    if article.slug in _GUIDES and STAGE_GUIDES.get(context.stage) != article.slug:
        return None  # a stage's guide is out of date once the case has moved on (and not yet due before)
    matches: list[Match] = []
    flags = context.flags & set(article.flags)
    if article.flags and not flags:
        return None
    for flag in sorted(flags):
        matches.append(Match("flag", _narrow(WEIGHTS["flag"], len(article.flags)), _FLAG_CLAUSES[flag]))
    if article.categories:
        if context.category in article.categories:
            label = CRIME_CATEGORIES.get(context.category, "this crime").lower()
            matches.append(
                Match("category", _narrow(WEIGHTS["category"], len(article.categories)), f"your case is about {label}")
            )
        elif not flags:
            return None
    event = _event_match(article, context)
    if article.outcome_types:
        if context.outcome_type in article.outcome_types:
            points = _narrow(WEIGHTS["outcome"], len(article.outcome_types))
            matches.append(Match("outcome", points, "it is about your case's outcome"))
        elif _event_match(article, context, ignore=ev.OUTCOME_RECORDED) is None:
            return None
    if event is not None:
        matches.append(event)
    if article.stages:
        if context.stage in article.stages:
            clause = _stage_clause(context)
            points = _narrow(WEIGHTS["stage"], len(article.stages)) * (UNTIMELY if _untimely(article, context) else 1)
            matches.append(Match("stage", points, clause))
        elif event is None:
            return None
    matches.extend(_context_matches(article, context))
    matches.sort(key=lambda m: -m.points)
    pinned = article.safety and bool(flags & SAFETY_FIRST_FLAGS)
    return Recommendation(article, round(sum(m.points for m in matches), 4), tuple(matches), pinned)


def _order(found: Recommendation) -> tuple[bool, float, int, bool, str]:
    service = found.article.service
    always_open = service is not None and service.always_open
    return (not found.pinned, -found.score, KIND_ORDER.get(found.article.kind, 9), not always_open, found.article.slug)


def recommend(articles: Iterable[Article], context: CaseContext, limit: int = 5) -> list[Recommendation]:
    """The best ``limit`` articles for the case: keeping-safe first where it applies, then by score."""
    scored = [found for article in visible(articles, context.audience) if (found := score(article, context))]
    scored = [found for found in scored if found.pinned or found.score > 0]
    scored.sort(key=_order)
    return scored[:limit]
