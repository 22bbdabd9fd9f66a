"""The local gateway's server prints a request thread's error, except a client dropping its connection."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from caseline_local.gateway import QuietHTTPServer


def report(server: QuietHTTPServer, error: Exception) -> None:
    try:
        raise error
    except Exception:
        server.handle_error(None, ("127.0.0.1", 40000))


def test_a_dropped_connection_is_quiet_and_a_real_error_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    server = QuietHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    try:
        report(server, ConnectionResetError(104, "Connection reset by peer"))
        report(server, BrokenPipeError(32, "Broken pipe"))
        assert capsys.readouterr().err == ""
        report(server, ValueError("a fault in the stack"))
        assert "ValueError: a fault in the stack" in capsys.readouterr().err
    finally:
        server.server_close()
