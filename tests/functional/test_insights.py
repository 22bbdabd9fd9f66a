"""Force insights end to end in moto: force events → journeys → dispatch (which counts) → rollups; replayed
records count once; figures equal a recount from the raw items; the insights API answers only a force's
own staff, with one Query and no Scan (docs/adr/0015)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from caseline.domain.sms import sms_size
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, api_event, load_handler, webhook_request
from .recount import recounted_totals, sms_texts, table_items

FORCES = {"thames-valley": "01-thames-valley-burglary", "hampshire": "03-hampshire-vehicle-crime"}


class Stack:
    def __init__(self, template: Template) -> None:
        self.template = template
        self.ingest = load_handler("webhook_ingest")
        self.journeys = load_handler("journeys")
        self.dispatch = load_handler("dispatch")
        self.journey_stream = StreamReader(template, "JourneysFunction")
        self.dispatch_stream = StreamReader(template, "DispatchFunction")
        self.dispatched: list[dict[str, Any]] = []  # every record dispatch got, to replay

    def post_cases(self, per_force: int) -> None:
        for n, (force_id, demo) in enumerate(FORCES.items()):
            for i in range(per_force):
                reference = f"4{n}26000{i:04d}"
                event = crime_recorded(f"INS-{n}-{i}", demo=demo, crime_reference=reference, recorded_at=now())
                event["time"] = now()
                assert self.ingest.lambda_handler(webhook_request(force_id, event), Context())["statusCode"] == 202

    def settle(self) -> None:
        """Run journeys and dispatch until the stream has nothing new for either."""
        while True:
            journey_records = self.journey_stream.new_records()
            if journey_records:
                self.journeys.lambda_handler({"Records": journey_records}, Context())
            records = self.dispatch_stream.new_records()
            if not records and not journey_records:
                return
            answer = self.dispatch.lambda_handler({"Records": records}, Context())
            assert answer == {"batchItemFailures": []}
            self.dispatched += records


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@pytest.fixture
def stack(aws: Template) -> Stack:
    return Stack(aws)


def scan(entity: str) -> list[dict[str, Any]]:
    """Test-only: every item of one kind (the recount reads the raw items, never the rollups)."""
    return [i for i in table_items() if i.get("entity", {}).get("S") == entity]


def insights_api(template: Template, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    from caseline.config import get_settings

    monkeypatch.setenv("STAFF_USER_POOL_ID", template.physical["StaffUserPool"]["Ref"])
    get_settings.cache_clear()
    return load_handler("insights")


def staff_claims(template: Template, groups: str, pool: str = "StaffUserPool") -> dict[str, Any]:
    pool_id = template.physical[pool]["Ref"]
    return {
        "sub": "analyst-1",
        "token_use": "id",
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}",
        "cognito:groups": groups,  # as API Gateway passes a list claim: one string
    }


def ask(api: ModuleType, force_id: str, claims: dict[str, Any], query: dict[str, str] | None = None, **kw: Any) -> Any:
    event = api_event(
        "GET",
        f"/v1/insights/{force_id}",
        resource="/v1/insights/{force_id}",
        path_parameters={"force_id": force_id},
        claims=claims,
        headers=kw.get("headers"),
    )
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in (query or {}).items()} or None
    return api.lambda_handler(event, Context())


def content_type(response: dict[str, Any]) -> str:
    headers = response.get("headers") or {k: v[0] for k, v in response.get("multiValueHeaders", {}).items()}
    return str(headers["Content-Type"])


def window() -> dict[str, str]:
    today = date.today()
    return {"from": (today - timedelta(days=3)).isoformat(), "to": (today + timedelta(days=40)).isoformat()}


def test_figures_equal_a_recount_and_replayed_records_count_once(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two cases per force, every message planned, sent and every duty met
    stack.post_cases(per_force=2)
    stack.settle()
    # When every record dispatch saw is delivered again (a stream retry)
    answer = stack.dispatch.lambda_handler({"Records": stack.dispatched}, Context())
    assert answer == {"batchItemFailures": []}
    stack.settle()
    # Then each force's figures equal a recount from the raw items, not twice them
    api = insights_api(stack.template, monkeypatch)
    for force_id in FORCES:
        response = ask(api, force_id, staff_claims(stack.template, f"force-{force_id}"), window())
        assert response["statusCode"] == 200
        totals = json.loads(response["body"])["totals"]
        expected = recounted_totals(force_id, *(date.fromisoformat(window()[end]) for end in ("from", "to")))
        assert expected["messages"]["sent_email"] == 2 and expected["adoption"]["invitations_sent"] >= 2
        assert expected["duties"]["due"] == 2 and expected["duties"]["met_on_time"] == 2
        assert totals == expected


def test_a_force_s_staff_read_only_their_force_with_one_query(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    stack.post_cases(per_force=1)
    stack.settle()
    api = insights_api(stack.template, monkeypatch)
    calls: list[str] = []
    client = api.store.client
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    analyst = staff_claims(stack.template, "force-thames-valley")
    # The analyst's own force: one Query, no Scan, JSON or CSV
    assert ask(api, "thames-valley", analyst, window())["statusCode"] == 200
    assert calls == ["Query"]
    as_csv = ask(api, "thames-valley", analyst, window(), headers={"Accept": "text/csv"})
    assert content_type(as_csv).startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv["body"])))
    assert rows[0] == ["period_start", "family", "figure", "value"]
    assert any(r[1:3] == ["messages", "sent_email"] and r[3] == "1" for r in rows[1:])
    assert ask(api, "thames-valley", analyst, window() | {"format": "csv"})["body"] == as_csv["body"]
    refused = ask(api, "thames-valley", analyst, window(), headers={"Accept": "text/csv;q=0, application/json"})
    assert content_type(refused) == "application/json"  # CSV said not acceptable: JSON
    # Another force, a force that does not exist, no group: 404, and nothing read
    calls.clear()
    for force_id, claims in [
        ("hampshire", analyst),
        ("nowhere", analyst),
        ("thames-valley", staff_claims(stack.template, "")),
    ]:
        response = ask(api, force_id, claims, window())
        assert response["statusCode"] == 404
        assert json.loads(response["body"])["type"] == "urn:caseline:problem:not-found"
    # A victim's token (the victims' pool) is refused even with a force's group name in it
    victim = staff_claims(stack.template, "force-thames-valley", pool="VictimUserPool")
    assert ask(api, "thames-valley", victim, window())["statusCode"] == 401
    assert calls == []


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-12-40"}, {"from": "2026-12-06", "to": "2026-12-01"}, {"from": "2026-01-01", "to": "2026-12-31"}],
)
def test_a_bad_range_is_a_problem(aws: Template, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]) -> None:
    api = insights_api(aws, monkeypatch)
    response = ask(api, "thames-valley", staff_claims(aws, "force-thames-valley"), query)
    assert response["statusCode"] == 422
    assert content_type(response) == "application/problem+json"
    assert json.loads(response["body"])["type"] == "urn:caseline:problem:validation"


def test_links_views_messages_requests_and_surveys_count_once_each(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_survey import ANSWERS, close_case
    from .test_victim_journey import Victims

    # Given a victim who links her case, views it twice, writes to the officer, asks for an update and,
    # once the force has closed the case, answers the survey
    victims = Victims(aws)  # its dispatch has seen the confirmations already
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    assert victims.case("alex", "thames-valley", "TVP-J-1")[0] == 200
    assert victims.case("alex", "thames-valley", "TVP-J-1")[0] == 200
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/messages", "POST", {"text": "Any news?"})[0] == 202
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/update-requests", "POST")[0] == 202
    close_case()
    assert victims.case("alex", "thames-valley", "TVP-J-1", "/survey", "POST", ANSWERS)[0] == 201
    # When dispatch gets the whole stream from its start, twice (the confirmations replayed too)
    dispatch, stream = load_handler("dispatch"), StreamReader(aws, "DispatchFunction")
    records = stream.new_records()
    for _ in range(2):
        assert dispatch.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
    # Then the figures equal the items counted another way, once
    response = ask(insights_api(aws, monkeypatch), "thames-valley", staff_claims(aws, "force-thames-valley"), window())
    totals = json.loads(response["body"])["totals"]
    members = [i for i in scan("member") if i["force_id"]["S"] == "thames-valley"]
    views = [i for i in scan("audit") if i["action"]["S"] == "viewed-case" and i["force_id"]["S"] == "thames-valley"]
    outbound = Counter(i["event_type"]["S"] for i in scan("outbound") if i["force_id"]["S"] == "thames-valley")
    assert (len(members), len(views)) == (1, 2)
    assert {v["victim_id"]["S"] for v in views} == {members[0]["victim_id"]["S"]}  # the victim's visits
    assert totals["adoption"]["cases_linked"] == len(members)
    assert totals["contact"] == {
        "case_views": len(views),
        "victim_messages": outbound["org.caseline.victim.message-sent.v1"],
        "update_requests": outbound["org.caseline.victim.update-requested.v1"],
    }
    assert totals["contact"]["victim_messages"] == totals["contact"]["update_requests"] == 1
    assert totals["messages"] == recounted_totals("thames-valley", date.min, date.max)["messages"]
    scores = Counter(f"satisfaction_{int(i['satisfaction']['N'])}" for i in scan("survey"))
    assert (
        totals["satisfaction"]
        == {"answers": sum(scores.values())} | dict(scores)
        == {
            "answers": 1,
            "satisfaction_4": 1,
        }
    )


def test_a_bounce_and_its_fallback_count_once(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseline.adapters.dynamodb.models import DutyItem

    from .test_delivery_events import given_sent_email, ses_event, through_the_topic

    # Given a case's sent statutory email that bounces, and the delivery events function that follows it up by SMS
    case = webhook_request("thames-valley", crime_recorded("TVP-D-1"))
    assert load_handler("webhook_ingest").lambda_handler(case, Context())["statusCode"] == 202
    message = given_sent_email()  # with its duty, below: sending the SMS meets it
    DutyItem(
        f"CASE#thames-valley#{message.case_id}",
        f"DUTY#{message.duty_id}",
        force_id="thames-valley",
        case_id=message.case_id,
        duty_id=message.duty_id,
        right="right3",
        due_on=date.today().isoformat(),
        status="open",
    ).save()
    delivery = load_handler("delivery_events")
    records = through_the_topic(aws, ses_event("Bounce"))
    assert delivery.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
    # When dispatch gets the stream, and all of it again (the SMS is sent in between)
    dispatch, stream = load_handler("dispatch"), StreamReader(aws, "DispatchFunction")
    seen: list[dict[str, Any]] = []
    while records := stream.new_records():
        assert dispatch.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
        seen += records
    assert dispatch.lambda_handler({"Records": seen}, Context()) == {"batchItemFailures": []}
    # Then the bounce, the fallback copy and the SMS it sent are each counted once, as the items say
    response = ask(insights_api(aws, monkeypatch), "thames-valley", staff_claims(aws, "force-thames-valley"), window())
    figures = json.loads(response["body"])["totals"]["messages"]
    outbox = scan("outbox")
    bounced = Counter(i["channel"]["S"] for i in outbox if i.get("delivery", {}).get("S") == "bounced")
    copies = Counter(i["channel"]["S"] for i in outbox if "#fallback-" in i["key"]["S"])
    assert (bounced, copies) == ({"email": 1}, {"sms": 1})
    segments = sum(sms_size(text).segments for text in sms_texts().values())  # from the one text as sent
    assert figures == {
        "bounced_email": bounced["email"],
        "fell_back_sms": copies["sms"],
        "sent_sms": 1,
        "sms_segments": segments,
    }
