"""Soak benchmark: the local stack under a steady mixed load for a long run, through a schedule of faults.

Signed force events (both forces, with duplicates and late deliveries) are paced over the run while
signed-in victims read their cases and send messages; faults are switched on phase by phase (DynamoDB
throttling, SES/SNS errors, a force endpoint slow, down and redirecting, killed invocations), then cleared
so everything drains. It prints throughput, latencies, read-back latencies and memory, and checks, from
the table, the sent log, the forces' inboxes and the dead-letter queues, that nothing was lost or sent
twice. Timings are informational; exits 1 only when a correctness check fails.

    PYTHONPATH=layers/core:infra/local .venv/bin/python tests/bench/soak.py [--minutes 30] [--events 3000]
        [--cases 300] [--victims 50]
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))  # soak_victims, next to this file

from soak_victims import (
    FORCES,
    Faults,
    ReadBack,
    Victim,
    VictimRunner,
    VictimStats,
    make_victims,
    percentile,
    rss_mib,
    summary_ms,
    workers_rss,
)

from caseline.domain.outbound import outbound_event_id
from caseline_local.force_sim import client
from caseline_local.force_sim.scenarios import Delivery, burst_plan
from caseline_local.stack import LocalStack, StackConfig

TABLE = "caseline-local"
CLIENT_TIMEOUT = 120.0  # wait for a slow answer rather than abandon it and add load
RETRY_FOR = 300.0  # a force keeps retrying a delivery (same webhook-id) for this long
MAX_WAIT = 5.0  # ... waiting at most this long between attempts
DRAIN_STEP = 60.0  # seconds: how long one drain step waits for the streams and queues to go quiet
STUCK_AFTER = timedelta(minutes=16)  # past caseline.services.timers.STUCK_AFTER: the sweep reports the send
UNHANDLED = {"pending", "sending"}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


# ------------------------------------------------------------------ the fault schedule
def fault_phases(endpoint_force: str) -> list[tuple[float, str, dict[str, Any]]]:
    """(start as a share of the run, label, settings): six equal phases, the endpoint one in thirds."""
    ingest_and_dispatch = [
        {"service": "dynamodb", "kind": "throttle", "share": 0.05, "function": f}
        for f in ("WebhookIngestFunction", "DispatchFunction")
    ]
    providers = [{"service": s, "kind": "error", "share": 0.1} for s in ("ses", "sns")]
    kills = [{"function": f, "share": 0.05} for f in ("DispatchFunction", "JourneysFunction")]

    def endpoint(mode: str) -> dict[str, Any]:
        return {"force_endpoints": {endpoint_force: {"mode": mode, "delay_seconds": 3}}}

    sixth = 1 / 6
    return [
        (0.0, "no faults", {}),
        (sixth, "DynamoDB throttled 5% (webhook ingest, dispatch)", {"aws": ingest_and_dispatch}),
        (2 * sixth, "SES and SNS errors 10%", {"aws": providers}),
        (3 * sixth, f"{endpoint_force} endpoint slow (3 s)", endpoint("slow")),
        (3.333 * sixth, f"{endpoint_force} endpoint down", endpoint("down")),
        (3.667 * sixth, f"{endpoint_force} endpoint redirects", endpoint("redirect")),
        (4 * sixth, "kill 5% of Dispatch and Journeys invocations", {"kill": kills}),
        (5 * sixth, "no faults (drain; no new force events)", {}),
    ]


# ------------------------------------------------------------------ force events, paced
@dataclass
class SendStats:
    latencies: list[float] = field(default_factory=list)  # every POST, retries included
    final: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    retried: Counter[int] = field(default_factory=Counter)
    accepted_ids: set[str] = field(default_factory=set)  # events some delivery of which got a 2xx
    sent: int = 0
    began: float = 0.0
    ended: float = 0.0


@dataclass
class Load:
    readback: ReadBack
    events: SendStats = field(default_factory=SendStats)
    victims: VictimStats = field(default_factory=VictimStats)
    injected: Any = None


def send(gateway: str, secrets: dict[str, str], force_id: str, delivery: Delivery, *, stats: SendStats) -> None:
    """Deliver as a force does: retry 409, 429, 5xx and no answer with the same webhook-id, then give up."""
    url, body = client.webhook_url(gateway, force_id), client.encode(delivery.event)
    deadline, attempt = time.monotonic() + RETRY_FOR, 0
    while True:
        began = time.perf_counter()
        try:
            response = client.post_signed(
                url, body, secrets[force_id], webhook_id=delivery.webhook_id, timeout=CLIENT_TIMEOUT
            )
        except OSError as error:
            response = client.Response(0, {"error": type(error).__name__})
        stats.latencies.append(time.perf_counter() - began)
        if response.status not in client.RETRYABLE or time.monotonic() > deadline:
            break
        stats.retried[response.status] += 1
        time.sleep(min(MAX_WAIT, response.retry_after or 0.2 * 2**attempt))
        attempt += 1
    stats.final[response.status] += 1
    stats.outcomes[response.outcome] += 1
    if 200 <= response.status < 300:
        stats.accepted_ids.add(delivery.event["id"])
    stats.sent += 1


def pace(schedule: list[tuple[float, str, Delivery]], run: Any, concurrency: int, stats: SendStats) -> None:
    """Submit each (offset seconds, force, delivery) at its time; ``run(force, delivery)`` posts it."""
    stats.began = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="force") as pool:
        for offset, force_id, delivery in schedule:
            time.sleep(max(0.0, stats.began + offset - time.monotonic()))
            pool.submit(run, force_id, delivery)
    stats.ended = time.monotonic()


def build_schedule(args: argparse.Namespace, victims: list[Victim], window: float) -> tuple[list[Any], list[Any]]:
    """The victims' crime.recorded events at once, then both forces' bursts interleaved over ``window``."""
    start = datetime.now(UTC) - timedelta(days=30)
    per_case = max(1, round(args.events / args.cases))
    plans = [
        burst_plan(
            force_id,
            cases=args.cases // len(FORCES) + (i < args.cases % len(FORCES)),
            events_per_case=per_case,
            duplicates=0.1,
            shuffle=0.2,
            seed=args.seed + i,
            run_id=f"SOAK{args.seed}",
            start=start,
        )
        for i, force_id in enumerate(FORCES)
    ]
    merged = [(n / len(p.deliveries), p.force_id, d) for p in plans for n, d in enumerate(p.deliveries)]
    merged.sort(key=lambda item: item[0])
    schedule = [(0.0, v.force_id, Delivery(client.new_webhook_id(), v.event)) for v in victims]
    schedule += [(window * i / len(merged), f, d) for i, (_, f, d) in enumerate(merged)]
    return schedule, plans


# ------------------------------------------------------------------ the table, after the run
def scan_table() -> list[dict[str, Any]]:
    dynamodb = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": TABLE, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**request)
        items.extend({k: next(iter(v.values())) for k, v in item.items()} for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def of_kind(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [item for item in items if item["sk"].startswith(prefix)]


def outstanding(items: list[dict[str, Any]], now: datetime) -> int:
    """Work still under way: messages not yet handled (a claim in progress aside) or due for a retry
    soon, and outbound events not yet delivered."""
    soon = now + timedelta(minutes=20)
    pending = sum(
        item["status"] == "pending"
        or (item["status"] == "deferred" and held_until(item) <= (soon if int(item.get("attempts", 0)) else now))
        for item in of_kind(items, "OUTBOX#")
    )
    undelivered = sum(item["status"] != "delivered" for item in of_kind(items, "OUTBOUND#"))
    return int(pending) + int(undelivered)


def held_until(item: dict[str, Any]) -> datetime:
    return datetime.strptime(item["send_after"], TIME_FORMAT)


def drain(stack: LocalStack, seconds: float) -> list[dict[str, Any]]:
    """Let streams and queues go quiet and run the sweep until no work is outstanding (or time is up),
    printing at each step how much is left and which pollers still find work; then move the stack's
    clock past the sweep's stuck-send limit so a send a fault interrupted is reported as the sweep would
    15 minutes later."""
    began = time.monotonic()
    deadline = began + seconds
    while True:
        step = time.monotonic()
        quiet = stack.wait_idle(timeout=max(1.0, min(DRAIN_STEP, deadline - step)))
        if stack.sweep() is None:
            print("  drain: a sweep ran out of time; the next one carries on", flush=True)
        items = scan_table()
        left = outstanding(items, stack.now())
        busy = "" if quiet else f"; pollers still finding work: {busy_pollers(stack, step)}"
        minutes = (time.monotonic() - began) / 60
        print(f"  drain [{minutes:4.1f} min]: {left} messages or outbound events outstanding{busy}", flush=True)
        if not left or time.monotonic() > deadline:
            break
    if any(item["status"] == "sending" for item in of_kind(items, "OUTBOX#")):
        print(f"  drain: messages still claimed; clock moved {STUCK_AFTER} on for the sweep", flush=True)
        stack.advance_clock(STUCK_AFTER)
        stack.sweep()  # out of time or not, what is left is counted below
        stack.wait_idle(timeout=120.0)
        items = scan_table()
    return items


def busy_pollers(stack: LocalStack, since: float) -> str:
    """Which stream and queue pollers found work after ``since``, with how many invocations each made."""
    busy = [
        f"{p.name} ({getattr(p, 'invocations', '?')} invocations)"
        for p in stack.pollers
        if p.last_busy > since and not p.name.startswith("schedule")
    ]
    return ", ".join(busy) or "none"


# ------------------------------------------------------------------ checks
def check_events(items: list[dict[str, Any]], sent_events: dict[str, str], stats: SendStats) -> dict[str, int]:
    stored = Counter(item["event_id"] for item in of_kind(items, "EVENT#"))
    missing = [e for e in sent_events if stored[e] == 0]
    return {
        "lost events (accepted, not stored)": sum(e in stats.accepted_ids for e in missing),
        "events never accepted (final answer not 2xx)": sum(e not in stats.accepted_ids for e in missing),
        "events stored more than once": sum(stored[e] > 1 for e in sent_events),
    }


def check_messages(items: list[dict[str, Any]], sent: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    outbox = of_kind(items, "OUTBOX#")
    recorded = {item.get("provider_message_id") for item in outbox if item["status"] == "sent"}
    logged = Counter(m["message_id"] for m in sent)
    unrecorded = [m for m in sent if m["message_id"] not in recorded]
    same = Counter((m["channel"], m["to"], m.get("subject"), m["body"]) for m in sent)
    statuses = Counter(
        f"{item['status']} ({'provider retry' if int(item.get('attempts', 0)) else 'held'})"
        if item["status"] == "deferred"
        else item["status"]
        for item in outbox
    )
    print("  outbox statuses: " + ", ".join(f"{s} x{n}" for s, n in statuses.most_common()))
    print(f"  sends with no message recording them (the crash-after-send window): {len(unrecorded)}")
    print(
        f"  messages 'unknown' (claimed, outcome never recorded; a task for the force): {statuses['unknown']},"
        f" of which at least {max(0, statuses['unknown'] - len(unrecorded))} were never sent at all"
    )
    return {
        "duplicated notifications (an unrecorded send repeating another)": repeated_sends(
            items, [m for m in unrecorded if same[(m["channel"], m["to"], m.get("subject"), m["body"])] > 1]
        ),
        "provider message ids logged more than once": sum(n > 1 for n in logged.values()),
        "messages neither sent, held nor turned into a task": sum(
            item["status"] in UNHANDLED or (item["status"] == "deferred" and held_until(item) <= now) for item in outbox
        ),
        "messages recorded as sent but not in the sent log": sum(p not in logged for p in recorded),
    }


def repeated_sends(items: list[dict[str, Any]], repeats: list[dict[str, Any]]) -> int:
    """Unrecorded sends with the same text as another send, less those that a message left ``unknown``
    (claimed and sent, its outcome never recorded: a crash after the send) to the same address and channel
    accounts for. Two messages may have the same text (two steps of a journey for the same kind of news);
    a send made twice is one that no unknown message explains."""
    contacts = {(v["pk"], v["victim_id"]): v for v in of_kind(items, "VICTIM#")}
    unknown: Counter[tuple[str, str]] = Counter()
    for message in of_kind(items, "OUTBOX#"):
        victim = contacts.get((message["pk"], message["victim_id"]), {})
        address = victim.get("email" if message["channel"] == "email" else "mobile")
        if message["status"] in {"unknown", "sending"} and address:
            unknown[(message["channel"], address.strip().lower())] += 1
    sends = Counter((m["channel"], m["to"].strip().lower()) for m in repeats)
    return sum(max(0, n - unknown[key]) for key, n in sends.items())


def check_outbound(items: list[dict[str, Any]], stack: LocalStack) -> dict[str, int]:
    received = {(f, e.get("id")) for f, r in stack.receivers.items() for e in r.received}
    outbound = of_kind(items, "OUTBOUND#")
    sqs = boto3.session.Session(region_name="eu-west-2").client("sqs")
    dead = {
        url.rsplit("/", 1)[-1]: int(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
                "ApproximateNumberOfMessages"
            ]
        )
        for url in sqs.list_queues().get("QueueUrls", [])
        if url.endswith("dlq") or "dead" in url.lower()
    }
    print(f"  outbound events: {len(outbound)}; dead-letter queues: {dead}")
    return {
        "outbound events not delivered to the force": sum(
            (item["force_id"], outbound_event_id(item["force_id"], item["case_id"], item["outbound_id"]))
            not in received
            for item in outbound
        ),
        "outbound events not marked delivered": sum(item["status"] != "delivered" for item in outbound),
        "messages in dead-letter queues": sum(dead.values()),
    }


# ------------------------------------------------------------------ the run
def start(stack: LocalStack) -> bool:
    """Start the stack; if it fails, say why and stop what did start (``stop`` would wait for a gateway
    that never served)."""
    try:
        stack.start()
    except Exception:
        traceback.print_exc()
        for worker in stack.workers.values():
            worker.stop()
        if stack.moto:
            stack.moto.stop()
        return False
    return True


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default_minutes = float(os.environ.get("SOAK_MINUTES") or 30)
    parser.add_argument("--minutes", type=float, default=default_minutes, help="load phase (default 30)")
    parser.add_argument("--events", type=int, default=3000, help="distinct force events (default 3000)")
    parser.add_argument("--cases", type=int, default=300, help="cases the events are about (default 300)")
    parser.add_argument("--victims", type=int, default=50, help="signed-in victims (default 50)")
    parser.add_argument("--concurrency", type=int, default=4, help="force senders at once (default 4)")
    parser.add_argument("--think", type=float, default=10.0, help="mean seconds between a victim's visits")
    parser.add_argument("--poll-seconds", type=float, default=5.0, help="read-back polling interval")
    parser.add_argument("--drain-minutes", type=float, default=20.0, help="longest drain after the run")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def load(stack: LocalStack, args: argparse.Namespace, victims: list[Victim], schedule: list[Any]) -> Load:
    """Run the paced force events, the victims and the fault schedule for ``--minutes``; clear the faults."""
    assert stack.gateway is not None
    gateway, run_seconds, phases = stack.gateway.url, args.minutes * 60, fault_phases(FORCES[0])
    secrets = {f: stack.webhook_secret(f) for f in FORCES}
    result, stop = Load(ReadBack(gateway, args.poll_seconds, threading.Event())), threading.Event()
    faults = Faults(gateway)
    result.readback.start()
    runner = VictimRunner(
        gateway,
        stack.public_config()["userPoolClientId"],
        result.victims,
        stop,
        think=args.think,
        seed=args.seed,
        pool_id=stack.public_config()["userPoolId"],
        run_seconds=run_seconds,
    )
    began = time.monotonic()
    post = partial(send, gateway, secrets, stats=result.events)
    sender = threading.Thread(target=pace, args=(schedule, post, args.concurrency, result.events), daemon=True)
    sender.start()
    threads = runner.start(victims)
    for start_share, label, settings in phases:
        time.sleep(max(0.0, began + start_share * run_seconds - time.monotonic()))
        faults.apply(settings)
        print(
            f"[{(time.monotonic() - began) / 60:5.1f} min] {label}: {result.events.sent}/{len(schedule)} deliveries"
            f" answered, {result.victims.linked}/{len(victims)} victims linked,"
            f" {len(result.readback.sent)} messages sent; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    time.sleep(max(0.0, began + run_seconds - time.monotonic()))
    stop.set()
    sender.join()
    for thread in threads:
        thread.join(timeout=90)
    result.readback.stop.set()
    result.readback.join(timeout=60)
    result.injected = faults.injected()
    faults.clear()
    print(f"[{(time.monotonic() - began) / 60:5.1f} min] load stopped; faults cleared; draining", flush=True)
    return result


def main() -> int:
    args = parse_args()
    victims = make_victims(args.victims, FORCES, f"S{args.seed}", datetime.now(UTC) - timedelta(hours=2))
    schedule, plans = build_schedule(args, victims, window=args.minutes * 60 * fault_phases("")[-1][0])
    sent_events = {e["id"]: p.force_id for p in plans for e in p.events} | {v.event["id"]: v.force_id for v in victims}
    print(
        f"Soak: {args.minutes:g} min, {len(schedule)} deliveries ({len(sent_events)} distinct events,"
        f" {sum(p.duplicates for p in plans)} duplicates, {sum(p.late for p in plans)} late) in"
        f" {args.cases + args.victims} cases, {args.victims} victims, Python {sys.version.split()[0]}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="caseline-soak-") as scratch:
        stack = LocalStack(StackConfig(port=0, load_demo=False, state_dir=Path(scratch)))
        if not start(stack):
            return 2
        try:
            rss = {"start": rss_mib(), "workers at start": workers_rss(stack)}
            result = load(stack, args, victims, schedule)
            rss["end of the load"] = rss_mib()  # before the drain's scans put the table in this process again
            items = drain(stack, args.drain_minutes * 60)
            result.readback.poll()
            environments = sum(1 + len(getattr(w, "extra", [])) for w in stack.workers.values())
            rss |= {"after the drain": rss_mib(), "workers at end": workers_rss(stack), "environments": environments}
            print("After the drain:")
            kinds = Counter(str(item.get("entity", "?")) for item in items)
            print(f"  table items: {len(items)} (" + ", ".join(f"{k} {n}" for k, n in kinds.most_common(8)) + ", ...)")
            checks = {
                **check_events(items, sent_events, result.events),
                **check_messages(items, result.readback.sent, stack.now()),
                **check_outbound(items, stack),
                "victim API 5xx or no answer": result.victims.server_errors(),
                "victims who could not carry on": len(result.victims.failures),
                "read-back pages that failed": result.readback.errors,
            }
        finally:
            stack.stop()
    report(result, rss)
    print("Checks:")
    for name, count in checks.items():
        print(f"  {name}: {count}")
    for failure in result.victims.failures[:10]:
        print(f"  victim failure: {failure}")
    failed = [name for name, count in checks.items() if count and "never accepted" not in name]
    print("Result:", "OK" if not failed else "FAILED: " + "; ".join(failed))
    return 1 if failed else 0


def report(result: Load, rss: dict[str, float]) -> None:
    stats, vstats, readback = result.events, result.victims, result.readback
    accepted = sum(n for s, n in stats.final.items() if 200 <= s < 300)
    seconds = max(1e-9, stats.ended - stats.began)
    print("Results:")
    print(f"  events accepted: {accepted} deliveries in {seconds:.0f} s = {accepted / seconds:.2f} events/s")
    print(f"  webhook latency per POST: {summary_ms(stats.latencies)}")
    print("  final answers: " + ", ".join(f"HTTP {s} x{n}" for s, n in sorted(stats.final.items())))
    print("  outcomes: " + ", ".join(f"{o} x{n}" for o, n in stats.outcomes.most_common()))
    print("  retried answers: " + (", ".join(f"HTTP {s} x{n}" for s, n in sorted(stats.retried.items())) or "none"))
    print(f"  case view latency (GET /v1/cases/...): {summary_ms(vstats.case_view)}")
    print(f"  case list latency (GET /v1/me/cases): {summary_ms(vstats.case_list)}")
    print(f"  messages and update requests: {summary_ms(vstats.actions)}")
    print("  victim answers: " + ", ".join(f"{k} x{n}" for k, n in sorted(vstats.statuses.items())))
    print(
        f"  read-back latency (sent.json and force-inbox.json since=): p95"
        f" {percentile(readback.latencies, 0.95) * 1000:.0f} ms, max"
        f" {max(readback.latencies, default=0) * 1000:.0f} ms ({len(readback.latencies)} reads)"
    )
    print(
        f"  bench process RSS (moto, gateway, pollers): start {rss['start']:.0f} MiB, end of the load"
        f" {rss['end of the load']:.0f} MiB, after the drain {rss['after the drain']:.0f} MiB (the drain's own"
        " table scans included)"
    )
    print(
        f"  function workers' RSS (sum over {rss['environments']:.0f} processes): start"
        f" {rss['workers at start']:.0f} MiB, end {rss['workers at end']:.0f} MiB"
    )
    injected = result.injected if result.injected is not None else "none (fault injection not available)"
    print(f"  faults injected: {injected}")


if __name__ == "__main__":
    sys.exit(main())
