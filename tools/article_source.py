"""Article Markdown files: read the front matter, check it against the contract, render the body.

Build time only (PyYAML and markdown-it-py are development dependencies, never in the layer).
The contract is in docs/articles.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from caseline.domain.articles.model import (
    AGE_GROUPS,
    FLAGS,
    FORCES,
    KINDS,
    PORTAL_PATH,
    SLUG,
    STAGES,
    TIERS,
    Article,
    Service,
)
from caseline.domain.event_types import CRIME_RECORDED
from caseline.domain.events import EVENT_DATA_MODELS
from caseline.domain.vocabulary import CRIME_CATEGORIES, OUTCOME_TYPES

EVENT_TYPES = frozenset({CRIME_RECORDED, *EVENT_DATA_MODELS})
REQUIRED = (
    "slug",
    "title",
    "summary",
    "kind",
    "language",
    "age_groups",
    "categories",
    "flags",
    "stages",
    "tiers",
    "events",
    "outcome_types",
    "safety",
    "review_by",
    "owner",
)
OPTIONAL = ("service",)
SERVICE_FIELDS = {"name": True, "web": True, "phone": False, "hours": False}
MAX_TITLE = 80
MAX_SUMMARY = 200
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_PHONE = re.compile(r"^[0-9 +()]{3,20}$")
_INTERNAL = re.compile(r"^/articles/([a-z0-9]+(?:-[a-z0-9]+)*)/?(?:#[A-Za-z0-9_-]*)?$")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


class ArticleProblem(Exception):
    """One thing wrong with one file, named by file and field."""

    def __init__(self, path: str, field_name: str, message: str) -> None:
        super().__init__(f"{path}: {field_name}: {message}")
        self.path = path
        self.field_name = field_name
        self.message = message


@dataclass
class SourceArticle:
    """A parsed, checked article with what the index build still needs (links, plain text)."""

    path: str
    article: Article
    body_text: str
    links: list[str]
    warnings: list[str] = field(default_factory=list)


def _string(path: str, data: dict[str, Any], name: str, limit: int | None = None) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ArticleProblem(path, name, "must be a non-empty string")
    if "\n" in value.strip():
        raise ArticleProblem(path, name, "must be one line")
    if limit is not None and len(value) > limit:
        raise ArticleProblem(path, name, f"has {len(value)} characters; at most {limit}")
    return value.strip()


def _choices(path: str, data: dict[str, Any], name: str, allowed: Any) -> tuple[str, ...]:
    value = data.get(name)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ArticleProblem(path, name, "must be a list of strings ([] for none)")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ArticleProblem(path, name, f"{', '.join(unknown)} not known; one of {', '.join(sorted(allowed))}")
    if len(set(value)) != len(value):
        raise ArticleProblem(path, name, "lists a value twice")
    return tuple(value)


def _outcomes(path: str, data: dict[str, Any]) -> tuple[int, ...]:
    value = data.get("outcome_types")
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ArticleProblem(path, "outcome_types", "must be a list of Home Office outcome numbers ([] for none)")
    unknown = [str(v) for v in value if v not in OUTCOME_TYPES]
    if unknown:
        raise ArticleProblem(path, "outcome_types", f"{', '.join(unknown)} not a Home Office outcome type")
    return tuple(sorted(set(value)))


def _review_by(path: str, data: dict[str, Any]) -> date:
    value = data.get("review_by")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ArticleProblem(path, "review_by", "must be an ISO date such as 2027-05-31") from exc


def _service(path: str, data: dict[str, Any], kind: str) -> Service | None:
    value = data.get("service")
    if kind != "service":
        if value is not None:
            raise ArticleProblem(path, "service", "only an article of kind service has a service block")
        return None
    if not isinstance(value, dict):
        raise ArticleProblem(path, "service", "kind service needs a service block with name and web")
    unknown = sorted(set(value) - set(SERVICE_FIELDS))
    if unknown:
        raise ArticleProblem(path, f"service.{unknown[0]}", f"unknown field; known: {', '.join(SERVICE_FIELDS)}")
    found: dict[str, str] = {}
    for name, required in SERVICE_FIELDS.items():
        if name not in value and not required:
            continue
        found[name] = _string(path, value, name) if name in value else ""
        if not found[name]:
            raise ArticleProblem(path, f"service.{name}", "is required")
    if not found["web"].startswith("https://"):
        raise ArticleProblem(path, "service.web", "must be an https:// address")
    if "phone" in found and not _PHONE.match(found["phone"]):
        raise ArticleProblem(path, "service.phone", "digits, spaces, + and brackets only")
    return Service(**found)


def split_front_matter(path: str, text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ArticleProblem(path, "front matter", "the file must start with --- front matter --- and a body")
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (front matter line {line + 2})" if line is not None else ""
        raise ArticleProblem(path, "front matter", f"is not valid YAML{where}") from exc
    if not isinstance(data, dict):
        raise ArticleProblem(path, "front matter", "must be a YAML mapping of field: value")
    return data, match.group(2)


def _walk(tokens: list[Token]) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_walk(token.children))
    return found


def render_body(path: str, body: str) -> tuple[str, str, list[str], list[str]]:
    """(safe HTML, plain text, internal link slugs, warnings). Raw HTML in Markdown is shown as text."""
    if not body.strip():
        raise ArticleProblem(path, "body", "is empty")
    tokens = _MARKDOWN.parse(body)
    links: list[str] = []
    warnings: list[str] = []
    words: list[str] = []
    for token in _walk(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            warnings.append(f"{path}: body: use ## headings; the title is the page's only top heading")
        if token.type in {"text", "code_inline"}:
            words.append(token.content)
        if token.type != "link_open":
            continue
        href = str(token.attrGet("href") or "")
        internal = _INTERNAL.match(href)
        if internal:
            links.append(internal.group(1))
        elif not href.startswith(("https://", "mailto:", "tel:")):
            raise ArticleProblem(path, "body", f"link {href!r}: use https://, mailto:, tel: or /articles/<slug>")
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return html, " ".join(words), links, warnings


def display(path: Path) -> str:
    """The file as a developer would type it: relative to the working directory when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_article(path: Path, root: Path, today: date) -> SourceArticle:
    """Read and check one file. ``root`` is the articles folder; a sub-folder names a force."""
    name = display(path)
    relative = path.relative_to(root).parts
    force = relative[0] if len(relative) == 2 else None
    if len(relative) > 2 or (force is not None and force not in FORCES):
        raise ArticleProblem(name, "folder", f"articles live in articles/ or articles/<force>/ ({', '.join(FORCES)})")
    data, body = split_front_matter(name, path.read_text(encoding="utf-8"))
    if "forces" in data:
        raise ArticleProblem(name, "forces", "is implied by the folder: put a force's article in articles/<force>/")
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ArticleProblem(name, unknown[0], f"unknown field; known: {', '.join((*REQUIRED, *OPTIONAL))}")
    missing = [f for f in REQUIRED if f not in data]
    if missing:
        raise ArticleProblem(name, missing[0], "is required")
    slug = _string(name, data, "slug")
    if not SLUG.match(slug):
        raise ArticleProblem(name, "slug", "must be kebab-case: lower-case letters, digits and single hyphens")
    if slug != path.stem:
        raise ArticleProblem(name, "slug", f"{slug!r} must equal the file name {path.stem!r}")
    kind = _string(name, data, "kind")
    if kind not in KINDS:
        raise ArticleProblem(name, "kind", f"{kind!r} not known; one of {', '.join(KINDS)}")
    language = _string(name, data, "language")
    if not _LANGUAGE.match(language):
        raise ArticleProblem(name, "language", "must be a two-letter ISO 639-1 code such as en")
    age_groups = _choices(name, data, "age_groups", AGE_GROUPS)
    if not age_groups:
        raise ArticleProblem(name, "age_groups", f"name who it is written for: {', '.join(AGE_GROUPS)}")
    if not isinstance(data.get("safety"), bool):
        raise ArticleProblem(name, "safety", "must be true or false")
    review_by = _review_by(name, data)
    html, text, links, warnings = render_body(name, body)
    if review_by < today:
        warnings.append(f"{name}: review_by: {review_by.isoformat()} has passed; check the article is still true")
    article = Article(
        slug=slug,
        title=_string(name, data, "title", MAX_TITLE),
        summary=_string(name, data, "summary", MAX_SUMMARY),
        kind=kind,
        language=language,
        force=force,
        age_groups=tuple(a for a in AGE_GROUPS if a in age_groups),
        categories=tuple(sorted(_choices(name, data, "categories", CRIME_CATEGORIES))),
        flags=tuple(sorted(_choices(name, data, "flags", FLAGS))),
        stages=tuple(s for s in STAGES if s in _choices(name, data, "stages", STAGES)),
        tiers=tuple(sorted(_choices(name, data, "tiers", TIERS))),
        events=tuple(sorted(_choices(name, data, "events", EVENT_TYPES))),
        outcome_types=_outcomes(name, data),
        safety=bool(data["safety"]),
        service=_service(name, data, kind),
        review_by=review_by.isoformat(),
        owner=_string(name, data, "owner"),
        links=tuple(sorted(set(links))),
        body_html=html,
    )
    return SourceArticle(name, article, text, links, warnings)


def check_links(found: list[SourceArticle]) -> list[ArticleProblem]:
    """Every /articles/<slug> link must reach an article the same reader can open."""
    shared = {s.article.slug for s in found if s.article.force is None}
    per_force = {f: {s.article.slug for s in found if s.article.force == f} for f in FORCES}
    everywhere = set.intersection(*per_force.values()) if per_force else set()
    problems = []
    for source in found:
        reachable = shared | (per_force[source.article.force] if source.article.force else everywhere)
        for slug in source.links:
            if slug not in reachable:
                problems.append(ArticleProblem(source.path, "body", f"link {PORTAL_PATH}{slug} goes to no article"))
    return problems
