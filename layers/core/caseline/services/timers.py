"""Scheduled sweep: messages held back for the victim's safe hours go back to dispatch when those begin."""

from __future__ import annotations

from collections.abc import Iterable

from caseline.domain.ports import Clock, OutboxRepository


def release_deferred_messages(forces: Iterable[str], *, outbox: OutboxRepository, clock: Clock) -> int:
    """Release every deferred message whose time has come. Returns how many were released."""
    now = clock.now()
    released = 0
    for force_id in forces:
        for message in outbox.deferred_due(force_id, now):
            released += outbox.release_deferred(message)
    return released
