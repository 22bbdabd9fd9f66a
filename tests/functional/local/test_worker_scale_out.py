"""A gateway function's worker starts another environment when it is busy, as Lambda scales out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caseline_local.workers import FunctionSpec, FunctionWorker

HANDLER = """
import os
import time
from pathlib import Path


def lambda_handler(event, context):
    deadline = time.monotonic() + 30
    while event.get("until") and not Path(event["until"]).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return {"pid": os.getpid()}
"""


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[FunctionWorker]:
    (tmp_path / "handler.py").write_text(HANDLER)
    spec = FunctionSpec("GateFunction", "caseline-local-gate", tmp_path, "handler.lambda_handler", {}, 60, 128)
    started = FunctionWorker(spec, tmp_path, concurrency=2)
    try:
        started.wait_ready()
        yield started
    finally:
        started.stop()


def wait_for(condition: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_busy_function_starts_another_environment_and_stops_it_with_itself(
    worker: FunctionWorker, tmp_path: Path
) -> None:
    # Given an invocation holding the worker's first environment until a gate opens
    gate = tmp_path / "gate"
    answers: list[Any] = []
    held = threading.Thread(target=lambda: answers.append(worker.invoke({"until": str(gate)})))
    held.start()
    wait_for(worker._lock.locked)
    # When another invocation arrives while it is busy
    waiting = threading.Thread(target=lambda: answers.append(worker.invoke({})))
    waiting.start()
    # Then a second environment starts (in the background), and the next invocation is served by it
    wait_for(lambda: len(worker.extra) == 1)
    other = worker.invoke({})
    assert other["pid"] == worker.extra[0].pid != worker.pid
    gate.touch()
    held.join(timeout=60)
    waiting.join(timeout=60)
    assert {answer["pid"] for answer in answers} <= {worker.pid, worker.extra[0].pid}
    assert len(worker.extra) == 1  # no more than ``concurrency`` environments
    # And stopping the worker stops every environment it started
    extra = worker.extra[0]
    worker.stop()
    assert not extra._process.is_alive()
