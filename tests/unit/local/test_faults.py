"""Fault injection settings: validation, which calls a rule selects, how often it fires (a scripted random
source), what is counted, and that each service's injected error parses to its code in botocore."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from caseline_local.faults import (
    AWS_KINDS,
    INTERNAL_ERRORS,
    KILL_WINDOW_SECONDS,
    SERVICES,
    THROTTLE_ERRORS,
    FaultMiddleware,
    Faults,
    FaultSettings,
    InvalidFaultSettings,
    credential,
    function_access_key,
)
from caseline_local.force_sim.receiver import EndpointFault

DOCUMENT = {
    "aws": [{"service": "dynamodb", "kind": "throttle", "share": 0.1, "function": "DispatchFunction"}],
    "force_endpoints": {"thames-valley": {"mode": "slow", "delay_seconds": 3}},
    "kill": [{"function": "DispatchFunction", "share": 0.05}],
}
DISPATCH = function_access_key("DispatchFunction")
OUTBOUND = function_access_key("OutboundFunction")


def scripted(*draws: float) -> Callable[[], float]:
    """A random source returning ``draws`` in turn (a test fails loudly if more are drawn)."""
    remaining = iter(draws)
    return lambda: next(remaining)


def faults_with(document: dict[str, Any], *draws: float) -> Faults:
    faults = Faults(random=scripted(*draws))
    faults.set(document)
    return faults


def errors_of(document: Any, **names: Iterable[str]) -> list[dict[str, str]]:
    with pytest.raises(InvalidFaultSettings) as raised:
        FaultSettings.parse(document, **names)  # type: ignore[arg-type]
    return raised.value.errors


# ------------------------------------------------------------------ validation
def test_a_valid_document_is_kept_with_the_defaults_filled_in() -> None:
    # Given the documented example, with a hang whose delay is left out
    document = {**DOCUMENT, "force_endpoints": {**DOCUMENT["force_endpoints"], "hampshire": {"mode": "hang"}}}

    # When it is parsed
    settings = FaultSettings.parse(document)

    # Then every rule is kept, and the hang waits the default 60 s
    assert settings.to_json() == {
        "aws": DOCUMENT["aws"],
        "force_endpoints": {
            "thames-valley": {"mode": "slow", "delay_seconds": 3.0},
            "hampshire": {"mode": "hang", "delay_seconds": 60.0},
        },
        "kill": DOCUMENT["kill"],
    }


def test_a_delay_may_be_given_with_any_mode_and_is_kept() -> None:
    # Given endpoints that are down and redirecting, each given a delay (the soak benchmark sends one always)
    document = {
        "force_endpoints": {
            "thames-valley": {"mode": "down", "delay_seconds": 3},
            "hampshire": {"mode": "redirect", "delay_seconds": 3},
        }
    }
    # When it is parsed / Then it is accepted as it is
    assert FaultSettings.parse(document).to_json()["force_endpoints"] == document["force_endpoints"]


def test_an_empty_document_means_no_faults() -> None:
    # Given / When an empty object is parsed
    settings = FaultSettings.parse({})
    # Then nothing is set
    assert settings.to_json() == {"aws": [], "force_endpoints": {}, "kill": []}


def test_every_problem_in_a_document_is_listed_with_where_it_is() -> None:
    # Given a document with a mistake in each part
    document = {
        "aws": [
            {"service": "dynamodbstreams", "kind": "slow", "share": 1.5},
            {"service": "sns", "kind": "throttle", "share": True, "status": 503},
            "dynamodb",
        ],
        "force_endpoints": {"thames-valley": {"mode": "sideways"}, "hampshire": {"mode": "down", "delay_seconds": -2}},
        "kill": [{"share": 0.1}],
        "network": {},
    }

    # When it is parsed
    errors = errors_of(document)

    # Then each mistake is named by its place in the document
    assert {e["field"] for e in errors} == {
        "network",
        "aws[0].service",
        "aws[0].kind",
        "aws[0].share",
        "aws[1].share",
        "aws[1].status",
        "aws[2]",
        "force_endpoints.thames-valley.mode",
        "force_endpoints.hampshire.delay_seconds",
        "kill[0].function",
    }
    assert all(e["message"] for e in errors)


@pytest.mark.parametrize("document", [[], "faults", None, 3])
def test_a_document_that_is_not_an_object_is_refused(document: Any) -> None:
    # Given / When a document that is not a JSON object is parsed / Then it is refused as a whole
    assert errors_of(document) == [{"field": "", "message": "must be a JSON object"}]


@pytest.mark.parametrize(
    ("delay", "valid"), [(0, True), (600, True), (-1, False), (601, False), ("3", False), (None, False)]
)
def test_a_delay_is_a_number_of_seconds_up_to_ten_minutes(delay: Any, valid: bool) -> None:
    # Given a slow endpoint with this delay
    document = {"force_endpoints": {"thames-valley": {"mode": "slow", "delay_seconds": delay}}}
    # When it is parsed / Then only a number from 0 to 600 is accepted
    if valid:
        assert FaultSettings.parse(document).force_endpoints["thames-valley"].delay_seconds == delay
    else:
        assert [e["field"] for e in errors_of(document)] == ["force_endpoints.thames-valley.delay_seconds"]


def test_names_are_checked_against_the_stacks_functions_and_forces_once_known() -> None:
    # Given a stack whose functions and forces are known
    names = {"functions": ["DispatchFunction"], "forces": ["thames-valley"]}
    document = {
        "aws": [{"service": "kms", "kind": "error", "share": 0.5, "function": "DispatchFuntion"}],
        "force_endpoints": {"essex": {"mode": "down"}},
        "kill": [{"function": "Dispatch", "share": 0.5}],
    }

    # When a document naming others is parsed
    errors = errors_of(document, **names)

    # Then each unknown name is refused, listing the names there are
    assert [e["field"] for e in errors] == ["aws[0].function", "kill[0].function", "force_endpoints.essex"]
    assert "DispatchFunction" in errors[0]["message"]
    assert "thames-valley" in errors[2]["message"]


# ------------------------------------------------------------------ selection and shares
def test_only_a_functions_calls_are_faulted_never_the_stacks_own() -> None:
    # Given a rule that always fires for every function's DynamoDB calls
    faults = faults_with({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 1}]}, *[0.99] * 3)

    # When the stack's own key, a function's key and another service are asked about
    own = faults.aws_fault("local", "dynamodb")
    functions = faults.aws_fault(DISPATCH, "dynamodb")
    other_service = faults.aws_fault(DISPATCH, "sqs")

    # Then only the function's DynamoDB call is faulted
    assert own is None
    assert other_service is None
    assert functions is not None and (functions.status, functions.code) == (400, THROTTLE_ERRORS["dynamodb"][1])


def test_a_rule_for_one_function_leaves_the_others_alone() -> None:
    # Given a rule for the dispatch function only
    faults = faults_with(
        {"aws": [{"service": "sns", "kind": "error", "share": 1, "function": "DispatchFunction"}]}, 0.5
    )

    # When both functions call SNS
    # Then only the dispatch function's call fails, with SNS's internal error
    assert faults.aws_fault(OUTBOUND, "sns") is None
    fault = faults.aws_fault(DISPATCH, "sns")
    assert fault is not None and (fault.status, fault.code) == (500, "InternalError")


@pytest.mark.parametrize(("draw", "fires"), [(0.0, True), (0.0999, True), (0.1, False), (0.9, False)])
def test_a_rule_fires_when_the_draw_is_below_its_share(draw: float, fires: bool) -> None:
    # Given a 10% rule and a random source that draws this number
    faults = faults_with({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 0.1}]}, draw)
    # When a function calls DynamoDB / Then it is faulted exactly when the draw is below 0.1
    assert (faults.aws_fault(DISPATCH, "dynamodb") is not None) is fires


def test_share_zero_never_fires_and_draws_nothing() -> None:
    # Given a 0% rule and a random source with nothing to give
    faults = faults_with({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 0}]})
    # When a function calls DynamoDB many times / Then none is faulted (and no draw is made)
    assert all(faults.aws_fault(DISPATCH, "dynamodb") is None for _ in range(100))


def test_the_first_rule_that_fires_decides_and_is_counted() -> None:
    # Given a throttle rule that misses and an error rule that fires
    rules = [
        {"service": "dynamodb", "kind": "throttle", "share": 0.5},
        {"service": "dynamodb", "kind": "error", "share": 0.5, "status": 503},
    ]
    faults = faults_with({"aws": rules}, 0.7, 0.2)

    # When a function calls DynamoDB
    fault = faults.aws_fault(DISPATCH, "dynamodb")

    # Then the error rule answers (503 ServiceUnavailable) and only it is counted
    assert fault is not None and (fault.status, fault.code) == (503, "ServiceUnavailable")
    assert faults.injected()["aws"] == {"dynamodb": {"error": 1}}


def test_a_kill_comes_20_to_200_ms_into_the_invocation_and_is_counted() -> None:
    # Given a kill rule for the dispatch function that fires, then one that does not
    faults = faults_with({"kill": [{"function": "DispatchFunction", "share": 0.5}]}, 0.1, 0.5, 0.9)

    # When the dispatch function is invoked twice and another function once
    first, second = faults.kill_delay("DispatchFunction"), faults.kill_delay("DispatchFunction")
    other = faults.kill_delay("OutboundFunction")

    # Then the first is killed half way through the window, the others not; one kill is counted
    low, high = KILL_WINDOW_SECONDS
    assert first == pytest.approx(low + (high - low) * 0.5)
    assert second is None and other is None
    assert faults.injected()["kill"] == {"DispatchFunction": 1}


@dataclass
class FakeReceiver:
    fault: EndpointFault | None = None
    on_fault: Callable[[EndpointFault], None] | None = None


@dataclass
class FakeWorker:
    kill_after: Callable[[str], float | None] | None = None


def test_attached_receivers_follow_the_settings_and_report_what_they_applied() -> None:
    # Given two receivers and a worker attached to the faults
    faults = Faults(random=scripted())
    receivers = {"thames-valley": FakeReceiver(), "hampshire": FakeReceiver()}
    worker = FakeWorker()
    faults.attach(workers={"DispatchFunction": worker}, receivers=receivers)  # type: ignore[dict-item]

    # When one force's endpoint is set down and it applies that twice
    faults.set({"force_endpoints": {"thames-valley": {"mode": "down"}}})
    callback = receivers["thames-valley"].on_fault
    assert callback is not None
    callback(EndpointFault("down"))
    callback(EndpointFault("down"))

    # Then only that receiver is down, the worker asks the faults about kills, and both are counted
    assert receivers["thames-valley"].fault == EndpointFault("down", 0.0)
    assert receivers["hampshire"].fault is None
    assert worker.kill_after == faults.kill_delay
    assert faults.injected() == {
        "aws": {},
        "force_endpoints": {"thames-valley": {"down": 2}},
        "kill": {},
        "total": 2,
    }

    # When the faults are cleared
    faults.clear()
    # Then the receiver behaves again, and the counts are kept
    assert receivers["thames-valley"].fault is None
    assert faults.injected()["total"] == 2


# ------------------------------------------------------------------ HTTP
def test_put_replaces_the_settings_and_answers_the_snapshot() -> None:
    # Given faults with a kill set
    faults = faults_with({"kill": [{"function": "DispatchFunction", "share": 1}]})

    # When the documented example is PUT
    status, content_type, body = faults.http("PUT", json.dumps(DOCUMENT).encode())

    # Then it replaces the kill and the answer is the new snapshot
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == faults.snapshot()
    assert json.loads(body)["settings"]["aws"] == DOCUMENT["aws"]


@pytest.mark.parametrize(
    ("body", "field"),
    [(b'{"kill": [{"function": "X", "share": 2}]}', "kill[0].share"), (b"{not json", ""), (b"\xff", "")],
)
def test_put_of_an_invalid_document_is_a_problem_listing_what_is_wrong_and_changes_nothing(
    body: bytes, field: str
) -> None:
    # Given faults with a rule set
    faults = faults_with(DOCUMENT)
    before = faults.snapshot()

    # When an invalid body is PUT
    status, content_type, answer = faults.http("PUT", body)

    # Then it is a 400 problem naming the fault, and the settings are unchanged
    problem = json.loads(answer)
    assert (status, content_type) == (400, "application/problem+json")
    assert problem["status"] == 400 and problem["type"].startswith("urn:caseline:problem:")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert faults.snapshot() == before


def test_delete_clears_the_settings_and_other_methods_are_refused() -> None:
    # Given faults with rules set
    faults = faults_with(DOCUMENT)

    # When DELETE, then POST, are sent
    deleted = faults.http("DELETE", b"")
    posted = faults.http("POST", json.dumps(DOCUMENT).encode())

    # Then the settings are empty and POST is a 405 that sets nothing
    assert deleted[0] == 200
    assert json.loads(deleted[2])["settings"] == {"aws": [], "force_endpoints": {}, "kill": []}
    assert posted[:2] == (405, "application/problem+json")
    assert faults.settings == FaultSettings()


# ------------------------------------------------------------------ the middleware and botocore
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=fn-DispatchFunction/20270115/eu-west-2/dynamodb/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc",
            ("fn-DispatchFunction", "dynamodb"),
        ),
        ("AWS4-HMAC-SHA256 Credential=local/20270115/eu-west-2/ses/aws4_request, Signature=x", ("local", "ses")),
        ("", None),
        ("Bearer eyJ", None),
    ],
)
def test_the_key_and_service_are_read_from_the_sigv4_authorization_header(
    header: str, expected: tuple[str, str] | None
) -> None:
    # Given / When the header is read / Then it gives the signer's key and service, or None when unsigned
    assert credential(header) == expected


class Moto:
    """Stands in for moto behind the middleware: answers every call it is passed with an empty success."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        self.calls += 1
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
        return iter([b"{}"])


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def through(middleware: FaultMiddleware) -> Callable[..., AWSResponse]:
    """A botocore ``before-send`` hook that hands the signed request to the middleware instead of a socket."""

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        authorization = request.headers.get("Authorization", "")
        environ = {
            "REQUEST_METHOD": request.method,
            "HTTP_AUTHORIZATION": authorization.decode() if isinstance(authorization, bytes) else authorization,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

        payload = b"".join(middleware(environ, start_response))  # type: ignore[arg-type]
        answer["consumed"] = environ["wsgi.input"].tell() == len(body)  # type: ignore[attr-defined]
        sent.append(answer)
        return AWSResponse(request.url, answer["status"], answer["headers"], _Raw(payload))

    sent: list[dict[str, Any]] = []
    send.sent = sent  # type: ignore[attr-defined]
    return send


OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "dynamodb": ("put_item", {"TableName": "t", "Item": {"pk": {"S": "1"}}}),
    "ses": ("send_raw_email", {"RawMessage": {"Data": b"Subject: s\r\n\r\nbody"}}),
    "sns": ("publish", {"TopicArn": "arn:aws:sns:eu-west-2:123456789012:t", "Message": "m"}),
    "sqs": ("send_message", {"QueueUrl": "https://sqs.eu-west-2.amazonaws.com/123456789012/q", "MessageBody": "m"}),
    "secretsmanager": ("get_secret_value", {"SecretId": "s"}),
    "kms": ("decrypt", {"CiphertextBlob": b"x"}),
    "cognito-idp": ("admin_get_user", {"UserPoolId": "eu-west-2_abc", "Username": "u"}),
}


@pytest.mark.parametrize("kind", AWS_KINDS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_services_injected_error_parses_to_its_own_code_in_botocore(service: str, kind: str) -> None:
    # Given a rule that always fires for this service and kind, in front of a stand-in moto
    moto = Moto()
    faults = faults_with({"aws": [{"service": service, "kind": kind, "share": 1}]}, 0.5)
    hook = through(FaultMiddleware(moto, faults))  # type: ignore[arg-type]
    client = botocore.session.get_session().create_client(
        service,
        region_name="eu-west-2",
        endpoint_url="http://moto.invalid",
        aws_access_key_id=DISPATCH,
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}),  # one attempt: no retry
    )
    client.meta.events.register_first("before-send", hook)
    operation, params = OPERATIONS[service]

    # When a function makes the call
    with pytest.raises(ClientError) as raised:
        getattr(client, operation)(**params)

    # Then botocore reads the service's code and status; moto never saw it, and the body was read
    expected = THROTTLE_ERRORS[service] if kind == "throttle" else (500, INTERNAL_ERRORS[service])
    error = raised.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == expected
    assert "fault injected" in error["Error"]["Message"]
    assert moto.calls == 0
    assert hook.sent[0]["consumed"]  # type: ignore[attr-defined]
    assert faults.injected()["aws"] == {service: {kind: 1}}


def test_a_call_that_is_not_faulted_reaches_moto_unchanged() -> None:
    # Given a rule for SNS only, in front of a stand-in moto
    moto = Moto()
    faults = faults_with({"aws": [{"service": "sns", "kind": "throttle", "share": 1}]})
    hook = through(FaultMiddleware(moto, faults))  # type: ignore[arg-type]
    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="eu-west-2",
        endpoint_url="http://moto.invalid",
        aws_access_key_id=DISPATCH,
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}),  # one attempt: no retry
    )
    client.meta.events.register_first("before-send", hook)

    # When a function calls DynamoDB
    client.put_item(TableName="t", Item={"pk": {"S": "1"}})

    # Then moto answered it
    assert moto.calls == 1
    assert faults.injected()["total"] == 0
