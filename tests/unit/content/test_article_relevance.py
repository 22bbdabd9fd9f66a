"""The ranking meets the relevance set (tests/relevance/article_contexts.json): make articles-relevance.

Thresholds: mean precision@3 of at least 0.90 and mean nDCG@5 of at least 0.95 over every context (the
ranking reaches 0.91 and 0.96; docs/articles.md, "Relevance").
"""

from __future__ import annotations

from caseline.content.articles_index import article_library
from tools.score_articles import load_contexts, ndcg_at, overall, precision_at, score_contexts

MIN_PRECISION_AT_3 = 0.90
MIN_NDCG_AT_5 = 0.95


def test_the_relevance_set_has_at_least_30_contexts_each_naming_three_articles_that_exist() -> None:
    contexts = load_contexts()
    known = {a.slug for a in article_library().articles}
    assert len(contexts) >= 30
    assert len({c["id"] for c in contexts}) == len(contexts)
    for context in contexts:
        assert len(set(context["expected"])) == 3, context["id"]
        assert set(context["expected"]) <= known, context["id"]


def test_the_ranking_meets_the_relevance_thresholds() -> None:
    precision, ndcg = overall(score_contexts(article_library(), load_contexts()))
    assert precision >= MIN_PRECISION_AT_3, precision
    assert ndcg >= MIN_NDCG_AT_5, ndcg


def test_the_metrics_are_computed_as_documented() -> None:
    expected = {"a", "b", "c"}
    assert precision_at(["a", "x", "b", "c", "y"], expected, 3) == 2 / 3
    assert ndcg_at(["a", "b", "c", "x", "y"], expected, 5) == 1.0
    assert ndcg_at(["x", "y", "z", "p", "q"], expected, 5) == 0.0
    assert 0.0 < ndcg_at(["x", "y", "a", "b", "c"], expected, 5) < ndcg_at(["a", "x", "y", "b", "c"], expected, 5) < 1
