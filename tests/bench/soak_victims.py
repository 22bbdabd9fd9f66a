"""The soak benchmark's victims, and its HTTP, read-back and memory helpers (see soak.py).

Each victim has a case of their own, created by a signed ``crime.recorded`` event carrying their
fictional contact details (an example.org address and an Ofcom drama number, +44 7700 900xxx). The
victim signs up through the gateway's Cognito proxy as the portal does, reads the one-time code from the
text message in the sent log, links the case, then keeps reading it (case list and case view) and now and
then sends a message or asks for an update, until told to stop.
"""

# ruff: noqa: T201  (the fault schedule says what it could not do)
from __future__ import annotations

import json
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caseline_local.cognito_srp import srp_sign_in
from caseline_local.force_sim.events import Event, EventContext, crime_recorded
from caseline_local.force_sim.people import force

CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")
MAX_MESSAGES = 8  # under the API's 10 messages per victim per case in 24 hours: a 429 would be a bug
TOKEN_MAX_AGE = 600.0  # re-sign-in before the 15-minute ID token expires
ONBOARD_TIMEOUT = 600.0  # the confirmation text may be held back by a provider fault for a while
TIMEOUT = 60.0
ARRIVALS = 60.0  # seconds over which the victims first arrive
SIGN_UP_ATTEMPTS = 4  # a person who cannot get in tries again a few times, then gives up
FORCES = ["thames-valley", "hampshire"]


@dataclass
class Answer:
    status: int  # 0: no HTTP answer
    body: Any
    seconds: float


def call(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    """One request; a JSON body in and out. HTTP errors are answers; network failures are status 0."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    outgoing = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(outgoing, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except OSError:
        status, raw = 0, b""
    seconds = time.perf_counter() - began
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return Answer(status, parsed, seconds)


class Faults:
    """The gateway's /_local/faults page; absent (404) means the stack has no fault injection."""

    def __init__(self, gateway: str) -> None:
        self.url = f"{gateway}/_local/faults"
        self.available = call("GET", self.url).status == 200
        if not self.available:
            print("fault injection not available: the run goes on without faults", flush=True)

    def apply(self, settings: dict[str, Any]) -> None:
        if self.available:
            answer = call("PUT", self.url, body={"aws": [], "force_endpoints": {}, "kill": [], **settings})
            if answer.status >= 300:
                print(f"  faults refused: HTTP {answer.status} {answer.body}", flush=True)

    def clear(self) -> None:
        if self.available:
            call("DELETE", self.url)

    def injected(self) -> Any:
        return call("GET", self.url).body.get("injected") if self.available else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def summary_ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms,"
        f" max {max(values) * 1000:.0f} ms ({len(values)} requests)"
    )


@dataclass
class VictimStats:
    """Shared by every victim thread (list appends and Counter updates are safe enough under the GIL)."""

    case_view: list[float] = field(default_factory=list)
    case_list: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # "GET case 200"
    linked: int = 0
    failures: list[str] = field(default_factory=list)

    def server_errors(self) -> int:
        return sum(n for key, n in self.statuses.items() if key.endswith(" 0") or key.split()[-1].startswith("5"))


@dataclass
class Victim:
    index: int
    force_id: str
    case_id: str
    event: Event
    password: str = field(default_factory=lambda: f"correct horse {uuid.uuid4().hex}")
    token: str = ""
    token_at: float = 0.0
    messages: int = 0

    @property
    def email(self) -> str:
        return str(self.event["data"]["victim"]["email"])

    @property
    def mobile(self) -> str:
        return str(self.event["data"]["victim"]["mobile"])

    @property
    def crime_reference(self) -> str:
        return str(self.event["data"]["crime_reference"])


def make_victims(count: int, forces: list[str], run_id: str, start: datetime) -> list[Victim]:
    """``count`` victims, alternating forces, each with a new case whose crime.recorded names them."""
    victims = []
    for index in range(count):
        force_id = forces[index % len(forces)]
        case_id = f"{force(force_id).case_prefix}-{run_id}V-{index:04d}"
        event = crime_recorded(EventContext(force_id, case_id, 1, start))
        event["data"]["victim"].update(
            email=f"soak.victim.{run_id.lower()}.{index:04d}@example.org", mobile=f"+447700900{index % 1000:03d}"
        )
        victims.append(Victim(index, force_id, case_id, event))
    return victims


class VictimRunner:
    """Runs one victim on a thread: onboard, then read and act until ``stop`` is set."""

    def __init__(
        self,
        gateway: str,
        client_id: str,
        stats: VictimStats,
        stop: threading.Event,
        *,
        think: float,
        seed: int,
        pool_id: str,
        run_seconds: float,
    ) -> None:
        self.gateway, self.client_id, self.stats, self.stop = gateway, client_id, stats, stop
        self.pool_id = pool_id
        self.think = think
        self.seed = seed
        self.began, self.run_seconds = time.monotonic(), run_seconds

    # ------------------------------------------------------------ Cognito through the gateway's proxy
    def _cognito(self, operation: str, body: dict[str, Any]) -> Answer:
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        }
        return call("POST", f"{self.gateway}/_local/cognito", body=body, headers=headers)

    def sign_up(self, victim: Victim) -> None:
        """As a person does: sign up, confirm, sign in; when a step gets no answer or a refusal, start again
        after a pause (sign-up answers the same for a new and a known address). Each new start is counted."""
        body = {"email": victim.email, "password": victim.password}  # Cognito's sign-up only through the API
        json_type = {"Content-Type": "application/json"}
        confirm = {"email": victim.email, "code": "000000"}
        reason = ""
        for attempt in range(SIGN_UP_ATTEMPTS):
            if attempt:
                self.stats.statuses["sign-up started again"] += 1
                time.sleep(min(60.0, 5.0 * 2**attempt))
            for path, sent in (("accounts", body), ("accounts/confirmation", confirm)):
                answer = call("POST", f"{self.gateway}/v1/{path}", body=sent, headers=json_type)
                self.stats.statuses[f"POST {path} {answer.status}"] += 1
            try:
                self.sign_in(victim)
                return
            except RuntimeError as refused:
                reason = str(refused)
        raise RuntimeError(f"could not sign up in {SIGN_UP_ATTEMPTS} attempts: {reason}")

    def sign_in(self, victim: Victim) -> None:
        answers: list[Answer] = []

        def call(operation: str, body: dict[str, Any]) -> dict[str, Any]:
            answers.append(self._cognito(operation, body))
            return answers[-1].body if isinstance(answers[-1].body, dict) else {}

        srp_sign_in(call, self.client_id, self.pool_id, victim.email, victim.password)  # SRP only, as the portal
        answer = answers[-1]
        if answer.status != 200:
            raise RuntimeError(f"sign-in refused: HTTP {answer.status} {answer.body}")
        victim.token, victim.token_at = answer.body["AuthenticationResult"]["IdToken"], time.monotonic()

    # ------------------------------------------------------------ the victim API
    def _api(self, victim: Victim, method: str, path: str, label: str, body: Any = None) -> Answer:
        if time.monotonic() - victim.token_at > TOKEN_MAX_AGE:
            self.sign_in(victim)
        headers = {"Authorization": victim.token, "Content-Type": "application/json"}
        answer = call(method, self.gateway + path, body=body, headers=headers)
        if answer.status == 401:  # the token expired early: sign in again once
            self.sign_in(victim)
            headers["Authorization"] = victim.token
            answer = call(method, self.gateway + path, body=body, headers=headers)
        self.stats.statuses[f"{label} {answer.status}"] += 1
        return answer

    def access_code(self, victim: Victim) -> str:
        """The code from the text to the victim's number that names their crime reference."""
        query = urllib.parse.urlencode({"to": victim.mobile})
        deadline = time.monotonic() + ONBOARD_TIMEOUT
        while time.monotonic() < deadline and not self.stop.is_set():
            answer = call("GET", f"{self.gateway}/_local/sent.json?{query}")
            for message in answer.body or []:
                found = CODE.search(message["body"]) if victim.crime_reference in message["body"] else None
                if found:
                    return found.group(1)
            time.sleep(2.0)
        raise RuntimeError("no text with the access code arrived")

    def link(self, victim: Victim) -> None:
        body = {"crime_reference": victim.crime_reference, "access_code": self.access_code(victim)}
        for _ in range(5):
            answer = self._api(victim, "POST", "/v1/me/links", "POST links", body)
            if answer.status == 201:
                self.stats.linked += 1
                return
            if answer.status < 500:
                raise RuntimeError(f"link refused: HTTP {answer.status} {answer.body}")
            time.sleep(5.0)
        raise RuntimeError("link kept failing with 5xx")

    def act(self, victim: Victim, rng: random.Random) -> None:
        """One visit: the case list, the case view, and sometimes a message or an update request."""
        path = f"/v1/cases/{victim.force_id}/{victim.case_id}"
        listed = self._api(victim, "GET", "/v1/me/cases", "GET me/cases")
        if listed.status == 200:
            self.stats.case_list.append(listed.seconds)
        viewed = self._api(victim, "GET", path, "GET case")
        if viewed.status == 200:
            self.stats.case_view.append(viewed.seconds)
            if viewed.body.get("crime_reference") != victim.crime_reference:
                self.stats.failures.append(f"victim {victim.index} was shown another case")
        roll = rng.random()
        if roll < 0.25 and victim.messages < self._messages_allowed():
            victim.messages += 1
            text = f"Soak message {victim.messages} from victim {victim.index}: any news about my case?"
            answer = self._api(victim, "POST", path + "/messages", "POST messages", {"text": text})
            self.stats.actions.append(answer.seconds)
        elif roll < 0.35:
            answer = self._api(victim, "POST", path + "/update-requests", "POST update-requests", b"")
            self.stats.actions.append(answer.seconds)

    def _messages_allowed(self) -> int:
        """A victim's messages are spread over the whole load (one more allowed each eighth of it), so that
        the force's inbox gets officer tasks during every fault phase, the endpoint faults included; at the
        first visits' pace all eight went in the first few minutes."""
        share = (time.monotonic() - self.began) / max(1.0, self.run_seconds)
        return min(MAX_MESSAGES, 1 + int(share * MAX_MESSAGES))

    def run(self, victim: Victim, arrives_after: float = 0.0) -> None:
        rng = random.Random(self.seed * 1000 + victim.index)
        if self.stop.wait(arrives_after):
            return
        try:
            self.sign_up(victim)
            self.link(victim)
            while not self.stop.wait(rng.uniform(0.5, 1.5) * self.think):
                self.act(victim, rng)
        except Exception as error:  # a victim that cannot go on is reported, the others carry on
            self.stats.failures.append(f"victim {victim.index} ({victim.case_id}): {error}")

    def start(self, victims: list[Victim]) -> list[threading.Thread]:
        """The victims arrive over the first ``ARRIVALS`` seconds, as people do, not all in one instant: each
        sign-up holds one of the accounts function's four local environments for its 1.5 s answer floor."""
        gap = ARRIVALS / max(1, len(victims))
        threads = [
            threading.Thread(target=self.run, args=(v, n * gap), name=f"victim-{v.index}", daemon=True)
            for n, v in enumerate(victims)
        ]
        for thread in threads:
            thread.start()
        return threads


# ------------------------------------------------------------------ read-back pages, polled and timed
class ReadBack(threading.Thread):
    def __init__(self, gateway: str, interval: float, stop: threading.Event) -> None:
        super().__init__(name="read-back", daemon=True)
        self.gateway, self.interval, self.stop = gateway, interval, stop
        self.sent: list[dict[str, Any]] = []
        self.inbox: dict[str, list[dict[str, Any]]] = {f: [] for f in FORCES}
        self.latencies: list[float] = []
        self.errors = 0

    def poll(self) -> None:
        since = self.sent[-1]["seq"] if self.sent else 0
        answer = call("GET", f"{self.gateway}/_local/sent.json?since={since}")
        self.latencies.append(answer.seconds)
        self.sent.extend(answer.body if answer.status == 200 else [])
        self.errors += answer.status != 200
        for force_id, received in self.inbox.items():
            answer = call("GET", f"{self.gateway}/_local/force-inbox.json?force={force_id}&since={len(received)}")
            self.latencies.append(answer.seconds)
            received.extend(answer.body.get(force_id, []) if answer.status == 200 else [])
            self.errors += answer.status != 200

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.poll()


# ------------------------------------------------------------------ memory
def rss_mib(pid: int | str = "self") -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0


def workers_rss(stack: Any) -> float:
    """Summed RSS of every function's worker processes, the extra environments a busy one started too."""
    workers = [e for w in stack.workers.values() for e in (w, *getattr(w, "extra", []))]
    return sum(rss_mib(w._process.pid) for w in workers if w._process.pid)
