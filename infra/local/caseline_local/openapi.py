"""Build the one OpenAPI document for Caseline's API from the handlers' own Powertools resolvers."""

from __future__ import annotations

import gc
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from caseline.domain.safe_contact import WALL_CLOCK_DESCRIPTION, WALL_CLOCK_PATTERN

API_FUNCTIONS: dict[str, list[dict[str, list[str]]]] = {
    "webhook_ingest": [],
    "victim_api": [{"victimIdToken": []}],
    "reports": [{"victimIdToken": []}],
    "accounts": [],
    "insights": [{"staffIdToken": []}],
    "staff_cases": [{"staffIdToken": []}],
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
        gc.unfreeze()  # a handler freezes what is alive after loading (caseline.loading): here, the caller's too
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
                    operation.setdefault("responses", {})["401"] = _problem(_UNAUTHENTICATED)
    document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    _document_victim_routes(document)
    document["components"]["securitySchemes"] = {
        "victimIdToken": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A Cognito ID token for the victim user pool",
        },
        "staffIdToken": {"type": "apiKey", "in": "header", "name": "Authorization"}
        | {"description": "A Cognito ID token for the staff user pool: force-, contact- or dpo-{force_id} group"},
    }
    _document_webhook(document)
    _document_reports(document)
    _document_accounts(document)
    _document_insights(document)
    _document_staff_cases(document)
    return document


def _document_insights(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/insights/{force_id}"]["get"]
    operation["description"] = f"{operation.get('description', '')} CSV with Accept: text/csv or format=csv.".strip()
    responses = operation.setdefault("responses", {})
    responses["404"] = _problem("Not one of the caller's forces (whether it exists or not)")
    responses["422"] = _problem("from or to malformed, reversed or more than 93 days apart")


def _document_staff_cases(document: dict[str, Any]) -> None:
    """The call handler's view (docs/api.md#the-call-handlers-view): roles are the staff pool's groups."""
    cases = "/v1/staff/cases/{force_id}/{case_id}"
    not_found = "Not a case of a force you have this role for (the same answer whether it exists or not)"
    for path, method, success, role in [
        ("/v1/staff/case-lookups", "post", "200", "contact-{force}"),
        (cases + "/calls", "post", "201", "contact-{force}"),
        (cases + "/lookups", "get", "200", "force-{force} or dpo-{force}"),
    ]:
        responses = document["paths"][path][method]["responses"]
        if success != "200":
            responses[success] = responses.pop("200")
        responses["403"] = _problem(f"Your groups give no {role} role for any force (forbidden)")
        responses["404"] = _problem(not_found)
        responses["503"] = _problem("Temporarily unavailable; try again")
        if method == "post":
            responses["400"] = _problem("The body is not UTF-8 JSON")
            responses["415"] = _problem("The body must be application/json")


def _problem(description: str) -> dict[str, Any]:
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {"description": description, "content": {"application/problem+json": problem}}


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

    def answer(description: str, statuses: list[str]) -> dict[str, Any]:
        body = {"status": {"enum": statuses}, "event_id": {"type": "string"}, "sequence": {"type": "integer"}}
        schema = {"type": "object", "required": list(body), "properties": body}
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    operation["responses"] = {
        "202": answer("Stored (accepted) or stored in the timeline only (stale)", ["accepted", "stale"]),
        "200": answer("Already received with this webhook-id, or this event (duplicate)", ["duplicate"]),
        "400": _problem("The body is not UTF-8 JSON"),
        "401": _problem("Missing, expired or wrong signature, or unknown force"),
        "413": _problem("Body over 256 KB"),
        "409": _problem(
            "The event is about a victim the case does not have yet (victim-not-known-yet): nothing was stored; "
            "retry with the same webhook-id after Retry-After"
        ),
        "415": _problem("Content type is not JSON"),
        "422": _problem("The event does not match its schema, or its type is not supported"),
        "503": _problem("Temporarily unavailable; retry with the same webhook-id"),
    }
    for path in document["paths"].values():
        for op in path.values():
            op.setdefault("responses", {})
            if "422" in op["responses"]:
                op["responses"]["422"] = _problem("The request is not valid")


_UNAUTHENTICATED = (
    "Missing, expired or invalid ID token, or one from a session that was ended (sign out everywhere, quick "
    "exit, account closure): unauthenticated"
)
_RECENT_SIGN_IN = (
    _UNAUTHENTICATED + "; or (recent-sign-in-required) the sign-in was more than 15 minutes ago: sign in again, "
    "then repeat the request"
)
_CASE = "/v1/cases/{force_id}/{case_id}"
_NOT_LINKED = "No such case among yours (the same answer for any case not linked to you)"
_NOT_THE_VICTIM = "No such case of which you are the victim (the same answer for a delegate and for any other case)"
# (path, method) -> (success status the route really answers, extra problem responses)
VICTIM_ROUTES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("/v1/me/links", "post"): ("201", {"400": "Crime reference and access code do not link a case (or locked)"}),
    (_CASE, "get"): ("200", {"404": _NOT_LINKED}),
    (_CASE + "/messages", "post"): ("202", {"404": _NOT_LINKED, "429": "Too many messages today"}),
    (_CASE + "/update-requests", "post"): ("202", {"404": _NOT_LINKED}),
    (_CASE + "/survey", "post"): (
        "201",
        {"404": _NOT_LINKED, "409": "The case is not closed yet, or you have answered this survey already"},
    ),
    (_CASE + "/alerts/{alert_id}/acknowledgement", "post"): ("200", {"404": _NOT_LINKED + "; or no alert of yours"}),
    (_CASE + "/review-request", "post"): ("202", {"404": _NOT_LINKED, "409": "No right to review, or too late"}),
    (_CASE + "/statement-request", "post"): ("202", {"404": _NOT_LINKED, "409": "The case is closed"}),
    (_CASE + "/preferences", "get"): ("200", {"404": _NOT_LINKED}),
    (_CASE + "/preferences", "put"): ("200", {"404": _NOT_LINKED}),
    ("/v1/me/data", "get"): ("200", {"401": _RECENT_SIGN_IN}),
    ("/v1/me", "delete"): ("200", {"401": _RECENT_SIGN_IN}),
    ("/v1/me/sign-out-everywhere", "post"): ("200", {}),
    ("/v1/me/cases", "get"): ("200", {}),
    (_CASE + "/delegates", "get"): ("200", {"404": _NOT_THE_VICTIM}),
    (_CASE + "/delegates", "post"): ("201", {"404": _NOT_THE_VICTIM}),
    (_CASE + "/delegates/{delegation_id}", "delete"): (
        "204",
        {"404": _NOT_THE_VICTIM + "; or no delegation of yours on it has that id"},
    ),
    ("/v1/me/delegations", "post"): (
        "201",
        {"400": "The invitation code did not give access (invitation-refused): the same answer for any reason"},
    ),
    (_CASE + "/accounts", "get"): ("200", {"404": _NOT_LINKED}),
    (_CASE + "/accounts/{link_id}", "delete"): (
        "204",
        {
            "404": _NOT_LINKED + "; or no other account of yours has that link id",
            "422": "That is the account you are signed in with (own-account): it cannot remove itself",
        },
    ),
}


def _document_victim_routes(document: dict[str, Any]) -> None:
    """Statuses Powertools cannot infer from a returned ``Response`` (201, 202) and the problems routes raise."""
    paths = document["paths"]
    for (path, method), (success, problems) in VICTIM_ROUTES.items():
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


def _text(nullable: bool = True) -> dict[str, Any]:
    return {"type": "string", "maxLength": 2000, "nullable": nullable}


_FLAG = {"type": "boolean", "nullable": True}
_WALL_CLOCK = {"type": "string", "pattern": WALL_CLOCK_PATTERN, "description": WALL_CLOCK_DESCRIPTION}
# Questions asked only for some categories (caseline/domain/report_questions.py): an answer for another
# category is refused, an empty one is taken as not asked and reaches the force as null.
_ONLY_SOME = "Asked only for some categories: an answer for another is refused"
# The body of POST /v1/reports and /v1/me/reports (caseline.domain.reports validates it, field by field).
REPORT_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["force_id", "idempotency_key", "category", "what_happened", "occurred", "location", "reporter"],
    "properties": {
        "force_id": {"type": "string", "example": "thames-valley"},
        "idempotency_key": {"type": "string", "pattern": "^[A-Za-z0-9-]{16,64}$"},
        "website": {"type": "string", "description": "Honeypot: people leave it empty"},
        "category": {"type": "string", "description": "A police.uk category the force takes online"},
        "fraud": {**_FLAG, "description": "true with other-crime: refused, report to Report Fraud"},
        "what_happened": _text(False),
        "occurred": {
            "type": "object",
            "additionalProperties": False,
            "required": ["from"],
            "properties": {
                "from": {"type": "string", "format": "date-time"},
                "to": {"type": "string", "format": "date-time", "nullable": True},
            },
        },
        "location": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"description": _text(), "postcode": {"type": "string", "nullable": True}},
        },
        "items": {
            "type": "array",
            "maxItems": 20,
            "description": _ONLY_SOME + " (items, damage: crimes against property)",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["description"],
                "properties": {
                    "description": _text(False),
                    "value_pounds": {"type": "number", "minimum": 0, "maximum": 1000000, "nullable": True},
                },
            },
        },
        "damage": _text(),
        "injured": {**_FLAG, "description": _ONLY_SOME + " (injured, injury_details: where a person was hurt)"},
        "injury_details": _text(),
        "suspect": {
            "type": "object",
            "nullable": True,
            "additionalProperties": False,
            "properties": {"known": _FLAG, "name": _text(), "description": _text()},
        },
        "witnesses": _text(),
        "vehicle": {**_text(), "description": "Required for vehicle-crime, refused for any other category"},
        "cctv": {"type": "string", "enum": ["yes", "no", "not-sure"], "nullable": True},
        "reporter": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "description": "At least one of email and mobile",
            "properties": {
                "name": _text(False),
                "email": {"type": "string", "format": "email", "nullable": True},
                "mobile": {"type": "string", "nullable": True, "example": "+447700900123"},
                "date_of_birth": {"type": "string", "format": "date", "nullable": True},
                "under_18": _FLAG,
                "preferred_language": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$", "nullable": True},
                "needs": _text(),
                "wants_support": _FLAG,
            },
        },
        "safe_contact": {
            "type": "object",
            "nullable": True,
            "additionalProperties": False,
            "properties": {
                "safe_channels": {"type": "array", "items": {"type": "string", "enum": ["email", "sms"]}},
                "safe_hours": {
                    "type": "object",
                    "nullable": True,
                    "properties": {"start": _WALL_CLOCK, "end": _WALL_CLOCK},
                },
                "may_name_police": _FLAG,
                "may_name_crime": _FLAG,
            },
        },
    },
}
_REPORT_PROBLEM = {
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "description": "One GOV.UK-style message per field at fault",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
                "url": {"type": "string", "description": "report-elsewhere: where to report instead"},
            },
        },
    ]
}


def _document_reports(document: dict[str, Any]) -> None:
    """The reporting routes read their raw body themselves (every field gets its own message)."""
    submitted = {"$ref": "#/components/schemas/ReportSubmitted"}
    document["components"]["schemas"]["ReportSubmitted"] = {
        "type": "object",
        "required": ["report_reference", "status"],
        "properties": {
            "report_reference": {"type": "string", "example": "TV-7K3M-Q9PX"},
            "status": {"type": "string", "enum": ["submitted"]},
        },
    }
    for path in ("/v1/reports", "/v1/me/reports"):
        operation = document["paths"][path]["post"]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": REPORT_BODY}}}
        responses = {
            "201": {
                "description": "Stored and on its way to the force",
                "content": {"application/json": {"schema": submitted}},
            },
            "200": {
                "description": "This form was sent before (same idempotency_key): the same reference",
                "content": {"application/json": {"schema": submitted}},
            },
            "400": _problem("The body is not UTF-8 JSON"),
            "413": _problem("The report is over 16 KiB"),
            "415": _problem("The body must be application/json"),
            "422": {
                "description": "Fields not valid (validation, with errors) or report elsewhere (report-elsewhere)",
                "content": {"application/problem+json": {"schema": _REPORT_PROBLEM}},
            },
            "429": _problem(
                "Too many reports from this client network (an IPv4 address or IPv6 /64: 5 an hour) or account "
                "(10 a day); see Retry-After"
            ),
            "503": _problem("Temporarily unavailable; send the same form again (same idempotency_key)"),
        }
        if "401" in operation["responses"]:
            responses["401"] = operation["responses"]["401"]
        operation["responses"] = responses
    listing = document["paths"]["/v1/me/reports"]["get"]["responses"]
    listing.pop("422", None)
    listing["503"] = _problem("Temporarily unavailable; try again")


def _document_accounts(document: dict[str, Any]) -> None:
    """The two account routes read their raw body themselves; neither answer says whether the address is known."""
    _account_route(
        document["paths"]["/v1/accounts"]["post"],
        "Signs the address up (Cognito emails a 6-digit code; confirm it at /v1/accounts/confirmation). The "
        "answer is the same, and takes as long, when the address has an account (its owner is emailed instead) "
        "or an unconfirmed sign-up (Cognito sends its code again): docs/adr/0014.",
        {"password": {"type": "string", "minLength": 12, "maxLength": 256}},
        ("202", "Check your email", "check-your-email"),
        "The email address or the password (12 to 256 characters) is not valid; field names which",
    )
    _account_route(
        document["paths"]["/v1/accounts/confirmation"]["post"],
        "Confirms a sign-up with the 6-digit code Cognito emailed. A wrong or expired code, an address with no "
        "sign-up and an account already confirmed all get the same 422 on code, as late: docs/adr/0014.",
        {"code": {"type": "string", "pattern": "^[0-9]{6}$"}},
        ("200", "Confirmed: sign in", "confirmed"),
        "The code is not right or has expired (field code), or the body is not valid",
    )


def _account_route(
    operation: dict[str, Any],
    description: str,
    member: dict[str, Any],
    success: tuple[str, str, str],
    invalid: str,
) -> None:
    """``{"email", <member>}`` in, one success (status, description, ``status`` value) or problems out."""
    operation["description"] = description
    email = {"type": "string", "maxLength": 254, "example": "riley.jones@example.org"}
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", *member],
        "properties": {"email": email, **member},
    }
    operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    status, said, value = success
    answer = {"type": "object", "properties": {"status": {"type": "string", "enum": [value]}}}
    operation["responses"] = {
        status: {"description": said, "content": {"application/json": {"schema": answer}}},
        "400": _problem("The body is not UTF-8 JSON"),
        "413": _problem("The body is over 4 KiB"),
        "415": _problem("The body must be application/json"),
        "422": _problem(invalid),
        "503": _problem("Temporarily unavailable; try again"),
    }
