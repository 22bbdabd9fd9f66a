"""Victim API behind the Cognito authorizer. The caller is the token's subject, never a parameter.

The routes are Powertools routers by resource (``routers/``), their bodies and answers view models
(``views.py``), the adapters they use created once in ``dependencies.py``, their statuses and metrics in
``answers.py``.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end


import dependencies
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from routers import accounts, alerts, articles, case, delegates, me, my_cases, preferences, requests, survey

from caseline.adapters.http import api_entry, install_problem_handlers, strict_json
from caseline.content import openapi_json

__all__ = ["app", "dependencies", "lambda_handler"]  # tests replace an adapter in dependencies

app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
install_problem_handlers(app)
for resource in (my_cases, case, alerts, requests, accounts, delegates, survey, preferences, me, articles):
    app.include_router(resource.router)


@app.get("/v1/openapi.json", summary="This API's OpenAPI document", tags=["Documentation"])
def openapi_document() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_json())


lambda_handler = api_entry(app)


loading.resume()
