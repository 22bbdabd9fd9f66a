"""The one Logger, Tracer and Metrics. Service name and namespace come from the Powertools environment.

Lambda's active tracing records every invocation without any SDK in the function. The X-Ray SDK (through
Powertools' Tracer) adds subsegments for each AWS call but costs about 130 ms of cold start, so it is
loaded only when ``CASELINE_XRAY_SDK=true`` (see docs/adr/0006-tracing-without-the-xray-sdk.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics

from caseline.config import get_settings

Handler = TypeVar("Handler", bound=Callable[..., Any])

logger = Logger()
metrics = Metrics()


class _Tracer:
    """``capture_lambda_handler`` that loads Powertools' Tracer only when the X-Ray SDK is switched on."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        if not self.enabled:
            return handler
        from aws_lambda_powertools import Tracer

        return cast(Handler, Tracer().capture_lambda_handler(handler))


tracer = _Tracer(get_settings().xray_sdk)


def entry(handle: Callable[[dict[str, Any], Any], Any]) -> Callable[[dict[str, Any], Any], Any]:
    """The Lambda entry point around ``handle(event, context)``: the log context (cleared for each
    invocation), the trace and the metrics flushed at the end."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> Any:
        return handle(event, context)

    return lambda_handler


def batch_entry(processor: Any, record_handler: Callable[[Any], Any]) -> Callable[[dict[str, Any], Any], Any]:
    """The entry point of a stream or queue consumer: Powertools' partial batch response (only the
    records that failed are retried)."""
    from aws_lambda_powertools.utilities.batch import process_partial_response

    def handle(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return entry(handle)
