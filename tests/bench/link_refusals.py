"""How long each kind of link refusal takes: an outsider must not tell them apart by the clock.

Five kinds (unknown crime reference, wrong code, expired code, used code, locked account) are timed
through ``link_case`` and the DynamoDB adapter against moto in this process, with the tables built from
template.yaml as the functional tests build them and the local stack's moto fixes applied (moto then
checks a transaction's conditions before writing, as DynamoDB does, instead of copying the table). The
kinds take turns within each round, so drift on a shared machine falls on all of them alike. It prints
each kind's median over all rounds, the spread of its per-round medians (the run-to-run noise, mostly
the machine's load) and its ratio to the wrong-code baseline, overall and the lowest and highest ratio
of one round's medians (which the load, shared by the kinds within a round, mostly cancels out). It exits
1 only if an attempt was not refused.

    PYTHONPATH=layers/core:infra/local .venv/bin/python tests/bench/link_refusals.py [--rounds 7] [--per-round 15]
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
FORCE, CODE, WRONG = "thames-valley", "ABCDE23456", "ZZZZZ99999"
BASELINE = "wrong code"


class NoIdentity:
    def disable_self_service_recovery(self, user_id: str) -> None:
        raise AssertionError("a refusal never reaches this")


def seed(case_id: str, reference: str, expires: timedelta) -> None:
    from caseline.adapters.dynamodb.mappers import access_code_item
    from caseline.adapters.dynamodb.models import CaseItem, CrimeReferenceItem, case_pk, crime_reference_pk
    from caseline.domain import access_code
    from caseline.domain.records import AccessCodeRecord

    pk = case_pk(FORCE, case_id)
    CaseItem(
        pk, "CASE", force_id=FORCE, case_id=case_id, crime_reference=reference, category="burglary",
        flags=[], stage="reported", sequence=1, revision=1,
    ).save()  # fmt: skip
    CrimeReferenceItem(
        crime_reference_pk(reference), pk, force_id=FORCE, case_id=case_id, crime_reference=reference
    ).save()
    expires_at = datetime.now(UTC) + expires
    access_code_item(AccessCodeRecord(FORCE, case_id, "V-1", access_code.hash_code(CODE), expires_at)).save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=15, help="attempts of each kind per round")
    args = parser.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-2"}
    )
    os.environ.setdefault("TABLE_NAME", "caseline-bench")
    os.environ.setdefault("CASELINE_ENVIRONMENT", "local")  # local defaults for the rest
    with mock_aws():
        from caseline_local import moto_fixes
        from caseline_local.provision import provision_stack

        moto_fixes.apply()
        provision_stack(
            ROOT,
            boto3.session.Session(region_name="eu-west-2"),
            region="eu-west-2",
            parameters={"Environment": "bench"},
        )
        from caseline.adapters.clock import SystemClock
        from caseline.adapters.dynamodb.linking import DynamoLinkRepository
        from caseline.domain import access_code
        from caseline.domain.errors import LinkRefusedError
        from caseline.services.linking import link_case

        links, clock, identity = DynamoLinkRepository(), SystemClock(), NoIdentity()
        seed("B-LIVE", "43260000001", timedelta(days=30))
        seed("B-EXPIRED", "43260000002", timedelta(seconds=-1))
        seed("B-USED", "43260000003", timedelta(days=30))
        link_case("first", "43260000003", CODE, links=links, identity=identity, clock=clock)
        for _ in range(access_code.ACCOUNT_ATTEMPTS):
            with contextlib.suppress(LinkRefusedError):
                link_case("locked", "43269999999", WRONG, links=links, identity=identity, clock=clock)
        counter = iter(range(10**9))
        # kind -> (account, crime reference, code); a fresh account for each attempt unless locked
        kinds: dict[str, Callable[[], tuple[str, str, str]]] = {
            "unknown reference": lambda: (f"u{next(counter)}", "43269999999", CODE),
            "wrong code": lambda: (f"u{next(counter)}", "43260000001", WRONG),
            "expired code": lambda: (f"u{next(counter)}", "43260000002", CODE),
            "used code": lambda: (f"u{next(counter)}", "43260000003", CODE),
            "locked": lambda: ("locked", "43260000001", CODE),
        }
        rounds: dict[str, list[list[float]]] = {kind: [] for kind in kinds}
        not_refused = 0
        for _ in range(args.rounds):
            times: dict[str, list[float]] = {kind: [] for kind in kinds}
            for _ in range(args.per_round):
                for kind, attempt in kinds.items():
                    user, reference, code = attempt()
                    began = time.perf_counter()
                    try:
                        link_case(user, reference, code, links=links, identity=identity, clock=clock)
                        not_refused += 1
                    except LinkRefusedError:
                        pass
                    times[kind].append(time.perf_counter() - began)
            for kind, values in times.items():
                rounds[kind].append(values)

    def ms(value: float) -> str:
        return f"{value * 1000:7.2f}"

    medians = {kind: statistics.median([v for r in per_round for v in r]) for kind, per_round in rounds.items()}
    print(
        f"Link refusals: {args.rounds} rounds x {args.per_round} attempts of each kind "
        "(moto in-process, this machine), times in ms"
    )
    print(
        f"  {'kind':<18} {'median':>7}  {'round medians min-max':>21}  {'spread':>6}"
        f"  ratio to {BASELINE} (per round min-max)"
    )
    baseline_rounds = [statistics.median(r) for r in rounds[BASELINE]]
    for kind, per_round in rounds.items():
        round_medians = [statistics.median(r) for r in per_round]
        low, high = min(round_medians), max(round_medians)
        ratios = [m / b for m, b in zip(round_medians, baseline_rounds, strict=True)]
        print(
            f"  {kind:<18} {ms(medians[kind])}  {ms(low)} - {ms(high)}      {(high - low) / medians[kind]:6.1%}"
            f"  {medians[kind] / medians[BASELINE]:.3f} ({min(ratios):.3f}-{max(ratios):.3f})"
        )
    if not_refused:
        print(f"FAIL: {not_refused} attempts were not refused")
        sys.exit(1)


if __name__ == "__main__":
    main()
