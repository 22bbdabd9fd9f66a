"""The counts of journeys and templates the docs give are the counts the content holds (no typed drift)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caseline.content import journey_definitions, template_info

ROOT = Path(__file__).resolve().parents[3]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "docs" / "events" / "README.md"]
JOURNEYS = re.compile(r"\b(\d+) (?:journeys|journey definitions|definitions)\b")
TEMPLATES = re.compile(r"\b(\d+) (?:message )?templates\b")


def counted(pattern: re.Pattern[str]) -> list[tuple[str, int]]:
    found = []
    for path in DOCS:
        text = " ".join(path.read_text(encoding="utf-8").split())  # a count may be wrapped onto two lines
        found += [(path.relative_to(ROOT).as_posix(), int(n)) for n in pattern.findall(text)]
    return found


@pytest.mark.parametrize(
    ("pattern", "actual"),
    [
        pytest.param(JOURNEYS, len({journey for journey, _ in journey_definitions()}), id="journeys"),
        pytest.param(TEMPLATES, len(template_info()), id="templates"),
    ],
)
def test_every_count_in_the_docs_is_the_content_s_own(pattern: re.Pattern[str], actual: int) -> None:
    mentions = counted(pattern)
    # The docs do give the count somewhere, and nowhere a different one
    assert mentions, "no count found: the pattern no longer matches the docs"
    assert [m for m in mentions if m[1] != actual] == []
