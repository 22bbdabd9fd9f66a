"""Property: no body, however hostile, gets a 5xx from any route that takes one. Hypothesis generates
deep nesting, long numbers, JSON of the wrong types, bytes that are not UTF-8 and control characters,
and posts them over HTTP to every route in the OpenAPI document that has a request body, signed in (the
victim routes), signed by the force (the webhook) or as anyone (online reports)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseline_local.force_sim import client
from caseline_local.stack import LocalStack

from .conftest import FUZZ_EXAMPLES, ROOT, Client
from .test_local_stack import id_token

CASE = {"force_id": "thames-valley", "case_id": "NO-SUCH-CASE", "link_id": "0" * 20}
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
HOSTILE = st.one_of(
    st.integers(17, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(17, 400).map(lambda n: b'{"text": ' * n + b"1" + b"}" * n),
    st.integers(25, 6000).map(lambda n: b'{"sequence": ' + b"9" * n + b"}"),
    st.sampled_from([b'{"n": NaN}', b'{"n": 1e999}', b'{"n": -Infinity}', b'{"text": "\\ud800"}']),
    st.text(st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=5).map(
        lambda t: json.dumps({"text": "a" + t, "channels": ["email"], "crime_reference": t}).encode()
    ),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),  # valid JSON, wrong types for every field
    st.binary(max_size=200),  # mostly not UTF-8, or not JSON
)


def body_routes() -> list[tuple[str, str]]:
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    routes = [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    assert ("POST", "/v1/webhooks/{force_id}") in routes  # signed: read by the ingest service, not the resolver
    return routes


@pytest.fixture(scope="module")
def token(stack: LocalStack) -> str:
    return id_token(stack)


@pytest.mark.parametrize(("method", "path"), body_routes())
def test_no_hostile_body_gets_a_5xx(stack: LocalStack, http: Client, token: str, method: str, path: str) -> None:
    url = path.format(**CASE)

    @settings(max_examples=FUZZ_EXAMPLES or 25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(HOSTILE)
    def post(body: bytes) -> None:
        headers: dict[str, Any] = {"Content-Type": "application/json", "Authorization": token}
        if path.startswith("/v1/webhooks/"):
            secret = stack.webhook_secret(CASE["force_id"])
            moment = int(stack.now().timestamp())
            headers = client.signed_headers(secret, client.new_webhook_id(), body, timestamp=moment)
        answer = http.request(method, url, body=body, headers=headers)
        assert answer.status < 500, (method, url, body[:200], answer.status, answer.body[:300])
        assert answer.headers.get("Content-Type", "").startswith(("application/problem+json", "application/json"))

    post()
