"""Scheduled sweep: messages held back for the victim's safe hours (or quiet hours, or the daily cap) go
back to dispatch when their time comes; a send whose outcome was never recorded is reported, not retried."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from caseline.domain.ports import Clock, OutboxRepository, TimeLeft, always
from caseline.domain.records import message_task

# Dispatch records a send within milliseconds of the provider's answer (see docs/journeys.md, "the
# crash-after-send window"); a claim this old without an outcome means the function died in between.
STUCK_AFTER = timedelta(minutes=15)


def release_deferred_messages(
    forces: Iterable[str], *, outbox: OutboxRepository, clock: Clock, time_left: TimeLeft = always
) -> int:
    """Release every deferred message whose time has come, while there is time. Returns how many."""
    now = clock.now()
    released = 0
    for force_id in forces:
        for message in outbox.deferred_due(force_id, now):
            if not time_left():
                return released
            released += outbox.release_deferred(message)
    return released


def report_unrecorded_sends(
    forces: Iterable[str], *, outbox: OutboxRepository, clock: Clock, time_left: TimeLeft = always
) -> int:
    """A message claimed long ago whose send was never recorded may or may not have reached the victim:
    it is never resent (no message twice); it becomes UNKNOWN and an officer task for the force."""
    now = clock.now()
    reported = 0
    for force_id in forces:
        for message in outbox.stuck_sending(force_id, now - STUCK_AFTER):
            if not time_left():
                return reported
            task = message_task(message, "delivery-unknown", now)
            reported += outbox.mark_unknown(message, task)
    return reported
