"""The report limits in the service, with an in-memory store and a keyed hash: what is counted, under
which key, and that a destination over its cap loses only its message, never the report."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caseline.domain.records import OutboxMessage, WriteOutcome
from caseline.domain.reports import ForceReporting, NewReport, ReportRecord
from caseline.services import reports as service

from ..fakes import FixedClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FORCES = {"thames-valley": ForceReporting(prefix="TV", online_categories=frozenset({"burglary"}))}
BODY: dict[str, Any] = {
    "force_id": "thames-valley",
    "idempotency_key": "",
    "website": "",
    "category": "burglary",
    "what_happened": "Someone broke the back door and took my laptop.",
    "occurred": {"from": "2026-11-28T20:00:00Z"},
    "location": {"postcode": "RG1 1AA"},
    "reporter": {"name": "Alex Example", "email": "alex@example.org", "mobile": "07700 900123"},
    "safe_contact": {"safe_channels": ["email", "sms"], "may_name_police": True, "may_name_crime": True},
}


class MemoryReportStore:
    """Only what submit uses: idempotency keys, counters and the created reports with their messages."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}
        self.counters: dict[tuple[str, datetime], int] = {}
        self.created: list[tuple[ReportRecord, list[OutboxMessage]]] = []

    def reference_for(self, force_id: str, idempotency_key: str) -> str | None:
        return self.keys.get((force_id, idempotency_key))

    def create(self, report: NewReport) -> WriteOutcome:
        record = report.record
        self.keys[(record.force_id, report.idempotency_key)] = record.reference
        self.created.append((record, list(report.messages)))
        return WriteOutcome.WRITTEN

    def count(self, counter: str, window_start: datetime, window: timedelta, limit: int) -> bool:
        seen = self.counters.get((counter, window_start), 0)
        if seen >= limit:
            return False
        self.counters[(counter, window_start)] = seen + 1
        return True


class HmacKeyer:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def key(self, purpose: str, value: str) -> str:
        return hmac.new(self.secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _body(**reporter: Any) -> bytes:
    body = copy.deepcopy(BODY)
    body["idempotency_key"] = str(uuid.uuid4())
    body["reporter"].update(reporter)
    return json.dumps(body).encode()


def _submit(store: MemoryReportStore, body: bytes, *, ip: str = "203.0.113.9", secret: bytes = b"one") -> Any:
    return service.submit(
        body,
        user_id=None,
        source_ip=ip,
        forces=FORCES,
        store=store,  # type: ignore[arg-type]  # only the calls submit makes
        keyer=HmacKeyer(secret),
        clock=FixedClock(NOW),
    )


def test_a_destination_over_its_daily_cap_loses_its_message_not_the_report() -> None:
    store = MemoryReportStore()
    # Given four reports from four networks to one email address (its case varies), each with its own mobile
    for n, email in enumerate(["alex@example.org"] * 3 + ["ALEX@example.org"]):
        _submit(store, _body(email=email, mobile=f"07700 90012{n}"), ip=f"192.0.2.{n + 1}")
    # Then all four are stored, the first three with an email and a text, the fourth with its text only
    assert len(store.created) == 4
    assert [sorted(m.channel for m in messages) for _, messages in store.created] == [["email", "sms"]] * 3 + [["sms"]]
    # And no counter is keyed on the address in clear
    assert not any("example.org" in counter or "7700" in counter for counter, _ in store.counters)


def test_the_same_form_again_counts_nothing() -> None:
    store = MemoryReportStore()
    body = _body()
    first, again = _submit(store, body), _submit(store, body)
    assert (first.created, again.created, again.reference) == (True, False, first.reference)
    assert sorted(store.counters.values()) == [1, 1, 1]  # the network, the email address, the mobile


def test_an_ipv6_64_is_one_network_and_the_next_64_another() -> None:
    store = MemoryReportStore()
    for n in range(1, 6):
        _submit(store, _body(email=f"r{n}@example.org", mobile=None), ip=f"2001:db8:0:1::{n}")
    with pytest.raises(service.RateLimitedError):
        _submit(store, _body(email="r6@example.org", mobile=None), ip="2001:db8:0:1:abcd::6")
    assert _submit(store, _body(email="r7@example.org", mobile=None), ip="2001:db8:0:2::1").created


def test_the_network_counter_is_keyed_by_the_secret() -> None:
    keys = []
    for secret in (b"one", b"two"):
        store = MemoryReportStore()
        _submit(store, _body(mobile=None), ip="198.51.100.23", secret=secret)
        [network] = [c for c, _ in store.counters if c.startswith("IP#")]
        keys.append(network)
    assert keys[0] != keys[1]
    assert keys[0] == "IP#" + HmacKeyer(b"one").key("report-ip", "198.51.100.23")
    assert hashlib.sha256(b"198.51.100.23").hexdigest()[:32] not in keys
