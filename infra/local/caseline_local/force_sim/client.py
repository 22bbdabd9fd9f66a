"""Sign and post events as a force system would (Standard Webhooks over urllib), alone or in a burst,
and find the running local stack's gateway and a force's secret."""

from __future__ import annotations

import itertools
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from caseline.domain.signing import sign

from .events import Event
from .scenarios import Delivery

ROOT = Path(__file__).resolve().parents[4]
STATE_FILE = ROOT / ".local-stack" / "state.json"
CONTENT_TYPE = "application/cloudevents+json"
TIMEOUT_SECONDS = 15.0


# 409: an event about a victim whose crime.recorded has not arrived yet (nothing stored: send it again later)
RETRYABLE = frozenset({0, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Response:
    status: int  # 0: no HTTP answer (connection refused, timeout)
    body: dict[str, Any]
    retry_after: float | None = None  # seconds, from a Retry-After header
    earlier: tuple[str, ...] = ()  # "status outcome" of each earlier attempt of the same delivery

    @property
    def outcome(self) -> str:
        """The body's ``status`` (accepted, stale, duplicate) or the problem ``type``."""
        if self.status == 0:
            return f"no answer ({self.body.get('error', 'network error')})"
        return str(self.body.get("status") if self.status < 300 else self.body.get("type", self.status))


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def encode(event: Event) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signed_headers(secret: str, webhook_id: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    moment = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": CONTENT_TYPE,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(moment),
        "webhook-signature": sign(secret, webhook_id, moment, body),
    }


def webhook_url(gateway: str, force_id: str) -> str:
    return f"{gateway.rstrip('/')}/v1/webhooks/{force_id}"


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return {"raw": raw.decode("utf-8", "replace")}
    return parsed if isinstance(parsed, dict) else {"raw": parsed}


def request(
    url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = TIMEOUT_SECONDS
) -> Response:
    """One HTTP request; HTTP errors are answers, not exceptions. Network failures raise ``OSError``."""
    method = "POST" if body is not None else "GET"
    outgoing = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as answer:
            return Response(answer.status, _parse(answer.read()))
    except urllib.error.HTTPError as error:
        wait = error.headers.get("Retry-After", "") if error.headers else ""
        return Response(error.code, _parse(error.read()), float(wait) if wait.isdigit() else None)


def post_signed(
    url: str, body: bytes, secret: str, *, webhook_id: str | None = None, timeout: float = TIMEOUT_SECONDS
) -> Response:
    """Sign ``body`` afresh (a retry keeps the webhook-id and gets a new timestamp) and POST it."""
    headers = signed_headers(secret, webhook_id or new_webhook_id(), body)
    return request(url, body=body, headers=headers, timeout=timeout)


@dataclass(frozen=True)
class Retries:
    """How a force system retries one delivery: ``attempts`` in all, each waiting ``timeout`` seconds for
    an answer; between them as Retry-After says (at most ``max_wait`` seconds), else backing off from 0.2 s."""

    attempts: int = 6
    max_wait: float = 5.0
    timeout: float = TIMEOUT_SECONDS

    def wait(self, response: Response, attempt: int) -> float:
        return min(self.max_wait, response.retry_after if response.retry_after is not None else 0.2 * 2**attempt)


RETRIES = Retries()  # what a force system should do by default


def post_with_retries(
    url: str,
    body: bytes,
    secret: str,
    webhook_id: str,
    retries: Retries = RETRIES,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Response:
    """What a force system should do: retry 409, 429, 5xx and network failures with the same webhook-id
    and a fresh signature, as ``retries`` says."""
    earlier: list[str] = []
    for attempt in range(retries.attempts):
        try:
            response = post_signed(url, body, secret, webhook_id=webhook_id, timeout=retries.timeout)
        except OSError as error:
            response = Response(0, {"error": type(error).__name__})
        if response.status not in RETRYABLE or attempt == retries.attempts - 1:
            return replace(response, earlier=tuple(earlier))
        earlier.append(f"{response.status} {response.outcome}")
        sleep(retries.wait(response, attempt))
    raise AssertionError("unreachable")


def post_event(gateway: str, force_id: str, event: Event, secret: str, *, webhook_id: str | None = None) -> Response:
    return post_signed(webhook_url(gateway, force_id), encode(event), secret, webhook_id=webhook_id)


@dataclass
class RunReport:
    """What a batch of requests got back, and how long it took (wall clock)."""

    statuses: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    responses: list[Response] = field(default_factory=list)
    retried: Counter[str] = field(default_factory=Counter)  # earlier attempts' "status outcome"
    latencies: list[float] = field(default_factory=list)  # seconds per call (retries included), in order

    @property
    def per_second(self) -> float:
        return len(self.responses) / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


def run_concurrently(
    calls: Sequence[Callable[[], Response]], concurrency: int, *, progress: Callable[[int], None] | None = None
) -> RunReport:
    """Run ``calls`` on ``concurrency`` threads, in order of submission. Network failures count as status 0.
    ``progress`` is called with the number of calls done so far after each one."""
    done = itertools.count(1)

    def timed(call: Callable[[], Response]) -> tuple[Response, float]:
        began = time.perf_counter()
        try:
            response = call()
        except OSError as error:
            response = Response(0, {"error": type(error).__name__})
        elapsed = time.perf_counter() - began
        if progress is not None:
            progress(next(done))
        return response, elapsed

    report = RunReport()
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(timed, calls))
    report.seconds = time.perf_counter() - began
    report.responses = [response for response, _ in results]
    report.latencies = [seconds for _, seconds in results]
    for response in report.responses:
        report.statuses[response.status] += 1
        report.outcomes[response.outcome] += 1
        report.retried.update(response.earlier)
    return report


def deliver(
    deliveries: Sequence[Delivery],
    gateway: str,
    force_id: str,
    secret: str,
    *,
    concurrency: int = 4,
    retries: Retries = RETRIES,
    progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Post every delivery as a force would: concurrently, each retried until a final answer."""
    url = webhook_url(gateway, force_id)
    calls = [partial(post_with_retries, url, encode(d.event), secret, d.webhook_id, retries) for d in deliveries]
    return run_concurrently(calls, concurrency, progress=progress)


def local_stack(state_file: Path = STATE_FILE) -> dict[str, Any]:
    """The running local stack's ``gateway``, ``aws_endpoint`` and ``region`` (written by ``make dev``)."""
    if not state_file.exists():
        raise SystemExit(f"No local stack is running ({state_file} is missing): start it with `make dev`.")
    return dict(json.loads(state_file.read_text(encoding="utf-8")))


def local_secret(force_id: str, state: dict[str, Any]) -> str:
    """The force's current webhook secret from the local stack's (moto) Secrets Manager."""
    import boto3  # only the commands that talk to a running stack need it

    fake = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local"}
    os.environ.update({**fake, "AWS_ENDPOINT_URL": state["aws_endpoint"]})
    client = boto3.session.Session(region_name=state["region"]).client("secretsmanager")
    secret = client.get_secret_value(SecretId=f"caseline/local/webhook/{force_id}")["SecretString"]
    return str(json.loads(secret)["current"])
