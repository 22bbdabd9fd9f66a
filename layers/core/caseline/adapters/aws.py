"""botocore clients, created once per process and only when first used (no boto3: it costs cold-start time and
adds nothing here).

``client("kms")`` returns a stand-in that builds the real client on its first attribute access: a function
pays for the clients an invocation uses (Dispatch sends an email through SES or a text through SNS, rarely
both; KMS only for access codes and reports), not for every client it might need (~60-100 ms each).
"""

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
def _real_client(service: str) -> Any:
    return _session().create_client(service, region_name=get_settings().region, config=_CONFIG)


class _LazyClient:
    """Forwards every attribute to the service's client, built on first use."""

    __slots__ = ("_service",)

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_client(self._service), name)

    def __repr__(self) -> str:
        return f"<client {self._service} (built on first use)>"


_asked: dict[str, _LazyClient] = {}


def client(service: str) -> Any:
    return _asked.setdefault(service, _LazyClient(service))


def prepare() -> None:
    """Build every client asked for so far, now (the cold-start benchmark's "with clients" column)."""
    for service in _asked:
        _real_client(service)


def reset() -> None:
    """Forget every client and the session (tests: a new moto account, or a hook added to botocore's handlers)."""
    _asked.clear()
    _real_client.cache_clear()
    _session.cache_clear()
