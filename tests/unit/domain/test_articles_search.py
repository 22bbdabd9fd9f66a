"""Search: BM25 over the prebuilt index, typo tolerant, behind the same hard filters as recommendations."""

from __future__ import annotations

import pytest

from caseline.domain.articles import Audience
from caseline.domain.articles.search import SearchDocument, SearchIndex, build_search_index, max_edits
from caseline.domain.articles.text import stem, tokens
from tests.fixtures.article_library import fixture_library


def index(*documents: tuple[str, str, str]) -> SearchIndex:
    return SearchIndex(build_search_index([SearchDocument(*d) for d in documents]))


def test_words_are_folded_stemmed_and_stopwords_dropped() -> None:
    assert tokens("What happens to BURGLARIES and the Café?") == ["happen", "burglary", "cafe"]
    assert [stem(w) for w in ("bus", "class", "crisis", "victims")] == ["bus", "class", "crisis", "victim"]


def test_a_word_in_the_title_counts_more_than_the_same_word_in_the_body() -> None:
    found = index(("Court", "", "going somewhere"), ("Somewhere", "", "court")).search("court")
    assert [number for number, _ in found] == [0, 1]


def test_a_rare_word_counts_more_than_a_common_one() -> None:
    searcher = index(("bail", "", "police"), ("police", "", "police"), ("police", "", ""))
    found = searcher.search("police bail")
    assert found[0][0] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("compensasion", "compensation-cica"),
        ("stalkng", "stalking-and-harassment"),
        ("burgalry", "burglary-after-a-break-in"),
        ("burglaries", "burglary-after-a-break-in"),
        ("compens", "compensation-cica"),
        ("bail conditions", "police-bail-and-bail-conditions"),
    ],
)
def test_misspelt_and_partial_words_still_find_the_article(query: str, expected: str) -> None:
    hits = fixture_library().search(query, Audience())
    assert hits[0].article.slug == expected


def test_short_words_are_not_guessed_at() -> None:
    assert max_edits("bal") == 0
    assert max_edits("bail") == 1
    assert max_edits("compensasion") == 2
    assert fixture_library().search("zq", Audience()) == []


def test_a_query_with_nothing_close_finds_nothing() -> None:
    assert fixture_library().search("xylophone quartz", Audience()) == []


def test_search_results_respect_the_force_and_age_group() -> None:
    library = fixture_library()
    hampshire = library.search("victim support", Audience(force_id="hampshire"))
    shared = library.search("victim support", Audience())
    young = library.search("child", Audience(age_group="under-18"))
    adults = library.search("child", Audience(age_group="adult"))
    assert [h.article.force for h in hampshire if h.article.slug == "victim-support"] == ["hampshire"]
    assert {h.article.force for h in shared} == {None}
    assert "parents-of-child-victims" not in [h.article.slug for h in young]
    assert "children-and-young-people" not in [h.article.slug for h in adults]


def test_the_limit_caps_the_results_best_first() -> None:
    hits = fixture_library().search("crime victim support", Audience(), limit=2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score
