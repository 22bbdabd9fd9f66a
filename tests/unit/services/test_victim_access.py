"""A randomised sweep of cross-victim and cross-force access: nobody reaches a case they are not linked to."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from caseline.domain.allowances import Allowance
from caseline.domain.case import CaseStage
from caseline.domain.errors import NotFoundError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import AuditEntry, CasePartition, CaseRecord, VictimMessage, WriteOutcome
from caseline.services import officer_messages, victim_cases
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
FORCES = ["north-shire", "south-shire", "east-shire"]


def _case(force_id: str, case_id: str) -> CaseRecord:
    return CaseRecord(
        force_id=force_id,
        case_id=case_id,
        crime_reference=f"REF-{case_id}",
        category="burglary",
        flags=(),
        stage=CaseStage.REPORTED,
        sequence=1,
        officer=None,
        recorded_at=NOW,
        updated_at=NOW,
    )


class World:
    """Cases across forces, each linked to one user; the fakes record every write attempted."""

    def __init__(self, rng: random.Random) -> None:
        self.partitions: dict[tuple[str, str], CasePartition] = {}
        self.owner: dict[tuple[str, str], str] = {}
        for n in range(60):
            force, case_id, user = rng.choice(FORCES), f"C{n:03d}", f"user-{n % 40}"
            self.partitions[(force, case_id)] = CasePartition(_case(force, case_id), [], [], {user: f"V{n}"}, [], [])
            self.owner[(force, case_id)] = user
        self.audits: list[AuditEntry] = []
        self.writes: list[object] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self.partitions.get((force_id, case_id)) or CasePartition(None, [], [], {}, [], [])

    def record(self, entry: AuditEntry) -> None:
        self.audits.append(entry)

    def send(self, message: VictimMessage, outbound: OutboundEvent, allowance: Allowance) -> WriteOutcome:
        self.writes.append(message)
        return WriteOutcome.WRITTEN

    def create(self, event: OutboundEvent) -> WriteOutcome:
        self.writes.append(event)
        return WriteOutcome.WRITTEN


@pytest.mark.parametrize("seed", [1, 2])
def test_ten_thousand_random_access_attempts_leak_nothing(seed: int) -> None:
    rng = random.Random(seed)
    world = World(rng)
    clock = FixedClock(NOW)
    keys = list(world.partitions)
    allowed = refused = 0
    for _ in range(5_000):  # x2 seeds = 10,000 attempts
        user = f"user-{rng.randrange(45)}"  # some users own nothing at all
        force, case_id = rng.choice(keys)
        if rng.random() < 0.5:
            user = world.owner[(force, case_id)]
        if rng.random() < 0.3:  # the right case id under another force, or a guessed id
            force = rng.choice([f for f in [*FORCES, "atlantis"] if f != force])
        if rng.random() < 0.1:
            case_id = f"C{rng.randrange(1000):03d}"
        action = rng.choice(["view", "message", "update"])
        owns = world.owner.get((force, case_id)) == user
        writes, audits = len(world.writes), len(world.audits)
        try:
            if action == "view":
                view = victim_cases.view_case(user, force, case_id, reader=world, audit=world, clock=clock)
                assert (view.force_id, view.case_id) == (force, case_id)
            elif action == "message":
                officer_messages.send_message(user, force, case_id, "hello", reader=world, store=world, clock=clock)
            else:
                officer_messages.request_update(user, force, case_id, reader=world, outbound=world, clock=clock)
        except NotFoundError:
            assert not owns, f"{user} was refused their own case {force}/{case_id}"
            assert (len(world.writes), len(world.audits)) == (writes, audits)  # nothing written for a refusal
            refused += 1
            continue
        assert owns, f"LEAK: {user} reached {force}/{case_id}"
        allowed += 1
    assert allowed > 1_000 and refused > 2_000  # both paths were exercised


def test_a_shared_case_never_shows_one_victim_anothers_assessment() -> None:
    from caseline.domain.event_types import NEEDS_ASSESSED
    from caseline.domain.records import StoredEvent

    def assessment(victim_id: str, service: str) -> StoredEvent:
        return StoredEvent(
            force_id="north-shire",
            case_id="C-1",
            sequence=2 if victim_id == "V-A" else 3,
            event_id=victim_id,
            event_type=NEEDS_ASSESSED,
            occurred_at=NOW,
            received_at=NOW,
            applied=True,
            data={
                "victim_id": victim_id,
                "tier": "enhanced",
                "support_referral": {"service": service, "referred_at": NOW.isoformat()},
            },
        )

    partition = CasePartition(
        _case("north-shire", "C-1"),
        [assessment("V-A", "Service A"), assessment("V-B", "Service B")],
        [],
        {"alex": "V-A", "blake": "V-B"},
        [],
        [],
    )

    class Reader:
        def read(self, force_id: str, case_id: str) -> CasePartition:
            return partition

    class Audit:
        def record(self, entry: AuditEntry) -> None:
            pass

    view = victim_cases.view_case("alex", "north-shire", "C-1", reader=Reader(), audit=Audit(), clock=FixedClock(NOW))
    details = [entry.detail for entry in view.timeline]
    assert details == ["We have referred you to Service A."]
