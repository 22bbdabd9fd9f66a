"""Versioned content shipped in the layer: message templates (journeys and articles follow)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from caseline.domain.templates import MessageTemplate


@lru_cache(maxsize=1)
def openapi_json() -> str:
    """The API's OpenAPI document (written by ``make openapi`` next to docs/openapi.json)."""
    return resources.files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def message_templates() -> dict[tuple[str, str], MessageTemplate]:
    """Every template, keyed by (template id, channel)."""
    found: dict[tuple[str, str], MessageTemplate] = {}
    folder = resources.files(__package__).joinpath("templates")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        document = json.loads(entry.read_text(encoding="utf-8"))
        for channel, body in document["channels"].items():
            template = MessageTemplate(
                template_id=document["id"], channel=channel, body=body["body"], subject=body.get("subject")
            )
            found[(template.template_id, channel)] = template
    return found
