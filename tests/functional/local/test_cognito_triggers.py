"""moto runs no Cognito triggers, so the local Cognito proxy invokes the template's post-authentication
function after a sign-in that returned tokens, without delaying or failing the sign-in."""

from __future__ import annotations

import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import jwt
import pytest
from moto.server import ThreadedMotoServer

from caseline_local.cognito_triggers import post_authentication_triggers
from caseline_local.gateway import Gateway
from caseline_local.provision import provision_stack

from .test_portal_gateway import REGION, ROOT, LocalPortal, sign_in_by_srp, sign_up_as_the_accounts_function


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPortal]:
    """moto over HTTP with template.yaml's resources behind the gateway's Cognito proxy."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    reset = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset).close()  # moto's servers in one process share their state: start clean
    portal_dir = tmp_path_factory.mktemp("portal")
    gateway = Gateway(portal_dir=portal_dir, port=0)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        template, _ = provision_stack(
            ROOT,
            boto3.session.Session(region_name=REGION),
            region=REGION,
            parameters={"Environment": "test", "PortalUrl": gateway.url},
        )
        gateway.cognito_endpoint = f"http://{host}:{port}"
        threading.Thread(target=gateway.server.serve_forever, daemon=True).start()
        try:
            yield LocalPortal(gateway, template, portal_dir)
        finally:
            gateway.server.shutdown()
            gateway.server.server_close()
            urllib.request.urlopen(reset).close()  # and leave none for the next module's stack
            moto.stop()


class RecordingWorker:
    """A function worker that remembers its events; it can be slow and fail, like a broken function."""

    def __init__(self, *, delay: float = 0.0, fail: bool = False) -> None:
        self.events: list[dict[str, Any]] = []
        self.called = threading.Event()
        self.delay, self.fail = delay, fail

    def invoke(self, event: dict[str, Any]) -> Any:
        time.sleep(self.delay)
        self.events.append(event)
        self.called.set()
        if self.fail:
            raise RuntimeError("the function failed")
        return event


@pytest.fixture
def wire(local: LocalPortal) -> Iterator[Any]:
    """``wire(worker)`` makes ``worker`` the function the template names, as the local stack wires it."""

    def wire_worker(worker: RecordingWorker) -> None:
        local.gateway.cognito_triggers = post_authentication_triggers(
            local.template, {"SignInFunction": worker}, region=REGION
        )

    yield wire_worker
    local.gateway.cognito_triggers = []


def signed_up(local: LocalPortal) -> tuple[str, str, str]:
    client_id = local.template.physical["VictimUserPoolClient"]["Ref"]
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    sign_up_as_the_accounts_function(local, client_id, email, password)
    return client_id, email, password


def sign_in(local: LocalPortal, client_id: str, email: str, password: str) -> Any:
    return sign_in_by_srp(local, email, password)  # the pool's client allows SRP only


def test_the_template_wires_the_sign_in_function_as_the_pools_post_authentication_trigger(
    local: LocalPortal,
) -> None:
    worker = RecordingWorker()
    triggers = post_authentication_triggers(local.template, {"SignInFunction": worker}, region=REGION)
    assert [(t.worker, t.user_pool_id) for t in triggers] == [
        (worker, local.template.physical["VictimUserPool"]["Ref"])
    ]
    assert triggers[0].client_ids == {local.template.physical["VictimUserPoolClient"]["Ref"]}


def test_a_sign_in_through_the_proxy_invokes_the_trigger_with_cognitos_event(
    local: LocalPortal,
    wire: Any,
) -> None:
    # Given the sign-in function wired as the template says
    worker = RecordingWorker()
    wire(worker)
    client_id, email, password = signed_up(local)
    # When the victim signs in through /_local/cognito
    answer = sign_in(local, client_id, email, password)
    # Then the trigger gets a PostAuthentication event naming the account by its sub
    assert answer.status == 200
    assert worker.called.wait(10)
    sub = jwt.decode(answer.json()["AuthenticationResult"]["IdToken"], options={"verify_signature": False})["sub"]
    (event,) = worker.events
    assert event["triggerSource"] == "PostAuthentication_Authentication"
    assert event["userPoolId"] == local.template.physical["VictimUserPool"]["Ref"]
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["userAttributes"]["sub"] == sub
    assert event["request"]["userAttributes"]["email"] == email
    assert event["response"] == {}


def test_a_refresh_or_a_refused_sign_in_invokes_nothing(local: LocalPortal, wire: Any) -> None:
    worker = RecordingWorker()
    client_id, email, password = signed_up(local)
    tokens = sign_in(local, client_id, email, password).json()["AuthenticationResult"]
    wire(worker)
    # When the browser refreshes its tokens, and someone tries a wrong password
    refreshed = local.cognito(
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]},
        },
    )
    refused = sign_in(local, client_id, email, "not the password")
    # Then neither is a sign-in the trigger hears about
    assert (refreshed.status, refused.status) == (200, 400)
    assert not worker.called.wait(1)


def test_a_slow_failing_trigger_neither_delays_nor_fails_the_sign_in(
    local: LocalPortal,
    wire: Any,
) -> None:
    # Given a trigger that takes 3 seconds and then fails
    worker = RecordingWorker(delay=3.0, fail=True)
    wire(worker)
    client_id, email, password = signed_up(local)
    # When the victim signs in
    began = time.monotonic()
    answer = sign_in(local, client_id, email, password)
    took = time.monotonic() - began
    # Then the tokens come back at once, and the trigger still ran
    assert answer.status == 200 and "IdToken" in answer.json()["AuthenticationResult"]
    assert took < 2.0
    assert worker.called.wait(10)
