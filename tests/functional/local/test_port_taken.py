"""`make dev` on a port something else holds: one clear line and exit 1, not a traceback, and the other
stack's state file (how `make sent` finds a running stack) left alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# `python -m caseline_local up`, with the state directory moved to the test's own
UP = """
import functools, sys
from pathlib import Path
import caseline_local.__main__ as cli
cli.StackConfig = functools.partial(cli.StackConfig, state_dir=Path(sys.argv[1]))
cli.main(["up", "--port", sys.argv[2], "--no-demo"])
"""


def test_a_taken_port_is_named_and_the_running_stacks_state_is_kept(tmp_path: Path) -> None:
    # Given a stack already serving on a port, its state file written
    (tmp_path / "state.json").write_text('{"gateway": "http://127.0.0.1:1", "pid": 1}')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        paths = os.pathsep.join(str(ROOT / part) for part in ("layers/core", "infra/local"))

        # When a second stack is started on the same port
        run = subprocess.run(
            [sys.executable, "-c", UP, str(tmp_path), str(port)],
            env={**os.environ, "PYTHONPATH": paths},
            capture_output=True,
            text=True,
            timeout=120,
        )

    # Then it says which port is taken and how to choose another, and stops without a traceback
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert f"Port {port} is already in use" in run.stderr
    assert "PORT=" in run.stderr
    # and the first stack's state file is still there for `make sent` and `make demo-event`
    assert (tmp_path / "state.json").exists()
