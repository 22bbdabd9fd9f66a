"""When a poller counts as quiet: what ``LocalStack.wait_idle`` asks of every stream and queue poller."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from caseline_local.pollers import Poller


class Scripted(Poller):
    """Finds work on the polls the script says, then nothing; each poll takes ``work`` seconds."""

    def __init__(self, script: list[bool], work: float = 0.05) -> None:
        super().__init__("scripted", threading.Event(), interval=0.01)
        self.script, self.work = list(script), work

    def poll_once(self) -> bool:
        time.sleep(self.work)
        return self.script.pop(0) if self.script else False


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met")


def test_quiet_only_after_a_poll_that_began_after_the_moment_found_nothing() -> None:
    poller = Scripted([True, True, True])
    moment = time.monotonic()
    # Before it has polled at all: not yet quiet
    assert poller.quiet_since(moment) is False
    poller.start()
    try:
        # While it finds work after the moment, the moment is spoiled (None) for good
        wait_for(lambda: poller.quiet_since(moment) is None)
        settled = time.monotonic() + 0.2  # after the three busy polls
        wait_for(lambda: poller.quiet_since(settled) is True)
        assert poller.last_busy <= settled < poller.last_empty
        assert poller.quiet_since(moment) is None
    finally:
        poller.stop_event.set()
        poller.join(timeout=5)


def test_a_poll_that_found_work_after_the_moment_is_never_quiet_for_it() -> None:
    poller = Scripted([False, True])
    moment = time.monotonic()
    poller.start()
    try:
        wait_for(lambda: poller.last_busy > moment)
        # It polled empty after the moment too, but found work since: that moment cannot count as quiet
        assert poller.last_empty > moment
        assert poller.quiet_since(moment) is None
    finally:
        poller.stop_event.set()
        poller.join(timeout=5)
