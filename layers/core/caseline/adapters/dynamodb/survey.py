"""Closing-survey answers on the case's partition (``SURVEY#{victim}``), written in one transaction with
the outbound event that takes them to the force: both or neither."""

from __future__ import annotations

from dataclasses import asdict

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import by_name, connection, transaction_outcome
from caseline.adapters.dynamodb.models import OutboundItem, SurveyItem, case_pk
from caseline.adapters.dynamodb.outbound import outbound_item
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import WriteOutcome
from caseline.domain.survey import SurveyAnswers, SurveyResponse


def survey_item(response: SurveyResponse) -> SurveyItem:
    key = {"pk": case_pk(response.force_id, response.case_id), "sk": f"SURVEY#{response.victim_id}"}
    return by_name(response, SurveyItem, **key, **asdict(response.answers))  # the item holds the answers flat


def survey_response(item: SurveyItem) -> SurveyResponse:
    return by_name(
        item,
        SurveyResponse,
        answers=SurveyAnswers(
            satisfaction=int(item.satisfaction),
            kept_informed=int(item.kept_informed),
            easy_to_use=int(item.easy_to_use),
            comments=item.comments,
        ),
    )


class DynamoSurveyStore:
    def save(self, response: SurveyResponse, outbound: OutboundEvent) -> WriteOutcome:
        """DUPLICATE when this victim has answered already (the answers or their event exist)."""
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(survey_item(response), condition=SurveyItem.pk.does_not_exist())
                transaction.save(outbound_item(outbound), condition=OutboundItem.pk.does_not_exist())
        except TransactWriteError as exc:
            return transaction_outcome(exc)  # a condition failed: not a conflict between concurrent writers
        return WriteOutcome.WRITTEN
