"""The prebuilt article index (``articles.json``, written by ``make articles``), read once, on first use.

Nothing here runs at import: a function that never serves an article never pays for reading it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from caseline.domain.errors import PermanentError

if TYPE_CHECKING:  # imported on first use: a cold start that serves no article pays nothing for them
    from caseline.domain.articles import Article, ArticleLibrary, Audience, CaseContext, Recommendation, SearchHit

INDEX_FILE = "articles.json"


class ArticleIndexError(PermanentError):
    """The shipped index is missing or unreadable: a build fault, never the caller's."""

    title = "The article library is not available"


def parse_index(text: str) -> ArticleLibrary:
    from caseline.domain.articles import ArticleLibrary

    try:
        document: Any = json.loads(text)
        return ArticleLibrary.from_document(document)
    except (ValueError, KeyError, TypeError) as exc:
        raise ArticleIndexError(f"the article index cannot be read: {type(exc).__name__}") from exc


@lru_cache(maxsize=1)
def article_library() -> ArticleLibrary:
    """The library shipped in the layer, parsed on the first call and kept for the life of the process."""
    try:
        text = resources.files(__package__).joinpath(INDEX_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ArticleIndexError("the article index is missing; run make articles") from exc
    return parse_index(text)


def article_exists(slug: str) -> bool:
    """For journeys and template checks: is there a shared article with this slug?"""
    return any(article.slug == slug and article.force is None for article in article_library().articles)


class LazyArticleLibrary:
    """Stands in for the library at module scope: the index is read on the first call, not at import."""

    def get(self, slug: str, audience: Audience) -> Article:
        return article_library().get(slug, audience)

    def browse(self, audience: Audience) -> list[Article]:
        return article_library().browse(audience)

    def search(self, query: str, audience: Audience, limit: int = 10) -> list[SearchHit]:
        return article_library().search(query, audience, limit)

    def recommend(self, context: CaseContext, limit: int = 5) -> list[Recommendation]:
        return article_library().recommend(context, limit)
