"""Run each function's handler in its own long-lived process, like a warm Lambda execution environment.

Each worker gets exactly the environment variables the template gives its function (Refs resolved to
local resources), imports ``functions/<name>/handler.py`` once, and serves one invocation at a time.
A worker made with ``concurrency`` above 1 (the gateway's functions) starts another environment, up to
that many, when an invocation arrives while every one it has is busy, as Lambda scales out.

Environments are forked from one server process that has already imported the libraries every function
loads (boto3, pydantic, Powertools, PynamoDB): each then imports only Caseline and its handler, so the
stack starts in about a second less on two cores. Nothing the server imports reads the environment, and
each environment is given the stack's environment and its function's variables before its handler loads.

A worker whose process dies mid-invocation (killed by fault injection through ``kill_after``, or stopped
after a time-out, as Lambda stops a timed-out runtime) reports a function error and starts a fresh process
(a cold start) before its next invocation.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import multiprocessing
import multiprocessing.spawn
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

CLOCK_FILE_VARIABLE = "CASELINE_LOCAL_CLOCK_FILE"


def read_clock_offset(path: Path) -> float:
    """Seconds the local stack's clock runs ahead of real time (0 when never moved)."""
    try:
        return float(json.loads(path.read_text())["offset_seconds"])
    except (OSError, ValueError, KeyError):
        return 0.0


def _follow_local_clock(path: Path) -> None:  # pragma: no cover - runs in the child
    """Make the functions' clock the stack's controllable clock (scenario tests move it forward)."""
    from caseline.adapters import clock

    def now(self: object) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=read_clock_offset(path))

    clock.SystemClock.now = now  # type: ignore[method-assign]


_PROCESS_PREFIX = "lambda-"
# Imported once by the fork server, before any environment: third-party only, never Caseline.
PRELOADED = ("boto3", "botocore.session", "pydantic", "aws_lambda_powertools.event_handler", "pynamodb.models")
_preparation_data = multiprocessing.spawn.get_preparation_data


def _without_main(name: str) -> dict[str, Any]:
    """What a spawned process is prepared with; for a function's environment, not the parent's ``__main__``.
    A script that starts a stack (a benchmark, a test runner) would otherwise be imported again into every
    environment, and with it moto and the whole stack: 125 MiB an environment instead of 45."""
    data: dict[str, Any] = _preparation_data(name)
    if name.startswith(_PROCESS_PREFIX):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


multiprocessing.spawn.get_preparation_data = _without_main


@functools.cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOADED))
    return context


class InvocationError(Exception):
    """The handler raised: Lambda reports a function error."""


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    function_name: str
    code_dir: Path
    handler: str
    environment: dict[str, str]
    timeout: int
    memory: int


class _Context:
    def __init__(self, spec: FunctionSpec) -> None:
        self.function_name = spec.function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{spec.function_name}"
        self.memory_limit_in_mb = spec.memory
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.function_name}"
        self.log_stream_name = "local"
        self._ends = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends - time.monotonic()) * 1000))


def _serve(
    spec: FunctionSpec, environment: dict[str, str], log_path: str, connection: Connection
) -> None:  # pragma: no cover - child
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ.clear()  # the stack's environment now, not the fork server's when it started
    os.environ.update(environment)
    os.environ.update(spec.environment)
    sys.path.insert(0, str(spec.code_dir))
    clock_file = os.environ.get(CLOCK_FILE_VARIABLE)
    if clock_file:
        _follow_local_clock(Path(clock_file))
    module_name, function_name = spec.handler.rsplit(".", 1)
    try:
        module_spec = importlib.util.spec_from_file_location(
            f"{spec.logical_id}_{module_name}", spec.code_dir / f"{module_name}.py"
        )
        assert module_spec and module_spec.loader
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module  # as a real import would: pydantic resolves annotations here
        module_spec.loader.exec_module(module)
        handler = getattr(module, function_name)
        connection.send(("ready", None))
    except BaseException:
        connection.send(("init-error", traceback.format_exc()))
        return
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        try:
            connection.send(("ok", handler(message, _Context(spec))))
        except Exception as exc:
            traceback.print_exc()
            connection.send(("error", f"{type(exc).__name__}"))
        sys.stdout.flush()


class FunctionWorker:
    def __init__(
        self,
        spec: FunctionSpec,
        log_dir: Path,
        *,
        kill_after: Callable[[str], float | None] | None = None,
        concurrency: int = 1,
    ) -> None:
        self.spec = spec
        # Asked at each invocation (with the logical id): seconds after which to kill the process, or None.
        self.kill_after = kill_after
        self._log_dir, self._log_path = log_dir, str(log_dir / f"{spec.logical_id}.log")
        self._lock = threading.Lock()
        self.concurrency = concurrency
        self.extra: list[FunctionWorker] = []  # environments started when this one was busy
        self._extra_lock = threading.Lock()
        self._starting = self._stopped = False
        self._dead = False  # killed: start a new process before the next invocation
        self._spawn()

    def _spawn(self) -> None:
        context = _context()
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(self.spec, dict(os.environ), self._log_path, child),
            daemon=True,
            name=f"{_PROCESS_PREFIX}{self.spec.logical_id}",
        )
        self._process.start()
        child.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        if not self._connection.poll(timeout):
            raise RuntimeError(f"{self.spec.logical_id} did not initialise within {timeout} s")
        status, detail = self._connection.recv()
        if status != "ready":
            raise RuntimeError(f"{self.spec.logical_id} failed to initialise:\n{detail}")

    def invoke(self, event: dict[str, Any]) -> Any:
        if self.concurrency > 1 and self._lock.locked():
            other = self._free_environment()
            if other is not None:
                return other.invoke(event)
        return self._invoke_here(event)

    def _free_environment(self) -> FunctionWorker | None:
        """An extra environment that is not busy (None: wait for this one). When there is none and there is
        room, another starts in the background: the caller does not wait for its cold start."""
        with self._extra_lock:
            free = next((w for w in self.extra if not w._lock.locked()), None)
            if free is None and not self._starting and len(self.extra) + 1 < self.concurrency:
                self._starting = True
                threading.Thread(target=self._start_another, name="cold-start", daemon=True).start()
            return free

    def _start_another(self) -> None:
        new = FunctionWorker(self.spec, self._log_dir, kill_after=self.kill_after)
        try:
            new.wait_ready()
        except RuntimeError:
            new._kill()
            return
        finally:
            self._starting = False
        with self._extra_lock:
            self.extra.append(new)
        if self._stopped:
            new.stop()

    def _invoke_here(self, event: dict[str, Any]) -> Any:
        with self._lock:
            if self._dead:
                self._restart()
            kill_after = self.kill_after(self.spec.logical_id) if self.kill_after is not None else None
            self._connection.send(event)
            if kill_after is not None:
                # Killed while it runs, or as it finishes if sooner: its answer is lost either way.
                self._connection.poll(kill_after)
                self._kill()
                raise InvocationError(f"{self.spec.logical_id} was killed mid-invocation (fault injection)")
            if not self._connection.poll(self.spec.timeout + 5):
                self._kill()  # as Lambda stops a timed-out runtime: its late answer must not reach the next call
                raise InvocationError(f"{self.spec.logical_id} timed out")
            try:
                status, payload = self._connection.recv()
            except EOFError:  # the process died on its own (a crashed runtime)
                self._kill()
                raise InvocationError(f"{self.spec.logical_id} exited mid-invocation") from None
        if status != "ok":
            raise InvocationError(f"{self.spec.logical_id} raised {payload}")
        return payload

    def _kill(self) -> None:
        self._process.kill()
        self._process.join(timeout=5)
        self._connection.close()
        self._dead = True

    def _restart(self) -> None:
        self._spawn()
        try:
            self.wait_ready()
        except RuntimeError as exc:
            self._kill()
            raise InvocationError(f"{self.spec.logical_id} failed to restart: {exc}") from exc
        self._dead = False

    def stop(self) -> None:
        self._stopped = True
        for other in list(self.extra):
            other.stop()
        if self._dead:
            return
        with contextlib.suppress(BrokenPipeError, OSError):
            self._connection.send(None)
        self._process.join(timeout=3)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)
