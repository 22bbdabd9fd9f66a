"""Full-text search: BM25 over an index prebuilt by ``tools/build_articles.py``, with typo tolerance.

The index weights a word in a title three times, in a summary twice and in the body once (a simple
BM25F). A query word the index does not know is replaced by the index's words within one edit (two for
words of eight letters or more; a swap of two letters is one edit), at a discount, and by words it is
the start of. Nothing here reads a file: the loader hands the prebuilt postings in.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from caseline.domain.articles.text import tokens

FIELD_WEIGHTS = {"title": 3, "summary": 2, "body": 1}
K1 = 1.2
B = 0.75
TYPO_DISCOUNT = 0.8  # a word one edit away counts 0.8 of an exact match; two edits 0.64
PREFIX_DISCOUNT = 0.6
MAX_EXPANSIONS = 3


@dataclass(frozen=True)
class SearchDocument:
    title: str
    summary: str
    body_text: str


def build_search_index(documents: Sequence[SearchDocument]) -> dict[str, Any]:
    """The JSON-ready index: weighted term frequencies per document, document lengths, sorted postings."""
    postings: dict[str, list[list[int]]] = {}
    lengths: list[int] = []
    for number, document in enumerate(documents):
        counts: Counter[str] = Counter()
        for name, text in (("title", document.title), ("summary", document.summary), ("body", document.body_text)):
            for word in tokens(text):
                counts[word] += FIELD_WEIGHTS[name]
        lengths.append(sum(counts.values()))
        for word, frequency in counts.items():
            postings.setdefault(word, []).append([number, frequency])
    return {
        "field_weights": FIELD_WEIGHTS,
        "lengths": lengths,
        "postings": {word: postings[word] for word in sorted(postings)},
    }


def max_edits(word: str) -> int:
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


class SearchIndex:
    def __init__(self, document: dict[str, Any]) -> None:
        self._postings: dict[str, list[list[int]]] = document["postings"]
        self._lengths: list[int] = document["lengths"]
        self._vocabulary = sorted(self._postings)
        count = len(self._lengths)
        self._average = (sum(self._lengths) / count) if count else 1.0

    @property
    def size(self) -> int:
        return len(self._lengths)

    def expand(self, word: str) -> dict[str, float]:
        """The index's words a query word stands for, with how much each counts."""
        if word in self._postings:
            return {word: 1.0}
        found: dict[str, float] = {}
        limit = max_edits(word)
        if limit:
            from rapidfuzz import process  # imported on the first misspelt word, never at cold start
            from rapidfuzz.distance import OSA

            matches = process.extract(
                word, self._vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=MAX_EXPANSIONS
            )
            for candidate, distance, _ in matches:
                found[candidate] = TYPO_DISCOUNT ** int(distance)
        if len(word) >= 4:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + MAX_EXPANSIONS]:
                if not candidate.startswith(word):
                    break
                found[candidate] = max(found.get(candidate, 0.0), PREFIX_DISCOUNT)
        return found

    def search(self, query: str, allowed: Collection[int] | None = None) -> list[tuple[int, float]]:
        """(document number, score) best first; ties in document order. Only ``allowed`` documents count."""
        scores: dict[int, float] = {}
        count = len(self._lengths)
        for word in dict.fromkeys(tokens(query)):
            for term, weight in self.expand(word).items():
                postings = self._postings[term]
                idf = math.log(1 + (count - len(postings) + 0.5) / (len(postings) + 0.5))
                for number, frequency in postings:
                    if allowed is not None and number not in allowed:
                        continue
                    norm = K1 * (1 - B + B * self._lengths[number] / self._average)
                    scores[number] = scores.get(number, 0.0) + weight * idf * frequency * (K1 + 1) / (frequency + norm)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
