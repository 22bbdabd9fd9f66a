"""A stack starts at real time: a clock an earlier run moved (`make force-month` leaves
.local-stack/clock.json a month on) is not carried into the next `make dev`, whose demo events are
signed at real time and whose sweep would otherwise find a month of duties missed at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# A whole stack in its own process (it patches moto for the process), reporting its clock and demo answers
START = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from caseline_local.stack import LocalStack, StackConfig
stack = LocalStack(StackConfig(port=0, state_dir=Path(sys.argv[1]), schedule_seconds=3600))
try:
    stack.start()
    ahead = (stack.now() - datetime.now(UTC)).total_seconds()
    print(json.dumps({"ahead": ahead, "demo": [status for _, status, _ in stack.demo_results]}))
finally:
    stack.stop()
"""


def test_a_clock_moved_by_an_earlier_run_starts_again_from_now(tmp_path: Path) -> None:
    # Given an earlier run that moved the stack's clock thirty days on, then stopped
    (tmp_path / "clock.json").write_text(json.dumps({"offset_seconds": 30 * 86400}))
    paths = os.pathsep.join(str(ROOT / part) for part in ("layers/core", "infra/local"))

    # When a new stack starts with its demo events
    run = subprocess.run(
        [sys.executable, "-c", START, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": paths},
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then its clock reads real time, and the demo events signed at real time are accepted
    assert run.returncode == 0, run.stderr
    started = json.loads(run.stdout.strip().splitlines()[-1])
    assert abs(started["ahead"]) < 60
    assert started["demo"] and set(started["demo"]) == {202}
