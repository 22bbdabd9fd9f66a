"""Every force figure counted again, another way (issue 15's acceptance): from the raw items as they stand
after the fact, each by its own time, without the stream, the counting rules or the rollups. Test-only: it
Scans the table."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import resources
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
_CASE_ACTIONS = {"requested-review", "requested-statement", "alert-acknowledged"}  # issue 18's audit actions
_CASE_ACTIONS |= {"delegate-invited", "delegate-linked", "delegate-removed"}


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


_PERIOD_STARTS: dict[str, Callable[[date], date]] = {
    "day": lambda day: day,
    "week": lambda day: day - timedelta(days=day.weekday()),
    "month": lambda day: day.replace(day=1),
}


def _visitors(views: list[tuple[date, str]], add: Callable[[date, str, str], None]) -> None:
    """Per UK day, week from Monday and calendar month (on its first day): distinct victims who viewed a
    case, and those victims by their visits in the period."""
    for period, start in _PERIOD_STARTS.items():
        for (first, _), count in Counter((start(day), user) for day, user in views).items():
            add(first, f"visitors_{period}", "active_victims")
            buckets = ((1, "visits_1"), (3, "visits_2_3"), (7, "visits_4_7"))
            add(first, f"visitors_{period}", next((b for n, b in buckets if count <= n), "visits_8_plus"))


def _invited(
    items: dict[tuple[str, str], dict[str, Any]], member: dict[str, Any], invitations: set[str]
) -> date | None:
    """The UK day the victim's first invitation on the member's case was sent (a sent access-code message)."""
    sent = [
        _day(item, "sent_at")
        for (pk, sk), item in items.items()
        if pk == _text(member, "pk")
        and sk.startswith("OUTBOX#")
        and _text(item, "status") == "sent"
        and _text(item, "victim_id") == _text(member, "victim_id")
        and _text(item, "template_id") in invitations
    ]
    return min(sent, default=None)


def _new_accounts(items: dict[tuple[str, str], dict[str, Any]], force_id: str) -> list[date]:
    """The days of the first links of the accounts whose first link (of any force) is to this force's case."""
    members = sorted((_text(i, "linked_at"), i) for i in items.values() if _text(i, "entity") == "member")
    first: dict[str, dict[str, Any]] = {}
    for _, member in members:
        first.setdefault(_text(member, "user_id"), member)
    return [_day(m, "linked_at") for m in first.values() if _text(m, "force_id") == force_id]


def _first_victims(
    items: dict[tuple[str, str], dict[str, Any]], force_id: str, carries_code: set[str]
) -> list[tuple[date, str]]:
    """(day, figure): each victim of a case once, on the day of their first invitation sent and first link."""
    firsts: dict[tuple[str, str, str], date] = {}
    for item in items.values():
        entity, victim = _text(item, "entity"), (_text(item, "case_id"), _text(item, "victim_id"))
        invitation = (
            entity == "outbox" and _text(item, "status") == "sent" and _text(item, "template_id") in carries_code
        )
        if _text(item, "force_id") == force_id and (entity == "member" or invitation):
            figure, day = (
                ("victims_linked", _day(item, "linked_at"))
                if entity == "member"
                else ("victims_invited", _day(item, "sent_at"))
            )
            firsts[(figure, *victim)] = min(firsts.get((figure, *victim), date.max), day)
    return [(day, figure) for (figure, *_), day in firsts.items()]


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
            linked, invited = _day(item, "linked_at"), _invited(items, item, carries_code)
            add(linked, "adoption", "cases_linked")
            add(linked, "adoption", f"linked_{_bucket((linked - invited).days)}" if invited else "linked_uninvited")
        elif entity == "audit" and _text(item, "action") == "victim-called":
            add(_day(item, "at"), "contact", "calls_recorded")
        elif entity == "audit" and _text(item, "action") in _CASE_ACTIONS:
            add(_day(item, "at"), "case_actions", _text(item, "action").replace("-", "_"))
        elif entity == "audit" and _text(item, "action") == "viewed-case":
            add(_day(item, "at"), "contact", "case_views")
            visitor = f"VICTIM#{item['victim_id']['S']}" if "victim_id" in item else f"USER#{_text(item, 'user_id')}"
            views.append((_day(item, "at"), visitor))
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
        elif entity == "preferences" and json.loads(_text(item, "preferences")).get("non_statutory") is False:
            add(_day(item, "updated_at"), "messages", "opted_out")  # from the choices as they stand (none opts back in)
    _visitors(views, add)
    for day in _new_accounts(items, force_id):
        add(day, "adoption", "accounts_created")
    for day, figure in _first_victims(items, force_id, carries_code):
        add(day, "adoption", figure)
    return figures


def as_plain(figures: Figures, first: date, last: date, period: str = "day") -> dict[str, dict[str, dict[str, int]]]:
    """The recount in the API's shape by ``period``, for the days ``first`` to ``last``: period start ->
    family -> figure. The visitors are the period's own (from the start of the period ``first`` is in)."""
    start = _PERIOD_STARTS[period]
    found: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for day, families in figures.items():
        for family, counts in families.items():
            if family == f"visitors_{period}" and start(first) <= day <= last:
                found[start(day).isoformat()]["visitors"].update(counts)
            elif not family.startswith("visitors_") and first <= day <= last:
                found[start(day).isoformat()][family].update(counts)
    plain = {p: {f: {n: v for n, v in c.items() if v} for f, c in fams.items()} for p, fams in sorted(found.items())}
    return {p: {f: c for f, c in fams.items() if c} for p, fams in plain.items() if any(fams.values())}


def recounted_totals(force_id: str, first: date, last: date, period: str = "day") -> dict[str, dict[str, int]]:
    """The recount summed over ``first`` to ``last``: family -> figure, as the API's ``totals``."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for families in as_plain(recount(force_id), first, last, period).values():
        for family, counts in families.items():
            totals[family].update(counts)
    return {family: dict(counts) for family, counts in totals.items()}


def recounted_derived(force_id: str, totals: dict[str, dict[str, int]]) -> dict[str, Any]:
    """What the API derives from its totals, worked out here from the recount's totals and the force's
    ``contact_model`` in forces.json (over the defaults docs/api.md states): rates, the estimate, SMS cost."""
    forces = json.loads(resources.files("caseline.content").joinpath("forces.json").read_text(encoding="utf-8"))
    model = {"calls_per_update_chasing_victim": 2.0, "cost_per_call_pounds": 5.0, "sms_price_per_segment_pounds": 0.04}
    model |= forces["forces"][force_id].get("contact_model") or {}
    messages, adoption, contact = (totals.get(family, {}) for family in ("messages", "adoption", "contact"))
    rates: dict[str, float] = {}
    for channel in ("email", "sms"):
        if sent := messages.get(f"sent_{channel}", 0):
            bounced = messages.get(f"bounced_{channel}", 0)
            rates[f"delivery_rate_{channel}"] = round((sent - bounced) / sent, 4)
            for rate, figure in (("bounce", "bounced"), ("complaint", "complained"), ("failure", "failed")):
                rates[f"{rate}_rate_{channel}"] = round(messages.get(f"{figure}_{channel}", 0) / sent, 4)
    if invited := adoption.get("victims_invited", 0):  # victims, not messages nor links
        rates["invited_victims_who_linked"] = round(adoption.get("victims_linked", 0) / invited, 4)
    if linked := adoption.get("victims_linked", 0):
        rates["opt_out_rate"] = round(messages.get("opted_out", 0) / linked, 4)
    victims = adoption.get("victims_linked", 0)  # each victim once, not each account's link
    calls = round(victims * model["calls_per_update_chasing_victim"], 1)
    segments = messages.get("sms_segments", 0)
    return {
        "rates": rates,
        "contact_avoided": {
            "update_chasing_victims": victims,
            "calls_avoided_estimate": calls,
            "cost_avoided_estimate_pounds": round(calls * model["cost_per_call_pounds"], 2),
            "handled_online": sum(contact.get(f, 0) for f in ("case_views", "update_requests", "victim_messages")),
            "calls_recorded": contact.get("calls_recorded", 0),
        },
        "sms_cost": {
            "segments": segments,
            "cost_estimate_pounds": round(segments * model["sms_price_per_segment_pounds"], 2),
        },
        "assumptions": model,
    }
