"""Functional tests: moto in-process (``mock_aws``) with the local stack's fixes, every resource created from
template.yaml."""

from __future__ import annotations

import functools
import gc
import importlib.util
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from caseline_local import moto_fixes
from caseline_local.pollers import any_filter_matches
from caseline_local.provision import provision_stack
from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-2"
# The local stack's moto fixes (caseline_local.moto_fixes) for every test: one DynamoDB behaviour whichever
# worker runs a test (each request and each transaction with its conditions applied atomically, as under
# the local stack), moto's key material made once per process, and no copy of the table per transaction.
moto_fixes.apply()
# Each test's new botocore session reads the service models through one loader, parsed once per process.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)


@pytest.fixture
def aws() -> Iterator[Template]:
    """A fresh moto account with the template's resources (Environment=test). ``DATA_KEY_ID`` names this
    account's table key (``DataKey``), as the template gives it to the functions that seal and open,
    ``REPORT_RATE_KEY_ID`` its HMAC key for the report limits (``ReportRateKey``), ``USER_POOL_ID`` the
    victims' pool, ``USER_POOL_CLIENT_ID`` its portal client and ``SIGN_UP_SECRET_ID`` the sign-up header's
    secret: outside ``CASELINE_ENVIRONMENT=local`` a function fails on reading one that is not set."""
    with mock_aws():
        from caseline.adapters import aws as aws_clients
        from caseline.config import get_settings

        aws_clients.reset()
        template, _ = provision_stack(ROOT, _session(), region=REGION, parameters={"Environment": "test"})
        provisioned = {  # not monkeypatch: tests undo theirs
            "DATA_KEY_ID": template.physical["DataKey"]["Arn"],
            "REPORT_RATE_KEY_ID": template.physical["ReportRateKey"]["Arn"],  # this run's own HMAC key
            "USER_POOL_ID": template.physical["VictimUserPool"]["Ref"],
            "USER_POOL_CLIENT_ID": template.physical["VictimUserPoolClient"]["Ref"],
            "SIGN_UP_SECRET_ID": template.physical["SignUpVerifySecret"]["Ref"],
        }
        before = {name: os.environ.get(name) for name in provisioned}
        os.environ.update(provisioned)
        get_settings.cache_clear()
        share_one_connection()
        yield template
        aws_clients.reset()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


@functools.cache
def _session() -> boto3.session.Session:
    """One session per process for provisioning: it reads each service's model once, not once per test
    (moto's mock answers its clients whenever they were made; credentials are moto's fake ones)."""
    return boto3.session.Session(region_name=REGION)


def share_one_connection() -> None:
    """Every PynamoDB model class uses one fresh connection (so one client, whose hooks see every call).

    PynamoDB caches a connection on whichever model class first needs one; a subclass that did so in an
    earlier test would otherwise keep an old client of its own."""
    from caseline.adapters.dynamodb.models import CaselineItem

    pending = list(CaselineItem.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "_connection" in model.__dict__:
            delattr(model, "_connection")
    CaselineItem._connection = None
    CaselineItem._get_connection()


def load_handler(name: str) -> ModuleType:
    """Import functions/<name>/handler.py afresh (module-level clients are created inside the mock), and
    the modules beside it (a router, the views) afresh too, from the function's folder as Lambda would."""
    folder = ROOT / "functions" / name
    inside = f"{folder}{os.sep}"  # a string prefix: a Path per loaded module costs more than the import
    for loaded, module in list(sys.modules.items()):
        if not loaded.startswith("test_handler_") and (getattr(module, "__file__", None) or "").startswith(inside):
            del sys.modules[loaded]
    spec = importlib.util.spec_from_file_location(f"test_handler_{name}_{uuid.uuid4().hex}", folder / "handler.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
        gc.unfreeze()  # a handler freezes what is alive after loading (caseline.loading): here, the tests' objects too
    return module


class Context:
    function_name = "test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:test"
    memory_limit_in_mb = 512
    aws_request_id = "test-request"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def webhook_secret(force_id: str) -> str:
    client = boto3.client("secretsmanager", region_name=REGION)
    return str(
        json.loads(client.get_secret_value(SecretId=f"caseline/test/webhook/{force_id}")["SecretString"])["current"]
    )


def api_event(
    method: str,
    path: str,
    *,
    resource: str,
    path_parameters: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    import base64

    is_base64 = isinstance(body, bytes)
    text = base64.b64encode(body).decode() if isinstance(body, bytes) else body
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers or {},
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "test",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
            "accountId": "123456789012",
            "apiId": "test",
            "requestTimeEpoch": int(time.time() * 1000),
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def webhook_request(force_id: str, event: dict[str, Any], timestamp: int | None = None) -> dict[str, Any]:
    """The API Gateway event for ``event`` posted to the force's webhook, signed with its secret (at
    ``timestamp``, default now)."""
    from .builders import signed

    body = json.dumps(event).encode()
    return api_event(
        "POST",
        f"/v1/webhooks/{force_id}",
        resource="/v1/webhooks/{force_id}",
        path_parameters={"force_id": force_id},
        body=body,
        headers=signed(webhook_secret(force_id), body, timestamp=timestamp),
    )


class StreamReader:
    """Reads the table's stream like a Lambda event source mapping, with a function's filter criteria.

    It asks for a fresh iterator after the last record seen each time: moto swaps the shard object when a
    transaction is cancelled, which would strand an older iterator (see caseline_local.moto_fixes).
    """

    def __init__(self, template: Template, function: str) -> None:
        props = next(iter(template.resources[function]["Properties"]["Events"].values()))["Properties"]
        self.filters = props.get("FilterCriteria", {}).get("Filters")
        self.stream_arn = template.resolve(props["Stream"])
        self.client = boto3.client("dynamodbstreams", region_name=REGION)
        self.last: dict[str, str] = {}

    def new_records(self) -> list[dict[str, Any]]:
        records = []
        shards = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            position: dict[str, str] = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self.last[shard_id]}
                if shard_id in self.last
                else {"ShardIteratorType": "TRIM_HORIZON"}
            )
            iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **position)
            for record in self.client.get_records(ShardIterator=iterator["ShardIterator"])["Records"]:
                self.last[shard_id] = record["dynamodb"]["SequenceNumber"]
                record = json.loads(json.dumps(record, default=str))
                record["eventSourceARN"] = self.stream_arn
                record["awsRegion"] = REGION
                if any_filter_matches(self.filters, record):
                    records.append(record)
        return records


sys.path.insert(0, str(ROOT / "tests"))


# ------------------------------------------------------------------------------ what the functions log
class LogCapture(logging.Handler):
    """Every record any logger emits while the life cycle runs, formatted as it would be written
    (Powertools' JSON for the service logger, with tracebacks)."""

    def __init__(self, lines: list[str] | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = lines if lines is not None else []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs() -> Iterator[LogCapture]:
    from caseline.observability import logger

    service = LogCapture()
    service.setFormatter(logger.registered_formatter)
    everything = LogCapture(service.lines)  # other loggers (botocore, Powertools' batch processor): same list
    everything.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    logger.addHandler(service)
    root = logging.getLogger()
    root.addHandler(everything)
    try:
        yield service
    finally:
        logger.removeHandler(service)
        root.removeHandler(everything)


class ReadsTogether:
    """A case reader whose first read in each thread waits until ``parties`` threads have read the case:
    parallel requests then all decide on the same state before any writes, the race a limit must survive.
    A request's later reads (a retry after a conflict) do not wait."""

    def __init__(self, reader: Any, parties: int) -> None:
        self._reader = reader
        self._barrier = threading.Barrier(parties, timeout=60)
        self._waited = threading.local()

    def read(self, force_id: str, case_id: str) -> Any:
        partition = self._reader.read(force_id, case_id)
        if not getattr(self._waited, "done", False):
            self._waited.done = True
            self._barrier.wait()
        return partition


def in_parallel(request: Callable[[], int], times: int) -> list[int]:
    """Run ``request`` on ``times`` threads at once; the status each answered."""
    answers: list[int] = []
    errors: list[str] = []

    def run() -> None:
        try:
            answers.append(request())
        except Exception as error:  # reported below: an exception in a thread would be lost
            errors.append(repr(error))

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers
