"""Cognito's Lambda triggers, locally. moto runs none, so the gateway's Cognito proxy invokes the function
the template wires as a user pool's ``LambdaConfig.PostAuthentication`` after a sign-in that returned
tokens, with the event Cognito would send. The trigger runs in the background once the browser has its
answer: it never delays or fails the sign-in (in AWS a failing trigger refuses it; ours never fails).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from caseline_local.template import Template

log = logging.getLogger("caseline_local.cognito_triggers")
SIGN_IN_OPERATIONS = frozenset({"InitiateAuth", "RespondToAuthChallenge"})
# Cognito runs no post-authentication trigger when tokens are only refreshed.
REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
_ATTRIBUTES = ("sub", "email", "email_verified", "phone_number", "phone_number_verified")


class Invocable(Protocol):
    def invoke(self, event: dict[str, Any]) -> Any: ...


def _claims(id_token: object) -> dict[str, Any]:
    """The ID token's claims, unverified: it comes straight from the user pool, not from a browser."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return {}
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True)
class PostAuthenticationTrigger:
    worker: Invocable
    region: str
    user_pool_id: str
    client_ids: frozenset[str]

    def event(self, operation: str, request: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any] | None:
        """The PostAuthentication event for a successful sign-in to this pool; None for anything else."""
        if operation not in SIGN_IN_OPERATIONS or request.get("ClientId") not in self.client_ids:
            return None
        if request.get("AuthFlow") in REFRESH_FLOWS:
            return None
        claims = _claims((answer.get("AuthenticationResult") or {}).get("IdToken"))
        if not claims.get("sub"):
            return None
        attributes = {
            name: str(claims[name]).lower() if isinstance(claims[name], bool) else str(claims[name])
            for name in _ATTRIBUTES
            if name in claims
        }
        return {
            "version": "1",
            "region": self.region,
            "userPoolId": self.user_pool_id,
            "userName": str(claims.get("cognito:username", claims["sub"])),
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": request["ClientId"]},
            "triggerSource": "PostAuthentication_Authentication",
            "request": {"userAttributes": {**attributes, "cognito:user_status": "CONFIRMED"}, "newDeviceUsed": False},
            "response": {},
        }

    def after(self, operation: str, request_body: bytes, status: int, answer_body: bytes) -> threading.Thread | None:
        """Start the trigger for a sign-in the proxy has already answered; returns its thread (tests join it)."""
        if status != 200:
            return None
        try:
            request, answer = json.loads(request_body), json.loads(answer_body)
        except ValueError:
            return None
        if not isinstance(request, dict) or not isinstance(answer, dict):
            return None
        event = self.event(operation, request, answer)
        if event is None:
            return None
        thread = threading.Thread(target=self._invoke, args=(event,), name="post-authentication", daemon=True)
        thread.start()
        return thread

    def _invoke(self, event: dict[str, Any]) -> None:
        try:
            self.worker.invoke(event)
        except Exception:  # the sign-in is answered already; a failing trigger is only logged
            log.exception("post-authentication trigger failed")


def post_authentication_triggers(
    template: Template, workers: Mapping[str, Invocable], *, region: str
) -> list[PostAuthenticationTrigger]:
    """One trigger per user pool whose ``LambdaConfig.PostAuthentication`` names a function of the stack."""
    triggers = []
    for name, spec in template.of_type("AWS::Cognito::UserPool").items():
        wired = spec.get("Properties", {}).get("LambdaConfig", {}).get("PostAuthentication")
        if not wired or name not in template.physical:
            continue
        arn = template.resolve(wired)
        function = next((f for f, p in template.physical.items() if p.get("Arn") == arn and f in workers), None)
        if function is None:
            raise RuntimeError(f"{name}'s post-authentication trigger {arn} is not a function of this stack")
        pool_id = template.physical[name]["Ref"]
        clients = frozenset(
            p["ClientId"] for p in template.physical.values() if p.get("UserPoolId") == pool_id and "ClientId" in p
        )
        triggers.append(PostAuthenticationTrigger(workers[function], region, pool_id, clients))
    return triggers
