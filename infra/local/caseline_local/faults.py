"""Fault injection for the local stack, switched at run time, so retries can be watched working.

Three kinds of fault, set together from one JSON document (``PUT /_local/faults``)::

    {
      "aws": [{"service": "dynamodb", "kind": "throttle", "share": 0.1, "function": "DispatchFunction"}],
      "force_endpoints": {"thames-valley": {"mode": "slow", "delay_seconds": 3}},
      "kill": [{"function": "DispatchFunction", "share": 0.05}]
    }

- ``aws``: a share of the AWS calls *made by functions* answered with the service's own throttling error
  (``throttle``) or an internal error (``error``: HTTP 500, or 503 with ``"status": 503``), in the service's
  protocol so botocore parses the code and applies its retry policy. Each function worker signs with its
  own access key id (:func:`function_access_key`); :class:`FaultMiddleware`, wrapped around moto's WSGI app,
  reads it from the SigV4 ``Authorization`` header. The stack's own calls (provisioning, pollers, read-backs)
  use another key and are never faulted.
- ``force_endpoints``: a force's outbound receiver answers slowly, is down (503), redirects (302) or hangs.
- ``kill``: a share of a function's invocations has its worker process killed mid-way, as a crashed
  runtime would; the worker restarts before its next invocation.

Rules are drawn independently per request (the first ``aws`` rule that matches and fires wins). Counters of
what was injected run from the stack's start and survive new settings.
"""

from __future__ import annotations

import json
import random as _random
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from caseline_local.force_sim.receiver import EndpointFault

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from moto.server import ThreadedMotoServer

    from caseline_local.force_sim.receiver import OutboundReceiver
    from caseline_local.workers import FunctionWorker

FUNCTION_KEY_PREFIX = "fn-"
SERVICES = ("dynamodb", "ses", "sns", "sqs", "secretsmanager", "kms", "cognito-idp")
AWS_KINDS = ("throttle", "error")
ERROR_STATUSES = (500, 503)
ENDPOINT_MODES = ("ok", "slow", "down", "redirect", "hang")
DEFAULT_DELAYS = {"slow": 3.0, "hang": 60.0}
MAX_DELAY_SECONDS = 600.0
KILL_WINDOW_SECONDS = (0.02, 0.2)
PROBLEM_TYPE = "urn:caseline:problem:invalid-fault-settings"

# The error each service answers, by kind: (HTTP status, error code).
THROTTLE_ERRORS: dict[str, tuple[int, str]] = {
    "dynamodb": (400, "ProvisionedThroughputExceededException"),
    "ses": (400, "Throttling"),
    "sns": (429, "Throttled"),  # SNS's ThrottledException is modelled as HTTP 429
    "sqs": (400, "ThrottlingException"),
    "secretsmanager": (400, "ThrottlingException"),
    "kms": (400, "ThrottlingException"),
    "cognito-idp": (400, "TooManyRequestsException"),  # Cognito's own throttling error
}
INTERNAL_ERRORS: dict[str, str] = {
    "dynamodb": "InternalServerError",
    "ses": "InternalFailure",
    "sns": "InternalError",
    "sqs": "InternalFailure",
    "secretsmanager": "InternalServiceError",
    "kms": "KMSInternalException",
    "cognito-idp": "InternalErrorException",
}
UNAVAILABLE_ERROR = "ServiceUnavailable"
QUERY_NAMESPACES = {
    "ses": "http://ses.amazonaws.com/doc/2010-12-01/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
}
JSON_CONTENT_TYPES = {"dynamodb": "application/x-amz-json-1.0", "sqs": "application/x-amz-json-1.0"}
QUERY_COMPATIBLE = frozenset({"sqs"})  # JSON, but botocore reads the query-protocol code from a header
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/,\s]+/[^/,\s]+/([^/,\s]+)/aws4_request")


def function_access_key(logical_id: str) -> str:
    """The access key id a function's worker signs with: it tells the fault middleware whose call it is."""
    return FUNCTION_KEY_PREFIX + logical_id


def credential(authorization: str) -> tuple[str, str] | None:
    """(access key id, signing service) from a SigV4 ``Authorization`` header; None when unsigned."""
    match = _CREDENTIAL.search(authorization or "")
    return (match.group(1), match.group(2)) if match else None


# ------------------------------------------------------------------ settings
class InvalidFaultSettings(ValueError):
    """The document is not valid fault settings: ``errors`` lists each problem (field, message)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field'] or '(document)'}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class AwsRule:
    service: str
    kind: str
    share: float
    function: str | None = None
    status: int | None = None  # "error" only: 500 (default) or 503

    def applies_to(self, function: str, service: str) -> bool:
        return self.service == service and self.function in (None, function)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"service": self.service, "kind": self.kind, "share": self.share}
        if self.function is not None:
            document["function"] = self.function
        if self.status is not None:
            document["status"] = self.status
        return document


@dataclass(frozen=True)
class KillRule:
    function: str
    share: float

    def to_json(self) -> dict[str, Any]:
        return {"function": self.function, "share": self.share}


@dataclass(frozen=True)
class FaultSettings:
    aws: tuple[AwsRule, ...] = ()
    force_endpoints: Mapping[str, EndpointFault] = field(default_factory=dict)
    kill: tuple[KillRule, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "aws": [rule.to_json() for rule in self.aws],
            "force_endpoints": {
                force: {"mode": fault.mode, "delay_seconds": fault.delay_seconds}
                for force, fault in self.force_endpoints.items()
            },
            "kill": [rule.to_json() for rule in self.kill],
        }

    @classmethod
    def parse(
        cls, document: Any, *, functions: Iterable[str] | None = None, forces: Iterable[str] | None = None
    ) -> FaultSettings:
        """Validate a settings document; ``functions``/``forces``, when given, are the names allowed."""
        return _Parser(functions, forces).parse(document)


class _Parser:
    def __init__(self, functions: Iterable[str] | None, forces: Iterable[str] | None) -> None:
        self.functions = sorted(functions) if functions is not None else None
        self.forces = sorted(forces) if forces is not None else None
        self.errors: list[dict[str, str]] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append({"field": where, "message": message})

    def parse(self, document: Any) -> FaultSettings:
        if not isinstance(document, dict):
            raise InvalidFaultSettings([{"field": "", "message": "must be a JSON object"}])
        self.unknown("", document, {"aws", "force_endpoints", "kill"})
        aws = [rule for i, item in enumerate(self.items(document, "aws")) if (rule := self.aws_rule(i, item))]
        kill = [kill for i, item in enumerate(self.items(document, "kill")) if (kill := self.kill_rule(i, item))]
        endpoints = self.endpoints(document.get("force_endpoints", {}))
        if self.errors:
            raise InvalidFaultSettings(self.errors)
        return FaultSettings(aws=tuple(aws), force_endpoints=endpoints, kill=tuple(kill))

    def items(self, document: dict[str, Any], key: str) -> list[Any]:
        value = document.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "must be a list of rules")
            return []
        return value

    def unknown(self, where: str, item: dict[str, Any], known: set[str]) -> None:
        for key in sorted(set(item) - known):
            expected = ", ".join(sorted(known))
            self.fail(f"{where}.{key}" if where else key, f"unknown setting (expected one of {expected})")

    def share(self, where: str, item: dict[str, Any]) -> float:
        value = item.get("share")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.fail(f"{where}.share", "must be a number from 0 to 1")
            return 0.0
        return float(value)

    def function(self, where: str, value: Any, *, required: bool) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            self.fail(f"{where}.function", "must be a function's logical id, e.g. DispatchFunction")
            return None
        if self.functions is not None and value not in self.functions:
            self.fail(f"{where}.function", f"no such function (one of {', '.join(self.functions)})")
            return None
        return value

    def aws_rule(self, index: int, item: Any) -> AwsRule | None:
        where = f"aws[{index}]"
        if not isinstance(item, dict):
            self.fail(where, "must be an object")
            return None
        before = len(self.errors)
        self.unknown(where, item, {"service", "kind", "share", "function", "status"})
        service, kind = item.get("service"), item.get("kind")
        if service not in SERVICES:
            self.fail(f"{where}.service", f"must be one of {', '.join(SERVICES)}")
        if kind not in AWS_KINDS:
            self.fail(f"{where}.kind", f"must be one of {', '.join(AWS_KINDS)}")
        share = self.share(where, item)
        function = self.function(where, item.get("function"), required=False)
        status = item.get("status")
        if status is not None and (kind != "error" or status not in ERROR_STATUSES):
            self.fail(f"{where}.status", "applies to kind error only, and must be 500 or 503")
        if len(self.errors) > before:
            return None
        return AwsRule(str(service), str(kind), share, function, status)

    def kill_rule(self, index: int, item: Any) -> KillRule | None:
        where = f"kill[{index}]"
        if not isinstance(item, dict):
            self.fail(where, "must be an object")
            return None
        before = len(self.errors)
        self.unknown(where, item, {"function", "share"})
        function = self.function(where, item.get("function"), required=True)
        share = self.share(where, item)
        if len(self.errors) > before or function is None:
            return None
        return KillRule(function, share)

    def endpoints(self, value: Any) -> dict[str, EndpointFault]:
        if not isinstance(value, dict):
            self.fail("force_endpoints", "must be an object of force id to {mode, delay_seconds}")
            return {}
        endpoints = {}
        for force, item in value.items():
            where = f"force_endpoints.{force}"
            if self.forces is not None and force not in self.forces:
                self.fail(where, f"no such force (one of {', '.join(self.forces)})")
                continue
            if not isinstance(item, dict):
                self.fail(where, "must be an object: {mode, delay_seconds}")
                continue
            before = len(self.errors)
            self.unknown(where, item, {"mode", "delay_seconds"})
            mode = item.get("mode")
            if mode not in ENDPOINT_MODES:
                self.fail(f"{where}.mode", f"must be one of {', '.join(ENDPOINT_MODES)}")
                continue
            delay = item.get("delay_seconds", DEFAULT_DELAYS.get(mode, 0.0))  # used by slow and hang only
            if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY_SECONDS:
                self.fail(f"{where}.delay_seconds", f"must be a number of seconds from 0 to {MAX_DELAY_SECONDS:g}")
            if len(self.errors) == before:
                endpoints[str(force)] = EndpointFault(str(mode), float(delay))
        return endpoints


# ------------------------------------------------------------------ the switchboard
@dataclass(frozen=True)
class AwsFault:
    """The error to answer instead of the call."""

    service: str
    kind: str
    status: int
    code: str

    @property
    def message(self) -> str:
        reason = "Rate exceeded" if self.kind == "throttle" else "The service failed"
        return f"{reason} (fault injected by the local stack)"


class Faults:
    """The current fault settings and counts of what was injected. Thread-safe.

    ``random`` returns a float in [0, 1) (tests pass a scripted one); a rule fires when it returns less
    than the rule's share, so share 0 never fires and share 1 always does."""

    def __init__(self, *, random: Callable[[], float] = _random.random) -> None:
        self._random = random
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._aws: Counter[tuple[str, str]] = Counter()
        self._endpoints: Counter[tuple[str, str]] = Counter()
        self._kills: Counter[str] = Counter()
        self._receivers: dict[str, OutboundReceiver] = {}
        self._functions: set[str] | None = None

    # -------------------------------------------------------------- settings
    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def set(self, document: Any) -> FaultSettings:
        """Replace the settings with a validated document (raises :class:`InvalidFaultSettings`)."""
        with self._lock:
            forces = list(self._receivers) if self._receivers else None
            functions = self._functions
        settings = FaultSettings.parse(document, functions=functions, forces=forces)
        self.replace(settings)
        return settings

    def replace(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            for force_id, receiver in self._receivers.items():
                receiver.fault = settings.force_endpoints.get(force_id)

    def clear(self) -> None:
        self.replace(FaultSettings())

    def attach(
        self,
        *,
        workers: Mapping[str, FunctionWorker] | None = None,
        receivers: Mapping[str, OutboundReceiver] | None = None,
    ) -> None:
        """Let these workers be killed and these receivers misbehave; their names become the valid ones."""
        with self._lock:
            for worker in (workers or {}).values():
                worker.kill_after = self.kill_delay
            if workers is not None:
                self._functions = {*(self._functions or set()), *workers}
            for force_id, receiver in (receivers or {}).items():
                self._receivers[force_id] = receiver
                receiver.on_fault = self._endpoint_counter(force_id)
                receiver.fault = self._settings.force_endpoints.get(force_id)

    # -------------------------------------------------------------- decisions
    def _fires(self, share: float) -> bool:
        return share > 0 and self._random() < share

    def aws_fault(self, access_key: str, service: str) -> AwsFault | None:
        """The fault to answer a call signed with ``access_key`` to ``service`` with, if any (counted)."""
        if not access_key.startswith(FUNCTION_KEY_PREFIX):
            return None  # the stack's own call
        function = access_key.removeprefix(FUNCTION_KEY_PREFIX)
        with self._lock:
            for rule in self._settings.aws:
                if rule.applies_to(function, service) and self._fires(rule.share):
                    self._aws[(rule.service, rule.kind)] += 1
                    return error_for(rule)
        return None

    def kill_delay(self, function: str) -> float | None:
        """Seconds into this invocation of ``function`` to kill its worker at, or None (counted)."""
        with self._lock:
            for rule in self._settings.kill:
                if rule.function == function and self._fires(rule.share):
                    self._kills[function] += 1
                    low, high = KILL_WINDOW_SECONDS
                    return low + (high - low) * self._random()
        return None

    def _endpoint_counter(self, force_id: str) -> Callable[[EndpointFault], None]:
        def count(fault: EndpointFault) -> None:
            with self._lock:
                self._endpoints[(force_id, fault.mode)] += 1

        return count

    # -------------------------------------------------------------- read-back
    def injected(self) -> dict[str, Any]:
        with self._lock:
            aws: dict[str, dict[str, int]] = {}
            for (service, kind), count in sorted(self._aws.items()):
                aws.setdefault(service, {})[kind] = count
            endpoints: dict[str, dict[str, int]] = {}
            for (force_id, mode), count in sorted(self._endpoints.items()):
                endpoints.setdefault(force_id, {})[mode] = count
            kills = dict(sorted(self._kills.items()))
            total = sum(self._aws.values()) + sum(self._endpoints.values()) + sum(self._kills.values())
        return {"aws": aws, "force_endpoints": endpoints, "kill": kills, "total": total}

    def snapshot(self) -> dict[str, Any]:
        return {"settings": self._settings.to_json(), "injected": self.injected()}

    def http(self, method: str, body: bytes) -> tuple[int, str, bytes]:
        """``PUT /_local/faults`` (replace the settings) and ``DELETE /_local/faults`` (clear them)."""
        if method == "DELETE":
            self.clear()
        elif method == "PUT":
            try:
                self.set(json.loads(body.decode("utf-8") or "null"))
            except (UnicodeDecodeError, ValueError) as exc:
                errors = (
                    exc.errors
                    if isinstance(exc, InvalidFaultSettings)
                    else [{"field": "", "message": "the body must be a UTF-8 JSON object"}]
                )
                return _problem(400, "The fault settings are not valid", errors=errors)
        else:
            return _problem(405, "Use GET, PUT or DELETE on /_local/faults")
        return 200, "application/json", json.dumps(self.snapshot(), indent=2).encode()


def _problem(status: int, title: str, **extra: Any) -> tuple[int, str, bytes]:
    body = {"type": PROBLEM_TYPE if status == 400 else "about:blank", "title": title, "status": status, **extra}
    return status, "application/problem+json", json.dumps(body, indent=2).encode()


def error_for(rule: AwsRule) -> AwsFault:
    if rule.kind == "throttle":
        status, code = THROTTLE_ERRORS[rule.service]
    elif rule.status == 503:
        status, code = 503, UNAVAILABLE_ERROR
    else:
        status, code = 500, INTERNAL_ERRORS[rule.service]
    return AwsFault(rule.service, rule.kind, status, code)


# ------------------------------------------------------------------ moto's side
def error_response(fault: AwsFault) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of ``fault`` in its service's protocol, as botocore expects to parse it."""
    request_id = str(uuid.uuid4())
    if fault.service in QUERY_NAMESPACES:
        party = "Sender" if fault.status < 500 else "Receiver"
        body = (
            f'<ErrorResponse xmlns="{QUERY_NAMESPACES[fault.service]}">'
            f"<Error><Type>{party}</Type><Code>{escape(fault.code)}</Code>"
            f"<Message>{escape(fault.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return fault.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body
    headers = [
        ("Content-Type", JSON_CONTENT_TYPES.get(fault.service, "application/x-amz-json-1.1")),
        ("x-amzn-ErrorType", fault.code),
        ("x-amzn-RequestId", request_id),
    ]
    if fault.service in QUERY_COMPATIBLE:
        headers.append(("x-amzn-query-error", f"{fault.code};{'Sender' if fault.status < 500 else 'Receiver'}"))
    return fault.status, headers, json.dumps({"__type": fault.code, "message": fault.message}).encode()


class FaultMiddleware:
    """WSGI middleware in front of moto: answers a faulted function call with the service's error."""

    def __init__(self, app: WSGIApplication, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        signed = credential(str(environ.get("HTTP_AUTHORIZATION", "")))
        fault = self.faults.aws_fault(*signed) if signed else None
        if fault is None:
            return self.app(environ, start_response)
        length = str(environ.get("CONTENT_LENGTH") or "0")
        if length.isdigit() and int(length):
            environ["wsgi.input"].read(int(length))  # read the request off the connection before answering
        status, headers, body = error_response(fault)
        start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, ("Content-Length", str(len(body)))])
        return [body]


def install(moto: ThreadedMotoServer, faults: Faults) -> FaultMiddleware:
    """Put :class:`FaultMiddleware` in front of a started moto server's app (werkzeug reads
    ``server.app`` for every request, so this takes effect at once)."""
    server = moto._server
    assert server is not None, "start the moto server first"
    middleware = FaultMiddleware(server.app, faults)
    server.app = middleware
    return middleware
