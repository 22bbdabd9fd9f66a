"""Start and stop the whole local stack in one process (moto, gateway, pollers) plus one worker
process per function. Used by ``python -m caseline_local up`` and by the end-to-end test fixture."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from caseline_local import call_handlers, demo, faults, mailbox, moto_fixes, portal, staff
from caseline_local.auth import CognitoVerifier
from caseline_local.cognito_triggers import post_authentication_triggers
from caseline_local.force_sim.receiver import OutboundReceiver
from caseline_local.gateway import COGNITO_PROXY_PATH, Gateway, Route, json_page
from caseline_local.housekeeping import Housekeeper, rotate_logs
from caseline_local.inprocess import InProcessStreams
from caseline_local.pollers import QueuePoller, SchedulePoller, StreamPoller, parse_rate
from caseline_local.provision import provision_stack
from caseline_local.ses_events import SesEventsPoller
from caseline_local.template import Template
from caseline_local.workers import CLOCK_FILE_VARIABLE, FunctionSpec, FunctionWorker, InvocationError, read_clock_offset

log = logging.getLogger("caseline_local")
ROOT = Path(__file__).resolve().parents[3]
API_CONCURRENCY = 4  # environments per function behind the gateway, started as concurrent requests need them
IDLE_WAIT_SECONDS = 60.0  # the longest /_local/idle.json waits for every poller to find nothing to do
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local"}


def inbox_query(params: dict[str, list[str]]) -> dict[str, Any]:
    """``force`` and ``since`` (how many of each force's events to skip) from a query string."""
    since = params.get("since", ["0"])[0]
    return {"force": params.get("force", [None])[0] or None, "since": int(since) if since.isdigit() else 0}


def cap_malloc_arenas(arenas: int = 2) -> bool:
    """glibc gives each new thread a malloc arena of its own, up to eight per core, and the arenas of a
    server with a thread per request fill with pages that stay partly used: the process grows for good.
    Capped before the stack's threads start; False where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(-8, arenas))  # M_ARENA_MAX


@dataclass
class StackConfig:
    root: Path = ROOT
    host: str = "127.0.0.1"
    port: int = 8080
    moto_port: int = 0
    region: str = "eu-west-2"
    schedule_seconds: float | None = None
    load_demo: bool = True
    state_dir: Path | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.state_dir = config.state_dir or config.root / ".local-stack"
        self.stop_event = threading.Event()
        self.workers: dict[str, FunctionWorker] = {}
        self.pollers: list[Any] = []
        self.moto: ThreadedMotoServer | None = None
        self.gateway: Gateway | None = None
        self.template: Template | None = None
        self.endpoint = ""
        self.started_in = 0.0
        self.demo_results: list[tuple[str, int, dict[str, Any]]] = []
        self.analysts: list[staff.DemoAnalyst] = []  # a demo analyst per force, in the staff pool
        self.call_handlers: list[dict[str, str]] = []  # a demo call handler per force (contact-{force} group)
        self.receivers: dict[str, OutboundReceiver] = {}
        self._serving = False
        self.faults = faults.Faults()  # fault injection, off until set (PUT /_local/faults)

    # ------------------------------------------------------------ lifecycle
    def start(self) -> LocalStack:
        began = time.perf_counter()
        # The port first: when it is taken nothing has started, and the stack serving on it is left alone.
        self.gateway = Gateway(portal_dir=self.config.root / "portal", host=self.config.host, port=self.config.port)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "logs").mkdir(exist_ok=True)
        rotate_logs(self.state_dir / "logs")
        self.reset_clock()  # like the rest of the state, a clock an earlier run moved (force-month) is gone
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        cap_malloc_arenas()
        moto_fixes.apply()
        mailbox.install()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.config.moto_port, verbose=False)
        self.moto.start()
        faults.install(self.moto, self.faults)  # only calls signed by a function's key can be faulted
        host, port = self.moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        os.environ.update(
            {
                **FAKE_CREDENTIALS,
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_DEFAULT_REGION": self.config.region,
                "AWS_REGION": self.config.region,
            }
        )
        parameters = {"Environment": "local", "PortalUrl": self.gateway.url, **self.config.parameters}
        parameters.setdefault("StaffMfa", "OPTIONAL")  # demo analysts: a password, no two-step code (ADR 0019)
        session = boto3.session.Session(region_name=self.config.region)
        self._start_force_receivers(parameters)
        self.template, _ = provision_stack(
            self.config.root,
            session,
            region=self.config.region,
            parameters=parameters,
            outbound_urls={force: receiver.url + "/caseline" for force, receiver in self.receivers.items()},
        )
        for force_id, receiver in self.receivers.items():
            receiver.inbox.secrets = [self._secret("outbound", force_id)]
        self._start_workers()
        self.faults.attach(workers=self.workers, receivers=self.receivers)
        self._wire_gateway(session)
        self.analysts = staff.create_demo_analysts(
            session.client("cognito-idp"), self.template.physical["StaffUserPool"]["Ref"], self.forces
        )
        self.call_handlers = call_handlers.create_demo_call_handlers(
            session.client("cognito-idp"), self.template.physical["StaffUserPool"]["Ref"], self.forces, self.state_dir
        )
        self._start_pollers(session)
        threading.Thread(target=self.gateway.server.serve_forever, name="gateway", daemon=True).start()
        self._serving = True
        self._write_state()
        if self.config.load_demo:
            self.load_demo()
        self.started_in = time.perf_counter() - began
        return self

    def stop(self) -> None:
        self.stop_event.set()
        moto_fixes.STREAM_WRITES.notify()  # wake idle stream pollers so they see the stop
        for poller in self.pollers:
            poller.join(timeout=5)
        if self.gateway:
            if self._serving:  # shutdown() waits for a serve_forever loop, so never before it started
                self.gateway.server.shutdown()
            self.gateway.server.server_close()
        with ThreadPoolExecutor(max_workers=len(self.workers) or 1) as pool:  # side by side, as they start
            list(pool.map(lambda w: w.stop(), self.workers.values()))
        for receiver in self.receivers.values():
            receiver.stop()
        if self.moto:
            self.moto.stop()
        if self._serving:  # written once serving: a stack that never served wrote none (another's may be there)
            (self.state_dir / "state.json").unlink(missing_ok=True)

    # ------------------------------------------------------------ functions
    def _function_specs(self) -> list[FunctionSpec]:
        assert self.template is not None
        template = self.template
        globals_fn = template.globals_function
        specs = []
        for name, resource in template.of_type("AWS::Serverless::Function").items():
            props = resource["Properties"]
            env = {
                **template.resolve(globals_fn.get("Environment", {}).get("Variables", {})),
                **template.resolve(props.get("Environment", {}).get("Variables", {})),
                CLOCK_FILE_VARIABLE: str(self.clock_file),  # local only: the stack's controllable clock
            }
            env = {k: str(v) for k, v in env.items()}
            env.update(FAKE_CREDENTIALS)
            env["AWS_ACCESS_KEY_ID"] = faults.function_access_key(name)  # its calls, and only its, can be faulted
            env.update(
                {
                    "AWS_ENDPOINT_URL": self.endpoint,
                    "AWS_REGION": self.config.region,
                    "AWS_DEFAULT_REGION": self.config.region,
                    "AWS_LAMBDA_FUNCTION_NAME": template.physical[name]["Ref"],
                    "POWERTOOLS_TRACE_DISABLED": "true",
                    "PYTHONPATH": str(self.config.root / "layers" / "core"),
                }
            )
            specs.append(
                FunctionSpec(
                    logical_id=name,
                    function_name=template.physical[name]["Ref"],
                    code_dir=self.config.root / props["CodeUri"],
                    handler=props.get("Handler", globals_fn.get("Handler", "handler.lambda_handler")),
                    environment=env,
                    timeout=int(props.get("Timeout", globals_fn.get("Timeout", 3))),
                    memory=int(props.get("MemorySize", globals_fn.get("MemorySize", 128))),
                )
            )
        return specs

    def _start_workers(self) -> None:
        log_dir = self.state_dir / "logs"
        # Pollers invoke one batch at a time, or one per lane of a stream's ParallelizationFactor.
        concurrencies = {function: int(p.get("ParallelizationFactor", 1)) for function, p in self._events({"DynamoDB"})}
        concurrencies.update((function, API_CONCURRENCY) for function, _ in self._events({"Api"}))
        for spec in self._function_specs():
            concurrency = concurrencies.get(spec.logical_id, 1)
            self.workers[spec.logical_id] = FunctionWorker(spec, log_dir, concurrency=concurrency)
        with ThreadPoolExecutor(max_workers=len(self.workers) or 1) as pool:
            list(pool.map(lambda w: w.wait_ready(), self.workers.values()))

    def _events(self, kind: set[str]) -> list[tuple[str, dict[str, Any]]]:
        assert self.template is not None
        found = []
        for name, resource in self.template.of_type("AWS::Serverless::Function").items():
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] in kind:
                    found.append((name, event.get("Properties", {})))
        return found

    # ------------------------------------------------------------ API
    def _wire_gateway(self, session: boto3.session.Session) -> None:
        assert self.template is not None and self.gateway is not None
        template = self.template
        apis = template.of_type("AWS::Serverless::Api")
        routes = []
        for function, props in self._events({"Api"}):
            api_name = props.get("RestApiId", {}).get("Ref") if isinstance(props.get("RestApiId"), dict) else None
            api = apis.get(api_name or "", {}).get("Properties", {})
            default_authorizer = api.get("Auth", {}).get("DefaultAuthorizer")
            route_authorizer = props.get("Auth", {}).get("Authorizer", default_authorizer)
            authorized = bool(route_authorizer) and route_authorizer != "NONE"
            named = route_authorizer if authorized and route_authorizer != default_authorizer else ""
            routes.append(Route.build(props["Method"], props["Path"], self.workers[function], authorized, named))
        self.gateway.routes = routes
        for api in apis.values():
            properties = api["Properties"]
            self.gateway.stage = str(template.resolve(properties.get("StageName", "local")))
            for kind, response in properties.get("GatewayResponses", {}).items():
                parameters = response.get("ResponseParameters", {}).get("Headers", {})
                headers = {name: str(value).strip("'") for name, value in parameters.items()}
                if body := response.get("ResponseTemplates", {}).get("application/json"):
                    self.gateway.responses[kind] = ({"Content-Type": "application/json", **headers}, body)
            auth = properties.get("Auth", {})
            for name, authorizer in auth.get("Authorizers", {}).items():
                if not authorizer.get("UserPoolArn"):
                    continue
                pool_arn = template.resolve(authorizer["UserPoolArn"])
                pool_name = next(n for n, p in template.physical.items() if p.get("Arn") == pool_arn)
                pool_id = template.physical[pool_name]["Ref"]
                clients = [
                    p["ClientId"]
                    for p in template.physical.values()
                    if p.get("UserPoolId") == pool_id and "ClientId" in p
                ]
                verifier = CognitoVerifier(
                    endpoint=self.endpoint, region=self.config.region, user_pool_id=pool_id, client_ids=clients
                )
                self.gateway.verifiers[name] = verifier
                if name == auth.get("DefaultAuthorizer"):
                    self.gateway.verifier = verifier
        self.gateway.response_headers = portal.response_headers(template)
        self.gateway.cognito_endpoint = self.endpoint
        self.gateway.cognito_triggers = post_authentication_triggers(template, self.workers, region=self.config.region)
        self.gateway.local_pages = {
            "/_local/sent": lambda q: ("text/html; charset=utf-8", mailbox.page(q).encode()),
            "/_local/sent.json": lambda q: json_page(mailbox.as_json(mailbox.SENT.read(**mailbox.query(q)))),
            "/_local/config.json": lambda q: json_page(self.public_config()),
            "/config.json": lambda q: json_page(self.public_config()),  # where a deployed portal finds it
            "/_local/force-inbox.json": lambda q: json_page(self.force_inboxes(**inbox_query(q))),
            "/_local/clock.json": lambda q: json_page({"now": self.now().isoformat()}),
            "/_local/idle.json": lambda q: json_page({"idle": self.wait_idle(timeout=IDLE_WAIT_SECONDS)}),
            "/_local/faults": lambda q: json_page(self.faults.snapshot()),
        }
        self.gateway.local_actions = {"/_local/faults": self.faults.http}

    def public_config(self) -> dict[str, Any]:
        """What a browser needs to talk to this stack: no secrets. Cognito is reached through the gateway's
        same-origin proxy; the forces' names, colours and phone numbers come from the content file."""
        assert self.template is not None
        physical = self.template.physical
        pool = physical.get("VictimUserPool") or next((p for p in physical.values() if p.get("ProviderName")), {})
        client = physical.get("VictimUserPoolClient") or next((p for p in physical.values() if "ClientId" in p), {})
        gateway_url = self.gateway.url if self.gateway else ""
        return {
            "region": self.config.region,
            "apiUrl": gateway_url,
            "cognitoEndpoint": gateway_url + COGNITO_PROXY_PATH,
            "userPoolId": pool.get("Ref"),
            "userPoolClientId": client.get("Ref"),
            "staffUserPoolId": physical.get("StaffUserPool", {}).get("Ref"),
            "staffUserPoolClientId": physical.get("StaffUserPoolClient", {}).get("Ref"),
            "forces": portal.force_branding(self.config.root, list(self.template.parameters["Forces"])),
        }

    # ------------------------------------------------------------ event sources
    def _start_pollers(self, session: boto3.session.Session) -> None:
        assert self.template is not None
        template = self.template
        streams, sqs = InProcessStreams(self.config.region), session.client("sqs")
        queue_urls = {p["Arn"]: p["QueueUrl"] for p in template.physical.values() if "QueueUrl" in p}
        for function, props in self._events({"DynamoDB"}):
            destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            self.pollers.append(
                StreamPoller(
                    worker=self.workers[function],
                    stream_arn=template.resolve(props["Stream"]),
                    properties=props,
                    streams=streams,
                    sqs=sqs,
                    region=self.config.region,
                    stop=self.stop_event,
                    destination_url=queue_urls.get(template.resolve(destination)) if destination else None,
                )
            )
        for function, props in self._events({"SQS"}):
            arn = template.resolve(props["Queue"])
            self.pollers.append(
                QueuePoller(
                    worker=self.workers[function],
                    queue_url=queue_urls[arn],
                    queue_arn=arn,
                    properties=props,
                    sqs=sqs,
                    region=self.config.region,
                    stop=self.stop_event,
                )
            )
        for function, props in self._events({"Schedule", "ScheduleV2"}):
            every = self.config.schedule_seconds or parse_rate(template.resolve(props["ScheduleExpression"]))
            self.pollers.append(
                SchedulePoller(
                    worker=self.workers[function],
                    properties=props,
                    every_seconds=every,
                    region=self.config.region,
                    stop=self.stop_event,
                )
            )
        # moto's SES reports no deliveries or bounces: play the mailbox for the configuration sets' topics.
        self.pollers.append(
            SesEventsPoller(sns=session.client("sns"), region=self.config.region, stop=self.stop_event, now=self.now)
        )
        stream_pollers = [p for p in self.pollers if isinstance(p, StreamPoller)]
        self.pollers.append(Housekeeper(pollers=stream_pollers, region=self.config.region, stop=self.stop_event))
        for poller in self.pollers:
            poller.start()

    # ------------------------------------------------------------ forces' systems
    def _start_force_receivers(self, parameters: dict[str, Any]) -> None:
        """Each force's endpoint for outbound events: a simulator receiver that checks signatures."""
        main = Template.read(self.config.root / "template.yaml", region=self.config.region, overrides=parameters)
        for force_id in main.parameters["Forces"]:
            receiver = OutboundReceiver("not-yet-provisioned", out=self.state_dir / f"force-inbox-{force_id}.jsonl")
            self.receivers[force_id] = receiver.start()

    def force_inboxes(self, *, force: str | None = None, since: int = 0) -> dict[str, list[dict[str, Any]]]:
        """What each force (or one) received, skipping the first ``since`` events of each."""
        return {
            force_id: receiver.received_since(since)
            for force_id, receiver in self.receivers.items()
            if force in (None, force_id)
        }

    # ------------------------------------------------------------ the clock
    @property
    def clock_file(self) -> Path:
        return self.state_dir / "clock.json"

    def now(self) -> datetime:
        """The functions' idea of now: real time plus however far the clock was moved."""
        return datetime.now(UTC) + timedelta(seconds=read_clock_offset(self.clock_file))

    def set_clock(self, moment: datetime) -> None:
        """Move every function's clock so that it reads ``moment`` now (time then runs on from there)."""
        offset = (moment - datetime.now(UTC)).total_seconds()
        temporary = self.clock_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"offset_seconds": offset}))
        temporary.replace(self.clock_file)

    def advance_clock(self, delta: timedelta) -> None:
        self.set_clock(self.now() + delta)

    def reset_clock(self) -> None:
        self.clock_file.unlink(missing_ok=True)

    def wait_idle(self, *, timeout: float = 300.0) -> bool:
        """Wait until every stream and queue poller has, since one moment, polled and found nothing: then
        whatever was written before that moment has been handled (a burst drained), at once rather than
        after a fixed quiet time. When a poller finds work, start again from a new moment. Schedules are
        not counted: they run whatever the load. False if ``timeout`` passed first."""
        watched = [p for p in self.pollers if isinstance(p, StreamPoller | QueuePoller)]
        deadline = time.monotonic() + timeout
        moment = time.monotonic()
        while time.monotonic() < deadline:
            states = [p.quiet_since(moment) for p in watched]
            if all(states):
                return True
            if None in states:
                moment = time.monotonic()
            time.sleep(0.05)
        return False

    def run_schedule(self, function: str = "DutySweepFunction") -> Any:
        """Invoke a scheduled function now (as its schedule would) and return what it returned."""
        event = {
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "detail": {},
            "time": self.now().isoformat(),
        }
        return self.workers[function].invoke(event)

    def sweep(self) -> Any:
        """Run the sweep now. None: it ran out of time on a backlog (a function error), and, as with its
        schedule, the next run carries on from there."""
        try:
            return self.run_schedule()
        except InvocationError:
            return None

    # ------------------------------------------------------------ helpers
    def _secret(self, kind: str, force_id: str) -> str:
        environment = self.template.parameters["Environment"] if self.template else "local"
        client = boto3.session.Session(region_name=self.config.region).client("secretsmanager")
        secret_id = f"caseline/{environment}/{kind}/{force_id}"
        return str(json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])["current"])

    def webhook_secret(self, force_id: str) -> str:
        return self._secret("webhook", force_id)

    def load_demo(self) -> None:
        assert self.gateway is not None
        for force_id, event in demo.demo_events():
            status, body = demo.post_event(self.gateway.url, force_id, event, self.webhook_secret(force_id))
            self.demo_results.append((force_id, status, body))

    @property
    def forces(self) -> list[str]:
        assert self.template is not None
        return list(self.template.parameters["Forces"])

    def _write_state(self) -> None:
        state = {
            "gateway": self.gateway.url if self.gateway else "",
            "staff_pool_id": self.template.physical["StaffUserPool"]["Ref"] if self.template else "",
            "staff_client_id": self.template.physical["StaffUserPoolClient"]["Ref"] if self.template else "",
            "analysts": staff.state(self.analysts),
            "aws_endpoint": self.endpoint,
            "region": self.config.region,
            "pid": os.getpid(),
        }
        path = self.state_dir / "state.json"
        path.unlink(missing_ok=True)
        path.touch(mode=0o600)  # it holds the demo analysts' passwords: the owner's only
        path.write_text(json.dumps(state, indent=2), encoding="utf-8")
