"""Settings read once from the environment. The only module that reads ``os.environ``.

Fail fast when deployed. Every function must have the variables that template.yaml's Globals give to
every function (``CASELINE_ENVIRONMENT``, ``TABLE_NAME``, ``FORCES``, and the Lambda runtime's
``AWS_REGION``). The first ``get_settings()`` checks them, and ``caseline.observability`` makes that call
at import, so a missing or empty one stops the function at import with a ``SettingsError`` that names
every such variable. ``CASELINE_XRAY_SDK``, also in Globals, is a switch with a safe default (off): only
its spelling is checked. A variable that only some functions get (``EMAIL_FROM``, ``PORTAL_URL``, the
secret prefixes, the key ids...) is checked when it is read: reading one that is not set raises a
``SettingsError`` that names it. The handlers read theirs at import (the victim API's data-rights sealer
reads ``DATA_KEY_ID`` at first use), so a function that the template leaves without one stops there too.
Which function gets which variable is said once, in template.yaml, not again here;
tests/functional/test_deployed_settings.py imports each handler with exactly the template's variables.

Local defaults (the values below) apply only when ``CASELINE_ENVIRONMENT=local``, which infra/local sets
explicitly. A missing ``CASELINE_ENVIRONMENT`` is an error, not a hint that the stack is local.

This is a checked dataclass, not a pydantic model. Five of the nine functions never import pydantic, and
importing it costs them 24-46 ms of cold start (docs/adr/0005-lean-cold-start.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import overload

LOCAL = "local"
# Deployed functions all get these from template.yaml's Globals (AWS_REGION from the Lambda runtime).
REQUIRED = ("CASELINE_ENVIRONMENT", "AWS_REGION", "TABLE_NAME", "FORCES")
LOCAL_DEFAULTS: Mapping[str, str] = {
    "AWS_REGION": "eu-west-2",
    "TABLE_NAME": "caseline-local",
    "FORCES": "thames-valley,hampshire",
    "WEBHOOK_SECRET_PREFIX": "caseline/local/webhook/",
    "OUTBOUND_SECRET_PREFIX": "caseline/local/outbound/",
    "EMAIL_FROM": "no-reply@caseline.example.org",
    "PORTAL_URL": "http://127.0.0.1:8080",
    "OUTBOUND_QUEUE_URL": "",
    "USER_POOL_ID": "",
    "USER_POOL_CLIENT_ID": "",
    "SIGN_UP_SECRET_ID": "",
    "DATA_KEY_ID": "",
    "REPORT_RATE_KEY_ID": "",
    "STAFF_USER_POOL_ID": "",
}


class SettingsError(RuntimeError):
    """A required environment variable is missing, empty or malformed: the function must not start."""


class _Variable:
    """A function-specific setting, read through ``Settings.variable`` (so it can fail naming itself)."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, settings: None, owner: type[Settings]) -> _Variable: ...
    @overload
    def __get__(self, settings: Settings, owner: type[Settings]) -> str: ...
    def __get__(self, settings: Settings | None, owner: type[Settings]) -> _Variable | str:
        return self if settings is None else settings.variable(self.name)


@dataclass(frozen=True)
class Settings:
    environment: str
    region: str
    table_name: str
    forces: tuple[str, ...]
    endpoint_url: str | None = None
    xray_sdk: bool = False
    ses_configuration_set: str | None = None
    # The variables that only some functions get, as set (empty ones left out); read as the attributes below.
    variables: Mapping[str, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return self.environment == LOCAL

    def variable(self, name: str) -> str:
        """A function-specific variable: its value, the local default, or a ``SettingsError`` naming it."""
        value = self.variables.get(name)
        if value:
            return value
        if self.local:
            return LOCAL_DEFAULTS.get(name, "")
        raise SettingsError(
            f"{name} is not set (CASELINE_ENVIRONMENT={self.environment!r}): this function reads it, so "
            "template.yaml must give it to the function. Local defaults apply only when CASELINE_ENVIRONMENT=local."
        )

    webhook_secret_prefix = _Variable("WEBHOOK_SECRET_PREFIX")
    outbound_secret_prefix = _Variable("OUTBOUND_SECRET_PREFIX")
    email_from = _Variable("EMAIL_FROM")
    portal_url = _Variable("PORTAL_URL")
    outbound_queue_url = _Variable("OUTBOUND_QUEUE_URL")
    user_pool_id = _Variable("USER_POOL_ID")
    user_pool_client_id = _Variable("USER_POOL_CLIENT_ID")  # the portal's client: sign-ups go through it
    sign_up_secret_id = _Variable("SIGN_UP_SECRET_ID")  # the header the user pool's web ACL wants on SignUp
    data_key_id = _Variable("DATA_KEY_ID")  # the table's KMS key: reports' personal fields are sealed with it
    report_rate_key_id = _Variable("REPORT_RATE_KEY_ID")  # the KMS HMAC key: the report limits' keyed hashes
    staff_user_pool_id = _Variable("STAFF_USER_POOL_ID")  # force staff's pool: the insights API's callers


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "false").strip().lower() or "false"
    if value not in ("true", "false"):
        raise SettingsError(f"{name} must be 'true' or 'false', not {env[name]!r}")
    return value == "true"


def load_settings(env: Mapping[str, str]) -> Settings:
    """Settings from ``env``, checked as the module docstring says (``get_settings`` reads ``os.environ``)."""
    found = {name: value.strip() for name, value in env.items() if value.strip()}
    if "AWS_REGION" not in found and "AWS_DEFAULT_REGION" in found:
        found["AWS_REGION"] = found["AWS_DEFAULT_REGION"]
    if found.get("CASELINE_ENVIRONMENT") == LOCAL:
        found = {**LOCAL_DEFAULTS, **found}
    missing = [name for name in REQUIRED if name not in found or (name == "FORCES" and not _split(found[name]))]
    if missing:
        raise SettingsError(
            f"Missing environment variable{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(CASELINE_ENVIRONMENT={env.get('CASELINE_ENVIRONMENT', '')!r}): template.yaml's Globals give them "
            "to every function. Local defaults apply only when CASELINE_ENVIRONMENT=local."
        )
    return Settings(
        environment=found["CASELINE_ENVIRONMENT"],
        region=found["AWS_REGION"],
        table_name=found["TABLE_NAME"],
        forces=_split(found["FORCES"]),
        endpoint_url=found.get("AWS_ENDPOINT_URL"),
        xray_sdk=_flag(env, "CASELINE_XRAY_SDK"),
        ses_configuration_set=found.get("SES_CONFIGURATION_SET"),
        variables={name: found[name] for name in LOCAL_DEFAULTS if name not in REQUIRED and name in found},
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
