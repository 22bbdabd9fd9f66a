"""The case: where it stands, and the rule that it never moves backwards."""

from __future__ import annotations

from enum import IntEnum


class CaseStage(IntEnum):
    """Stages a victim sees on the tracker, in order."""

    REPORTED = 1
    OFFICER_ASSIGNED = 2
    INVESTIGATING = 3
    OUTCOME = 4
    CLOSED = 5

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_slug(cls, slug: str) -> CaseStage:
        return cls[slug.upper().replace("-", "_")]


def next_stage(current: CaseStage | None, proposed: CaseStage) -> CaseStage:
    """A newer event may move the case forward, never back."""
    if current is None:
        return proposed
    return max(current, proposed)


def is_newer(current_sequence: int | None, sequence: int) -> bool:
    """Only an event with a higher per-case sequence than the applied one changes the case."""
    return current_sequence is None or sequence > current_sequence
