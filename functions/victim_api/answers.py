"""What a route gives back besides a plain 200 view, and the count it adds to the metrics: one home for the
status, content type and metric every victim route writes."""

from __future__ import annotations

from typing import TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from caseline.observability import metrics

T = TypeVar("T")


def count(metric: str) -> None:
    """One more of ``metric`` (a route that did its work), flushed with the invocation's metrics."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)


def answer(status_code: int, body: T, metric: str, headers: dict[str, str] | None = None) -> Response[T]:
    """A JSON answer with this status, counted in ``metric``."""
    count(metric)
    return Response(status_code=status_code, content_type="application/json", body=body, headers=headers)


def no_content(metric: str) -> Response[str]:
    """204: done, nothing to say (a removal)."""
    return answer(204, "", metric)
