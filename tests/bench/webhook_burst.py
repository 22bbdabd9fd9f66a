"""Webhook burst benchmark: a burst of signed force events through the local stack's gateway, against a
baseline of as many plain GETs at the same concurrency (HTTP overhead only), in one run.

Then checks what a force relies on: every distinct event stored exactly once, each case's sequence the
highest one sent, and no 5xx at all (a 409 for an event about a victim not known yet is retried and shown).
Timings are informational; exits 1 only when a check fails.

    PYTHONPATH=layers/core:infra/local .venv/bin/python tests/bench/webhook_burst.py [--events 1000]
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import boto3

from caseline_local.force_sim import client
from caseline_local.force_sim.scenarios import BurstPlan, burst_plan
from caseline_local.stack import LocalStack, StackConfig

EVENTS_PER_CASE = 10
TABLE = "caseline-local"
# Generous, so a slow answer is waited for rather than abandoned and retried (which would add load).
CLIENT_TIMEOUT = 120.0
RSS_LIMIT_MIB = 6144


def rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))


def guard_memory(stop: threading.Event) -> None:
    """The bench shares the machine: stop the run if the process (moto included) passes RSS_LIMIT_MIB."""
    while not stop.wait(1.0):
        if rss_mib() > RSS_LIMIT_MIB:
            print(f"ABORTED: the bench process passed {RSS_LIMIT_MIB} MiB", file=sys.stderr, flush=True)
            os._exit(3)


def stored(force_id: str, case_id: str) -> tuple[list[tuple[int, str]], int | None]:
    """(sorted (sequence, event id) of the case's EVENT# items, the CASE item's sequence)."""
    dynamodb = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    pk = {"S": f"CASE#{force_id}#{case_id}"}
    query: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": pk, ":prefix": {"S": "EVENT#"}},
        "ConsistentRead": True,
    }
    events: list[tuple[int, str]] = []
    while True:
        page = dynamodb.query(**query)
        events.extend((int(item["sequence"]["N"]), item["event_id"]["S"]) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    case = dynamodb.get_item(TableName=TABLE, Key={"pk": pk, "sk": {"S": "CASE"}}, ConsistentRead=True).get("Item")
    return sorted(events), int(case["sequence"]["N"]) if case else None


def check(plan: BurstPlan) -> tuple[int, int]:
    """(cases whose timeline is exactly the events sent, cases whose sequence is the highest sent)."""
    timelines = sequences = 0
    for case_id, highest in plan.max_sequence.items():
        events, sequence = stored(plan.force_id, case_id)
        timelines += events == sorted((e["sequence"], e["id"]) for e in plan.events if e["subject"] == case_id)
        sequences += sequence == highest
    return timelines, sequences


def latency(report: client.RunReport, part: slice) -> str:
    sample = sorted(report.latencies[part])
    return f"median {statistics.median(sample) * 1000:.0f} ms, p95 {sample[int(len(sample) * 0.95)] * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="deliveries in the burst (default 1000)")
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--shuffle", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", default="hampshire")
    args = parser.parse_args()
    cases = max(1, round(args.events * (1 - args.duplicates)) // EVENTS_PER_CASE)
    plan = burst_plan(
        args.force,
        cases=cases,
        events_per_case=EVENTS_PER_CASE,
        duplicates=args.duplicates,
        shuffle=args.shuffle,
        seed=args.seed,
        run_id="BENCH",
        start=datetime.now(UTC) - timedelta(days=30),
    )
    with tempfile.TemporaryDirectory(prefix="caseline-burst-") as scratch:
        stack = LocalStack(StackConfig(port=0, load_demo=False, state_dir=Path(scratch)))
        stop = threading.Event()
        try:
            stack.start()
            threading.Thread(target=guard_memory, args=(stop,), name="memory-guard", daemon=True).start()
            assert stack.gateway is not None
            url = stack.gateway.url
            config_page = partial(client.request, f"{url}/_local/config.json")
            baseline = client.run_concurrently([config_page] * len(plan.deliveries), args.concurrency)
            secret = stack.webhook_secret(args.force)
            began = time.perf_counter()

            def progress(done: int) -> None:
                if done % 100 == 0:
                    print(
                        f"  ... {done}/{len(plan.deliveries)} deliveries, {time.perf_counter() - began:.0f} s",
                        flush=True,
                    )

            burst = client.deliver(
                plan.deliveries,
                url,
                args.force,
                secret,
                concurrency=args.concurrency,
                retries=client.Retries(max_wait=1.0, timeout=CLIENT_TIMEOUT),
                progress=progress,
            )
            timelines, sequences = check(plan)
            end_rss = rss_mib()
        finally:
            stop.set()
            stack.stop()

    n, tenth = len(plan.deliveries), max(1, len(plan.deliveries) // 10)
    print(
        f"Burst: {n} deliveries ({len(plan.events)} distinct events in {cases} cases, {plan.duplicates} duplicates,"
        f" {plan.late} delivered late), concurrency {args.concurrency}, seed {args.seed},"
        f" Python {sys.version.split()[0]}"
    )
    print(f"  baseline  GET /_local/config.json  {baseline.per_second:8.1f} req/s   ({baseline.seconds:.2f} s)")
    print(f"  webhook   POST /v1/webhooks/{args.force}  {burst.per_second:8.1f} events/s ({burst.seconds:.2f} s)")
    print(f"  bench process memory at the end (moto and gateway included): {end_rss} MiB")
    print(f"  ratio webhook/baseline: {burst.per_second / baseline.per_second:.4f}")
    first, last = latency(burst, slice(0, tenth)), latency(burst, slice(-tenth, None))
    print(f"  webhook latency per delivery, first {tenth}: {first}; last {tenth}: {last}")
    print("  final answers: " + ", ".join(f"HTTP {s} x{c}" for s, c in sorted(burst.statuses.items())))
    print("  outcomes: " + ", ".join(f"{o} x{c}" for o, c in burst.outcomes.most_common()))
    retried = ", ".join(f"HTTP {o} x{c}" for o, c in burst.retried.most_common()) or "none"
    print(f"  first answers retried (same webhook-id): {retried}")
    failures = []
    if burst.server_errors or baseline.server_errors:
        failures.append(f"5xx or no answer: webhook {burst.server_errors}, baseline {baseline.server_errors}")
    if timelines != cases:
        failures.append(f"only {timelines}/{cases} cases hold exactly the events sent, each once")
    if sequences != cases:
        failures.append(f"only {sequences}/{cases} cases have the highest sequence sent")
    print(f"Checks: every distinct event stored exactly once: {timelines}/{cases} cases")
    print(f"        case sequence = highest sequence sent: {sequences}/{cases} cases")
    print(f"        final 5xx or no answer: {burst.server_errors}")
    print("Result:", "OK" if not failures else "FAILED")
    for failure in failures:
        print(f"  FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
