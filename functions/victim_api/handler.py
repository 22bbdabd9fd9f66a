"""Victim API behind the Cognito authorizer. The caller is the token's subject, never a parameter.

The routes are Powertools routers by resource (``routers/``), their bodies and answers view models
(``views.py``), the adapters they use created once in ``dependencies.py``, their statuses and metrics in
``answers.py``.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from typing import Any

import dependencies
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from routers import accounts, alerts, articles, case, delegates, me, my_cases, preferences, requests, survey

from caseline.adapters.http import install_problem_handlers, non_json_body_problem, strict_json
from caseline.content import openapi_json
from caseline.observability import logger, metrics, tracer

__all__ = ["app", "dependencies", "lambda_handler"]  # tests replace an adapter in dependencies

app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
install_problem_handlers(app)
for resource in (my_cases, case, alerts, requests, accounts, delegates, survey, preferences, me, articles):
    app.include_router(resource.router)


@app.get("/v1/openapi.json", summary="This API's OpenAPI document", tags=["Documentation"])
def openapi_document() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_json())


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return non_json_body_problem(event) or app.resolve(event, context)


loading.resume()
