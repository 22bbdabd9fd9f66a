"""Scripted and randomised cases, and burst delivery plans (pure: no I/O, deterministic for a seed).

A *delivery* is one POST: a webhook-id and an event. A duplicate repeats an earlier delivery exactly
(same webhook-id, same event); a late event is delivered after a higher-sequence event of its case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from caseline.domain import event_types as ev

from .events import BUILDERS, Event, EventContext, court_outcome, crime_recorded, outcome_recorded, suspect_charged
from .people import CHARGES, force

# (hours after the crime was recorded, event type): a burglary from report to closure in about 7 weeks.
LIFECYCLE: tuple[tuple[float, str], ...] = (
    (0, ev.CRIME_RECORDED),
    (5, ev.OFFICER_ASSIGNED),
    (26, ev.NEEDS_ASSESSED),
    (4 * 24, ev.INVESTIGATION_UPDATED),
    (9 * 24, ev.SUSPECT_ARRESTED),
    (9 * 24 + 4, ev.SUSPECT_INTERVIEWED),
    (9 * 24 + 7, ev.SUSPECT_BAILED),
    (23 * 24, ev.SUSPECT_CHARGED),
    (23 * 24 + 2, ev.COURT_HEARING_SCHEDULED),
    (37 * 24 + 6, ev.COURT_OUTCOME),
    (38 * 24, ev.OUTCOME_RECORDED),
    (38 * 24 + 1, ev.OFFICER_MESSAGE),
    (45 * 24, ev.CASE_CLOSED),
)
LIFECYCLE_SPAN = timedelta(hours=LIFECYCLE[-1][0])

# Types a randomised case may carry after its crime.recorded event.
_MIDDLE = (
    ev.OFFICER_ASSIGNED,
    ev.NEEDS_ASSESSED,
    ev.INVESTIGATION_UPDATED,
    *ev.SUSPECT_EVENTS,
    ev.OUTCOME_RECORDED,
    ev.COURT_HEARING_SCHEDULED,
    ev.OFFICER_MESSAGE,
    ev.VICTIM_CONTACT_CHANGED,
)


def lifecycle(force_id: str, case_id: str, start: datetime) -> list[Event]:
    """The scripted case: sequence 1..13 from crime recorded to case closed, times increasing from ``start``."""
    events = []
    for sequence, (hours, event_type) in enumerate(LIFECYCLE, start=1):
        ctx = EventContext(force_id, case_id, sequence, start + timedelta(hours=hours))
        if event_type == ev.CRIME_RECORDED:
            events.append(crime_recorded(ctx, category="burglary"))
        elif event_type == ev.SUSPECT_CHARGED:
            events.append(suspect_charged(ctx, charges=(CHARGES["burglary"],)))
        elif event_type == ev.OUTCOME_RECORDED:
            events.append(outcome_recorded(ctx, outcome_type=1))
        elif event_type == ev.COURT_OUTCOME:
            events.append(court_outcome(ctx, custodial_months=18))
        else:
            events.append(BUILDERS[event_type](ctx))
    return events


def random_case(force_id: str, case_id: str, count: int, rng: random.Random, start: datetime) -> list[Event]:
    """``count`` events: crime.recorded first, then random milestones with increasing (gappy) sequences."""
    events = [crime_recorded(EventContext(force_id, case_id, 1, start))]
    sequence, moment = 1, start
    for index in range(1, count):
        sequence += rng.choice((1, 1, 1, 2, 3))
        moment += timedelta(hours=rng.randint(1, 72))
        closing = index == count - 1 and count > 2 and rng.random() < 0.3
        event_type = ev.CASE_CLOSED if closing else rng.choice(_MIDDLE)
        events.append(BUILDERS[event_type](EventContext(force_id, case_id, sequence, moment)))
    return events


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    event: Event
    duplicate: bool = False  # repeats an earlier delivery (same webhook-id, same event)
    late: bool = False  # delivered after a higher-sequence event of the same case


@dataclass
class BurstPlan:
    force_id: str
    deliveries: list[Delivery]
    events: list[Event]  # every distinct event, in case order
    max_sequence: dict[str, int] = field(default_factory=dict)  # case id → highest sequence sent

    @property
    def duplicates(self) -> int:
        return sum(d.duplicate for d in self.deliveries)

    @property
    def late(self) -> int:
        return sum(d.late for d in self.deliveries)


def burst_plan(
    force_id: str,
    *,
    cases: int,
    events_per_case: int,
    duplicates: float = 0.1,
    shuffle: float = 0.2,
    seed: int = 0,
    run_id: str = "R0",
    start: datetime,
) -> BurstPlan:
    """``duplicates``: the fraction of deliveries that repeat an earlier one; ``shuffle``: the fraction of
    distinct events delivered late (after a higher-sequence event of their case)."""
    if not (0 <= duplicates < 1 and 0 <= shuffle <= 1 and cases >= 1 and events_per_case >= 1):
        raise ValueError("need cases >= 1, events_per_case >= 1, 0 <= duplicates < 1 and 0 <= shuffle <= 1")
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    prefix = force(force_id).case_prefix
    by_case = [
        random_case(force_id, f"{prefix}-{run_id}-{n:04d}", events_per_case, rng, start + timedelta(minutes=n))
        for n in range(cases)
    ]
    # In-order base: the cases' events interleaved at random, each case's events in sequence order.
    remaining = [list(reversed(events)) for events in by_case]
    base: dict[str, float] = {}
    while any(remaining):
        pending = rng.choice([r for r in remaining if r])
        base[pending.pop()["id"]] = len(base)
    # Late events: after the *final* position of their case's next event, so each one really is late.
    keys: dict[str, float] = {}
    candidates = [(c, i) for c, events in enumerate(by_case) for i in range(len(events) - 1)]
    chosen = set(rng.sample(candidates, min(len(candidates), round(shuffle * len(base)))))
    for c, events in enumerate(by_case):
        for i in reversed(range(len(events))):
            event_id = events[i]["id"]
            after = keys[events[i + 1]["id"]] if (c, i) in chosen else None
            keys[event_id] = after + rng.uniform(0.5, 12) if after is not None else base[event_id]
    late_ids = {by_case[c][i]["id"] for c, i in chosen}
    ordered: list[tuple[float, int, Delivery]] = []
    for events in by_case:
        for event in events:
            delivery = Delivery(f"msg_{run_id}_{len(ordered):05d}", event, late=event["id"] in late_ids)
            ordered.append((keys[event["id"]], len(ordered), delivery))
    repeats = round(len(ordered) * duplicates / (1 - duplicates))
    for key, _, original in rng.sample(ordered, min(repeats, len(ordered))):
        copy = Delivery(original.webhook_id, original.event, duplicate=True)
        ordered.append((key + rng.uniform(0.5, 30), len(ordered), copy))
    ordered.sort(key=lambda item: (item[0], item[1]))
    return BurstPlan(
        force_id=force_id,
        deliveries=[delivery for _, _, delivery in ordered],
        events=[event for events in by_case for event in events],
        max_sequence={events[0]["subject"]: max(e["sequence"] for e in events) for events in by_case},
    )
