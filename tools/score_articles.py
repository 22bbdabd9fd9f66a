"""make articles-relevance: how well the ranking meets tests/relevance/article_contexts.json.

For each case context: precision@3 (how many of the three expected articles are in the top 3) and
nDCG@5 (the three expected articles, each of equal worth, discounted by where they appear in the top
5), then the means over every context.

  python tools/score_articles.py                      score the committed index
  python tools/score_articles.py --index FILE -v      another index; -v also prints each top 5 and why
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from caseline.content.articles_index import article_library, parse_index
from caseline.domain.articles import ArticleLibrary, Audience, CaseContext, RecentEvent, Recommendation

ROOT = Path(__file__).resolve().parents[1]
CONTEXTS = ROOT / "tests" / "relevance" / "article_contexts.json"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TOP = 5


@dataclass(frozen=True)
class Scored:
    context_id: str
    expected: tuple[str, ...]
    ranked: tuple[Recommendation, ...]
    precision_at_3: float
    ndcg_at_5: float


def case_context(item: dict[str, Any], now: datetime = NOW) -> CaseContext:
    return CaseContext(
        category=item["category"],
        stage=item["stage"],
        tier=item["tier"],
        flags=frozenset(item["flags"]),
        outcome_type=item.get("outcome_type"),
        events=tuple(
            RecentEvent(event["type"], now - timedelta(days=event["days_ago"])) for event in item.get("events", [])
        ),
        audience=Audience.for_victim(
            language=item.get("language", "en"), under_18=item["under_18"], force_id=item["force"]
        ),
        now=now,
    )


def precision_at(ranked: list[str], expected: set[str], k: int) -> float:
    return sum(1 for slug in ranked[:k] if slug in expected) / k


def ndcg_at(ranked: list[str], expected: set[str], k: int) -> float:
    gain = sum(1 / math.log2(position + 2) for position, slug in enumerate(ranked[:k]) if slug in expected)
    ideal = sum(1 / math.log2(position + 2) for position in range(min(len(expected), k)))
    return gain / ideal if ideal else 0.0


def score_contexts(library: ArticleLibrary, contexts: list[dict[str, Any]]) -> list[Scored]:
    results = []
    for item in contexts:
        ranked = library.recommend(case_context(item), limit=TOP)
        slugs = [r.article.slug for r in ranked]
        expected = set(item["expected"])
        results.append(
            Scored(
                item["id"],
                tuple(item["expected"]),
                tuple(ranked),
                precision_at(slugs, expected, 3),
                ndcg_at(slugs, expected, TOP),
            )
        )
    return results


def overall(results: list[Scored]) -> tuple[float, float]:
    if not results:
        return 0.0, 0.0
    return (
        sum(r.precision_at_3 for r in results) / len(results),
        sum(r.ndcg_at_5 for r in results) / len(results),
    )


def load_contexts(path: Path = CONTEXTS) -> list[dict[str, Any]]:
    contexts: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["contexts"]
    return contexts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an index file (default: the one in the layer)")
    parser.add_argument("--contexts", type=Path, default=CONTEXTS)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each context's top 5 and why")
    args = parser.parse_args(argv)
    library = parse_index(args.index.read_text(encoding="utf-8")) if args.index else article_library()
    known = {article.slug for article in library.articles}
    results = score_contexts(library, load_contexts(args.contexts))
    print(f"{'context':<42} {'P@3':>5} {'nDCG@5':>7}  missing from the library")
    for result in results:
        missing = ", ".join(slug for slug in result.expected if slug not in known)
        print(f"{result.context_id:<42} {result.precision_at_3:>5.2f} {result.ndcg_at_5:>7.2f}  {missing}")
        if args.verbose:
            for position, found in enumerate(result.ranked, start=1):
                mark = "*" if found.article.slug in result.expected else " "
                print(f"    {position}{mark} {found.article.slug:<44} {found.score:>6.2f}  {found.reason}")
            print(f"    expected: {', '.join(result.expected)}")
    precision, ndcg = overall(results)
    print(f"{'overall (' + str(len(results)) + ' contexts)':<42} {precision:>5.2f} {ndcg:>7.2f}")
    attainable = sum(sum(1 for s in r.expected if s in known) / 3 for r in results) / max(len(results), 1)
    if attainable < 1:
        print(f"{'best possible P@3 with the articles written':<42} {attainable:>5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
