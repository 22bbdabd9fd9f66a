"""The unit suite's own guard: no test under tests/unit can open a network connection."""

from __future__ import annotations

import socket

import pytest
import pytest_socket

pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")


def test_opening_a_socket_is_blocked() -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


@pytest.mark.enable_socket
def test_the_enable_socket_marker_cannot_reopen_the_network() -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)


def test_name_resolution_is_blocked() -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.getaddrinfo("example.org", 443)
