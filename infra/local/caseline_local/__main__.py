"""``python -m caseline_local``: up | post-demo | sent | faults | compliance | staff-token | openapi | event-schemas."""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime
from typing import Any

from caseline_local import demo, staff
from caseline_local.force_sim import client as force_client
from caseline_local.stack import FAKE_CREDENTIALS, ROOT, LocalStack, StackConfig


def demo_line(force_id: str, status: int, body: dict[str, Any]) -> str:
    """A demo event's answer: its status word (``accepted``), or a refusal's problem title."""
    return f"  Demo event      {force_id}: HTTP {status} {body.get('title', body.get('status'))}\n"


def _state() -> dict[str, Any]:
    return force_client.local_stack()  # the running stack's gateway, moto endpoint and region


def _up(args: argparse.Namespace) -> None:
    stack = LocalStack(StackConfig(port=args.port, load_demo=not args.no_demo, schedule_seconds=args.schedule_seconds))
    stopping = False

    def _stop(*_: Any) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)  # also when started from a shell that ignores SIGINT for background jobs
    try:
        try:
            stack.start()
        except OSError as error:
            if error.errno != errno.EADDRINUSE or stack.gateway is not None:
                raise
            sys.exit(f"Port {args.port} is already in use (another local stack?): stop that, or use make dev PORT=…")
        assert stack.gateway is not None
        url = stack.gateway.url
        out = sys.stdout
        out.write(f"\nCaseline local stack ready in {stack.started_in:.1f} s\n")
        out.write(f"  Portal          {url}/\n")
        out.write(f"  Sent messages   {url}/_local/sent   (or: make sent)\n")
        out.write(f"  Force webhooks  POST {url}/v1/webhooks/{{force_id}}   (make demo-event posts one)\n")
        out.write(f"  Victim API      GET  {url}/v1/me/cases   (Cognito ID token)\n")
        out.write(f"  Force inboxes   {url}/_local/force-inbox.json   (victims' messages received by each force)\n")
        out.write(f"  AWS (moto)      {stack.endpoint}\n")
        out.write(f"  Function logs   {stack.state_dir / 'logs'}\n")
        out.write(f"  Force insights  GET  {url}/v1/insights/{{force_id}}   (staff ID token: make staff-token)\n")
        out.write(f"  Staff sign-in   {url}/staff-sign-in.html   (demo analysts below: new passwords each start)\n")
        for analyst in stack.analysts:
            out.write(f"  Demo analyst    {analyst.force_id}: {analyst.email} / {analyst.password}\n")
        for handler in stack.call_handlers:  # POST /v1/staff/case-lookups with their staff ID token
            out.write(f"  Call handler    {handler['force_id']}: {handler['email']} / {handler['password']}\n")
        for force_id, status, body in stack.demo_results:
            out.write(demo_line(force_id, status, body))
        out.write("Press Ctrl-C to stop.\n")
        out.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sys.stdout.write("\nStopping...\n")
    finally:
        stack.stop()


def _post_demo(args: argparse.Namespace) -> None:
    state = _state()
    secret = force_client.local_secret(args.force, state)
    event = demo.fresh_crime_recorded(args.force)
    status, body = demo.post_event(state["gateway"], args.force, event, secret)
    sys.stdout.write(f"POST /v1/webhooks/{args.force} -> HTTP {status} {json.dumps(body)}\n")
    sys.stdout.write(f"Crime reference {event['data']['crime_reference']}; see {state['gateway']}/_local/sent\n")
    sys.exit(0 if status < 300 else 1)


def _sent(args: argparse.Namespace) -> None:
    """The running stack's sent log, read from its gateway (only what the filters select)."""
    query = urllib.parse.urlencode({k: v for k, v in {"since": args.since, "to": args.to}.items() if v})
    with urllib.request.urlopen(f"{_state()['gateway']}/_local/sent.json?{query}", timeout=30) as response:
        messages = json.load(response)
    for message in messages:
        title = f" | {message['subject']}" if message["subject"] else ""
        sys.stdout.write(f"--- #{message['seq']} {message['channel'].upper()} to {message['to']}{title}\n")
        sys.stdout.write(f"{message['body']}\n\n")


def _faults(args: argparse.Namespace) -> None:
    """Show, set or clear the running stack's fault injection (``/_local/faults`` on its gateway)."""
    method = {"show": "GET", "set": "PUT", "clear": "DELETE"}[args.action]
    body = None
    if args.action == "set":
        if not args.document:
            sys.exit("faults set needs the settings as JSON: see docs/adr/0003-local-stack.md")
        body = args.document.encode("utf-8")
    request = urllib.request.Request(
        f"{_state()['gateway']}/_local/faults",
        data=body,
        method=method,
        headers={"Content-Type": "application/json"} if body is not None else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        problem = json.loads(error.read() or b"{}")
        lines = [f"  {e.get('field') or '(document)'}: {e.get('message')}" for e in problem.get("errors", [])]
        sys.stderr.write("\n".join([f"HTTP {error.code}: {problem.get('title', error.reason)}", *lines]) + "\n")
        sys.exit(1)
    sys.stdout.write(json.dumps(answer, indent=2) + "\n")


def _compliance(args: argparse.Namespace) -> None:
    state = _state()
    os.environ.update(
        {
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL": state["aws_endpoint"],
            "AWS_DEFAULT_REGION": state["region"],
            "CASELINE_ENVIRONMENT": "local",  # the layer's local defaults: caseline-local, the demo forces
        }
    )
    from caseline_local import compliance

    with urllib.request.urlopen(f"{state['gateway']}/_local/clock.json", timeout=30) as response:
        today = datetime.fromisoformat(json.load(response)["now"]).date()  # the stack's clock, moved or not
    default_first, default_last = compliance.default_period(today)
    first = date.fromisoformat(args.first) if args.first else default_first
    last = date.fromisoformat(args.last) if args.last else default_last
    for force_id in args.force:
        sys.stdout.write(compliance.table(force_id, first, last, compliance.rows(force_id, first, last)) + "\n\n")


def _openapi(_: argparse.Namespace) -> None:
    os.environ.setdefault("CASELINE_ENVIRONMENT", "local")  # the handlers are imported, never called
    from caseline_local.openapi import build

    sys.stdout.write(json.dumps(build(ROOT), indent=2, sort_keys=True) + "\n")


def _staff_token(args: argparse.Namespace) -> None:
    """A demo analyst's ID token from the running stack's staff pool, and how to ask for the figures."""
    state = _state()
    token = staff.id_token(state["gateway"], state, args.force)  # this run's password, from the state file
    sys.stdout.write(f"{token}\n")
    sys.stderr.write(
        f'curl -H "Authorization: <the token above>" "{state["gateway"]}/v1/insights/{args.force}?format=csv"\n'
    )


def _event_schemas(_: argparse.Namespace) -> None:
    from caseline_local.contract import write_all

    for path in write_all(ROOT / "docs" / "events" / "schemas"):
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="caseline_local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run the local stack with demo data")
    up.add_argument("--port", type=int, default=8080)
    up.add_argument("--no-demo", action="store_true")
    up.add_argument("--schedule-seconds", type=float, default=None, help="run schedules this often instead")
    up.set_defaults(run=_up)
    post = commands.add_parser("post-demo", help="post a new signed crime-recorded event")
    post.add_argument("--force", default="thames-valley", choices=["thames-valley", "hampshire"])
    post.set_defaults(run=_post_demo)
    sent = commands.add_parser("sent", help="print the emails and SMS sent (all, or after --since, to --to)")
    sent.add_argument("--since", help="only messages after this message number")
    sent.add_argument("--to", help="only messages to this email address or phone number")
    sent.set_defaults(run=_sent)
    faults = commands.add_parser("faults", help="show, set or clear fault injection in the running stack")
    faults.add_argument("action", choices=["show", "set", "clear"])
    faults.add_argument("document", nargs="?", help="set: the settings as JSON (see docs/adr/0003-local-stack.md)")
    faults.set_defaults(run=_faults)
    report = commands.add_parser("compliance", help="Victims' Code duties due in a period: met, late, missed, open")
    report.add_argument("--force", action="append", default=None, help="force id (repeatable; default: both)")
    report.add_argument("--from", dest="first", help="first due date (default: 90 days before the stack's today)")
    report.add_argument("--to", dest="last", help="last due date (default: 30 days after the stack's today)")
    report.set_defaults(run=_compliance)
    token = commands.add_parser("staff-token", help="print a demo analyst's ID token (staff pool) for the insights API")
    token.add_argument("--force", default="thames-valley", choices=["thames-valley", "hampshire"])
    token.set_defaults(run=_staff_token)
    commands.add_parser("openapi", help="print the OpenAPI document").set_defaults(run=_openapi)
    commands.add_parser("event-schemas", help="write docs/events/schemas/*.schema.json").set_defaults(
        run=_event_schemas
    )
    args = parser.parse_args(argv)
    if getattr(args, "force", None) is None and args.command == "compliance":
        args.force = ["thames-valley", "hampshire"]
    args.run(args)


if __name__ == "__main__":
    main()
