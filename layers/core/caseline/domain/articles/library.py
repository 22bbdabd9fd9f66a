"""The article library as the API uses it: find one article, browse, search and recommend, always
through the hard filters of ``audience``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caseline.domain.articles.audience import Audience, visible
from caseline.domain.articles.model import KIND_ORDER, Article
from caseline.domain.articles.ranking import CaseContext, Recommendation, recommend
from caseline.domain.articles.search import SearchIndex
from caseline.domain.errors import NotFoundError

INDEX_FORMAT = 1


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: float


class ArticleLibrary:
    def __init__(self, articles: list[Article], search_index: SearchIndex) -> None:
        if search_index.size != len(articles):
            raise ValueError("the search index does not describe these articles")
        self.articles = articles
        self._search = search_index
        self._numbers = {article.key: number for number, article in enumerate(articles)}

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ArticleLibrary:
        if document.get("format") != INDEX_FORMAT:
            raise ValueError(f"article index format {document.get('format')!r} is not {INDEX_FORMAT}")
        articles = [Article.from_dict(item) for item in document["articles"]]
        return cls(articles, SearchIndex(document["search"]))

    def get(self, slug: str, audience: Audience) -> Article:
        found = next((a for a in visible(self.articles, audience) if a.slug == slug), None)
        if found is None:
            raise NotFoundError("no such article")
        return found

    def browse(self, audience: Audience) -> list[Article]:
        """Every article this audience may read: keeping-safe first, then guides, outcomes, services; by title."""
        return sorted(visible(self.articles, audience), key=lambda a: (KIND_ORDER.get(a.kind, 9), a.title, a.slug))

    def search(self, query: str, audience: Audience, limit: int = 10) -> list[SearchHit]:
        allowed = {self._numbers[a.key]: a for a in visible(self.articles, audience)}
        ranked = self._search.search(query, allowed=allowed)
        return [SearchHit(allowed[number], round(score, 4)) for number, score in ranked[:limit]]

    def recommend(self, context: CaseContext, limit: int = 5) -> list[Recommendation]:
        return recommend(self.articles, context, limit)
