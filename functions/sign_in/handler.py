"""Cognito post-authentication trigger: a victim signed in, so each case their account is linked to gets
the day's sign-in record (the journeys function sends the "new sign-in" notice from it), and a high-risk
victim's account loses self-service recovery again if it had got it back.

It returns the event unchanged and never fails a sign-in: Cognito refuses the sign-in when its trigger
raises, so any error is logged (its type only) and swallowed.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.account_recovery import DynamoVictimRisks
from caseline.adapters.dynamodb.sign_in import DynamoSignInStore
from caseline.adapters.identity import CognitoIdentityAdmin
from caseline.domain.accounts import CaseMembership
from caseline.observability import entry, logger, metrics
from caseline.services.sign_in import reapply_recovery_rule, record_sign_in

store = DynamoSignInStore()
risks = DynamoVictimRisks()
clock = SystemClock()


def identity(user_pool_id: str) -> CognitoIdentityAdmin:
    """The pool is the one in Cognito's event: the template cannot name the pool here without a cycle
    (the pool names this function as its trigger). The client is created only for a high-risk account."""
    return CognitoIdentityAdmin(user_pool_id=user_pool_id, client_factory=lambda: client("cognito-idp"))


def _protect(event: dict[str, Any], user_id: str, memberships: list[CaseMembership]) -> None:
    try:
        restricted = reapply_recovery_rule(
            user_id, memberships, victims=risks, identity=identity(str(event["userPoolId"]))
        )
    except Exception as exc:  # never block the sign-in; the next sign-in and the journeys try again
        logger.error("Recovery rule not re-applied", extra={"error": type(exc).__name__})
        metrics.add_metric(name="RecoveryNotRestricted", unit=MetricUnit.Count, value=1)
        return
    if restricted:
        metrics.add_metric(name="RecoveryRestricted", unit=MetricUnit.Count, value=1)


def _record(event: dict[str, Any]) -> None:
    try:
        user_id = str(event["request"]["userAttributes"]["sub"])
        memberships = store.memberships(user_id)
    except Exception as exc:  # a failed record must never block the victim's sign-in
        logger.error("Sign-in not recorded", extra={"error": type(exc).__name__})
        metrics.add_metric(name="SignInsNotRecorded", unit=MetricUnit.Count, value=1)
        return
    _protect(event, user_id, memberships)
    try:
        recorded = record_sign_in(user_id, store, clock, memberships)
    except Exception as exc:
        logger.error("Sign-in not recorded", extra={"error": type(exc).__name__})
        metrics.add_metric(name="SignInsNotRecorded", unit=MetricUnit.Count, value=1)
        return
    metrics.add_metric(name="SignInsRecorded", unit=MetricUnit.Count, value=recorded)
    logger.info("Sign-in recorded", extra={"user_id": user_id, "cases": recorded})


def handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _record(event)
    return event


lambda_handler = entry(handle)


loading.resume()
