"""What `make dev` prints for each demo event: the answer's status word, or a refusal's title once."""

from __future__ import annotations

from caseline_local.__main__ import demo_line


def test_an_accepted_demo_event_says_accepted() -> None:
    assert demo_line("hampshire", 202, {"status": "accepted"}) == "  Demo event      hampshire: HTTP 202 accepted\n"


def test_a_refused_demo_event_says_why_not_its_status_twice() -> None:
    problem = {"type": "urn:caseline:problem:unauthenticated", "title": "Sign in to continue", "status": 401}
    assert demo_line("thames-valley", 401, problem).endswith("HTTP 401 Sign in to continue\n")
