"""The article index shipped in the layer: up to date with the Markdown, readable, read only when needed."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from caseline.content import articles_index
from caseline.content.articles_index import ArticleIndexError, LazyArticleLibrary, article_library, parse_index
from caseline.domain.articles import Audience
from tests.fixtures.article_library import fixture_index_text
from tools.build_articles import OUTPUT, SOURCE, build


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    article_library.cache_clear()
    yield
    article_library.cache_clear()


def test_the_committed_index_is_what_make_articles_builds() -> None:
    result = build(SOURCE, today=date(2026, 1, 1), stream=io.StringIO())
    assert [str(p) for p in result.problems] == []
    assert OUTPUT.read_text(encoding="utf-8") == result.text, "run `make articles` and commit the index"


def test_the_library_has_a_keeping_safe_article_for_each_flag_that_puts_safety_first() -> None:
    library = article_library()
    for flag in ("domestic-abuse", "stalking-harassment"):
        assert any(a.safety and flag in a.flags for a in library.articles), flag


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("compensasion", "compensation-cica"),
        ("stalkng", "stalking-and-harassment"),
        ("burgalry", "burglary-after-a-break-in"),
        ("action fraud", "action-fraud"),
    ],
)
def test_search_over_the_shipped_library_forgives_typos(query: str, expected: str) -> None:
    hits = article_library().search(query, Audience(), limit=3)
    assert expected in [h.article.slug for h in hits]
    assert hits[0].article.slug == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not json", "JSONDecodeError"),
        ('{"format": 2, "articles": [], "search": {}}', "ValueError"),
        ('{"format": 1, "articles": [{"slug": "x"}], "search": {"lengths": [1], "postings": {}}}', "KeyError"),
        (
            '{"format": 1, "articles": [], "search": {"field_weights": {"title": 3, "summary": 2, "body": 1}, '
            '"lengths": [[1, 1, 1]], "postings": {}}}',
            "ValueError",
        ),
    ],
)
def test_an_unreadable_index_is_an_article_index_error_naming_the_fault(text: str, complaint: str) -> None:
    with pytest.raises(ArticleIndexError, match=complaint):
        parse_index(text)


def test_a_missing_index_says_how_to_build_it(monkeypatch: pytest.MonkeyPatch, fresh_cache: None) -> None:
    monkeypatch.setattr(articles_index, "INDEX_FILE", "no-such-index.json")
    with pytest.raises(ArticleIndexError, match="run make articles"):
        article_library()


def test_the_index_is_read_on_first_use_only_and_then_kept(fresh_cache: None) -> None:
    lazy = LazyArticleLibrary()
    assert article_library.cache_info().currsize == 0
    lazy.browse(Audience())
    lazy.search("court", Audience())
    assert article_library.cache_info().currsize == 1
    assert article_library.cache_info().misses == 1


def test_browse_lists_keeping_safe_first_then_guides_outcomes_and_services() -> None:
    kinds = [a.kind for a in parse_index(fixture_index_text()).browse(Audience())]
    order = {"safety": 0, "guide": 1, "outcome": 2, "service": 3}
    assert kinds == sorted(kinds, key=order.__getitem__)


def test_journeys_can_check_an_article_exists_before_linking_it() -> None:
    assert articles_index.article_exists("going-to-court")
    assert not articles_index.article_exists("no-such-article")
    assert not articles_index.article_exists("local-victim-services")  # a force's own article, not shared


def test_the_index_holds_no_raw_html_from_the_markdown() -> None:
    document = json.loads(Path(OUTPUT).read_text(encoding="utf-8"))
    for article in document["articles"]:
        assert "<script" not in article["body_html"], article["slug"]
        assert "<img" not in article["body_html"], article["slug"]
