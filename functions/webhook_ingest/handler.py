"""POST /v1/webhooks/{force_id}: authenticate a force event by signature, validate it, store it once."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.metrics import MetricUnit

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.cases import DynamoCaseRepository
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.http import api_entry, install_problem_handlers
from caseline.adapters.request import raw_body
from caseline.adapters.secrets import SecretsManagerWebhookSecrets
from caseline.config import get_settings
from caseline.domain.errors import CaselineError
from caseline.observability import logger, metrics
from caseline.services.ingest import IngestStatus, WebhookRequest, ingest_webhook

settings = get_settings()
app = APIGatewayRestResolver()  # the signed raw body is parsed by the service, not the resolver
install_problem_handlers(app)
secrets = SecretsManagerWebhookSecrets(
    client("secretsmanager"), prefix=settings.webhook_secret_prefix, forces=settings.forces
)
cases = DynamoCaseRepository()
reports = DynamoReportStore()  # the force's answers about online reports (no key: nothing is opened here)
clock = SystemClock()


@app.post("/v1/webhooks/<force_id>", summary="Receive a signed event from a force system", tags=["Force webhooks"])
def receive(force_id: str) -> Response[Any]:
    event = app.current_event
    request = WebhookRequest(force_id=force_id, headers=dict(event.headers or {}), body=raw_body(event))
    try:
        result = ingest_webhook(request, secrets=secrets, cases=cases, clock=clock, reports=reports)
    except CaselineError as error:
        metrics.add_metric(name="WebhooksRejected", unit=MetricUnit.Count, value=1)
        logger.info("Webhook rejected", extra={"force_id": force_id, "error": type(error).__name__})
        raise  # the problem handlers answer it (adapters/http.py): 401 never says why
    metrics.add_metric(name="WebhooksAccepted", unit=MetricUnit.Count, value=1)
    logger.info(
        "Webhook stored",
        extra={"force_id": result.force_id, "case_id": result.case_id, "status": result.status.value},
    )
    status_code = 200 if result.status is IngestStatus.DUPLICATE else 202
    return Response(
        status_code=status_code,
        content_type="application/json",
        body={"status": result.status.value, "event_id": result.event_id, "sequence": result.sequence},
    )


lambda_handler = api_entry(app, json_bodies=False)


loading.resume()
