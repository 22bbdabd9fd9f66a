"""Knowledge articles: the model, hard filters, transparent ranking for a case, and search.

Pure: the prebuilt index (``caseline/content/articles.json``, written by ``make articles``) is read by
``caseline.content.articles_index`` and handed in.
"""

from caseline.domain.articles.audience import Audience, visible
from caseline.domain.articles.library import ArticleLibrary, SearchHit
from caseline.domain.articles.model import Article, Service, article_path, article_url
from caseline.domain.articles.ranking import CaseContext, RecentEvent, Recommendation, recommend, score

__all__ = [
    "Article",
    "ArticleLibrary",
    "Audience",
    "CaseContext",
    "RecentEvent",
    "Recommendation",
    "SearchHit",
    "Service",
    "article_path",
    "article_url",
    "recommend",
    "score",
    "visible",
]
