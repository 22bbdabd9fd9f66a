"""Unit tests run with no network at all and no Hypothesis example database on disk."""

from __future__ import annotations

import pytest
import pytest_socket
from hypothesis import settings

settings.register_profile("caseline-unit", database=None, deadline=None)
settings.load_profile("caseline-unit")


@pytest.hookimpl(trylast=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Runs after pytest-socket's own hook, so no marker or CLI flag can re-enable sockets here."""
    pytest_socket.disable_socket(allow_unix_socket=False)
