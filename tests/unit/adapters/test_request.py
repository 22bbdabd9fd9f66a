"""Request helpers that need no event: which media type an ``Accept`` header asks for."""

from __future__ import annotations

import pytest

from caseline.adapters.request import preferred

OFFERED = ("application/json", "text/csv")


@pytest.mark.parametrize(
    ("accept", "answered"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("text/csv", "text/csv"),
        ("TEXT/CSV; charset=utf-8", "text/csv"),
        ("*/*", "application/json"),
        ("text/*", "text/csv"),
        ("text/csv;q=0, application/json", "application/json"),
        ("text/csv;q=0", "application/json"),  # nothing offered is acceptable: the default anyway
        ("application/json;q=0.4, text/csv;q=0.8", "text/csv"),
        ("text/csv;q=0.5, application/json", "application/json"),
        ("text/*;q=0.9, text/csv;q=0", "application/json"),  # the listed type wins over its range
        ("text/csv;q=abc, application/json;q=0.1", "application/json"),
        ("application/json, text/csv", "application/json"),  # a tie: the default
    ],
)
def test_the_type_an_accept_header_asks_for_most(accept: str | None, answered: str) -> None:
    assert preferred(accept, OFFERED) == answered
