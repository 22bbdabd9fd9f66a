"""The one Logger, Tracer and Metrics. Service name and namespace come from the Powertools environment."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
