"""botocore clients, created once per process (no boto3: it costs cold-start time and adds nothing here)."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

from caseline.config import get_settings

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


@cache
def _session() -> botocore.session.Session:
    # One session per process: its loader caches the service list and endpoint data, which each new session
    # would read again from disk.
    return botocore.session.get_session()


@cache
def client(service: str) -> Any:
    settings = get_settings()
    return _session().create_client(service, region_name=settings.region, config=_CONFIG)
