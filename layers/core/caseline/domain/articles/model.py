"""A knowledge article as the index holds it: front matter already checked, body already safe HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from caseline.domain.case import CaseStage
from caseline.domain.vocabulary import CrimeFlag, VictimTier

FORCES = ("thames-valley", "hampshire")
KINDS = ("guide", "service", "outcome", "safety")
KIND_ORDER = {"safety": 0, "guide": 1, "outcome": 2, "service": 3}  # browsing, and equal scores in a ranking
ALWAYS_OPEN = "24 hours a day, 7 days a week"
AGE_GROUPS = ("adult", "under-18")
STAGES = tuple(stage.slug for stage in CaseStage)
FLAGS = tuple(flag.value for flag in CrimeFlag)
TIERS = tuple(tier.value for tier in VictimTier)
DEFAULT_LANGUAGE = "en"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PORTAL_PATH = "/articles/"


def article_path(slug: str) -> str:
    """The portal path of an article page; message templates write ``((portal_url))/articles/<slug>.html``."""
    if not SLUG.match(slug):
        raise ValueError("an article slug is kebab-case")
    return f"{PORTAL_PATH}{slug}.html"


def article_url(portal_url: str, slug: str) -> str:
    """The full link to an article in the portal, for a message or an email."""
    return portal_url.rstrip("/") + article_path(slug)


@dataclass(frozen=True)
class Service:
    """How to reach a support service. Only ``name`` and ``web`` are always there."""

    name: str
    web: str
    phone: str | None = None
    hours: str | None = None

    @property
    def always_open(self) -> bool:
        """Does the service answer day and night (its hours are exactly ``ALWAYS_OPEN``)?"""
        return self.hours == ALWAYS_OPEN

    def to_dict(self) -> dict[str, str]:
        found = {"name": self.name, "web": self.web, "phone": self.phone, "hours": self.hours}
        return {key: value for key, value in found.items() if value is not None}


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    summary: str
    kind: str
    language: str
    body_html: str
    review_by: str
    owner: str
    force: str | None = None  # None: the shared library; else the force's own article or override
    age_groups: tuple[str, ...] = AGE_GROUPS
    categories: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    outcome_types: tuple[int, ...] = ()
    safety: bool = False
    service: Service | None = None
    links: tuple[str, ...] = field(default=(), compare=False)  # slugs this article links to

    @property
    def key(self) -> str:
        """Unique in the index: where the article lives, its slug and its language."""
        return f"{self.force or 'shared'}/{self.slug}/{self.language}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "kind": self.kind,
            "language": self.language,
            "force": self.force,
            "age_groups": list(self.age_groups),
            "categories": list(self.categories),
            "flags": list(self.flags),
            "stages": list(self.stages),
            "tiers": list(self.tiers),
            "events": list(self.events),
            "outcome_types": list(self.outcome_types),
            "safety": self.safety,
            "service": self.service.to_dict() if self.service else None,
            "review_by": self.review_by,
            "owner": self.owner,
            "links": list(self.links),
            "body_html": self.body_html,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        service = data.get("service")
        return cls(
            slug=str(data["slug"]),
            title=str(data["title"]),
            summary=str(data["summary"]),
            kind=str(data["kind"]),
            language=str(data["language"]),
            force=str(data["force"]) if data.get("force") else None,
            age_groups=tuple(str(v) for v in data["age_groups"]),
            categories=tuple(str(v) for v in data["categories"]),
            flags=tuple(str(v) for v in data["flags"]),
            stages=tuple(str(v) for v in data["stages"]),
            tiers=tuple(str(v) for v in data["tiers"]),
            events=tuple(str(v) for v in data["events"]),
            outcome_types=tuple(int(v) for v in data["outcome_types"]),
            safety=bool(data["safety"]),
            service=Service(**{k: str(v) for k, v in service.items()}) if service else None,
            review_by=str(data["review_by"]),
            owner=str(data["owner"]),
            links=tuple(str(v) for v in data.get("links", ())),
            body_html=str(data["body_html"]),
        )
