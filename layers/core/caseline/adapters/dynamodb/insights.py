"""Force insights in the table (docs/adr/0015): daily rollup items, one per force, UK day and figure family,
and a marker per counted source transition so a replayed stream record never counts twice.

=================  ================================  ============================  =====================
item               pk                                sk                            notes
=================  ================================  ============================  =====================
rollup             FORCE#{force}#INSIGHTS            DAY#{uk date}#{family}        counters: atomic ADD
counted marker     COUNTED#{source pk}|{sk}|{step}   COUNTED                       TTL 3 days
visits marker      FORCE#{force}#VISITS#{YYYY-MM}    USER#{account}                visits; TTL 100 days
=================  ================================  ============================  =====================

The marker and the counters are written in one transaction, the marker on condition that it does not
exist yet: either the record is counted once, or not at all (and its retry counts it). A case view also
moves its victim's visits marker from the count read just before to one more, on condition that it still
holds that count (a race with another view of the same victim retries), so the month's distinct visitors
and their visits-per-victim buckets stay exact. The items use the
low-level client because the counter names are data (a new figure needs no model change).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from caseline.adapters.dynamodb.base import connection
from caseline.adapters.dynamodb.models import CaselineItem
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.insights import CaseProfile, Change, Counted, DayFigures, Tally, Visit, visitor_tally

COUNTED_KINDS = frozenset({"outbox", "duty", "report", "member", "audit", "outbound", "survey"})
MARKER_TTL = timedelta(days=3)  # longer than a stream record lives (24 hours) and its retries
VISITS_TTL = timedelta(days=100)  # the month, and long enough to be counted again if ever needed
VISIT_RACES = 5  # attempts when another view of the same victim moved the visits marker first


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
        for _ in range(VISIT_RACES):
            items = [self._marker(counted, now)]
            tallies = counted.tallies
            if counted.visit:
                seen, visit_item = self._visits(counted.visit, now)
                items.append(visit_item)
                tallies += (visitor_tally(counted.visit, seen),)
            items += [self._rollup(t) for t in tallies if t.figures]
            try:
                self.client.transact_write_items(TransactItems=items)
            except ClientError as exc:
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
                if reasons[:1] == ["ConditionalCheckFailed"]:
                    return False
                if counted.visit and reasons[1:2] == ["ConditionalCheckFailed"]:
                    continue  # another view of this victim came first: read the count again
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

    def _visits(self, visit: Visit, now: datetime) -> tuple[int, dict[str, Any]]:
        """The victim's visits this month so far, and the update that makes it one more if still so."""
        key = {"pk": {"S": f"FORCE#{visit.force_id}#VISITS#{visit.month:%Y-%m}"}, "sk": {"S": f"USER#{visit.user_id}"}}
        try:
            found = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        except ClientError as exc:
            raise StorageUnavailableError() from exc
        seen = int(found["visits"]["N"]) if found else 0
        values = {":seen": {"N": str(seen)}, ":next": {"N": str(seen + 1)}, ":e": {"S": "visits"}}
        values |= {":force": {"S": visit.force_id}, ":ttl": {"N": str(int((now + VISITS_TTL).timestamp()))}}
        update = {
            "TableName": self.table,
            "Key": key,
            "UpdateExpression": "SET visits = :next, #e = :e, #force = :force, expires_at = :ttl",
            "ConditionExpression": "attribute_not_exists(pk) OR visits = :seen",
            "ExpressionAttributeNames": {"#e": "entity", "#force": "force_id"},
            "ExpressionAttributeValues": values,
        }
        return seen, {"Update": update}

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

    def profile(self, force_id: str, case_id: str, victim_id: str) -> CaseProfile:
        """The case's category and recording time and the victim's tier: two small consistent reads."""
        pk = {"S": f"CASE#{force_id}#{case_id}"}
        try:
            case = self._get(pk, "CASE")
            victim = self._get(pk, f"VICTIM#{victim_id}")
        except ClientError as exc:
            raise StorageUnavailableError() from exc
        values = _values(case)
        tier = victim.get("tier", {}).get("S")
        return CaseProfile(category=values.get("category"), tier=tier, recorded_at=values.get("recorded_at"))

    def _get(self, pk: dict[str, str], sk: str) -> dict[str, Any]:
        key = {"pk": pk, "sk": {"S": sk}}
        return dict(self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item", {}))

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
        while True:
            try:
                page = self.client.query(**request)
            except ClientError as exc:
                raise StorageUnavailableError() from exc
            for item in page.get("Items", []):
                if (row := _day_figures(item)).figures:  # a month's bucket can fall back to 0
                    yield row
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


_NOT_FIGURES = frozenset({"pk", "sk", "entity", "force_id", "family", "day"})


def _day_figures(item: dict[str, Any]) -> DayFigures:
    figures = {k: int(v["N"]) for k, v in item.items() if k not in _NOT_FIGURES and "N" in v and v["N"] != "0"}
    return DayFigures(date.fromisoformat(item["day"]["S"]), item["family"]["S"], figures)
