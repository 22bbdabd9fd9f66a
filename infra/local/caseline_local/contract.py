"""JSON Schema files for the event contract, generated from the models ingest validates with.

``make event-schemas`` writes docs/events/schemas/<type>.schema.json; a test fails when they are stale,
so the published contract and the code cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, create_model

from caseline.domain.events import INBOUND_EVENT_DATA_MODELS, CloudEvent


def schema_for(event_type: str) -> dict[str, Any]:
    data_model = INBOUND_EVENT_DATA_MODELS[event_type]
    envelope = create_model(
        event_type.removeprefix("org.caseline.").replace(".", "_").replace("-", "_"),
        __base__=CloudEvent,
        __config__=None,
        type=(Literal[event_type], ...),
        data=(data_model, ...),
    )
    envelope.model_config = ConfigDict(extra="forbid", frozen=True)
    schema = envelope.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:caseline:event:{event_type}"
    schema["title"] = event_type
    schema["description"] = (
        "CloudEvents 1.0 structured envelope. Sign it with the Standard Webhooks scheme and POST it to "
        "/v1/webhooks/{force_id}; see docs/force-integration.md."
    )
    return schema


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type in sorted(INBOUND_EVENT_DATA_MODELS):
        path = folder / f"{event_type.removeprefix('org.caseline.')}.schema.json"
        path.write_text(json.dumps(schema_for(event_type), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
