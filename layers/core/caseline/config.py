"""Settings read once from the environment. The only module that reads ``os.environ``.

Fail fast when deployed. Every function must have the variables that template.yaml's Globals give to
every function (``CASELINE_ENVIRONMENT``, ``TABLE_NAME``, ``FORCES``, and the Lambda runtime's
``AWS_REGION``). The first ``get_settings()`` checks them, and ``caseline.observability`` makes that call
at import, so a missing or empty one stops the function at import with a ``SettingsError`` that names
every such variable. A variable that only some functions get (``EMAIL_FROM``, ``PORTAL_URL``, the secret
prefixes, the key ids...) is checked when it is read: reading one that is not set raises a
``SettingsError`` that names it. Each handler reads its own variables at import, so a function that the
template leaves without one also stops at import (tests/functional/test_deployed_settings.py imports each
handler with exactly the template's variables).

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
    "DATA_KEY_ID": "",
    "REPORT_RATE_KEY_ID": "",
}


class SettingsError(RuntimeError):
    """A required environment variable is missing, empty or malformed: the function must not start."""


@dataclass(frozen=True)
class Settings:
    environment: str
    region: str
    table_name: str
    forces: tuple[str, ...]
    endpoint_url: str | None = None
    xray_sdk: bool = False
    ses_configuration_set: str | None = None
    # The variables that only some functions get, as set (empty ones left out); read through the properties.
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

    @property
    def webhook_secret_prefix(self) -> str:
        return self.variable("WEBHOOK_SECRET_PREFIX")

    @property
    def outbound_secret_prefix(self) -> str:
        return self.variable("OUTBOUND_SECRET_PREFIX")

    @property
    def email_from(self) -> str:
        return self.variable("EMAIL_FROM")

    @property
    def portal_url(self) -> str:
        return self.variable("PORTAL_URL")

    @property
    def outbound_queue_url(self) -> str:
        return self.variable("OUTBOUND_QUEUE_URL")

    @property
    def user_pool_id(self) -> str:
        return self.variable("USER_POOL_ID")

    @property
    def data_key_id(self) -> str:
        """The table's KMS key: reports' personal fields and access codes are sealed with it."""
        return self.variable("DATA_KEY_ID")

    @property
    def report_rate_key_id(self) -> str:
        """The KMS HMAC key: the report limits' keyed hashes of addresses."""
        return self.variable("REPORT_RATE_KEY_ID")


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
