"""Force staff in the local stack: the staff pool's group per force (``force-{id}``, what the insights API
checks) and a demo analyst in each, with a fixed local-only password. Addresses are example.org."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Local stack only (moto, fictional analysts); the staff pool's policy asks for 14 characters.
DEMO_PASSWORD = "local-demo-analyst"  # noqa: S105


@dataclass(frozen=True)
class DemoAnalyst:
    force_id: str
    email: str
    password: str = DEMO_PASSWORD


def analyst_email(force_id: str) -> str:
    return f"analyst.{force_id}@example.org"


def create_demo_analysts(cognito: Any, user_pool_id: str, forces: list[str]) -> list[DemoAnalyst]:
    """A group and a signed-up analyst for each force (their password is permanent: no first-sign-in step)."""
    analysts = []
    for force_id in forces:
        group = f"force-{force_id}"
        cognito.create_group(GroupName=group, UserPoolId=user_pool_id, Description=f"{force_id} analysts")
        analyst = DemoAnalyst(force_id, analyst_email(force_id))
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


def id_token(cognito: Any, client_id: str, email: str, password: str = DEMO_PASSWORD) -> str:
    """An analyst's ID token, signed in with their password (what the insights API takes)."""
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    return str(answer["AuthenticationResult"]["IdToken"])
