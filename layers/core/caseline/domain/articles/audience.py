"""Hard filters: who an article may be shown to. Ranking and search only ever see what passes them.

- Language: the reader's language, falling back to English for a slug not translated yet.
- Age group: an article is shown only to the age groups it is written for.
- Force: a force's own articles are shown only for that force, and a force's article replaces the
  shared article of the same slug (an override). Without a force, only the shared library is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caseline.domain.articles.model import DEFAULT_LANGUAGE, Article


@dataclass(frozen=True)
class Audience:
    language: str = DEFAULT_LANGUAGE
    age_group: str | None = None  # "adult" or "under-18"; None: any
    force_id: str | None = None

    @classmethod
    def for_victim(cls, *, language: str, under_18: bool, force_id: str) -> Audience:
        return cls(
            language=language.split("-")[0].lower(), age_group="under-18" if under_18 else "adult", force_id=force_id
        )


def _allowed(article: Article, audience: Audience) -> bool:
    if article.language not in {audience.language, DEFAULT_LANGUAGE}:
        return False
    if audience.age_group is not None and audience.age_group not in article.age_groups:
        return False
    return article.force is None or article.force == audience.force_id


def _preference(article: Article, audience: Audience) -> tuple[bool, bool]:
    return article.force is not None, article.language == audience.language


def visible(articles: Iterable[Article], audience: Audience) -> list[Article]:
    """One article per slug, the best for this audience, in slug order."""
    chosen: dict[str, Article] = {}
    for article in articles:
        if not _allowed(article, audience):
            continue
        current = chosen.get(article.slug)
        if current is None or _preference(article, audience) > _preference(current, audience):
            chosen[article.slug] = article
    return [chosen[slug] for slug in sorted(chosen)]
