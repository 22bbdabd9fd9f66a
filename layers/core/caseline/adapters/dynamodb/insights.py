"""Force insights in the table (docs/adr/0015): daily rollup items, one per force, UK day and figure family,
and a marker per counted source transition so a replayed stream record never counts twice.

=================  ================================  ============================  =====================
item               pk                                sk                            notes
=================  ================================  ============================  =====================
rollup             FORCE#{force}#INSIGHTS            DAY#{uk date}#{family}        counters: atomic ADD
counted marker     COUNTED#{source pk}|{sk}|{step}   COUNTED                       TTL 3 days
visits marker      FORCE#{force}#VISITS#{p}#{start}  USER#{account}                visits; TTL by period
first link         ACCOUNT#{account}                 FIRST-LINK                    force_id, at
victim's firsts    FIRST#{force}#{case}#{victim}     INVITED, LINKED               force_id, at
=================  ================================  ============================  =====================

The marker and the counters are written in one transaction, the marker on condition that it does not
exist yet: either the record is counted once, or not at all (and its retry counts it). A case view also
moves its victim's visits markers (one per day, week and month: ``{p}`` is the period, ``{start}`` its
first UK day) from the counts read just before to one more, on condition that they still hold those
counts (a race with another view of the same victim retries), so each period's distinct visitors and
their visits-per-victim buckets stay exact. A marker outlives its period by the time a late record can
take (``VISITS_TTL``), so there are at most a few per active victim. A link likewise puts the account's
first link (kept while the account lives: it says the account is no longer new), and the victim's, if it
has none or one later than this link; an invitation sent puts the victim's first invitation the same way
(kept with the case: they say the victim is no longer new to count). The items use the low-level client
because the counter names are data (a new figure needs no model change).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from caseline.adapters.dynamodb.base import connection
from caseline.adapters.dynamodb.models import CaselineItem
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.insights import (
    ACCOUNTS_CREATED,
    PERIODS,
    VICTIMS_INVITED,
    VICTIMS_LINKED,
    CaseProfile,
    Change,
    Counted,
    First,
    Tally,
    Visit,
    first_tallies,
    merged,
    visitor_tally,
)
from caseline.domain.insights_read import DayFigures

COUNTED_KINDS = frozenset({"outbox", "duty", "report", "member", "audit", "outbound", "survey", "preferences"})
MARKER_TTL = timedelta(days=3)  # longer than a stream record lives (24 hours) and its retries
VISITS_TTL = {"day": timedelta(days=3), "week": timedelta(days=10), "month": timedelta(days=35)}  # period + 3 days
_FIRST_SK = {VICTIMS_INVITED: "INVITED", VICTIMS_LINKED: "LINKED"}  # pk FIRST#{force}#{case}#{victim}
RACES = 5  # attempts when another view of the same victim (or link of the account) moved its marker first,
# or another transaction was writing one of the same items


_FIXED_NAMES = {"#e": "entity", "#force": "force_id", "#fam": "family", "#d": "day"}  # "family" is reserved


def insights_pk(force_id: str) -> str:
    return f"FORCE#{force_id}#INSIGHTS"


def rollup_sk(day: date, family: str) -> str:
    return f"DAY#{day.isoformat()}#{family}"


def _values(image: dict[str, Any] | None) -> dict[str, Any]:
    if not image:
        return {}
    return dict(CaselineItem.from_raw_data(image).attribute_values)


def _created(value: Any) -> datetime | None:
    """The record's time: epoch seconds from Lambda; a datetime or ISO text from other readers."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def change_from_stream(record: dict[str, Any]) -> Change | None:
    """A stream record as a ``Change`` (None: a kind nothing counts, or a removal)."""
    body = record.get("dynamodb", {})
    new = body.get("NewImage")
    kind = (new or {}).get("entity", {}).get("S")
    if kind not in COUNTED_KINDS or record.get("eventName") not in {"INSERT", "MODIFY"}:
        return None
    return Change(
        kind=kind,
        event=record["eventName"],
        pk=new["pk"]["S"],
        sk=new["sk"]["S"],
        force_id=new["force_id"]["S"],
        new=_values(new),
        old=_values(body.get("OldImage")),
        at=_created(body.get("ApproximateCreationDateTime")),
    )


class DynamoInsightsStore:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or connection().client

    @property
    def table(self) -> str:
        return str(CaselineItem.Meta.table_name)

    def add(self, counted: Counted, now: datetime) -> bool:
        """Count ``counted`` once: False when its marker exists (a replay), nothing written then."""
        for _ in range(RACES):
            states, tallies = [], list(counted.tallies)
            if visit := counted.visit:
                for period in PERIODS:
                    seen, state = self._visits(visit, period, now)
                    states.append(state)
                    tallies.append(visitor_tally(visit, period, seen))
            for first in counted.firsts:
                earlier = self._first(first)
                if found := first_tallies(first, earlier):
                    states.append(self._put_first(first, earlier))
                    tallies += found
            rollups = [self._rollup(t) for t in merged(tallies) if t.figures]
            try:
                self.client.transact_write_items(TransactItems=[self._marker(counted, now), *states, *rollups])
            except ClientError as exc:
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
                if reasons[:1] == ["ConditionalCheckFailed"]:
                    return False
                if "ConditionalCheckFailed" in reasons[1 : 1 + len(states)] or "TransactionConflict" in reasons:
                    # another view of this victim, or first of the subject, came first; or another
                    # transaction (a side-by-side dispatch batch) was writing the same rollup: read again
                    continue
                raise StorageUnavailableError() from exc
            return True
        raise StorageUnavailableError()

    def _marker(self, counted: Counted, now: datetime) -> dict[str, Any]:
        marker = {
            "pk": {"S": f"COUNTED#{counted.source}"},
            "sk": {"S": "COUNTED"},
            "entity": {"S": "counted"},
            "force_id": {"S": counted.tallies[0].force_id},
            "expires_at": {"N": str(int((now + MARKER_TTL).timestamp()))},
        }
        return {"Put": {"TableName": self.table, "Item": marker, "ConditionExpression": "attribute_not_exists(pk)"}}

    def _visits(self, visit: Visit, period: str, now: datetime) -> tuple[int, dict[str, Any]]:
        """The victim's visits in the period so far, and the update that makes it one more if still so."""
        pk = f"FORCE#{visit.force_id}#VISITS#{period}#{visit.start(period).isoformat()}"
        key = {"pk": {"S": pk}, "sk": {"S": visit.visitor}}
        found = self._get(key)
        seen = int(found["visits"]["N"]) if found else 0
        values = {":seen": {"N": str(seen)}, ":next": {"N": str(seen + 1)}, ":e": {"S": "visits"}}
        values |= {":force": {"S": visit.force_id}, ":ttl": {"N": str(int((now + VISITS_TTL[period]).timestamp()))}}
        update = {
            "TableName": self.table,
            "Key": key,
            "UpdateExpression": "SET visits = :next, #e = :e, #force = :force, expires_at = :ttl",
            "ConditionExpression": "attribute_not_exists(pk) OR visits = :seen",
            "ExpressionAttributeNames": {"#e": "entity", "#force": "force_id"},
            "ExpressionAttributeValues": values,
        }
        return seen, {"Update": update}

    @staticmethod
    def _account_key(user_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"ACCOUNT#{user_id}"}, "sk": {"S": "FIRST-LINK"}}

    def forget_account(self, user_id: str) -> None:
        """An account closed: its first link goes (one DeleteItem; nothing to delete is no error)."""
        try:
            self.client.delete_item(TableName=self.table, Key=self._account_key(user_id))
        except ClientError as exc:
            raise StorageUnavailableError() from exc

    @classmethod
    def _first_key(cls, first: First) -> dict[str, Any]:
        if first.figure == ACCOUNTS_CREATED:
            return cls._account_key(first.subject)
        return {"pk": {"S": f"FIRST#{first.subject}"}, "sk": {"S": _FIRST_SK[first.figure]}}

    def _first(self, first: First) -> First | None:
        """The earliest counted so far for the subject, if any."""
        found = self._get(self._first_key(first))
        if not found:
            return None
        return replace(first, force_id=found["force_id"]["S"], at=datetime.fromisoformat(found["at"]["S"]))

    def _put_first(self, first: First, earlier: First | None) -> dict[str, Any]:
        """This as the subject's first, on condition that the first is still what was read (no TTL)."""
        item = self._first_key(first) | {"entity": {"S": "first"}, "force_id": {"S": first.force_id}}
        item["at"] = {"S": first.at.isoformat()}
        put: dict[str, Any] = {"TableName": self.table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
        if earlier is not None:
            put["ConditionExpression"] = "#at = :was"
            put["ExpressionAttributeNames"] = {"#at": "at"}
            put["ExpressionAttributeValues"] = {":was": {"S": earlier.at.isoformat()}}
        return {"Put": put}

    def _rollup(self, tally: Tally) -> dict[str, Any]:
        names = {f"#f{i}": name for i, name in enumerate(tally.figures)}
        values: dict[str, Any] = {f":v{i}": {"N": str(v)} for i, v in enumerate(tally.figures.values())}
        values |= {":e": {"S": "insights"}, ":force": {"S": tally.force_id}, ":fam": {"S": tally.family}}
        values[":day"] = {"S": tally.day.isoformat()}
        adds = ", ".join(f"#f{i} :v{i}" for i in range(len(names)))
        key = {"pk": {"S": insights_pk(tally.force_id)}, "sk": {"S": rollup_sk(tally.day, tally.family)}}
        return {
            "Update": {
                "TableName": self.table,
                "Key": key,
                "UpdateExpression": f"ADD {adds} SET #e = :e, #force = :force, #fam = :fam, #d = :day",
                "ExpressionAttributeNames": names | _FIXED_NAMES,
                "ExpressionAttributeValues": values,
            }
        }

    def profile(self, force_id: str, case_id: str, victim_id: str, invitations: Collection[str]) -> CaseProfile:
        """The case's category, the victim's tier (two small consistent reads) and when the victim's first
        invitation on the case was sent (one Query of the case's messages to the victim; none without
        ``invitations`` to look for)."""
        pk = {"S": f"CASE#{force_id}#{case_id}"}
        case = self._get({"pk": pk, "sk": {"S": "CASE"}})
        victim = self._get({"pk": pk, "sk": {"S": f"VICTIM#{victim_id}"}})
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :outbox)",
            "FilterExpression": "victim_id = :victim AND #s = :sent",
            "ProjectionExpression": "template_id, sent_at",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {
                ":pk": pk,
                ":outbox": {"S": "OUTBOX#"},
                ":victim": {"S": victim_id},
                ":sent": {"S": "sent"},
            },
        }
        sent = [
            datetime.fromisoformat(m["sent_at"]["S"])
            for m in (self._query(request) if invitations else ())
            if m.get("template_id", {}).get("S") in invitations and "sent_at" in m
        ]
        invited = min(sent, default=None)
        tier = victim.get("tier", {}).get("S")
        return CaseProfile(category=_values(case).get("category"), tier=tier, invited_at=invited)

    def _get(self, key: dict[str, Any]) -> dict[str, Any]:
        try:
            return dict(self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item", {}))
        except ClientError as exc:
            raise StorageUnavailableError() from exc

    def _query(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of a Query, page by page."""
        while True:
            try:
                page = self.client.query(**request)
            except ClientError as exc:
                raise StorageUnavailableError() from exc
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request = request | {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def days(self, force_id: str, first: date, last: date) -> Iterator[DayFigures]:
        """The force's rollups from ``first`` to ``last`` inclusive: one Query (a page per ~1 MB)."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": {"S": insights_pk(force_id)},
                ":low": {"S": f"DAY#{first.isoformat()}"},
                ":high": {"S": f"DAY#{last.isoformat()}#~"},
            },
        }
        for item in self._query(request):
            if (row := _day_figures(item)).figures:  # a period's bucket can fall back to 0
                yield row


_NOT_FIGURES = frozenset({"pk", "sk", "entity", "force_id", "family", "day"})


def _day_figures(item: dict[str, Any]) -> DayFigures:
    figures = {k: int(v["N"]) for k, v in item.items() if k not in _NOT_FIGURES and "N" in v and v["N"] != "0"}
    return DayFigures(date.fromisoformat(item["day"]["S"]), item["family"]["S"], figures)
