"""Fault injection against the real pieces: moto's threaded server behind the fault middleware, a force's
outbound receiver in each endpoint mode, a function worker process killed mid-invocation, and the
gateway's ``/_local/faults`` controls."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from caseline_local import __main__ as cli
from caseline_local import moto_fixes
from caseline_local.faults import Faults, FaultSettings, function_access_key, install
from caseline_local.force_sim.client import signed_headers
from caseline_local.force_sim.receiver import MOVED_PATH, OutboundReceiver
from caseline_local.gateway import Gateway, json_page
from caseline_local.workers import FunctionSpec, FunctionWorker, InvocationError

REGION = "eu-west-2"
ACCOUNT = "123456789012"
STACK_KEY = "local"  # the stack's own calls (FAKE_CREDENTIALS)
DISPATCH = function_access_key("DispatchFunction")
OUTBOUND = function_access_key("OutboundFunction")
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
EVENT = {
    "specversion": "1.0",
    "id": "out-1",
    "source": "urn:caseline:local",
    "type": "org.caseline.victim.message-sent.v1",
    "time": "2027-01-15T08:00:00Z",
    "subject": "TVP-123",
    "data": {"message_id": "VM-1", "text": "Thank you."},
}


# ------------------------------------------------------------------ moto behind the middleware
@pytest.fixture
def moto_server() -> Iterator[ThreadedMotoServer]:
    moto_fixes.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    reset = urllib.request.Request(url_of(server) + "/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()  # moto's state is the process's: start from none
    yield server
    server.stop()


def url_of(server: ThreadedMotoServer) -> str:
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


@pytest.fixture
def moto(moto_server: ThreadedMotoServer) -> tuple[str, Faults]:
    """moto behind the fault middleware, with no faults set."""
    faults = Faults()
    install(moto_server, faults)
    return url_of(moto_server), faults


def client(endpoint: str, service: str, key: str, config: Config = ONE_ATTEMPT) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key="local",
        aws_session_token="local",
        config=config,
    )


def table(endpoint: str) -> str:
    ddb = client(endpoint, "dynamodb", STACK_KEY)
    return str(
        ddb.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )["TableDescription"]["TableArn"]
    )


def code_of(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def test_a_functions_access_key_is_moto_s_default_account(moto: tuple[str, Faults]) -> None:
    # Given a table the stack created with its own key
    endpoint, _ = moto
    arn = table(endpoint)

    # When a function (signing with its own key) writes to it and describes it
    fn = client(endpoint, "dynamodb", DISPATCH)
    fn.put_item(TableName="t", Item={"pk": {"S": "from-the-function"}})
    described = fn.describe_table(TableName="t")["Table"]["TableArn"]

    # Then both keys see the same table in the default account
    assert arn == described and f":{ACCOUNT}:" in arn
    stack = client(endpoint, "dynamodb", STACK_KEY)
    assert stack.get_item(TableName="t", Key={"pk": {"S": "from-the-function"}})["Item"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("throttle", (400, "ProvisionedThroughputExceededException")), ("error", (500, "InternalServerError"))],
)
def test_a_functions_put_item_is_faulted_and_the_stacks_own_never_is(
    moto: tuple[str, Faults], kind: str, expected: tuple[int, str]
) -> None:
    # Given a rule that faults every DynamoDB call by functions
    endpoint, faults = moto
    table(endpoint)
    faults.set({"aws": [{"service": "dynamodb", "kind": kind, "share": 1}]})

    # When a function puts an item, and the stack puts ten
    item = {"pk": {"S": "fn"}}
    answer = code_of(lambda: client(endpoint, "dynamodb", DISPATCH).put_item(TableName="t", Item=item))
    stack = client(endpoint, "dynamodb", STACK_KEY)
    for n in range(10):
        stack.put_item(TableName="t", Item={"pk": {"S": f"stack-{n}"}})

    # Then the function's call fails with DynamoDB's code and never reached moto; the stack's all succeeded
    assert answer == expected
    assert "Item" not in stack.get_item(TableName="t", Key=item)
    assert stack.scan(TableName="t", Select="COUNT")["Count"] == 10
    assert faults.injected()["aws"] == {"dynamodb": {kind: 1}}


def test_ses_and_sns_throttles_parse_to_their_own_codes(moto: tuple[str, Faults]) -> None:
    # Given throttling rules for SES and SNS
    endpoint, faults = moto
    faults.set({"aws": [{"service": s, "kind": "throttle", "share": 1} for s in ("ses", "sns")]})

    # When a function sends an email and publishes a message
    ses = client(endpoint, "ses", DISPATCH)
    sns = client(endpoint, "sns", DISPATCH)
    email = code_of(lambda: ses.send_raw_email(RawMessage={"Data": b"Subject: s\r\n\r\nbody"}))
    text = code_of(lambda: sns.publish(PhoneNumber="+447700900123", Message="m"))

    # Then each is its service's own throttling error
    assert email == (400, "Throttling")
    assert text == (429, "Throttled")
    assert faults.injected()["aws"] == {"ses": {"throttle": 1}, "sns": {"throttle": 1}}


def test_share_zero_never_faults(moto: tuple[str, Faults]) -> None:
    # Given a DynamoDB rule with share 0
    endpoint, faults = moto
    table(endpoint)
    faults.set({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 0}]})

    # When a function puts 30 items
    fn = client(endpoint, "dynamodb", DISPATCH)
    for n in range(30):
        fn.put_item(TableName="t", Item={"pk": {"S": str(n)}})

    # Then all arrived and nothing was injected
    assert fn.scan(TableName="t", Select="COUNT")["Count"] == 30
    assert faults.injected()["total"] == 0


def test_a_rule_for_one_function_leaves_another_functions_calls_alone(moto: tuple[str, Faults]) -> None:
    # Given a rule for the dispatch function's DynamoDB calls
    endpoint, faults = moto
    table(endpoint)
    faults.set({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 1, "function": "DispatchFunction"}]})

    # When the outbound function and the dispatch function each put an item
    client(endpoint, "dynamodb", OUTBOUND).put_item(TableName="t", Item={"pk": {"S": "outbound"}})
    dispatch = code_of(lambda: client(endpoint, "dynamodb", DISPATCH).put_item(TableName="t", Item={"pk": {"S": "d"}}))

    # Then only the dispatch function's was throttled
    assert dispatch == (400, "ProvisionedThroughputExceededException")
    assert client(endpoint, "dynamodb", STACK_KEY).scan(TableName="t", Select="COUNT")["Count"] == 1


def test_a_throttled_call_succeeds_on_botocores_retry(moto_server: ThreadedMotoServer) -> None:
    # Given a 50% throttle whose first draw fires and whose second does not, and a client retrying as the
    # functions' clients do
    draws = iter([0.1, 0.9])
    faults = Faults(random=lambda: next(draws))
    install(moto_server, faults)
    endpoint = url_of(moto_server)
    table(endpoint)
    faults.set({"aws": [{"service": "dynamodb", "kind": "throttle", "share": 0.5}]})
    retrying = client(endpoint, "dynamodb", DISPATCH, Config(retries={"mode": "standard", "max_attempts": 3}))

    # When the function puts an item
    answer = retrying.put_item(TableName="t", Item={"pk": {"S": "retried"}})

    # Then it succeeded on the second attempt, after one injected throttle
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert faults.injected()["aws"] == {"dynamodb": {"throttle": 1}}


# ------------------------------------------------------------------ a force's endpoint
@pytest.fixture
def receiver() -> Iterator[tuple[OutboundReceiver, Faults]]:
    faults = Faults()
    with OutboundReceiver(SECRET) as started:
        faults.attach(receivers={"thames-valley": started})
        yield started, faults


def post(receiver: OutboundReceiver, path: str = "/caseline", timeout: float = 10) -> http.client.HTTPResponse:
    body = json.dumps(EVENT).encode()
    connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=timeout)
    connection.request("POST", path, body=body, headers=signed_headers(SECRET, f"msg_{time.monotonic_ns()}", body))
    return connection.getresponse()


def test_a_redirecting_endpoint_answers_302_to_the_same_receiver_and_records_nothing(
    receiver: tuple[OutboundReceiver, Faults],
) -> None:
    # Given a force endpoint set to redirect
    endpoint, faults = receiver
    faults.set({"force_endpoints": {"thames-valley": {"mode": "redirect"}}})

    # When an event is posted to it
    response = post(endpoint)

    # Then it is a 302 to /moved on the same receiver, and nothing was received
    assert response.status == 302
    assert response.getheader("Location") == endpoint.url + MOVED_PATH
    assert endpoint.received == []
    assert faults.injected()["force_endpoints"] == {"thames-valley": {"redirect": 1}}

    # When the event is posted again where it was sent / Then the moved endpoint takes it
    assert post(endpoint, MOVED_PATH).status == 204
    assert endpoint.received == [EVENT]


def test_an_endpoint_that_is_down_answers_503_problem_json_and_records_nothing(
    receiver: tuple[OutboundReceiver, Faults],
) -> None:
    # Given a force endpoint set down
    endpoint, faults = receiver
    faults.set({"force_endpoints": {"thames-valley": {"mode": "down"}}})

    # When an event is posted to it
    response = post(endpoint)

    # Then it is a 503 problem, and nothing was received
    assert response.status == 503
    assert response.getheader("Content-Type") == "application/problem+json"
    assert json.loads(response.read())["status"] == 503
    assert endpoint.received == []


def test_a_hanging_endpoint_holds_the_connection_then_drops_it_unanswered(
    receiver: tuple[OutboundReceiver, Faults],
) -> None:
    # Given a force endpoint set to hang for 0.3 s
    endpoint, faults = receiver
    faults.set({"force_endpoints": {"thames-valley": {"mode": "hang", "delay_seconds": 0.3}}})

    # When an event is posted to it
    began = time.monotonic()
    with pytest.raises(http.client.RemoteDisconnected):
        post(endpoint)

    # Then the connection closed unanswered after the delay, and nothing was received
    assert time.monotonic() - began >= 0.3
    assert endpoint.received == []
    assert faults.injected()["force_endpoints"] == {"thames-valley": {"hang": 1}}


def test_a_slow_endpoint_answers_normally_after_the_delay_and_ok_is_prompt(
    receiver: tuple[OutboundReceiver, Faults],
) -> None:
    # Given a force endpoint set slow by 0.3 s
    endpoint, faults = receiver
    faults.set({"force_endpoints": {"thames-valley": {"mode": "slow", "delay_seconds": 0.3}}})

    # When an event is posted to it
    began = time.monotonic()
    response = post(endpoint)

    # Then it is received, answered 204 after the delay
    assert (response.status, time.monotonic() - began >= 0.3) == (204, True)
    assert endpoint.received == [EVENT]

    # When the endpoint is set ok and another is posted / Then it is received and nothing more is counted
    faults.set({"force_endpoints": {"thames-valley": {"mode": "ok"}}})
    assert post(endpoint).status == 204
    assert endpoint.received == [EVENT, EVENT]
    assert faults.injected()["force_endpoints"] == {"thames-valley": {"slow": 1}}


# ------------------------------------------------------------------ a function's worker
HANDLER = """
import os
import time


def lambda_handler(event, context):
    time.sleep(event["sleep"])
    return {"pid": os.getpid()}
"""


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[FunctionWorker]:
    (tmp_path / "handler.py").write_text(HANDLER)
    spec = FunctionSpec(
        logical_id="SleepyFunction",
        function_name="caseline-local-sleepy",
        code_dir=tmp_path,
        handler="handler.lambda_handler",
        environment={},
        timeout=5,
        memory=128,
    )
    started = FunctionWorker(spec, tmp_path)
    started.wait_ready()
    yield started
    started.stop()


def test_a_killed_invocation_is_a_function_error_and_the_worker_restarts_for_the_next(
    worker: FunctionWorker,
) -> None:
    # Given a worker whose every invocation is killed
    faults = Faults()
    faults.attach(workers={"SleepyFunction": worker})
    faults.set({"kill": [{"function": "SleepyFunction", "share": 1}]})
    first_pid = worker.pid

    # When it runs a handler that sleeps for a second
    began = time.monotonic()
    with pytest.raises(InvocationError, match="killed"):
        worker.invoke({"sleep": 1})

    # Then it failed within the kill window, long before the handler could finish, and that process is gone
    assert time.monotonic() - began < 1
    assert faults.injected()["kill"] == {"SleepyFunction": 1}

    # When kills are turned off and it is invoked again
    faults.set({"kill": [{"function": "SleepyFunction", "share": 0}]})
    answer = worker.invoke({"sleep": 0})

    # Then a new process answered it
    assert answer["pid"] == worker.pid
    assert worker.pid != first_pid


def test_a_worker_without_faults_answers_from_the_same_process(worker: FunctionWorker) -> None:
    # Given a worker with no fault hook / When it is invoked twice / Then one process answers both
    assert worker.kill_after is None
    first, second = worker.invoke({"sleep": 0}), worker.invoke({"sleep": 0})
    assert first == second == {"pid": worker.pid}


# ------------------------------------------------------------------ the gateway's controls
@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[str, Faults]]:
    faults = Faults()
    server = Gateway(portal_dir=tmp_path, port=0)
    server.local_pages = {"/_local/faults": lambda q: json_page(faults.snapshot())}
    server.local_actions = {"/_local/faults": faults.http}
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server.url + "/_local/faults", faults
    server.server.shutdown()
    server.server.server_close()


def call(url: str, method: str, body: bytes | None = None) -> tuple[int, str, Any]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.loads(error.read())


def test_faults_are_set_shown_and_cleared_through_the_gateway(gateway: tuple[str, Faults]) -> None:
    # Given a gateway with the faults controls
    url, faults = gateway
    document = {"kill": [{"function": "DispatchFunction", "share": 0.05}]}

    # When settings are PUT, then shown
    put = call(url, "PUT", json.dumps(document).encode())
    shown = call(url, "GET")

    # Then both answer the settings and the (empty) counts
    assert put[0] == shown[0] == 200
    assert shown[2]["settings"]["kill"] == document["kill"]
    assert shown[2]["injected"]["total"] == 0

    # When an invalid document is PUT / Then it is a 400 problem listing what is wrong, and nothing changed
    status, content_type, problem = call(url, "PUT", b'{"aws": [{"service": "s3", "kind": "throttle", "share": 1}]}')
    assert (status, content_type) == (400, "application/problem+json")
    assert [e["field"] for e in problem["errors"]] == ["aws[0].service"]
    assert faults.settings.kill

    # When they are DELETEd / Then nothing is set
    assert call(url, "DELETE")[0] == 200
    assert call(url, "GET")[2]["settings"] == {"aws": [], "force_endpoints": {}, "kill": []}


def test_the_cli_sets_shows_and_clears_the_running_stacks_faults(
    gateway: tuple[str, Faults], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the CLI pointed at a running stack's gateway
    url, faults = gateway
    monkeypatch.setattr(cli, "_state", lambda: {"gateway": url.removesuffix("/_local/faults")})
    document = {"force_endpoints": {"hampshire": {"mode": "down"}}}

    # When faults are set, then shown
    cli.main(["faults", "set", json.dumps(document)])
    cli.main(["faults", "show"])

    # Then the stack has them and both commands print the snapshot
    assert faults.settings.force_endpoints["hampshire"].mode == "down"
    printed = capsys.readouterr().out
    assert printed.count('"hampshire"') == 2

    # When an invalid document is set / Then it exits 1, printing each problem, and nothing changes
    with pytest.raises(SystemExit) as exited:
        cli.main(["faults", "set", '{"kill": [{"function": "DispatchFunction", "share": 5}]}'])
    assert exited.value.code == 1
    assert "kill[0].share: must be a number from 0 to 1" in capsys.readouterr().err
    assert not faults.settings.kill

    # When they are cleared / Then nothing is set
    cli.main(["faults", "clear"])
    assert faults.settings == FaultSettings()
