"""Build the one OpenAPI document for Caseline's API from the handlers' own Powertools resolvers."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

API_FUNCTIONS: dict[str, list[dict[str, list[str]]]] = {
    "webhook_ingest": [],
    "victim_api": [{"victimIdToken": []}],
    "reports": [{"victimIdToken": []}],
}
# Authorizer: NONE (POST /v1/reports only: the same path's other operations are signed in)
PUBLIC_PATHS = frozenset({"/v1/openapi.json", "/v1/articles", "/v1/articles/{slug}", "/v1/reports"})
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "urn:caseline:problem:<slug>, listed in docs/api.md"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "field": {"type": "string", "description": "The request field at fault, dotted (e.g. data.victim.mobile)"},
    },
}


def _load(root: Path, name: str) -> Any:
    folder = root / "functions" / name
    spec = importlib.util.spec_from_file_location(f"openapi_{name}", folder / "handler.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module.app


def build(root: Path) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, security in API_FUNCTIONS.items():
        schema = json.loads(
            _load(root, name).get_openapi_json_schema(
                title="Caseline API",
                version="1.0.0",
                description="Force webhooks (signed, Standard Webhooks) and the victim API (Cognito ID token).",
            )
        )
        if not document:
            document = schema
            document.setdefault("paths", {})
            document.setdefault("components", {}).setdefault("schemas", {})
        else:
            document["paths"].update(schema.get("paths", {}))
            document["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
        if security:
            for route, path in schema.get("paths", {}).items():
                if route in PUBLIC_PATHS:
                    continue
                for operation in path.values():
                    operation["security"] = security
                    operation.setdefault("responses", {})["401"] = _problem("Missing, expired or invalid ID token")
    document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    _document_victim_routes(document)
    document["components"]["securitySchemes"] = {
        "victimIdToken": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A Cognito ID token for the victim user pool",
        },
    }
    _document_webhook(document)
    return document


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _document_webhook(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/webhooks/{force_id}"]["post"]
    operation["description"] = (
        "A CloudEvents 1.0 structured event signed with the Standard Webhooks scheme. The force is decided by "
        "the secret that verified the signature. Event data schemas are in docs/events/."
    )
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        operation.setdefault("parameters", []).append(
            {"name": header, "in": "header", "required": True, "schema": {"type": "string"}}
        )
    operation["requestBody"] = {
        "required": True,
        "content": {
            "application/cloudevents+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
    operation["responses"] = {
        "202": {"description": "Stored (status accepted) or stored in the timeline only (status stale)"},
        "200": {"description": "Already received with this webhook-id (status duplicate)"},
        "400": _problem("The body is not UTF-8 JSON"),
        "401": _problem("Missing, expired or wrong signature, or unknown force"),
        "413": _problem("Body over 256 KB"),
        "415": _problem("Content type is not JSON"),
        "422": _problem("The event does not match its schema, or its type is not supported"),
        "503": _problem("Temporarily unavailable; retry with the same webhook-id"),
    }
    for path in document["paths"].values():
        for op in path.values():
            op.setdefault("responses", {})
            if "422" in op["responses"]:
                op["responses"]["422"] = _problem("The request is not valid")


_CASE = "/v1/cases/{force_id}/{case_id}"
_NOT_LINKED = "No such case among yours (the same answer for any case not linked to you)"
# (path, method) -> (success status the route really answers, extra problem responses)
_VICTIM_ROUTES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("/v1/me/links", "post"): ("201", {"400": "Crime reference and access code do not link a case (or locked)"}),
    (_CASE, "get"): ("200", {"404": _NOT_LINKED}),
    (_CASE + "/messages", "post"): ("202", {"404": _NOT_LINKED, "429": "Too many messages today"}),
    (_CASE + "/update-requests", "post"): ("202", {"404": _NOT_LINKED}),
    (_CASE + "/preferences", "get"): ("200", {"404": _NOT_LINKED}),
    (_CASE + "/preferences", "put"): ("200", {"404": _NOT_LINKED}),
}


def _document_victim_routes(document: dict[str, Any]) -> None:
    """Statuses Powertools cannot infer from a returned ``Response`` (201, 202) and the problems routes raise."""
    paths = document["paths"]
    for (path, method), (success, problems) in _VICTIM_ROUTES.items():
        responses = paths[path][method]["responses"]
        if success != "200" and "200" in responses:
            responses[success] = responses.pop("200")
        for status, description in problems.items():
            responses[status] = _problem(description)
        responses["503"] = _problem("Temporarily unavailable; try again")
        if "requestBody" in paths[path][method]:
            responses.setdefault("400", _problem("The body is not UTF-8 JSON"))
            responses["415"] = _problem("The body must be application/json")
    served = paths["/v1/openapi.json"]["get"]["responses"]["200"]
    served["content"] = {"application/json": {"schema": {"type": "object"}}}
