"""Full-text search: BM25F over an index prebuilt by ``tools/build_articles.py``, with typo tolerance.

Each field is normalised by its own average length, then a word in a title counts three times, in a
summary twice and in the body once (BM25F). A query word the index does not know is replaced by the
index's closest words within one edit (two for words of eight letters or more; swapping two letters is
one edit), at a discount, and by words it is the start of. A title that is mostly the query's words
adds a bonus (``TITLE_MATCH`` times the word's weight over the title's length), so "stalking" finds
"Stalking and harassment" before "National Stalking Helpline". Nothing here reads a file: the loader hands
the prebuilt postings in.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from caseline.domain.articles.text import tokens

FIELDS = ("title", "summary", "body")
FIELD_WEIGHTS = {"title": 3, "summary": 2, "body": 1}
K1 = 1.2
B = 0.75
TYPO_DISCOUNT = 0.8  # a word one edit away counts 0.8 of an exact match; two edits 0.64
PREFIX_DISCOUNT = 0.6
MAX_EXPANSIONS = 3
TITLE_MATCH = 1.0


@dataclass(frozen=True)
class SearchDocument:
    title: str
    summary: str
    body_text: str


def build_search_index(documents: Sequence[SearchDocument]) -> dict[str, Any]:
    """The JSON-ready index: per document its field lengths; per word [document, title, summary, body]
    frequencies, in document order; words sorted."""
    postings: dict[str, list[list[int]]] = {}
    lengths: list[list[int]] = []
    for number, document in enumerate(documents):
        fields = [tokens(document.title), tokens(document.summary), tokens(document.body_text)]
        lengths.append([len(words) for words in fields])
        counts = [Counter(words) for words in fields]
        for word in sorted(set().union(*fields)):
            postings.setdefault(word, []).append([number, *(count[word] for count in counts)])
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
        self._lengths: list[list[int]] = document["lengths"]
        self._weights = [float(document["field_weights"][name]) for name in FIELDS]
        self._vocabulary = sorted(self._postings)
        count = max(len(self._lengths), 1)
        self._averages = [max(sum(row[f] for row in self._lengths) / count, 1.0) for f in range(len(FIELDS))]

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
            closest = min((int(distance) for _, distance, _ in matches), default=0)
            for candidate, distance, _ in matches:
                if int(distance) == closest:
                    found[candidate] = TYPO_DISCOUNT**closest
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
                for number, *frequencies in postings:
                    if allowed is not None and number not in allowed:
                        continue
                    frequency = self._pseudo_frequency(number, frequencies)
                    found = weight * idf * frequency * (K1 + 1) / (frequency + K1)
                    if frequencies[0]:
                        found += TITLE_MATCH * weight * idf / max(self._lengths[number][0], 1)
                    scores[number] = scores.get(number, 0.0) + found
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def _pseudo_frequency(self, number: int, frequencies: list[int]) -> float:
        """The field frequencies, each normalised by its field's length, weighted and added up."""
        lengths = self._lengths[number]
        return math.fsum(
            weight * frequency / (1 - B + B * length / average)
            for weight, frequency, length, average in zip(
                self._weights, frequencies, lengths, self._averages, strict=True
            )
        )
