"""The victim API through the real handler: GET /v1/me/cases answers only the caller's own linked cases, on
a designed key; the daily limit on messages holds when one account sends many at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import ModuleType

import pytest

from caseline_local.template import Template

from .conftest import Context, ReadsTogether, api_event, in_parallel, load_handler
from .test_case_access import CASE, Access


@pytest.fixture
def victim_api(aws: Template) -> ModuleType:
    return load_handler("victim_api")


def link(user_id: str, force_id: str, case_id: str, reference: str) -> None:
    from caseline.adapters.dynamodb.models import CaseLinkItem, case_pk

    CaseLinkItem(
        f"USER#{user_id}",
        case_pk(force_id, case_id),
        force_id=force_id,
        user_id=user_id,
        case_id=case_id,
        crime_reference=reference,
        category="burglary",
        stage="investigating",
        updated_at=datetime(2026, 11, 20, tzinfo=UTC),
    ).save()


def call(handler: ModuleType, claims: dict[str, str] | None) -> tuple[int, dict[str, object]]:
    event = api_event("GET", "/v1/me/cases", resource="/v1/me/cases", claims=claims)
    response = handler.lambda_handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def test_a_victim_sees_only_their_own_linked_cases(victim_api: ModuleType) -> None:
    # Given two victims, each linked to a case in a different force
    link("user-a", "thames-valley", "TVP-1", "43260000001")
    link("user-b", "hampshire", "HAM-1", "44260000001")
    # When victim A asks for their cases
    status, body = call(victim_api, {"sub": "user-a", "token_use": "id"})
    # Then only A's case is listed, in plain English
    assert status == 200
    assert body == {
        "cases": [
            {
                "force_id": "thames-valley",
                "case_id": "TVP-1",
                "crime_reference": "43260000001",
                "category": "burglary",
                "category_label": "Burglary",
                "stage": "investigating",
                "updated_at": "2026-11-20T00:00:00Z",
                "unread": 0,
            }
        ]
    }


def test_without_authorizer_claims_the_handler_refuses(victim_api: ModuleType) -> None:
    status, body = call(victim_api, None)
    assert status == 401
    assert body["type"] == "urn:caseline:problem:unauthenticated"


PARALLEL = 16


@pytest.mark.filterwarnings("ignore:No application metrics")  # threads share the handler's metrics
def test_messages_sent_at_once_by_one_account_stop_at_the_daily_limit(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseline.services.officer_messages import MAX_MESSAGES_PER_DAY

    # Given Alex, linked to her case, and every request below reading the case before any of them writes
    access = Access(aws)
    dependencies = access.victims.api.dependencies
    monkeypatch.setattr(dependencies, "_case_reader", ReadsTogether(dependencies._case_reader, PARALLEL))

    def post() -> int:
        """One message, retried on a 503 as a client does (``Retry-After``)."""
        for _ in range(PARALLEL):
            status, _ = access.victims.case(access.alex, *CASE, "/messages", "POST", {"text": "Is there any news?"})
            if status != 503:
                break
        return status

    # When she sends 16 messages at once
    answers = in_parallel(post, PARALLEL)
    # Then exactly the day's limit is accepted and stored, and the rest are 429
    assert sorted(answers) == [202] * MAX_MESSAGES_PER_DAY + [429] * (PARALLEL - MAX_MESSAGES_PER_DAY)
    monkeypatch.undo()
    view = access.victims.case(access.alex, *CASE)[1]
    assert len([m for m in view["messages"] if m["author"] == "you"]) == MAX_MESSAGES_PER_DAY
