"""Table stream consumer: applied case events, newly linked accounts, changed contact choices, the day's
first sign-in to a linked account and an account removed by another run the journey definitions. A newly
linked account, and an applied ``needs.assessed`` or ``crime.recorded``, also take self-service recovery
away from the accounts of a victim who is (now) high-risk."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.account_links import DynamoAccountLinks
from caseline.adapters.dynamodb.delegation import DynamoDelegationStore
from caseline.adapters.dynamodb.journeys import DynamoJourneyStore
from caseline.adapters.dynamodb.linking import DynamoLinkRepository
from caseline.adapters.dynamodb.mappers import event_record
from caseline.adapters.dynamodb.models import CaseMemberItem, EventItem, OutboundItem, PreferencesItem, SignInItem
from caseline.adapters.identity import CognitoIdentityAdmin
from caseline.adapters.sealing import KmsCodeSealer
from caseline.adapters.streams import new_image_item, old_image_item
from caseline.config import get_settings
from caseline.content import journey_definitions, template_info
from caseline.domain.outbound import LINKED_ACCOUNT_REMOVED
from caseline.domain.preferences import VictimPreferences
from caseline.observability import batch_entry, logger, metrics
from caseline.services.journeys import JourneyEnvironment, JourneyOutcome, run_journeys
from caseline.services.notices import (
    preference_change,
    run_account_linked,
    run_account_removed,
    run_contact_reduced,
    run_preferences_changed,
    run_signed_in,
)

settings = get_settings()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
environment = JourneyEnvironment(
    store=DynamoJourneyStore(),
    clock=SystemClock(),
    definitions=journey_definitions(),
    template_placeholders={t.template_id: t.placeholders for t in template_info().values()},
    portal_url=settings.portal_url,
    locks=DynamoLinkRepository(),
    # Created on first use: only a high-risk victim's linked account needs Cognito.
    identity=CognitoIdentityAdmin(user_pool_id=settings.user_pool_id, client_factory=lambda: client("cognito-idp")),
    # A new access code is sealed for each message that carries it (kms:Encrypt, {force, case, message}).
    codes=KmsCodeSealer(lambda: client("kms"), key_id=settings.data_key_id),
    accounts=DynamoAccountLinks(),
    delegations=DynamoDelegationStore(),
)

_METRIC = {
    JourneyOutcome.PLANNED: "JourneyStepsPlanned",
    JourneyOutcome.ALREADY_PLANNED: "JourneyStepsReplayed",
    JourneyOutcome.NOT_APPLICABLE: "JourneyEventsSkipped",
}


def record_handler(record: DynamoDBRecord) -> str:
    item = new_image_item(record.raw_event)
    if isinstance(item, EventItem):
        outcome = run_journeys(event_record(item), environment)
    elif isinstance(item, CaseMemberItem):
        outcome = run_account_linked(
            item.force_id, item.case_id, item.victim_id, environment, item.user_id, item.linked_at
        )
    elif isinstance(item, PreferencesItem):
        old = old_image_item(record.raw_event)
        before = VictimPreferences.from_dict(old.preferences or {}) if isinstance(old, PreferencesItem) else None
        after = VictimPreferences.from_dict(item.preferences or {})
        change = preference_change(before, after)
        reduced = run_contact_reduced(
            item.force_id, item.case_id, item.victim_id, before, after, item.updated_at, environment
        )
        confirmed = run_preferences_changed(
            item.force_id, item.case_id, item.victim_id, change, item.updated_at, environment, before, after
        )
        outcome = reduced if reduced is JourneyOutcome.PLANNED else confirmed
    elif isinstance(item, OutboundItem) and item.event_type == LINKED_ACCOUNT_REMOVED:
        data = item.data or {}
        outcome = run_account_removed(
            item.force_id, item.case_id, str(data.get("victim_id")), item.created_at, environment
        )
    elif isinstance(item, SignInItem):
        outcome = run_signed_in(item.force_id, item.case_id, item.victim_id, item.signed_in_at, environment)
    else:
        return "ignored"
    metrics.add_metric(name=_METRIC[outcome], unit=MetricUnit.Count, value=1)
    logger.info("Journey step", extra={"force_id": item.force_id, "case_id": item.case_id, "outcome": outcome.value})
    return outcome.value


lambda_handler = batch_entry(processor, record_handler)


loading.resume()
