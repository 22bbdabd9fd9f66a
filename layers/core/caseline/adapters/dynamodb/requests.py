"""A victim's request to the force (a review, a personal statement: docs/adr/0020): its outbound event
(``OUTBOUND#{request id}``) and the duties it starts, in one transaction, so the force is never asked
without the deadlines being tracked (or the other way round)."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import connection, transaction_outcome
from caseline.adapters.dynamodb.duties import duty_item
from caseline.adapters.dynamodb.models import DutyItem, OutboundItem
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import Duty, WriteOutcome


class DynamoRequestStore:
    def create(self, event: OutboundEvent, duties: Sequence[Duty]) -> WriteOutcome:
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(outbound_item(event), condition=OutboundItem.pk.does_not_exist())
                for duty in duties:
                    transaction.save(duty_item(duty), condition=DutyItem.pk.does_not_exist())
        except TransactWriteError as exc:
            return transaction_outcome(exc)
        return WriteOutcome.WRITTEN
