"""Force insights for force staff: GET /v1/insights/{force_id}?from=&to=&period= (JSON, or CSV with
``Accept: text/csv`` or ``format=csv``). Behind the staff user pool's authorizer; answers only for the
forces of the caller's ``force-{id}`` groups. One Query over the day range (docs/adr/0015)."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

import csv
import io
import json
from importlib import resources
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.insights import DynamoInsightsStore
from caseline.adapters.http import api_entry, install_problem_handlers
from caseline.adapters.request import claims, preferred
from caseline.config import get_settings
from caseline.domain.calendar import uk_date
from caseline.domain.errors import UnauthenticatedError
from caseline.domain.insights_derived import ContactModel
from caseline.domain.insights_read import csv_rows
from caseline.services.insights import force_figures

settings = get_settings()
app = APIGatewayRestResolver(enable_validation=True)
install_problem_handlers(app)
store = DynamoInsightsStore()
clock = SystemClock()
_FORCES = json.loads(resources.files("caseline.content").joinpath("forces.json").read_text(encoding="utf-8"))
contact_models = {f: ContactModel.from_settings(e.get("contact_model")) for f, e in _FORCES["forces"].items()}


def _staff_groups() -> list[str]:
    """The caller's groups, from a staff pool ID token only (a victim's token never reaches here deployed:
    the route's authorizer is the staff pool's; this check holds if that were ever misconfigured)."""
    found = claims(app.current_event)
    pool = settings.staff_user_pool_id
    if not found or found.get("token_use") != "id" or (pool and not str(found.get("iss", "")).endswith(f"/{pool}")):
        raise UnauthenticatedError()
    groups = found.get("cognito:groups") or []
    if isinstance(groups, str):  # API Gateway passes a list claim as one string: "[a, b]" or "a,b"
        groups = [g.strip() for g in groups.strip("[]").replace(",", " ").split()]
    return list(groups)


@app.get(
    "/v1/insights/<force_id>",
    summary="A force's figures by day, week or month",
    description=(
        "A force's figures (docs/adr/0015), counted by period and in total, per family: adoption, contact, "
        "case_actions, messages, templates, visitors (distinct victims of each period), satisfaction(_by_case), "
        "duties(_by_right), reports (docs/api.md lists all). `derived` is worked out from the totals at read "
        "time: message rates per channel, SMS cost, and the estimate of calls avoided and their cost, with its "
        "assumptions (the force's settings or defaults)."
    ),
    tags=["Insights"],
)
def insights(
    force_id: str,
    start: Annotated[str | None, Query(alias="from", description="First UK day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="Last UK day, YYYY-MM-DD (default today)")] = None,
    period: Annotated[Literal["day", "week", "month"], Query(description="Sum days by")] = "day",
    format: Annotated[Literal["json", "csv"] | None, Query(description="csv: same as Accept: text/csv")] = None,
) -> Response[str]:
    today = uk_date(clock.now())
    figures = force_figures(force_id, _staff_groups(), start, end, period, store, today, contact_models.get(force_id))
    headers = {"Cache-Control": "no-store"}
    accept = app.current_event.headers.get("accept")
    if format == "csv" or (format is None and preferred(accept, ("application/json", "text/csv")) == "text/csv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["period_start", "family", "figure", "value"])
        writer.writerows(csv_rows(figures))
        headers["Content-Disposition"] = f'attachment; filename="insights-{force_id}-{figures["from"]}.csv"'
        return Response(200, content_type="text/csv; charset=utf-8", body=out.getvalue(), headers=headers)
    return Response(200, content_type="application/json", body=json.dumps(figures), headers=headers)


lambda_handler = api_entry(app, json_bodies=False)


loading.resume()
