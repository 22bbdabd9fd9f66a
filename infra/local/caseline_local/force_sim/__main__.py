"""``python -m caseline_local.force_sim``: event | lifecycle | burst | month | receive.

Without ``--url``/``--secret`` the commands post to the running local stack (``make dev``): the gateway
comes from .local-stack/state.json and the force's secret from the stack's Secrets Manager.
"""

# ruff: noqa: T201  (a command-line tool: printing is its job)
from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import client
from .events import EventContext, build, full_type
from .month import month_plan, play
from .people import FORCES, force
from .receiver import OutboundReceiver
from .scenarios import LIFECYCLE_SPAN, burst_plan, lifecycle


def _target(args: argparse.Namespace) -> tuple[str, str]:
    """(gateway URL, secret): from the arguments, else from the running local stack."""
    if args.url and args.secret:
        return args.url, args.secret
    state = client.local_stack(Path(args.state))
    return args.url or state["gateway"], args.secret or client.local_secret(args.force, state)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _event(args: argparse.Namespace) -> int:
    gateway, secret = _target(args)
    moment = datetime.fromisoformat(args.time) if args.time else _now()
    ctx = EventContext(args.force, args.case, args.sequence, moment, args.id or str(uuid.uuid4()))
    event = build(full_type(args.type), ctx)
    if args.request_id:  # an answer to the victim's request: the one the force received (vrr-…/vps-…-{victim})
        if "request_id" not in event["data"]:
            print(f"{event['type']} answers no request: leave out --request-id", file=sys.stderr)
            return 2
        event["data"] |= {"request_id": args.request_id, "victim_id": args.request_id.split("-", 2)[-1]}
    response = client.post_event(gateway, args.force, event, secret)
    print(f"POST {client.webhook_url(gateway, args.force)} {event['type']} sequence {args.sequence}")
    print(f"HTTP {response.status} {json.dumps(response.body)}")
    return 0 if response.status < 300 else 1


def _lifecycle(args: argparse.Namespace) -> int:
    gateway, secret = _target(args)
    case_id = args.case or f"{force(args.force).case_prefix}-{secrets.randbelow(10**6):06d}"
    start = _now() - LIFECYCLE_SPAN - timedelta(hours=1)  # the case ends now: every time is in the past
    failures = 0
    for event in lifecycle(args.force, case_id, start):
        response = client.post_event(gateway, args.force, event, secret)
        failures += response.status >= 300
        kind = event["type"].removeprefix("org.caseline.")
        print(f"{event['sequence']:>3} {kind:<40} HTTP {response.status} {response.outcome}")
    print(f"Case {case_id} ({args.force}): {failures} failed deliveries")
    return 1 if failures else 0


def _burst(args: argparse.Namespace) -> int:
    gateway, secret = _target(args)
    run_id = args.run_id or f"B{secrets.token_hex(3).upper()}"
    plan = burst_plan(
        args.force,
        cases=args.cases,
        events_per_case=args.events_per_case,
        duplicates=args.duplicates,
        shuffle=args.shuffle,
        seed=args.seed,
        run_id=run_id,
        start=_now() - timedelta(days=30),
    )
    print(
        f"Run {run_id}: {len(plan.deliveries)} deliveries = {len(plan.events)} distinct events "
        f"({plan.late} delivered late) + {plan.duplicates} duplicates, concurrency {args.concurrency}"
    )
    retries = client.Retries(max_wait=args.max_retry_wait)
    report = client.deliver(plan.deliveries, gateway, args.force, secret, concurrency=args.concurrency, retries=retries)
    print("Final answers:")
    for status, count in sorted(report.statuses.items()):
        print(f"  HTTP {status}: {count}")
    for outcome, count in report.outcomes.most_common():
        print(f"  {outcome}: {count}")
    for attempt, count in report.retried.most_common():
        print(f"  retried after HTTP {attempt}: {count}")
    print(f"{len(report.responses)} deliveries in {report.seconds:.2f} s = {report.per_second:.1f} events/s")
    return 1 if report.server_errors else 0


def _month(args: argparse.Namespace) -> int:
    from .month_http import HttpPlayer

    gateway, secret = _target(args)
    state = client.local_stack(Path(args.state)) | {"gateway": gateway}
    start = datetime.fromisoformat(client.request(f"{gateway}/_local/clock.json").body["now"]) + timedelta(minutes=1)
    run_id = args.run_id or f"M{secrets.token_hex(2).upper()}"
    acts = month_plan(
        args.force, start=start, days=args.days, crimes_per_day=args.crimes_per_day, seed=args.seed, run_id=run_id
    )
    print(f"Run {run_id}: {len(acts)} acts over {args.days} days from {start:%Y-%m-%d %H:%M} (the stack's clock)")
    player = HttpPlayer(args.force, state, secret, pause=args.pause)
    done = play(acts, player)
    print(", ".join(f"{count} {kind}" for kind, count in sorted(done.items())))
    for answer, count in sorted(player.answers.items()):
        print(f"  {answer}: {count}")
    print(f"The stack's clock now reads {player.day}: see the figures with period=month (make staff-token)")
    return 0


def _receive(args: argparse.Namespace) -> int:
    out = Path(args.out or client.ROOT / ".local-stack" / f"force-inbox-{args.port}.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    receiver = OutboundReceiver(args.secret, host=args.host, port=args.port, out=out, echo=print)
    receiver.start()
    print(f"Receiving Caseline's outbound events on {receiver.url}/ (appending to {out}); Ctrl-C stops.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print(f"\nStopping: {len(receiver.received)} events received.")
    finally:
        receiver.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m caseline_local.force_sim", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def sender(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--force", default="thames-valley", choices=sorted(FORCES))
        command.add_argument("--url", help="gateway base URL (default: the running local stack)")
        command.add_argument("--secret", help="the force's webhook secret (default: the local stack's)")
        command.add_argument("--state", default=str(client.STATE_FILE), help=argparse.SUPPRESS)
        return command

    event = sender("event", "build, sign and post one event")
    event.add_argument("--type", required=True, help="e.g. officer.assigned or org.caseline.officer.assigned.v1")
    event.add_argument("--case", required=True, help="the force's case id (the CloudEvents subject)")
    event.add_argument("--sequence", type=int, required=True, help="per-case sequence number")
    event.add_argument("--id", help="event id (default: a new one)")
    event.add_argument("--time", help="event time, ISO 8601 with an offset (default: now)")
    event.add_argument(
        "--request-id",
        help="review.acknowledged, review.decided, statement.taken: the request_id of the victim's request "
        "(default: her review of the event just before, or her first statement request)",
    )
    event.set_defaults(run=_event)
    scripted = sender("lifecycle", "post a scripted case from crime recorded to case closed")
    scripted.add_argument("--case", help="the force's case id (default: a new one)")
    scripted.set_defaults(run=_lifecycle)
    burst = sender("burst", "post randomised cases with duplicates and late deliveries, concurrently")
    burst.add_argument("--cases", type=int, default=10)
    burst.add_argument("--events-per-case", type=int, default=10)
    burst.add_argument("--duplicates", type=float, default=0.1, help="fraction of deliveries that repeat one")
    burst.add_argument("--shuffle", type=float, default=0.2, help="fraction of events delivered late")
    burst.add_argument("--concurrency", type=int, default=4)
    burst.add_argument("--seed", type=int, default=0)
    burst.add_argument("--max-retry-wait", type=float, default=5.0, help="cap on Retry-After when retrying 5xx")
    burst.add_argument("--run-id", help="case id infix, so the same seed can run again (default: random)")
    burst.set_defaults(run=_burst)
    month = sender("month", "play a month of life (crimes, victims, reports, bounces), moving the stack's clock")
    month.add_argument("--days", type=int, default=30)
    month.add_argument("--crimes-per-day", type=int, default=8)
    month.add_argument("--seed", type=int, default=0)
    month.add_argument("--pause", type=float, default=2.0, help="seconds the stack gets to catch up after each day")
    month.add_argument("--run-id", help="case id infix, so the same seed can run again (default: random)")
    month.set_defaults(run=_month)
    receive = commands.add_parser("receive", help="receive Caseline's outbound events (signed with SECRET)")
    receive.add_argument("--port", type=int, default=8095)
    receive.add_argument("--host", default="127.0.0.1")
    receive.add_argument("--secret", required=True, help="the force's OUTBOUND secret")
    receive.add_argument("--out", help="JSON lines file (default: .local-stack/force-inbox-<port>.jsonl)")
    receive.set_defaults(run=_receive)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
