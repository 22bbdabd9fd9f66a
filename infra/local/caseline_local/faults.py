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
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args
from xml.sax.saxutils import escape

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails

from caseline_local.force_sim.receiver import EndpointFault

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from moto.server import ThreadedMotoServer

    from caseline_local.force_sim.receiver import OutboundReceiver
    from caseline_local.workers import FunctionWorker

FUNCTION_KEY_PREFIX = "fn-"
Service = Literal["dynamodb", "ses", "sns", "sqs", "secretsmanager", "kms", "cognito-idp"]
AwsKind = Literal["throttle", "error"]
EndpointMode = Literal["ok", "slow", "down", "redirect", "hang"]
SERVICES, AWS_KINDS, ENDPOINT_MODES = get_args(Service), get_args(AwsKind), get_args(EndpointMode)
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


Share = Annotated[float, Field(ge=0, le=1, strict=True)]
Delay = Annotated[float, Field(ge=0, le=MAX_DELAY_SECONDS, strict=True)]
# What each setting (or shape) must be, in the error that names it (else pydantic's own message).
MESSAGES = {
    "service": f"must be one of {', '.join(SERVICES)}",
    "kind": f"must be one of {', '.join(AWS_KINDS)}",
    "share": "must be a number from 0 to 1",
    "function": "must be a function's logical id, e.g. DispatchFunction",
    "status": "applies to kind error only, and must be 500 or 503",
    "mode": f"must be one of {', '.join(ENDPOINT_MODES)}",
    "delay_seconds": f"must be a number of seconds from 0 to {MAX_DELAY_SECONDS:g}",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
}


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class AwsRule(_Rule):
    service: Service
    kind: AwsKind
    share: Share
    function: Annotated[str, Field(min_length=1, strict=True)] | None = None
    status: Literal[500, 503] | None = None  # "error" only: 500 (default) or 503

    @field_validator("status")
    @classmethod
    def _error_only(cls, status: int | None, info: ValidationInfo) -> int | None:
        if status is not None and info.data.get("kind") != "error":
            raise ValueError("error only")
        return status

    def applies_to(self, function: str, service: str) -> bool:
        return self.service == service and self.function in (None, function)


class KillRule(_Rule):
    function: Annotated[str, Field(min_length=1, strict=True)]
    share: Share


class _Endpoint(_Rule):
    mode: EndpointMode
    delay_seconds: Delay = 0.0  # left out: the mode's default

    def fault(self) -> EndpointFault:
        given = "delay_seconds" in self.model_fields_set
        return EndpointFault(self.mode, self.delay_seconds if given else DEFAULT_DELAYS.get(self.mode, 0.0))


class _Document(_Rule):
    aws: list[AwsRule] = []
    kill: list[KillRule] = []
    force_endpoints: dict[str, _Endpoint] = {}


_PARTS: dict[str, type[_Rule]] = {"aws": AwsRule, "kill": KillRule, "force_endpoints": _Endpoint}


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
        if not isinstance(document, dict):
            raise InvalidFaultSettings([{"field": "", "message": "must be a JSON object"}])
        errors: list[dict[str, str]] = []
        parsed = _Document()
        try:
            parsed = _Document.model_validate(document)
        except ValidationError as invalid:
            errors = [_error(e) for e in invalid.errors()]
        errors += _unknown_names(document, functions, forces)
        if errors:
            raise InvalidFaultSettings(errors)
        return cls(
            aws=tuple(parsed.aws),
            force_endpoints={force: endpoint.fault() for force, endpoint in parsed.force_endpoints.items()},
            kill=tuple(parsed.kill),
        )


def _error(error: ErrorDetails) -> dict[str, str]:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
    last = error["loc"][-1] if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        model = _Document if len(error["loc"]) == 1 else _PARTS[str(error["loc"][0])]
        return {"field": where, "message": f"unknown setting (expected one of {', '.join(sorted(model.model_fields))})"}
    return {"field": where, "message": MESSAGES.get(str(last)) or MESSAGES.get(error["type"], error["msg"])}


def _unknown_names(
    document: dict[str, Any], functions: Iterable[str] | None, forces: Iterable[str] | None
) -> list[dict[str, str]]:
    """The rules' functions and the endpoints' forces that the stack does not have (once it is known)."""
    errors = []
    if functions is not None:
        known = sorted(functions)
        for part in ("aws", "kill"):
            rules = document.get(part)
            for index, rule in enumerate(rules if isinstance(rules, list) else []):
                name = rule.get("function") if isinstance(rule, dict) else None
                if isinstance(name, str) and name and name not in known:
                    message = f"no such function (one of {', '.join(known)})"
                    errors.append({"field": f"{part}[{index}].function", "message": message})
    endpoints = document.get("force_endpoints")
    if forces is not None and isinstance(endpoints, dict):
        known = sorted(forces)
        for force in sorted(set(endpoints) - set(known)):
            errors.append(
                {"field": f"force_endpoints.{force}", "message": f"no such force (one of {', '.join(known)})"}
            )
    return errors


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
