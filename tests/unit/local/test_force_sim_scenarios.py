"""Burst plans: exact duplicate and late-delivery counts, deterministic for a seed, valid events."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from caseline.domain import event_types as et
from caseline.domain import events as ev
from caseline_local.force_sim.scenarios import BurstPlan, burst_plan, random_case

START = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)


def plan(seed: int = 7, overrides: dict[str, float] | None = None) -> BurstPlan:
    options = {"cases": 18, "events_per_case": 10, "duplicates": 0.1, "shuffle": 0.2, **(overrides or {})}
    return burst_plan(
        "thames-valley",
        cases=int(options["cases"]),
        events_per_case=int(options["events_per_case"]),
        duplicates=options["duplicates"],
        shuffle=options["shuffle"],
        seed=seed,
        run_id="T1",
        start=START,
    )


def test_counts_match_the_requested_fractions() -> None:
    burst = plan()
    assert len(burst.events) == 180
    assert len(burst.deliveries) == 200  # 10% of the deliveries repeat an earlier one
    assert burst.duplicates == 20
    assert burst.late == 36  # 20% of the distinct events


def test_the_same_seed_gives_the_same_plan_and_another_seed_does_not() -> None:
    assert plan(seed=3).deliveries == plan(seed=3).deliveries
    assert plan(seed=3).deliveries != plan(seed=4).deliveries


def test_every_event_is_valid_and_delivered_once_apart_from_duplicates() -> None:
    burst = plan()
    for event in burst.events:
        ev.EVENT_DATA_MODELS[ev.CloudEvent.model_validate(event).type].model_validate(event["data"])
    first_deliveries = [d for d in burst.deliveries if not d.duplicate]
    assert sorted(d.event["id"] for d in first_deliveries) == sorted(e["id"] for e in burst.events)
    assert len({d.webhook_id for d in first_deliveries}) == len(burst.events)


def test_each_duplicate_repeats_an_earlier_delivery_exactly() -> None:
    seen: dict[str, dict[str, object]] = {}
    for delivery in plan().deliveries:
        if delivery.duplicate:
            assert seen[delivery.webhook_id] == delivery.event
        else:
            seen[delivery.webhook_id] = delivery.event


def test_late_events_come_after_a_newer_event_of_their_case_and_no_others_do() -> None:
    newest: dict[str, int] = {}
    late = 0
    for delivery in plan().deliveries:
        case, sequence = delivery.event["subject"], delivery.event["sequence"]
        if not delivery.duplicate:
            out_of_order = sequence < newest.get(case, 0)
            assert out_of_order == delivery.late
            late += out_of_order
        newest[case] = max(newest.get(case, 0), sequence)
    assert late == 36


def test_max_sequence_is_the_highest_sequence_of_each_case() -> None:
    burst = plan()
    expected: Counter[str] = Counter()
    for event in burst.events:
        expected[event["subject"]] = max(expected[event["subject"]], event["sequence"])
    assert burst.max_sequence == dict(expected)
    assert len(burst.max_sequence) == 18


def test_random_cases_start_with_the_recorded_crime_and_sequences_increase() -> None:
    import random

    events = random_case("hampshire", "HAM-R-1", 12, random.Random(1), START)
    assert events[0]["type"] == et.CRIME_RECORDED and events[0]["sequence"] == 1
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(set(sequences)) and len(sequences) == 12


def test_no_duplicates_and_no_shuffle_is_an_in_order_burst() -> None:
    burst = plan(overrides={"duplicates": 0, "shuffle": 0})
    assert (burst.duplicates, burst.late, len(burst.deliveries)) == (0, 0, 180)


@pytest.mark.parametrize("bad", [{"duplicates": 1.0}, {"shuffle": -0.1}, {"cases": 0}, {"events_per_case": 0}])
def test_impossible_options_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="need cases"):
        plan(overrides=bad)
