"""Which stream records the housekeeper may drop: only those every poller of the stream has read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseline_local.housekeeping import read_by_all


@dataclass
class FakePoller:
    stream_arn: str
    marks: dict[str, int] = field(default_factory=dict)

    def read_up_to(self) -> dict[str, int]:
        return self.marks


def given(*pollers: FakePoller) -> dict[str, int]:
    fakes: list[Any] = list(pollers)
    return read_by_all(fakes)


def test_the_slowest_poller_of_a_stream_decides() -> None:
    # Given two functions on one stream, one further ahead, and a third on another stream
    marks = given(
        FakePoller("arn:a", {"shard-1": 120}),
        FakePoller("arn:a", {"shard-1": 95}),
        FakePoller("arn:b", {"shard-1": 7}),
    )
    # Then each stream may be trimmed up to what its slowest poller has read
    assert marks == {"arn:a": 95, "arn:b": 7}


def test_a_stream_with_a_poller_that_has_read_nothing_is_left_alone() -> None:
    assert given(FakePoller("arn:a", {"shard-1": 50}), FakePoller("arn:a")) == {}
    assert given() == {}
