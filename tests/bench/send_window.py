"""The crash-after-send window: after the provider accepts a message, how long until dispatch has
recorded it (the one write that makes a redelivery harmless)? A crash inside that window leaves the
message claimed but unrecorded: it is never resent, and the sweep reports it after 15 minutes.

Measured against moto in this process: ``mark_sent`` (one transaction: outbox status, duty met,
provider pointer) against a baseline of one plain PutItem of the same item, in the same run.

    PYTHONPATH=layers/core:infra/local .venv/bin/python tests/bench/send_window.py [--rounds 300]
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-2"}
    )
    os.environ.setdefault("TABLE_NAME", "caseline-bench")
    os.environ.setdefault("CASELINE_ENVIRONMENT", "local")  # local defaults for the rest
    with mock_aws():
        from caseline_local.provision import provision_stack

        provision_stack(
            ROOT,
            boto3.session.Session(region_name="eu-west-2"),
            region="eu-west-2",
            parameters={"Environment": "bench"},
        )
        from caseline.adapters.dynamodb.journeys import DynamoJourneyStore
        from caseline.adapters.dynamodb.mappers import outbox_item
        from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
        from caseline.domain.records import OutboxMessage, OutboxStatus, SendReceipt
        from caseline.services.journeys import RunWrites

        store, outbox = DynamoJourneyStore(), DynamoOutboxRepository()
        window, baseline = [], []
        for n in range(args.rounds):
            message = OutboxMessage(
                force_id="thames-valley",
                case_id=f"B-{n}",
                key=f"{n:012d}#t#sms#V-1",
                victim_id="V-1",
                channel="sms",
                template_id="t",
                personalisation={"name": "Alex"},
                status=OutboxStatus.PENDING,
                created_at=datetime.now(UTC),
            )
            store.apply(RunWrites("thames-valley", f"B-{n}", run_id=f"r{n}", messages=[message]))
            claimed = outbox.claim("thames-valley", f"B-{n}", message.key)
            assert claimed is not None
            began = time.perf_counter()
            outbox.mark_sent(claimed, SendReceipt(f"provider-{n}"))
            window.append(time.perf_counter() - began)
            plain = outbox_item(message)
            plain.sk = f"BASELINE#{n}"
            began = time.perf_counter()
            plain.save()
            baseline.append(time.perf_counter() - began)

    def ms(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"Crash-after-send window over {args.rounds} sends (moto in-process, this machine):")
    print(f"  record the send (mark_sent)  p50 {ms(window, 50):6.2f} ms  p95 {ms(window, 95):6.2f} ms")
    print(f"  baseline PutItem             p50 {ms(baseline, 50):6.2f} ms  p95 {ms(baseline, 95):6.2f} ms")
    print(
        f"  ratio to baseline            p50 {ms(window, 50) / ms(baseline, 50):.2f}x  "
        f"p95 {ms(window, 95) / ms(baseline, 95):.2f}x"
    )


if __name__ == "__main__":
    main()
