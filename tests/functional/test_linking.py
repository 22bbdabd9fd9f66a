"""Linking against moto: every refusal makes the same DynamoDB calls and gets the same answer, parallel
guesses never get past the limits, and the force's re-issue lifts a reference's lock."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

from caseline.domain import access_code
from caseline.domain.records import AccessCodeRecord
from caseline_local import moto_fixes
from caseline_local.template import Template

from .conftest import Context, api_event, load_handler

FORCE, CASE, REFERENCE, CODE, WRONG = "thames-valley", "TVP-L-1", "43269990001", "ABCDE23456", "ZZZZZ99999"


def seed_case(force_id: str, case_id: str, reference: str, code: str | None, expires: timedelta) -> None:
    """A recorded case with its crime-reference index item and, unless ``code`` is None, a victim's code."""
    from caseline.adapters.dynamodb.mappers import access_code_item
    from caseline.adapters.dynamodb.models import CaseItem, CrimeReferenceItem, case_pk, crime_reference_pk

    pk = case_pk(force_id, case_id)
    CaseItem(
        pk, "CASE", force_id=force_id, case_id=case_id, crime_reference=reference, category="burglary",
        flags=[], stage="reported", sequence=1, revision=1,
    ).save()  # fmt: skip
    CrimeReferenceItem(
        crime_reference_pk(reference), pk, force_id=force_id, case_id=case_id, crime_reference=reference
    ).save()
    if code is not None:
        record = AccessCodeRecord(force_id, case_id, "V-1", access_code.hash_code(code), datetime.now(UTC) + expires)
        access_code_item(record).save()


class CallCounter:
    """Counts DynamoDB API calls through botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, event_name: str, **_: Any) -> None:
        self.calls.append(event_name.rsplit(".", 1)[-1])


@pytest.fixture
def api(aws: Template) -> ModuleType:
    return load_handler("victim_api")


def post_link(api: ModuleType, user: str, reference: str, code: str) -> tuple[int, Any]:
    event = api_event(
        "POST",
        "/v1/me/links",
        resource="/v1/me/links",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"crime_reference": reference, "access_code": code}),
        claims={"sub": user},
    )
    response = api.lambda_handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def test_every_refusal_makes_the_same_calls_and_hashes_and_gets_the_same_answer(
    api: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseline.adapters.dynamodb.models import CaselineItem

    seed_case(FORCE, CASE, REFERENCE, CODE, timedelta(days=30))
    seed_case(FORCE, "TVP-L-2", "43269990002", CODE, timedelta(seconds=-1))  # expired
    seed_case(FORCE, "TVP-L-3", "43269990003", CODE, timedelta(days=30))
    assert post_link(api, "first", "43269990003", CODE)[0] == 201  # used
    for _ in range(access_code.ACCOUNT_ATTEMPTS):
        post_link(api, "locked", "43260000000", WRONG)
    kinds = {
        "unknown reference": ("u1", "43260000000", CODE),
        "wrong code": ("u2", REFERENCE, WRONG),
        "expired code": ("u3", "43269990002", CODE),
        "used code": ("u4", "43269990003", CODE),
        "locked": ("locked", REFERENCE, CODE),
    }
    scrypts = [0]
    real_scrypt = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        scrypts[0] += 1
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    client = CaselineItem._get_connection().connection.client
    counter = CallCounter()
    client.meta.events.register("before-call.dynamodb", counter)
    measured = {}
    try:
        for kind, (user, reference, code) in kinds.items():
            counter.calls.clear()
            scrypts[0] = 0
            measured[kind] = (post_link(api, user, reference, code), list(counter.calls), scrypts[0])
    finally:
        client.meta.events.unregister("before-call.dynamodb", counter)
    assert len({json.dumps(answer, sort_keys=True) for answer, _, _ in measured.values()}) == 1
    status, problem = measured["wrong code"][0]
    assert status == 400 and problem["type"] == "urn:caseline:problem:link-refused"
    assert {kind: (calls, hashes) for kind, (_, calls, hashes) in measured.items()} == dict.fromkeys(
        kinds, (["GetItem", "UpdateItem", "UpdateItem", "Query", "Query"], 1)
    )  # the account's "sessions ended" item, both counters, the reference's cases, their codes
    # The right code still links for an account that is not locked
    assert post_link(api, "victim", REFERENCE, CODE)[0] == 201


@pytest.fixture
def atomic_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside the local stack's fixes (every write applied atomically, conftest): an UpdateItem answering the
    item as that update left it. moto turns the live item into the answer after releasing its lock, so a
    later update by another thread could show in it."""
    serialised = DynamoDBBackend.update_item

    def update_item(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with moto_fixes._LOCK:
            return copy.deepcopy(serialised(self, *args, **kwargs))

    monkeypatch.setattr(DynamoDBBackend, "update_item", update_item)


def _parallel(attempts: list[tuple[str, str]]) -> list[bool]:
    """Fire every (user, code) at REFERENCE at once; the reservations each attempt got, True or False."""
    from caseline.adapters.clock import SystemClock
    from caseline.adapters.dynamodb.linking import DynamoLinkRepository
    from caseline.domain.errors import LinkRefusedError
    from caseline.services.linking import link_case

    reserved: list[bool] = []

    class Spy(DynamoLinkRepository):
        def reserve_attempt(self, *args: Any, **kwargs: Any) -> bool:
            allowed = super().reserve_attempt(*args, **kwargs)
            reserved.append(allowed)
            return allowed

    links, start, errors = Spy(), threading.Barrier(len(attempts)), []

    def guess(user: str, code: str) -> None:
        start.wait()
        try:
            link_case(user, REFERENCE, code, links=links, identity=NoIdentity(), clock=SystemClock())
        except LinkRefusedError:
            pass
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=guess, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return reserved


class NoIdentity:
    def disable_self_service_recovery(self, user_id: str) -> None:
        raise AssertionError("nothing links here")


def _attempts(pk: str) -> int:
    from caseline.adapters.dynamodb.models import AttemptsItem, CaselineItem

    window = access_code.attempt_window(datetime.now(UTC)).isoformat()
    item = CaselineItem.get(pk, window, consistent_read=True)
    assert isinstance(item, AttemptsItem)
    return int(item.attempts)


@pytest.mark.usefixtures("atomic_updates")
def test_parallel_guesses_by_one_account_are_evaluated_at_most_the_limit(aws: Template) -> None:
    seed_case(FORCE, CASE, REFERENCE, CODE, timedelta(days=30))
    reserved = _parallel([("eve", WRONG)] * (access_code.ACCOUNT_ATTEMPTS * 3))
    assert len(reserved) == access_code.ACCOUNT_ATTEMPTS * 3
    assert reserved.count(True) == access_code.ACCOUNT_ATTEMPTS
    # Every attempt counted on the account; only the allowed ones on the reference
    assert _attempts("ATTEMPTS#USER#eve") == access_code.ACCOUNT_ATTEMPTS * 3
    assert _attempts(f"ATTEMPTS#REF#{REFERENCE}") == access_code.ACCOUNT_ATTEMPTS


@pytest.mark.usefixtures("atomic_updates")
def test_parallel_guesses_from_many_accounts_stop_at_the_reference_limit(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lower backstop so the test stays small: the rule is the same at any level
    monkeypatch.setattr(access_code, "REFERENCE_ATTEMPTS", 7)
    seed_case(FORCE, CASE, REFERENCE, CODE, timedelta(days=30))
    reserved = _parallel([(f"account-{n}", WRONG) for n in range(20)])
    assert len(reserved) == 20 and reserved.count(True) == 7
    assert _attempts(f"ATTEMPTS#REF#{REFERENCE}") == 20


def test_the_force_s_reissue_lifts_the_reference_s_lock_and_a_link_gives_its_attempt_back(
    api: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseline.adapters.dynamodb.linking import DynamoLinkRepository

    monkeypatch.setattr(access_code, "REFERENCE_ATTEMPTS", 3)
    seed_case(FORCE, CASE, REFERENCE, CODE, timedelta(days=30))
    refused = post_link(api, "a", REFERENCE, WRONG)
    for user in ("b", "c"):
        assert post_link(api, user, REFERENCE, WRONG) == refused
    assert post_link(api, "victim", REFERENCE, CODE) == refused  # the backstop is reached
    DynamoLinkRepository().clear("43-2699-90001")  # what access.code-reissued does, whatever the spelling
    assert post_link(api, "victim", REFERENCE, CODE)[0] == 201
    assert _attempts("ATTEMPTS#USER#victim") == 1  # the refusal counts; the link gave its attempt back
