"""Table stream consumer for everything that leaves Caseline: new outbox messages are sent by SES or SNS
through the safe-contact gate; new outbound events (victim to force) are relayed to the outbound queue.
First, as a step of its own, each record is counted into the force's daily figures (docs/adr/0015): the
records that only count (finished messages, duties, reports, links, views, surveys) stop there."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.delivery import DynamoSuppressionList
from caseline.adapters.dynamodb.dispatch import DynamoDispatchReader
from caseline.adapters.dynamodb.insights import DynamoInsightsStore, change_from_stream
from caseline.adapters.dynamodb.models import OutboundItem
from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository, outbound_record
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.messaging import SesEmailSender, SnsSmsSender
from caseline.adapters.queue import SqsOutboundQueue
from caseline.adapters.sealing import KmsCodeSealer, KmsFieldSealer
from caseline.adapters.streams import message_to_send, new_image_item
from caseline.config import get_settings
from caseline.content import message_templates, template_info
from caseline.observability import batch_entry, logger, metrics
from caseline.services.dispatch import DispatchEnvironment, dispatch_message
from caseline.services.insights import count_change
from caseline.services.outbound import relay

settings = get_settings()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
sns = client("sns")
kms = client("kms")
environment = DispatchEnvironment(
    # kms:Decrypt, for two things only: a report's reporter (the report's encryption context), for its
    # report-received message; and a message's access code, opened just to render it ({force, case, message}).
    reader=DynamoDispatchReader(DynamoReportStore(KmsFieldSealer(kms, key_id=settings.data_key_id))),
    outbox=DynamoOutboxRepository(),
    email=SesEmailSender(client("ses"), sender=settings.email_from, configuration_set=settings.ses_configuration_set),
    sms=SnsSmsSender(sns),
    suppression=DynamoSuppressionList(sns),
    templates=message_templates(),
    facts=template_info(),
    clock=SystemClock(),
    codes=KmsCodeSealer(lambda: kms, key_id=settings.data_key_id),
)
outbound = DynamoOutboundRepository()
outbound_queue = SqsOutboundQueue(client("sqs"), queue_url=settings.outbound_queue_url)
insights = DynamoInsightsStore()


def record_handler(record: DynamoDBRecord) -> str:
    counted = count_change(change_from_stream(record.raw_event), insights, environment.clock.now())
    item = new_image_item(record.raw_event)
    if isinstance(item, OutboundItem):
        queued = relay(outbound_record(item), queue=outbound_queue, outbound=outbound)
        logger.info("Outbound event relayed", extra={"force_id": item.force_id, "queued": queued})
        return "relayed"
    if (message := message_to_send(record.raw_event, item)) is None:
        return counted  # only counted: a finished message, or not a message
    outcome = dispatch_message(message.force_id, message.case_id, message.key, environment)
    metrics.add_metric(name=f"Messages{outcome.value.title().replace('-', '')}", unit=MetricUnit.Count, value=1)
    logger.info(
        "Outbox message handled",
        extra={
            "force_id": message.force_id,
            "case_id": message.case_id,
            "channel": message.channel,
            "outcome": outcome.value,
        },
    )
    return outcome.value


lambda_handler = batch_entry(processor, record_handler)


loading.resume()
