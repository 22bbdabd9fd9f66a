"""Property tests of ingest: signatures can't be forged by flipping bits, and any delivery order
(shuffled, duplicated) leaves a case exactly as its events in sequence order describe it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage
from caseline.domain.case_state import fold
from caseline.domain.errors import SignatureInvalidError
from caseline.services.ingest import IngestStatus, WebhookRequest, ingest_webhook
from tests.unit.builders import FORCE, NOW, OTHER_FORCE, SECRET, cloud_event, officer_block, signed_request
from tests.unit.fakes import FakeCaseRepository, FakeSecrets, FixedClock

SECRETS = FakeSecrets({FORCE: [SECRET], OTHER_FORCE: ["another-force-secret-000000000"]})


def _ingest(request: WebhookRequest, cases: FakeCaseRepository) -> Any:
    return ingest_webhook(request, secrets=SECRETS, cases=cases, clock=FixedClock(NOW))


def _flip(data: bytes, bit: int) -> bytes:
    index = bit // 8 % len(data)
    return data[:index] + bytes([data[index] ^ (1 << (bit % 8))]) + data[index + 1 :]


@settings(max_examples=150, deadline=None)
@given(part=st.sampled_from(["body", "id", "timestamp", "signature"]), bit=st.integers(min_value=0))
def test_any_flipped_bit_is_refused_and_writes_nothing(part: str, bit: int) -> None:
    good = signed_request()
    headers = dict(good.headers)
    body = good.body
    if part == "body":
        body = _flip(body, bit)
    else:
        name = {"id": "webhook-id", "timestamp": "webhook-timestamp", "signature": "webhook-signature"}[part]
        flipped = _flip(headers[name].encode(), bit)
        headers[name] = flipped.decode("utf-8", errors="replace")
    cases = FakeCaseRepository()
    with pytest.raises(SignatureInvalidError):
        _ingest(WebhookRequest(force_id=FORCE, headers=headers, body=body), cases)
    assert cases.events == {} and cases.cases == {} and cases.receipts == {}


# A case's life: each event proposes (type, data); sequences are 1..n in this order.
LIFE: list[tuple[str, dict[str, Any]]] = [
    (ev.CRIME_RECORDED, {}),
    (ev.OFFICER_ASSIGNED, {"officer": officer_block(name="DC Late Arrival")}),
    (ev.INVESTIGATION_UPDATED, {"summary": "We have reviewed the CCTV."}),
    (ev.SUSPECT_ARRESTED, {"occurred_at": NOW.isoformat()}),
    (ev.OFFICER_MESSAGE, {"message_id": "m-1", "text": "I will call you on Friday."}),
    (ev.SUSPECT_CHARGED, {"occurred_at": NOW.isoformat(), "charges": ["Burglary"]}),
    (ev.CASE_CLOSED, {"closed_at": NOW.isoformat()}),
]


def _event(position: int, length: int) -> dict[str, Any]:
    event_type, data = LIFE[position]
    base = cloud_event(sequence=position + 1)  # crime.recorded data by default
    return {**base, "type": event_type, "data": base["data"] if event_type == ev.CRIME_RECORDED else data}


@settings(max_examples=80, deadline=None)
@given(
    length=st.integers(min_value=1, max_value=len(LIFE)),
    deliveries=st.data(),
)
def test_shuffled_and_duplicated_deliveries_leave_the_case_at_its_newest_state(length: int, deliveries: Any) -> None:
    events = [_event(i, length) for i in range(length)]
    # Every event delivered at least once, some twice (same webhook-id, as a retry would), in any order
    order = deliveries.draw(st.lists(st.sampled_from(range(length)), max_size=length))
    sends = deliveries.draw(st.permutations([*range(length), *order]))
    cases = FakeCaseRepository()
    statuses = []
    newest_seen = 0
    for index in sends:
        result = _ingest(signed_request(events[index], webhook_id=f"msg-{index}"), cases)
        statuses.append((index, result.status))
        if result.status is IngestStatus.ACCEPTED:
            newest_seen = max(newest_seen, index + 1)
    # One timeline entry per distinct event
    timeline = cases.events_for(FORCE, events[0]["subject"])
    assert sorted(e.sequence for e in timeline) == list(range(1, length + 1))
    # The case is what an in-order delivery would have produced
    in_order = fold(FORCE, events[0]["subject"], timeline, revision=0)
    stored = cases.get_case(FORCE, events[0]["subject"])
    assert stored is not None
    assert dataclasses.replace(stored, revision=0) == in_order
    assert stored.sequence == length
    if length >= 2:
        assert stored.officer == officer_block(name="DC Late Arrival")
    # Nothing that arrived after a newer event may notify (applied), and repeats are duplicates
    seen: set[int] = set()
    for index, status in statuses:
        if index in seen:
            assert status is IngestStatus.DUPLICATE
        seen.add(index)
    for event in timeline:
        if event.applied:
            assert cases.get_case(FORCE, event.case_id) is not None
    applied = [e.sequence for e in timeline if e.applied]
    assert applied == sorted(applied)


def test_an_event_before_the_crime_is_recorded_is_kept_and_folded_in_later() -> None:
    cases = FakeCaseRepository()
    officer = {**cloud_event(sequence=2), "type": ev.OFFICER_ASSIGNED, "data": {"officer": officer_block()}}
    assert _ingest(signed_request(officer, webhook_id="a"), cases).status is IngestStatus.ACCEPTED
    stub = cases.get_case(FORCE, officer["subject"])
    assert stub is not None and not stub.is_recorded
    # The crime itself arrives late: it is applied (the victim must get the Right 3 confirmation)
    assert _ingest(signed_request(cloud_event(sequence=1), webhook_id="b"), cases).status is IngestStatus.ACCEPTED
    case = cases.get_case(FORCE, officer["subject"])
    assert case is not None and case.is_recorded
    assert (case.stage, case.officer, case.sequence) == (CaseStage.OFFICER_ASSIGNED, officer_block(), 2)
    applied = {e.event_type: e.applied for e in cases.events_for(FORCE, officer["subject"])}
    assert applied == {ev.OFFICER_ASSIGNED: False, ev.CRIME_RECORDED: True}


def test_one_forces_signature_never_touches_another_forces_case() -> None:
    cases = FakeCaseRepository()
    _ingest(signed_request(cloud_event(), force_id=FORCE), cases)
    # The other force signs an event for the same case id, with its own secret
    attack = {**cloud_event(sequence=9), "type": ev.CASE_CLOSED, "data": {"closed_at": NOW.isoformat()}}
    request = signed_request(attack, force_id=OTHER_FORCE, secret="another-force-secret-000000000", webhook_id="x")
    _ingest(request, cases)
    ours = cases.get_case(FORCE, attack["subject"])
    assert ours is not None and ours.stage is not CaseStage.CLOSED and ours.sequence == 1
    theirs = cases.get_case(OTHER_FORCE, attack["subject"])
    assert theirs is not None and not theirs.is_recorded  # kept apart, under the signer's own key
    # And posting with the other force's secret to our URL is refused outright
    with pytest.raises(SignatureInvalidError):
        _ingest(signed_request(attack, force_id=FORCE, secret="another-force-secret-000000000", webhook_id="y"), cases)
