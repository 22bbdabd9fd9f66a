"""The id a force receives with an outbound event (the CloudEvents ``id`` and the ``webhook-id`` it dedupes
on): unique across every case and force, the same for every attempt of one item, and never the key Caseline
is idempotent on, nor the request id the force names back."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime

from caseline.domain.delegation import INVITATION_VALID, Delegation, GrantedBy, Scope, invitation_event
from caseline.domain.outbound import (
    EVENT_ID_NAMESPACE,
    SURVEY_ANSWERED,
    UPDATE_REQUESTED,
    OutboundEvent,
    OutboundStatus,
    envelope,
    from_message,
    outbound_event_id,
    task_event,
    to_message,
)
from caseline.domain.reviews import ReviewOffer, review_event
from caseline.domain.statements import statement_event
from caseline.domain.survey import survey_outbound_id

AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
VICTIM = "V-PERSON-2cb475"  # the force's own id: two cases (or two forces) may both have it


def update_request(force_id: str, case_id: str, victim_id: str = VICTIM) -> OutboundEvent:
    """As the victim API stores an update request: its key is the victim and the day."""
    data = {"victim_id": victim_id, "requested_at": AT.isoformat()}
    return OutboundEvent(force_id, case_id, f"update-{victim_id}-{AT.date().isoformat()}", UPDATE_REQUESTED, data, AT)


def delegation(case_id: str) -> Delegation:
    return Delegation(
        "thames-valley", case_id, VICTIM, "DEL-9070", "Jordan Morgan", "parent-guardian",
        Scope.MESSAGE, GrantedBy.FORCE, AT, AT + INVITATION_VALID,
    )  # fmt: skip


def test_the_same_key_on_two_cases_or_two_forces_is_two_ids() -> None:
    # Given the items the audit found sharing an id: the same victim on two cases asking for an update the
    # same day and a statement, and two cases whose force-set delegations share a delegation id
    pairs = [
        (update_request("thames-valley", "TVP-1"), update_request("thames-valley", "TVP-2")),
        (
            statement_event("thames-valley", "TVP-1", VICTIM, 1, "make", "read-by-me", AT),
            statement_event("thames-valley", "TVP-2", VICTIM, 1, "make", "read-by-me", AT),
        ),
        (invitation_event(delegation("TVP-1"), "7KQ4-M2XD-9HBT-RW3C"), invitation_event(delegation("TVP-2"), "X")),
        (update_request("thames-valley", "CASE-1"), update_request("hampshire", "CASE-1")),  # two forces
    ]
    for first, second in pairs:
        # Then each keeps its key on its own case, as before
        assert first.outbound_id == second.outbound_id
        # And the force gets two different ids, in the body and (the same value) as the webhook-id
        assert first.event_id != second.event_id
        assert json.loads(envelope(first, source="urn:caseline:test"))["id"] == first.event_id


def test_the_id_is_a_uuid5_of_force_case_and_key_pinned_for_ever() -> None:
    # Given an update request
    event = update_request("thames-valley", "TVP-260915")
    # Then its id is the documented rule, a UUIDv5 of "{force_id}/{case_id}/{outbound_id}"
    key = f"update-{VICTIM}-2026-12-07"
    assert event.event_id == outbound_event_id("thames-valley", "TVP-260915", key)
    assert event.event_id == str(uuid.uuid5(EVENT_ID_NAMESPACE, f"thames-valley/TVP-260915/{key}"))
    assert uuid.uuid5(uuid.NAMESPACE_URL, "urn:caseline:outbound-event") == EVENT_ID_NAMESPACE
    # And the value itself never changes between releases: an item retried across a deployment keeps its id
    assert event.event_id == "4c4f8a85-2456-5dbf-9e29-38ac3fa7cba0"
    assert uuid.UUID(event.event_id).version == 5


def test_the_id_is_36_characters_however_long_the_ids_in_it() -> None:
    # Given the longest force, case and victim ids the schemas allow (a joined id would pass 128 characters)
    event = update_request("f" * 41, "C" * 64, "V" * 64)
    # Then the id still fits the webhook-id limit, and names no victim in a header
    assert len(event.event_id) == 36 and "V" not in event.event_id


def test_every_attempt_of_one_item_has_the_same_id() -> None:
    # Given a statement request, as stored and as queued
    event = statement_event("thames-valley", "TVP-1", VICTIM, 2, "update", "considered-only", AT)
    queued = from_message(to_message(event))
    # Then the queue message, any status or attempt count, and the envelope all give the same id
    delayed = dataclasses.replace(event, status=OutboundStatus.DELAYED, attempts=3)
    assert queued.event_id == delayed.event_id == event.event_id
    assert json.loads(envelope(queued, source="urn:caseline:test"))["id"] == event.event_id


def test_an_item_queued_before_the_rule_delivers_with_the_derived_id() -> None:
    # Given a queue message as the outbound function's previous version wrote it (the same fields: the rule
    # adds none), for an update request whose id the force would have been sent as it is
    body = json.dumps(
        {
            "force_id": "thames-valley",
            "case_id": "TVP-1",
            "outbound_id": f"update-{VICTIM}-2026-12-07",
            "event_type": UPDATE_REQUESTED,
            "data": {"victim_id": VICTIM, "requested_at": AT.isoformat()},
            "created_at": AT.isoformat(),
        }
    )
    # When it is read back
    event = from_message(body)
    # Then it keeps its key, and is sent with the id an item stored today would have
    assert event.outbound_id == f"update-{VICTIM}-2026-12-07"
    assert event.event_id == update_request("thames-valley", "TVP-1").event_id


def test_the_request_ids_the_force_answers_with_are_unchanged() -> None:
    # Given a review request and a statement request
    offer = ReviewOffer(decision_sequence=11, scheme="police", closes_on=AT.date())
    review = review_event("thames-valley", "TVP-1", VICTIM, offer, None, AT)
    statement = statement_event("thames-valley", "TVP-1", VICTIM, 1, "make", "read-by-me", AT)
    # Then the request id in data (which review.acknowledged, review.decided and statement.taken name, on the
    # case their subject names) is still the key on the case, and only the delivered id is new
    assert (review.data["request_id"], review.outbound_id) == (f"vrr-11-{VICTIM}", f"vrr-11-{VICTIM}")
    assert (statement.data["request_id"], statement.outbound_id) == (f"vps-1-{VICTIM}", f"vps-1-{VICTIM}")
    assert review.event_id != review.outbound_id and statement.event_id != statement.outbound_id


def test_keys_unique_already_get_the_same_rule() -> None:
    # Given an officer task (its key already hashes force and case) and a closing survey
    task = task_event("thames-valley", "TVP-1", "t-1", "duty-at-risk", {"duty_id": "d"}, AT)
    survey = OutboundEvent("thames-valley", "TVP-1", survey_outbound_id(VICTIM), SURVEY_ANSWERED, {}, AT)
    # Then both are sent under the one rule's id, not their key
    for event in (task, survey):
        assert event.event_id == outbound_event_id(event.force_id, event.case_id, event.outbound_id)
        assert event.event_id != event.outbound_id
