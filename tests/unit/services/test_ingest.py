"""Ingest a signed force event: authenticate, validate, write once, answer."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage
from caseline.domain.errors import (
    MalformedBodyError,
    PayloadTooLargeError,
    SignatureInvalidError,
    StorageUnavailableError,
    UnsupportedEventTypeError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
    VictimNotKnownYetError,
)
from caseline.domain.event_types import INVESTIGATION_UPDATED
from caseline.domain.outbound import REVIEW_REQUESTED, STATEMENT_REQUESTED
from caseline.domain.records import RaisedRequest, StoredEvent
from caseline.domain.signing import SigningSecrets
from caseline.services.ingest import MAX_BODY_BYTES, IngestResult, IngestStatus, WebhookRequest, ingest_webhook
from tests.unit.builders import (
    CASE_ID,
    FORCE,
    NOW,
    OTHER_FORCE,
    SECRET,
    case_record,
    cloud_event,
    crime_recorded_data,
    officer_block,
    signed_request,
    victim_block,
)
from tests.unit.fakes import FakeCaseRepository, FakeSecrets, FixedClock


@pytest.fixture
def cases() -> FakeCaseRepository:
    return FakeCaseRepository()


def ingest(request: WebhookRequest, cases: FakeCaseRepository, *, secrets: FakeSecrets | None = None) -> IngestResult:
    return ingest_webhook(
        request, secrets=secrets or FakeSecrets({FORCE: [SECRET]}), cases=cases, clock=FixedClock(NOW)
    )


def test_a_signed_crime_recorded_event_is_accepted_and_stored(cases: FakeCaseRepository) -> None:
    # Given a correctly signed crime-recorded event with an officer
    payload = cloud_event(data=crime_recorded_data(officer=officer_block(), flags=["fraud"]))
    # When it is ingested
    result = ingest(signed_request(payload, webhook_id="msg_A"), cases)
    # Then it is accepted and the case, victim, event and receipt are written
    assert (result.status, result.force_id, result.case_id, result.sequence) == (
        IngestStatus.ACCEPTED,
        FORCE,
        CASE_ID,
        1,
    )
    case = cases.get_case(FORCE, CASE_ID)
    assert case is not None
    assert (case.stage, case.sequence, case.category, case.flags) == (
        CaseStage.OFFICER_ASSIGNED,
        1,
        "burglary",
        ("fraud",),
    )
    assert case.officer == officer_block()
    [victim] = cases.get_victims(FORCE, CASE_ID)
    assert (victim.victim_id, victim.mobile, victim.tier) == ("V-1", "+447700900123", "standard")
    [event] = cases.events_for(FORCE, CASE_ID)
    assert event.applied is True
    assert event.received_at == NOW
    receipt = cases.receipts[(FORCE, "msg_A")]
    assert receipt.expires_at - receipt.received_at == timedelta(days=7)


def test_without_an_officer_the_case_is_reported(cases: FakeCaseRepository) -> None:
    ingest(signed_request(), cases)
    case = cases.get_case(FORCE, CASE_ID)
    assert case is not None
    assert case.stage is CaseStage.REPORTED
    assert case.officer is None


def test_the_victim_block_is_stripped_from_the_stored_timeline_data(cases: FakeCaseRepository) -> None:
    ingest(signed_request(cloud_event(data=crime_recorded_data(area="Northtown"))), cases)
    [event] = cases.events_for(FORCE, CASE_ID)
    assert "victim" not in event.data
    assert "alex@example.org" not in json.dumps(event.data)
    assert event.data["area"] == "Northtown"
    assert event.data["crime_reference"] == "NS/2026/0001"


def test_a_redelivery_with_the_same_webhook_id_is_a_duplicate(cases: FakeCaseRepository) -> None:
    # Given an event already ingested
    request = signed_request(webhook_id="msg_A")
    ingest(request, cases)
    # When the sender retries the same delivery
    result = ingest(request, cases)
    # Then it is answered as a duplicate and nothing more is stored
    assert result.status is IngestStatus.DUPLICATE
    assert len(cases.events) == 1


def test_the_same_event_under_a_new_webhook_id_is_a_duplicate(cases: FakeCaseRepository) -> None:
    ingest(signed_request(webhook_id="msg_A"), cases)
    result = ingest(signed_request(webhook_id="msg_B"), cases)
    assert result.status is IngestStatus.DUPLICATE
    assert list(cases.receipts) == [(FORCE, "msg_A")]


def test_an_older_event_is_stored_but_does_not_move_the_case_back(cases: FakeCaseRepository) -> None:
    # Given a case at sequence 2 with an officer assigned
    ingest(
        signed_request(cloud_event(sequence=2, data=crime_recorded_data(officer=officer_block())), webhook_id="m2"),
        cases,
    )
    # When sequence 1 (no officer, another victim name) arrives late
    late = cloud_event(sequence=1, data=crime_recorded_data(victim=victim_block(name="Old Name")))
    result = ingest(signed_request(late, webhook_id="m1"), cases)
    # Then it is stale: on the timeline as not applied, and the case and victim are unchanged
    assert result.status is IngestStatus.STALE
    assert [(e.sequence, e.applied) for e in cases.events_for(FORCE, CASE_ID)] == [(1, False), (2, True)]
    case = cases.get_case(FORCE, CASE_ID)
    assert case is not None
    assert (case.sequence, case.stage, case.officer) == (2, CaseStage.OFFICER_ASSIGNED, officer_block())
    assert [v.name for v in cases.get_victims(FORCE, CASE_ID)] == ["Alex Example"]


def test_a_newer_event_without_an_officer_keeps_the_stage_and_officer(cases: FakeCaseRepository) -> None:
    ingest(
        signed_request(cloud_event(sequence=1, data=crime_recorded_data(officer=officer_block())), webhook_id="m1"),
        cases,
    )
    result = ingest(signed_request(cloud_event(sequence=2), webhook_id="m2"), cases)
    assert result.status is IngestStatus.ACCEPTED
    case = cases.get_case(FORCE, CASE_ID)
    assert case is not None
    assert (case.sequence, case.stage, case.officer) == (2, CaseStage.OFFICER_ASSIGNED, officer_block())


def test_a_conflicting_concurrent_write_is_retried_and_then_succeeds(cases: FakeCaseRepository) -> None:
    # Given another writer stores an investigation update (sequence 1) between our read and our write
    def other_writer(repo: FakeCaseRepository) -> None:
        update = StoredEvent(
            force_id=FORCE,
            case_id=CASE_ID,
            sequence=1,
            event_id="other",
            event_type=INVESTIGATION_UPDATED,
            occurred_at=NOW,
            received_at=NOW,
            applied=False,
            data={"summary": "We spoke to a witness."},
        )
        repo.events[(FORCE, CASE_ID, 1, "other")] = update
        repo.put_case(case_record(sequence=1, stage=CaseStage.INVESTIGATING, revision=1))

    cases.concurrent_writes.append(other_writer)
    # When sequence 2 is ingested
    result = ingest(signed_request(cloud_event(sequence=2)), cases)
    # Then the first write conflicts, the retry re-reads the case and succeeds without moving it back
    assert result.status is IngestStatus.ACCEPTED
    assert cases.save_attempts == 2
    case = cases.get_case(FORCE, CASE_ID)
    assert case is not None
    assert (case.sequence, case.stage) == (2, CaseStage.INVESTIGATING)


def test_conflicts_on_every_attempt_raise_a_retryable_error(cases: FakeCaseRepository) -> None:
    # Given a case that another writer moves on before every one of our writes
    cases.put_case(case_record(sequence=1))

    def bump(repo: FakeCaseRepository) -> None:
        current = repo.get_case(FORCE, CASE_ID)
        assert current is not None
        repo.put_case(dataclasses.replace(current, revision=current.revision + 1))

    cases.concurrent_writes.extend([bump] * 8)
    # When an event with a much higher sequence is ingested
    with pytest.raises(StorageUnavailableError) as caught:
        ingest(signed_request(cloud_event(sequence=50)), cases)
    # Then it gives up after five attempts, retryably, having written nothing
    assert caught.value.retryable is True
    assert cases.save_attempts == 5
    assert cases.events == {}


def test_an_unknown_force_looks_like_a_bad_signature(cases: FakeCaseRepository) -> None:
    # Given a request for a force we hold no secrets for, signed with another force's secret
    request = signed_request(force_id=OTHER_FORCE)
    with pytest.raises(SignatureInvalidError):
        ingest(request, cases, secrets=FakeSecrets({FORCE: [SECRET]}))
    assert cases.events == {}


def test_a_bad_signature_is_rejected_and_nothing_stored(cases: FakeCaseRepository) -> None:
    with pytest.raises(SignatureInvalidError):
        ingest(signed_request(secret="not-the-force-secret"), cases)
    assert cases.events == {}
    assert cases.receipts == {}


@pytest.mark.parametrize(
    ("expires_in", "accepted"),
    [(timedelta(days=6), True), (timedelta(seconds=1), True), (timedelta(0), False), (-timedelta(days=1), False)],
)
def test_after_a_rotation_the_previous_secret_works_only_until_it_expires(
    cases: FakeCaseRepository, expires_in: timedelta, accepted: bool
) -> None:
    # Given a force that has rotated to a new secret, whose system still signs with the previous one
    rotated = FakeSecrets({FORCE: SigningSecrets("the-new-signing-secret-0123456", SECRET, NOW + expires_in)})
    request = signed_request(cloud_event(data=crime_recorded_data()), secret=SECRET)
    if accepted:
        assert ingest(request, cases, secrets=rotated).status is IngestStatus.ACCEPTED
    else:  # the same refusal as any bad signature, and nothing stored
        with pytest.raises(SignatureInvalidError):
            ingest(request, cases, secrets=rotated)
        assert cases.events == {}


def test_a_previous_secret_with_no_expiry_is_refused(cases: FakeCaseRepository) -> None:
    rotated = FakeSecrets({FORCE: SigningSecrets("the-new-signing-secret-0123456", SECRET)})
    with pytest.raises(SignatureInvalidError):
        ingest(signed_request(cloud_event(data=crime_recorded_data()), secret=SECRET), cases, secrets=rotated)


def test_a_stale_timestamp_is_rejected(cases: FakeCaseRepository) -> None:
    with pytest.raises(SignatureInvalidError):
        ingest(signed_request(timestamp=int(NOW.timestamp()) - 301), cases)


def test_the_signature_is_checked_before_the_content_type(cases: FakeCaseRepository) -> None:
    # Unauthenticated callers learn nothing about what a valid body looks like.
    with pytest.raises(SignatureInvalidError):
        ingest(signed_request(secret="wrong", content_type="text/plain"), cases)


def test_a_body_over_the_limit_is_rejected_before_anything_else(cases: FakeCaseRepository) -> None:
    body = b" " * (MAX_BODY_BYTES + 1)
    with pytest.raises(PayloadTooLargeError):
        ingest(signed_request(body=body, secret="wrong"), cases)


def test_a_body_exactly_at_the_limit_is_accepted(cases: FakeCaseRepository) -> None:
    raw = json.dumps(cloud_event()).encode()
    body = raw + b" " * (MAX_BODY_BYTES - len(raw))
    assert ingest(signed_request(body=body), cases).status is IngestStatus.ACCEPTED


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_a_non_json_content_type_is_unsupported(cases: FakeCaseRepository, content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        ingest(signed_request(content_type=content_type), cases)


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON; charset=utf-8", "application/cloudevents+json"]
)
def test_json_content_types_are_accepted(cases: FakeCaseRepository, content_type: str) -> None:
    assert ingest(signed_request(content_type=content_type), cases).status is IngestStatus.ACCEPTED


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"[1, 2]", id="json-array"),
        pytest.param(b'"text"', id="json-string"),
    ],
)
def test_a_body_that_is_not_a_utf8_json_object_is_malformed(cases: FakeCaseRepository, body: bytes) -> None:
    with pytest.raises(MalformedBodyError) as caught:
        ingest(signed_request(body=body), cases)
    assert caught.value.field == "body"


def test_an_unsupported_event_type_is_rejected(cases: FakeCaseRepository) -> None:
    with pytest.raises(UnsupportedEventTypeError) as caught:
        ingest(signed_request(cloud_event(type="org.caseline.crime.deleted.v1")), cases)
    assert caught.value.field == "type"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (cloud_event(data=crime_recorded_data(victim=victim_block(mobile="07700900123"))), "data.victim.mobile"),
        (cloud_event(data=crime_recorded_data(category="jaywalking")), "data.category"),
        (cloud_event(sequence=0), "sequence"),
        (cloud_event(force="south-shire"), "force"),
    ],
)
def test_a_schema_error_names_the_field(cases: FakeCaseRepository, payload: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        ingest(signed_request(payload), cases)
    assert type(caught.value) is ValidationFailedError
    assert caught.value.field == field
    assert cases.events == {}


DELEGATED = {"delegation_id": "DEL-1", "name": "Jordan Morgan", "relationship": "parent-guardian"}


def _recorded(cases: FakeCaseRepository) -> None:
    """A recorded case whose only victim is V-1 (sequence 1)."""
    assert ingest(signed_request(webhook_id="msg_recorded"), cases).status is IngestStatus.ACCEPTED


def _stored(cases: FakeCaseRepository) -> tuple[object, ...]:
    return (dict(cases.events), dict(cases.receipts), dict(cases.cases), dict(cases.victims))


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (ev.ACCESS_DELEGATED, DELEGATED),
        (ev.ACCESS_CODE_REISSUED, {}),
        (ev.ACCESS_REVOKED, {}),
        (ev.NEEDS_ASSESSED, {"tier": "enhanced"}),
        (ev.VICTIM_CONTACT_CHANGED, {"mobile": "+447700900555"}),
    ],
    ids=["delegated", "code-reissued", "revoked", "needs-assessed", "contact-changed"],
)
def test_an_event_about_a_victim_the_case_does_not_have_stores_nothing_until_it_names_one_it_has(
    cases: FakeCaseRepository, event_type: str, data: dict[str, object]
) -> None:
    # Given a recorded case whose only victim is V-1
    _recorded(cases)
    before = _stored(cases)
    # When the force's event names V-NOBODY (a typo)
    typo = cloud_event(sequence=2, type=event_type, data={"victim_id": "V-NOBODY", **data})
    with pytest.raises(VictimNotKnownYetError) as caught:
        ingest(signed_request(typo, webhook_id="msg_typo"), cases)
    # Then it is refused retryably (409, Retry-After) and nothing at all is stored
    assert caught.value.retryable is True
    assert _stored(cases) == before
    # And the same event naming V-1 is accepted
    right = cloud_event(sequence=2, type=event_type, data={"victim_id": "V-1", **data})
    assert ingest(signed_request(right, webhook_id="msg_right"), cases).status is IngestStatus.ACCEPTED


def test_a_delegation_sent_before_its_crime_recorded_is_accepted_on_the_retry_after_it(
    cases: FakeCaseRepository,
) -> None:
    # Given the force sets up a parent for V-1 before the crime recorded naming her has arrived
    delegated = signed_request(
        cloud_event(sequence=2, type=ev.ACCESS_DELEGATED, data={"victim_id": "V-1", **DELEGATED}), webhook_id="m2"
    )
    with pytest.raises(VictimNotKnownYetError):
        ingest(delegated, cases)
    assert cases.events == {} and cases.receipts == {}
    # When the crime is recorded and the force retries with the same webhook-id
    _recorded(cases)
    result = ingest(delegated, cases)
    # Then the delegation is accepted and stored, applied (the journeys set it up)
    assert result.status is IngestStatus.ACCEPTED
    [event] = [e for e in cases.events_for(FORCE, CASE_ID) if e.event_type == ev.ACCESS_DELEGATED]
    assert event.applied is True and event.data["victim_id"] == "V-1"


def _asked(cases: FakeCaseRepository) -> None:
    """V-1 asked for a review of decision 5 and to make a personal statement; V-2 asked for a statement."""
    cases.put_request(FORCE, CASE_ID, RaisedRequest("vrr-5-V-1", REVIEW_REQUESTED, "V-1"))
    cases.put_request(FORCE, CASE_ID, RaisedRequest("vps-1-V-1", STATEMENT_REQUESTED, "V-1"))
    cases.put_request(FORCE, CASE_ID, RaisedRequest("vps-1-V-2", STATEMENT_REQUESTED, "V-2"))


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (ev.REVIEW_ACKNOWLEDGED, {"request_id": "vrr-11-V-1", "victim_id": "V-1"}),
        (ev.REVIEW_DECIDED, {"request_id": "vrr-11-V-1", "victim_id": "V-1", "decision": "upheld"}),
        (ev.STATEMENT_TAKEN, {"request_id": "vps-7-V-1", "victim_id": "V-1"}),
        (ev.STATEMENT_TAKEN, {"request_id": "vps-1-V-2", "victim_id": "V-1"}),  # another victim's request
        (ev.REVIEW_ACKNOWLEDGED, {"request_id": "vrr-5-V-NOBODY", "victim_id": "V-NOBODY"}),
    ],
    ids=["review-acknowledged", "review-decided", "statement-taken", "another-victims", "unknown-victim"],
)
def test_an_answer_to_a_request_never_raised_for_that_victim_is_refused_and_stores_nothing(
    cases: FakeCaseRepository, event_type: str, data: dict[str, object]
) -> None:
    # Given a recorded case with its victims' requests
    _recorded(cases)
    _asked(cases)
    before = _stored(cases)
    # When the force answers a request that is not one of them
    with pytest.raises(ValidationFailedError) as caught:
        ingest(signed_request(cloud_event(sequence=2, type=event_type, data=data), webhook_id="msg_answer"), cases)
    # Then it is a 422 naming the request, not to be retried, and nothing is stored (so nobody is told)
    assert type(caught.value) is ValidationFailedError
    assert caught.value.field == "data.request_id"
    assert _stored(cases) == before


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (ev.REVIEW_ACKNOWLEDGED, {"request_id": "vrr-5-V-1", "victim_id": "V-1"}),
        (ev.REVIEW_DECIDED, {"request_id": "vrr-5-V-1", "victim_id": "V-1", "decision": "not-upheld"}),
        (ev.STATEMENT_TAKEN, {"request_id": "vps-1-V-1", "victim_id": "V-1"}),
    ],
    ids=["review-acknowledged", "review-decided", "statement-taken"],
)
def test_an_answer_to_a_raised_request_is_accepted_and_its_repeat_is_a_duplicate(
    cases: FakeCaseRepository, event_type: str, data: dict[str, object]
) -> None:
    # Given a recorded case with its victims' requests
    _recorded(cases)
    _asked(cases)
    # When the force answers one of V-1's, then delivers the answer again, and again under a new webhook-id
    answer = cloud_event(sequence=2, type=event_type, data=data)
    assert ingest(signed_request(answer, webhook_id="msg_answer"), cases).status is IngestStatus.ACCEPTED
    # Then the first is stored and the repeats are duplicates, as for any event
    assert ingest(signed_request(answer, webhook_id="msg_answer"), cases).status is IngestStatus.DUPLICATE
    assert ingest(signed_request(answer, webhook_id="msg_again"), cases).status is IngestStatus.DUPLICATE
    assert len(cases.events) == 2
