"""The message templates follow docs/content-style.md where a test can tell: short sentences, no system
words or offence classes, no blame or doubt, no cheer, dates as people say them."""

from __future__ import annotations

import re

import pytest

from caseline.content import template_documents

DOCUMENTS = {str(d["id"]): d for d in template_documents()}
MAX_WORDS = 25  # "sentences under 20 words where possible": none may run past 25
FORBIDDEN = {
    "an offence class as a name": re.compile(r"violence and sexual offences", re.IGNORECASE),
    "doubt or blame": re.compile(r"\balleged\b|\ballegation\b|\bthe deceased\b", re.IGNORECASE),
    "cheer": re.compile(r"great news|good news|!"),
    "a date as a system writes it": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a system word": re.compile(r"\bN/A\b|\bnull\b|\bNFA\b|\bRUI\b"),
    "a court word left unexplained": re.compile(r"\bacquitted\b", re.IGNORECASE),
}


def _texts(document: dict[str, object]) -> list[str]:
    channels = document["channels"]
    assert isinstance(channels, dict)
    return [text for body in channels.values() for text in (body.get("subject"), body["body"]) if text]


def _words_only(text: str) -> str:
    """The template as a reader sees it: each value one word, optional blocks' text kept, links as their text."""
    text = re.sub(r"\(\([a-z_][a-z0-9_]*\?\?", "", text)
    text = re.sub(r"\(\([a-z_][a-z0-9_]*\)\)", "X", text).replace("))", "")
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?:!])\s+|\n+", _words_only(text)) if s.strip()]


def test_sentences_are_split_where_a_reader_pauses() -> None:
    assert sentences("Hello ((name)),\n\nWe have news. Read it at ((portal_url))/cases.html now: thanks") == [
        "Hello X,",
        "We have news.",
        "Read it at X/cases.html now:",
        "thanks",
    ]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_no_sentence_runs_past_the_limit(name: str) -> None:
    long = [s for text in _texts(DOCUMENTS[name]) for s in sentences(text) if len(s.split()) > MAX_WORDS]
    assert long == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_no_word_the_content_style_rules_out(name: str) -> None:
    found = {
        rule: pattern.findall(_words_only(text))
        for text in _texts(DOCUMENTS[name])
        for rule, pattern in FORBIDDEN.items()
        if pattern.search(_words_only(text))
    }
    assert found == {}
