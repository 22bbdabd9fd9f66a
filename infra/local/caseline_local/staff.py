"""Force staff in the local stack: the staff pool's group per force (``force-{id}``, what the insights API
checks) and a demo analyst in each. Each analyst's password is made afresh on every start (nothing to
commit, nothing to guess) and kept only in the running stack's state file. Addresses are example.org."""

from __future__ import annotations

import json
import secrets
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

from caseline_local.cognito_srp import srp_sign_in
from caseline_local.gateway import COGNITO_PROXY_PATH


@dataclass(frozen=True)
class DemoAnalyst:
    force_id: str
    email: str
    password: str  # this run's; the staff pool's policy asks for 14 characters or more


def analyst_email(force_id: str) -> str:
    return f"analyst.{force_id}@example.org"


def create_demo_analysts(cognito: Any, user_pool_id: str, forces: list[str]) -> list[DemoAnalyst]:
    """A group and a signed-up analyst for each force (their password is permanent: no first-sign-in step)."""
    analysts = []
    for force_id in forces:
        group = f"force-{force_id}"
        cognito.create_group(GroupName=group, UserPoolId=user_pool_id, Description=f"{force_id} analysts")
        analyst = DemoAnalyst(force_id, analyst_email(force_id), secrets.token_urlsafe(18))  # 24 characters
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=analyst.email,
            UserAttributes=[{"Name": "email", "Value": analyst.email}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=analyst.email, Password=analyst.password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=analyst.email, GroupName=group)
        analysts.append(analyst)
    return analysts


def state(analysts: list[DemoAnalyst]) -> dict[str, dict[str, str]]:
    """The analysts as the stack's state file keeps them, by force."""
    return {analyst.force_id: asdict(analyst) for analyst in analysts}


def from_state(found: dict[str, Any], force_id: str) -> DemoAnalyst:
    """This run's demo analyst of ``force_id`` from the stack's state (``state.json``)."""
    return DemoAnalyst(**found["analysts"][force_id])


def id_token(gateway_url: str, found: dict[str, Any], force_id: str) -> str:
    """A demo analyst's ID token, signed in by SRP through the gateway's Cognito proxy as the portal's staff
    sign-in page does (the staff pool's client allows no other password flow)."""

    def call(operation: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            gateway_url + COGNITO_PROXY_PATH,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.load(response))

    analyst = from_state(found, force_id)
    answer = srp_sign_in(call, found["staff_client_id"], found["staff_pool_id"], analyst.email, analyst.password)
    return str(answer["AuthenticationResult"]["IdToken"])
