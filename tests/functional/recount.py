"""Every force figure counted again, another way (issue 15's acceptance): from the raw items as they stand
after the fact, each by its own time, without the stream, the counting rules or the rollups. Test-only: it
Scans the table."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from caseline.content import template_info
from caseline.domain.calendar import uk_date
from caseline.domain.sms import sms_size

from .conftest import REGION

Figures = dict[date, dict[str, Counter[str]]]
_MESSAGE_SENT = "org.caseline.victim.message-sent.v1"
_UPDATE_REQUESTED = "org.caseline.victim.update-requested.v1"


def table_items() -> list[dict[str, Any]]:
    client, items, request = boto3.client("dynamodb", region_name=REGION), [], {"TableName": "caseline-test"}
    while True:
        page = client.scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _text(item: dict[str, Any], name: str) -> str:
    return str(item.get(name, {}).get("S", ""))


def _day(item: dict[str, Any], name: str) -> date:
    value = _text(item, name)
    return date.fromisoformat(value) if len(value) == 10 else uk_date(datetime.fromisoformat(value))


def sms_texts() -> dict[str, str]:
    """Every text moto's SNS was asked to send, by its message id (the outbox's provider_message_id)."""
    return {message_id: sent[1] for message_id, sent in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items()}


def _outbox(item: dict[str, Any], add: Callable[[date, str, str], None], carries_code: set[str]) -> None:
    channel, status = _text(item, "channel"), _text(item, "status")
    if status == "sent" and channel == "sms":  # segments from the text as sent, not from the item
        for _ in range(sms_size(sms_texts()[_text(item, "provider_message_id")]).segments):
            add(_day(item, "sent_at"), "messages", "sms_segments")
    if status == "sent":
        add(_day(item, "sent_at"), "messages", f"sent_{channel}")
        add(_day(item, "sent_at"), "templates", _text(item, "template_id"))
        if _text(item, "template_id") in carries_code:
            add(_day(item, "sent_at"), "adoption", "invitations_sent")
    elif status in {"failed", "blocked", "skipped"}:
        add(_day(item, "created_at"), "messages", f"{status}_{channel}")
    if "#fallback-" in _text(item, "key"):
        add(_day(item, "created_at"), "messages", f"fell_back_{channel}")
    if _text(item, "delivery") in {"bounced", "complained"}:
        add(_day(item, "delivery_at"), "messages", f"{_text(item, 'delivery')}_{channel}")


def _bucket(days: int) -> str:
    return next(
        (b for n, b in ((0, "same_day"), (2, "1_2_days"), (7, "3_7_days"), (30, "8_30_days")) if days <= n), "later"
    )


def _duty(item: dict[str, Any], add: Callable[[date, str, str], None]) -> None:
    due_on, status = _day(item, "due_on"), _text(item, "status")
    outcomes = [(due_on, "due")]
    if status == "met":
        met_on = _day(item, "met_at")
        outcomes.append((met_on, "met_on_time" if met_on <= due_on else "met_late"))
    elif status == "missed":
        outcomes.append((due_on, "missed"))
    for day, figure in outcomes:
        add(day, "duties", figure)
        add(day, "duties_by_right", f"{_text(item, 'right') or 'unknown'}.{_text(item, 'tier') or 'unknown'}.{figure}")


def _report(item: dict[str, Any], add: Callable[[date, str, str], None]) -> None:
    submitted, category = _day(item, "submitted_at"), _text(item, "category")
    add(submitted, "reports", "submitted")
    add(submitted, "reports", f"submitted.{category}")
    if _text(item, "status") == "recorded":
        recorded = _day(item, "answered_at")
        for figure in ("recorded", f"recorded.{category}", f"recorded_{_bucket((recorded - submitted).days)}"):
            add(recorded, "reports", figure)


def _visitors(views: list[tuple[date, str]], add: Callable[[date, str, str], None]) -> None:
    """Per calendar month (on its first day): distinct victims who viewed a case, and by their visits."""
    visits = Counter((day.replace(day=1), user) for day, user in views)
    for (month, _), count in visits.items():
        add(month, "visitors", "active_victims")
        add(
            month,
            "visitors",
            next(
                (b for n, b in ((1, "visits_1"), (3, "visits_2_3"), (7, "visits_4_7")) if count <= n), "visits_8_plus"
            ),
        )


def recount(force_id: str) -> Figures:
    """Day -> family -> figure -> count, for every figure the insights API can return."""
    carries_code = {t.template_id for t in template_info().values() if "access_code" in t.placeholders}
    figures: Figures = defaultdict(lambda: defaultdict(Counter))
    views: list[tuple[date, str]] = []

    def add(day: date, family: str, figure: str) -> None:
        figures[day][family][figure] += 1

    items = {(_text(i, "pk"), _text(i, "sk")): i for i in table_items()}
    for item in items.values():
        entity = _text(item, "entity")
        if _text(item, "force_id") != force_id:
            continue
        if entity == "outbox":
            _outbox(item, add, carries_code)
        elif entity == "duty":
            _duty(item, add)
        elif entity == "member":
            linked, case = _day(item, "linked_at"), items[(_text(item, "pk"), "CASE")]
            add(linked, "adoption", "cases_linked")
            add(linked, "adoption", f"linked_{_bucket((linked - _day(case, 'recorded_at')).days)}")
        elif entity == "audit" and _text(item, "action") == "victim-called":
            add(_day(item, "at"), "contact", "calls_recorded")
        elif entity == "audit" and _text(item, "action") == "viewed-case":
            add(_day(item, "at"), "contact", "case_views")
            views.append((_day(item, "at"), _text(item, "user_id")))
        elif entity == "outbound" and _text(item, "event_type") in {_MESSAGE_SENT, _UPDATE_REQUESTED}:
            figure = "victim_messages" if _text(item, "event_type") == _MESSAGE_SENT else "update_requests"
            add(_day(item, "created_at"), "contact", figure)
        elif entity == "survey":
            case, victim = (
                items[(_text(item, "pk"), "CASE")],
                items[(_text(item, "pk"), f"VICTIM#{_text(item, 'victim_id')}")],
            )
            by_case = f"{_text(case, 'category')}.{_text(victim, 'tier')}"
            for figure in ("answers", f"satisfaction_{int(item['satisfaction']['N'])}"):
                add(_day(item, "answered_at"), "satisfaction", figure)
                add(_day(item, "answered_at"), "satisfaction_by_case", f"{by_case}.{figure}")
        elif entity == "report":
            _report(item, add)
    _visitors(views, add)
    return figures


def as_plain(figures: Figures, first: date, last: date) -> dict[str, dict[str, dict[str, int]]]:
    """The recount in the API's shape, for the days ``first`` to ``last`` (and the visitors of the months
    they touch, which are on each month's first day): ISO day -> family -> figure."""
    found = {
        day.isoformat(): {
            family: dict(counts)
            for family, counts in families.items()
            if first <= day <= last or (family == "visitors" and first.replace(day=1) <= day)
        }
        for day, families in sorted(figures.items())
        if first.replace(day=1) <= day <= last
    }
    return {day: families for day, families in found.items() if families}


def recounted_totals(force_id: str, first: date, last: date) -> dict[str, dict[str, int]]:
    """The recount summed over ``first`` to ``last``: family -> figure, as the API's ``totals``."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for families in as_plain(recount(force_id), first, last).values():
        for family, counts in families.items():
            totals[family].update(counts)
    return {family: dict(counts) for family, counts in totals.items()}
