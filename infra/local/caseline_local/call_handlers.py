"""Demo call handlers in the local stack: each force's contact-centre group in the staff pool
(``contact-{force}``, what the call handler's view checks) and one call handler in it, with a password made
for this run only. They are printed at start and kept in ``.local-stack/call-handlers.json`` (owner-only)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any


def create_demo_call_handlers(
    cognito: Any, user_pool_id: str, forces: list[str], state_dir: Path
) -> list[dict[str, str]]:
    handlers = []
    for force_id in forces:
        group, email = f"contact-{force_id}", f"calls.{force_id}@example.org"
        password = secrets.token_urlsafe(18)  # the staff pool asks for 14 characters or more
        cognito.create_group(GroupName=group, UserPoolId=user_pool_id, Description=f"{force_id} contact centre")
        verified = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        cognito.admin_create_user(
            UserPoolId=user_pool_id, Username=email, UserAttributes=verified, MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=group)
        handlers.append({"force_id": force_id, "email": email, "password": password})
    kept = state_dir / "call-handlers.json"
    kept.touch(mode=0o600)
    kept.write_text(json.dumps(handlers, indent=2), encoding="utf-8")
    return handlers
