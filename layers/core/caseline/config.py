"""Settings read once from the environment. The only module that reads ``os.environ``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    environment: str
    region: str
    table_name: str
    forces: tuple[str, ...]
    webhook_secret_prefix: str
    email_from: str
    portal_url: str
    endpoint_url: str | None
    xray_sdk: bool
    outbound_queue_url: str
    outbound_secret_prefix: str
    user_pool_id: str
    ses_configuration_set: str | None
    data_key_id: str = ""  # the table's KMS key: reports' personal fields are sealed with it
    report_rate_key_id: str = ""  # the KMS HMAC key: the report limits' keyed hashes of addresses


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        environment=env.get("CASELINE_ENVIRONMENT", "local"),
        region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "eu-west-2")),
        table_name=env.get("TABLE_NAME", "caseline-local"),
        forces=_split(env.get("FORCES", "thames-valley,hampshire")),
        webhook_secret_prefix=env.get("WEBHOOK_SECRET_PREFIX", "caseline/local/webhook/"),
        email_from=env.get("EMAIL_FROM", "no-reply@caseline.example.org"),
        portal_url=env.get("PORTAL_URL", "http://127.0.0.1:8080"),
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        xray_sdk=env.get("CASELINE_XRAY_SDK", "false").lower() == "true",
        outbound_queue_url=env.get("OUTBOUND_QUEUE_URL", ""),
        outbound_secret_prefix=env.get("OUTBOUND_SECRET_PREFIX", "caseline/local/outbound/"),
        user_pool_id=env.get("USER_POOL_ID", ""),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET") or None,
        data_key_id=env.get("DATA_KEY_ID", ""),
        report_rate_key_id=env.get("REPORT_RATE_KEY_ID", ""),
    )
