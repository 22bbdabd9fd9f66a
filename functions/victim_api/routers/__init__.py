"""The victim API's routes by resource, each a Powertools router the handler includes in this order
(the order of the OpenAPI document's paths), and what more than one of them does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dependencies
from answers import no_content

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent


def end_access(
    event: APIGatewayProxyEvent, remove: Callable[..., None], store: Any, metric: str, *ids: str
) -> Response[str]:
    """Someone else's access to one of my cases ends (a linked account, a delegate): ``remove`` checks the
    caller may, writes and audits; 204, counted in ``metric``. ``ids``: the case's force and id, then the access's."""
    user_id, reader = dependencies.case_caller(event)
    remove(user_id, *ids, reader=reader, store=store, audit=dependencies.audit, clock=dependencies.clock)
    return no_content(metric)
