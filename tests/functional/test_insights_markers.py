"""The state force figures keep per victim and per account in the table (docs/adr/0015), in moto: a
victim's visits markers make each day's, week's and month's visitors distinct, and an account's first-link
marker makes it a new account once, for the force of its earliest link, even when the records of two
forces' cases are counted out of order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from caseline.domain.insights import Change
from caseline.services.insights import count_change
from caseline_local.template import Template

from .recount import table_items
from .test_insights import insights_api

MONDAY = datetime(2026, 11, 2, 10, tzinfo=UTC)  # in GMT: a UK day is a UTC day


def figures(store: Any, force_id: str, family: str) -> dict[str, dict[str, int]]:
    rows = store.days(force_id, date(2026, 10, 1), date(2026, 12, 31))
    return {row.day.isoformat(): row.figures for row in rows if row.family == family}


def view(n: int, user: str, at: datetime, victim: str | None = None) -> Change:
    new = {"action": "viewed-case", "user_id": user, "at": at} | ({"victim_id": victim} if victim else {})
    return Change("audit", "INSERT", "AUDIT#hampshire#C1", f"{at.isoformat()}#{n}", "hampshire", new, at=at)


def link(force_id: str, case_id: str, at: datetime) -> Change:
    new = {"case_id": case_id, "victim_id": "V1", "user_id": "alex", "linked_at": at}
    return Change("member", "INSERT", f"CASE#{force_id}#{case_id}", "MEMBER#alex", force_id, new, at=at)


def test_visitors_are_distinct_per_day_week_and_month(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    store = insights_api(aws, monkeypatch).store
    views = [
        ("alex", MONDAY),
        ("alex", MONDAY + timedelta(hours=2)),
        ("sam", MONDAY),
        ("alex", MONDAY + timedelta(days=2)),
    ]
    for n, (user, at) in enumerate(views):
        assert count_change(view(n, user, at), store, at) == "counted"
        assert count_change(view(n, user, at), store, at) == "replayed"
    assert figures(store, "hampshire", "visitors_day") == {
        "2026-11-02": {"active_victims": 2, "visits_1": 1, "visits_2_3": 1},  # alex twice, sam once
        "2026-11-04": {"active_victims": 1, "visits_1": 1},
    }
    week = {"active_victims": 2, "visits_1": 1, "visits_2_3": 1}  # alex 3 times, sam once
    assert figures(store, "hampshire", "visitors_week") == {"2026-11-02": week}
    assert figures(store, "hampshire", "visitors_month") == {"2026-11-01": week}
    assert figures(store, "hampshire", "contact") == {"2026-11-02": {"case_views": 3}, "2026-11-04": {"case_views": 1}}
    markers = [i for i in table_items() if i["pk"]["S"].startswith("FORCE#hampshire#VISITS#")]
    assert len(markers) == 2 + 2 + 2 + 1  # alex's and sam's day, week, month; alex's second day
    assert all(int(m["expires_at"]["N"]) > MONDAY.timestamp() for m in markers)


def test_a_victims_two_accounts_are_one_visitor(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    store = insights_api(aws, monkeypatch).store
    # Given Alex views her case from her phone's account and from a second account she linked
    for n, user in enumerate(("alex-phone", "alex-laptop")):
        assert count_change(view(n, user, MONDAY, victim="HAM-V-1"), store, MONDAY) == "counted"
    # Then she is one victim who came twice
    assert figures(store, "hampshire", "visitors_day") == {"2026-11-02": {"active_victims": 1, "visits_2_3": 1}}


def test_an_account_is_new_once_for_its_earliest_link_even_counted_late(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = insights_api(aws, monkeypatch).store
    later, earlier = MONDAY + timedelta(days=1), MONDAY
    assert count_change(link("hampshire", "C2", later), store, later) == "counted"
    assert figures(store, "hampshire", "adoption")["2026-11-03"]["accounts_created"] == 1
    # the link to a Thames Valley case made a day before is counted after it: the new account moves there
    assert count_change(link("thames-valley", "C1", earlier), store, later) == "counted"
    assert count_change(link("thames-valley", "C1", earlier), store, later) == "replayed"
    assert count_change(link("hampshire", "C3", later + timedelta(days=3)), store, later) == "counted"
    assert figures(store, "thames-valley", "adoption") == {
        "2026-11-02": {"cases_linked": 1, "linked_uninvited": 1, "accounts_created": 1, "victims_linked": 1}
    }
    hampshire = figures(store, "hampshire", "adoption")
    assert [day.get("accounts_created", 0) for day in hampshire.values()] == [0, 0]
    assert sum(day["cases_linked"] for day in hampshire.values()) == 2


def test_a_closed_account_leaves_no_first_link_marker(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore

    store = insights_api(aws, monkeypatch).store
    assert count_change(link("hampshire", "C1", MONDAY), store, MONDAY) == "counted"
    marker = {"pk": {"S": "ACCOUNT#alex"}, "sk": {"S": "FIRST-LINK"}}
    assert [i for i in table_items() if i["pk"] == marker["pk"]]
    # When the account is closed, the data-rights store forgets it (and a second time is no error)
    DynamoDataRightsStore().forget_account("alex")
    DynamoDataRightsStore().forget_account("alex")
    assert [i for i in table_items() if i["pk"] == marker["pk"]] == []


def test_a_victim_is_invited_and_linked_once_ever_by_markers_that_do_not_expire(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = insights_api(aws, monkeypatch).store
    ids = {"case_id": "C1", "victim_id": "V1", "channel": "sms", "template_id": "access-code-reissued"}

    def invitation(key: str, at: datetime) -> Change:
        new = ids | {"status": "sent", "sent_at": at}
        return Change("outbox", "MODIFY", "CASE#hampshire#C1", f"OUTBOX#{key}", "hampshire", new, {"sealed_code": "s"})

    # the second invitation's record is counted before the first's (out of order): the victim moves to the first
    assert count_change(invitation("second", MONDAY + timedelta(days=1)), store, MONDAY) == "counted"
    assert count_change(invitation("first", MONDAY), store, MONDAY) == "counted"
    assert count_change(invitation("reissued", MONDAY + timedelta(days=30)), store, MONDAY) == "counted"
    assert count_change(link("hampshire", "C1", MONDAY + timedelta(days=2)), store, MONDAY) == "counted"
    second_account = replace(link("hampshire", "C1", MONDAY + timedelta(days=3)), sk="MEMBER#blake")
    second_account = replace(second_account, new=second_account.new | {"user_id": "blake"})
    assert count_change(second_account, store, MONDAY) == "counted"
    adoption = figures(store, "hampshire", "adoption")
    assert {day: f.get("victims_invited", 0) for day, f in adoption.items() if "invitations_sent" in f} == {
        "2026-11-02": 1,
        "2026-11-03": 0,  # counted here first, then moved to the earlier day
        "2026-12-02": 0,  # a new code a month later: the victim was invited already
    }
    assert {day: f.get("victims_linked", 0) for day, f in adoption.items() if "cases_linked" in f} == {
        "2026-11-04": 1,
        "2026-11-05": 0,  # a second account of the same victim
    }
    markers = {i["sk"]["S"]: i for i in table_items() if i["pk"]["S"] == "FIRST#hampshire#C1#V1"}
    assert set(markers) == {"INVITED", "LINKED"} and not any("expires_at" in m for m in markers.values())
    assert markers["INVITED"]["at"]["S"] == MONDAY.isoformat()  # ids and a time: nothing else about the victim
    assert set(markers["LINKED"]) == {"pk", "sk", "entity", "force_id", "at"}


def test_a_transaction_conflict_with_a_side_by_side_count_is_tried_again(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from caseline.adapters.dynamodb.base import connection
    from caseline.adapters.dynamodb.insights import DynamoInsightsStore

    insights_api(aws, monkeypatch)
    real = connection().client

    class ConflictOnce:
        """DynamoDB cancels a transaction that touches an item another transaction is writing."""

        conflicts = 1

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def transact_write_items(self, **kwargs: Any) -> Any:
            if self.conflicts:
                self.conflicts -= 1
                reasons = [{"Code": "None"}] + [{"Code": "TransactionConflict"}] * (len(kwargs["TransactItems"]) - 1)
                error = {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons}
                raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]
            return real.transact_write_items(**kwargs)

    store = DynamoInsightsStore(ConflictOnce())
    # When two dispatch lanes count into the same day's rollup and this one loses the race
    assert count_change(view(1, "alex", MONDAY), store, MONDAY) == "counted"
    # Then it is counted once, on the second try, rather than failing its stream record
    assert figures(store, "hampshire", "contact") == {"2026-11-02": {"case_views": 1}}
