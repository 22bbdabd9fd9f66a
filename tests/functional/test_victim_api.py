"""GET /v1/me/cases through the real handler: only the caller's own linked cases, on a designed key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import ModuleType

import pytest

from caseline_local.template import Template

from .conftest import Context, api_event, load_handler


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
