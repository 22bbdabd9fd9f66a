"""Creating an account: POST /v1/accounts and POST /v1/accounts/confirmation (no sign-in), docs/adr/0014.

The same 202 answer whether the address is new, has an account or has an unconfirmed sign-up; the
mailbox's owner learns which from the email that follows. Nothing about the address is logged.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.metrics import MetricUnit

from caseline.adapters.address_keys import KmsAddressKeyer
from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.http import api_entry, install_problem_handlers, strict_json
from caseline.adapters.request import raw_body
from caseline.adapters.sign_up import CognitoSignUp, DynamoNoticeCap, SesAccountNotices, SignUpSecret
from caseline.config import get_settings
from caseline.domain.json_body import read_json
from caseline.domain.sign_up import Existing
from caseline.observability import logger, metrics
from caseline.services import sign_up as sign_up_service

settings = get_settings()
app = APIGatewayRestResolver(json_body_deserializer=strict_json)
install_problem_handlers(app)
identity = CognitoSignUp(
    client("cognito-idp"),
    user_pool_id=settings.user_pool_id,
    client_id=settings.user_pool_client_id,
    secret=SignUpSecret(client("secretsmanager"), secret_id=settings.sign_up_secret_id),
)
notices = SesAccountNotices(client("ses"), sender=settings.email_from)
cap = DynamoNoticeCap(
    KmsAddressKeyer(client("kms"), key_id=settings.report_rate_key_id), DynamoReportStore(), SystemClock().now
)
ACCEPTED = '{"status": "check-your-email"}'
MAX_BODY_BYTES = 4096  # an address (254) and a password (256), with room for JSON's escapes
METRICS = {Existing.NONE: "SignUpsNew", Existing.CONFIRMED: "SignUpsKnown", Existing.UNCONFIRMED: "SignUpsUnconfirmed"}
floor = sign_up_service.AnswerFloor(time.monotonic, time.sleep)  # tests give a clock of their own


# The body and the answers are documented in caseline_local/openapi.py (_document_accounts).
@app.post("/v1/accounts", summary="Create an account: the answer never says whether the address has one")
def create_account() -> Response[Any]:
    outcome = sign_up_service.sign_up(
        read_json(raw_body(app.current_event), max_bytes=MAX_BODY_BYTES),
        identity=identity,
        notices=notices,
        cap=cap,
        portal_url=settings.portal_url,
        floor=floor,
    )
    metrics.add_metric(name=METRICS[outcome.existing], unit=MetricUnit.Count, value=1)
    if outcome.capped:
        metrics.add_metric(name="SignUpNoticesCapped", unit=MetricUnit.Count, value=1)
    if outcome.follow_up_error:
        logger.warning("Sign-up follow-up failed", extra={"error": outcome.follow_up_error})
    return Response(202, "application/json", ACCEPTED, headers={"Cache-Control": "no-store"})


@app.post(
    "/v1/accounts/confirmation",
    summary="Confirm a new account with the emailed code: one refusal for every reason",
)
def confirm_account() -> Response[Any]:
    sign_up_service.confirm(
        read_json(raw_body(app.current_event), max_bytes=MAX_BODY_BYTES), identity=identity, floor=floor
    )
    metrics.add_metric(name="SignUpsConfirmed", unit=MetricUnit.Count, value=1)
    return Response(200, "application/json", '{"status": "confirmed"}', headers={"Cache-Control": "no-store"})


lambda_handler = api_entry(app)


loading.resume()
