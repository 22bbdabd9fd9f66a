"""The one Logger, Tracer and Metrics. Service name and namespace come from the Powertools environment.

Lambda's active tracing records every invocation without any SDK in the function. The X-Ray SDK (through
Powertools' Tracer) adds subsegments for each AWS call but costs about 130 ms of cold start, so it is
loaded only when ``CASELINE_XRAY_SDK=true`` (see docs/adr/0006-tracing-without-the-xray-sdk.md).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from caseline.config import get_settings

Handler = TypeVar("Handler", bound=Callable[..., Any])

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class WithoutValuesFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines, with an exception logged as its types and frames only. An exception's
    message can carry what a victim or a force sent (pydantic's errors quote the input), so no message
    of an exception, or of those chained to it, reaches a log; the file, line and statement say where."""

    def formatException(self, ei: ExcInfo) -> str:
        return without_values(ei[1]) if ei[1] is not None else ""


def without_values(error: BaseException) -> str:
    """A traceback of ``error`` and the exceptions chained to it, oldest first, naming each exception's
    type in place of its message."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for link in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        parts.append(f"{type(link).__module__}.{type(link).__qualname__} (message not logged)\n")
    return "".join(parts)


_FIELD_PART = re.compile(r"[a-z][a-z0-9_]{0,39}|[0-9]{1,3}")
FIELD_NOT_LOGGED = "(a member name not logged)"


def loggable_field(field: str | None) -> str | None:
    """A refused request's field, fit for a log: a path as the API names its fields (``reporter.email``,
    ``items.0.value_pounds``). A member the API does not know is named by the caller, who may write anything
    there (a name, an address), so any other name is logged as ``FIELD_NOT_LOGGED``."""
    if field is None:
        return None
    parts = field.split(".")
    return field if len(parts) <= 6 and all(_FIELD_PART.fullmatch(p) for p in parts) else FIELD_NOT_LOGGED


logger = Logger(logger_formatter=WithoutValuesFormatter(serialize_stacktrace=False))
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
