"""The committed OpenAPI document is exactly what the handlers generate, and it is valid."""

from __future__ import annotations

import json
from pathlib import Path

from openapi_spec_validator import validate

from caseline_local.openapi import VICTIM_ROUTES, build

ROOT = Path(__file__).resolve().parents[2]


def test_docs_openapi_json_is_up_to_date_and_valid() -> None:
    generated = build(ROOT)
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert generated == committed, "run `make openapi` and commit docs/openapi.json"
    validate(committed)


def test_every_documented_error_is_a_problem_document() -> None:
    document = build(ROOT)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert "application/problem+json" in response["content"], (path, method, status)


def test_the_served_document_is_the_committed_one() -> None:
    served = (ROOT / "layers" / "core" / "caseline" / "content" / "openapi.json").read_text(encoding="utf-8")
    assert served == (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")


def test_victim_routes_require_the_id_token_and_the_webhook_does_not() -> None:
    paths = build(ROOT)["paths"]
    assert paths["/v1/me/cases"]["get"]["security"] == [{"victimIdToken": []}]
    assert "security" not in paths["/v1/webhooks/{force_id}"]["post"]


def test_every_victim_route_documents_what_it_really_answers() -> None:
    # Powertools documents 200 and 422 only: each victim route says its real success status and the
    # problems it raises in one table, so a new route left out of it would be documented wrongly.
    paths = build(ROOT)["paths"]
    victim_routes = {
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if operation.get("tags") == ["Victims"]
    }
    assert victim_routes <= set(VICTIM_ROUTES), sorted(victim_routes - set(VICTIM_ROUTES))
    for path, method in victim_routes:
        assert "503" in paths[path][method]["responses"], (path, method)
