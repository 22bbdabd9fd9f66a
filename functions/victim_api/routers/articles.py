"""The support articles: public, cached for five minutes. The article modules load with the first article
request, never at cold start."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from views import ArticleListView, ArticleSummaryView, ArticleView

from caseline.observability import metrics

router = APIGatewayRouter()

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
ForceQuery = Annotated[
    str | None, Query(pattern=r"^[a-z0-9-]{1,40}$", description="Include this force's own articles and overrides")
]
LanguageQuery = Annotated[str, Query(pattern=r"^[a-z]{2}$", description="Reader's language (English if untranslated)")]
AgeQuery = Annotated[Literal["adult", "under-18"] | None, Query(description="Only articles written for this age group")]
PUBLIC_ARTICLE_HEADERS = {"Cache-Control": "public, max-age=300"}
_PROBLEM: dict[str, Any] = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@router.get("/v1/articles", summary="Search the support articles (no q: all of them)", tags=["Articles"])
def list_articles(
    q: Annotated[str | None, Query(max_length=200, description="Words to search for; typos are forgiven")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    force_id: ForceQuery = None,
    language: LanguageQuery = "en",
    age_group: AgeQuery = None,
) -> Response[ArticleListView]:
    from caseline.domain.articles import Audience

    audience = Audience(language=language, age_group=age_group, force_id=force_id)
    query = q.strip() if q and q.strip() else None
    if query:
        found = [hit.article for hit in dependencies.articles.search(query, audience, limit)]
        metrics.add_metric(name="ArticleSearches", unit=MetricUnit.Count, value=1)
    else:
        found = dependencies.articles.browse(audience)[:limit]
    view = ArticleListView(query=query, articles=[ArticleSummaryView.of(a) for a in found])
    return Response(status_code=200, content_type="application/json", body=view, headers=PUBLIC_ARTICLE_HEADERS)


@router.get(
    "/v1/articles/<slug>",
    summary="One support article",
    tags=["Articles"],
    responses={
        200: {"description": "The article"},
        404: {"description": "No such article for this reader (language, age group, force)", "content": _PROBLEM},
    },
)
def get_article(
    slug: Slug, force_id: ForceQuery = None, language: LanguageQuery = "en", age_group: AgeQuery = None
) -> Response[ArticleView]:
    from caseline.domain.articles import Audience

    article = dependencies.articles.get(slug, Audience(language=language, age_group=age_group, force_id=force_id))
    metrics.add_metric(name="ArticlesServed", unit=MetricUnit.Count, value=1)
    view = ArticleView.of(article)
    return Response(status_code=200, content_type="application/json", body=view, headers=PUBLIC_ARTICLE_HEADERS)
