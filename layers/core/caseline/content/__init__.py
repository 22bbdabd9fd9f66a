"""Versioned content shipped in the layer: message templates, journey definitions, the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the victim API and reports load this package for other content
    from caseline.domain.journeys import JourneyDefinition
    from caseline.domain.templates import MessageTemplate


@lru_cache(maxsize=1)
def openapi_json() -> str:
    """The API's OpenAPI document (written by ``make openapi`` next to docs/openapi.json)."""
    return resources.files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")


def _document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=1)
def alert_settings() -> dict[str, Any]:
    """Each force's times for must-acknowledge safety alerts (``alert_settings.json``)."""
    return _document("alert_settings.json")


@lru_cache(maxsize=1)
def review_rights() -> dict[str, Any]:
    """Which outcomes carry the Victims' Right to Review, and the scheme's times (``review_rights.json``)."""
    return _document("review_rights.json")


@lru_cache(maxsize=1)
def message_templates() -> dict[tuple[str, str], MessageTemplate]:
    """Every template, keyed by (template id, channel)."""
    found: dict[tuple[str, str], MessageTemplate] = {}
    for document in template_documents():
        for channel in document["channels"]:
            found[(document["id"], channel)] = message_template(document, channel)
    return found


class LazyTemplates(Mapping[tuple[str, str], "MessageTemplate"]):
    """``message_templates()``, read on first use rather than at cold start: for a function that needs a
    template only now and then (delivery events, for the SMS after a bounced email)."""

    def __getitem__(self, key: tuple[str, str]) -> MessageTemplate:
        return message_templates()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(message_templates())

    def __len__(self) -> int:
        return len(message_templates())


def message_template(document: Mapping[str, Any], channel: str) -> MessageTemplate:
    """One channel of a template document (``templates/<id>.json``)."""
    from caseline.domain.templates import MessageTemplate

    body = document["channels"][channel]
    return MessageTemplate(
        template_id=str(document["id"]),
        channel=channel,
        body=body["body"],
        subject=body.get("subject"),
        sms_segments=int(document.get("sms_segments", 1)),
        shorten=tuple(body.get("shorten", ())),
    )


@dataclass(frozen=True)
class TemplateInfo:
    """What dispatch and the linter need to know about a template besides its text."""

    template_id: str
    discloses: bool
    content_free: str | None
    sms_segments: int
    placeholders: frozenset[str]


def _documents(folder_name: str) -> list[dict[str, Any]]:
    """Every document of a content folder (its schema aside), in file-name order."""
    folder = resources.files(__package__).joinpath(folder_name)
    return [
        json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json") and entry.name != "schema.json"
    ]


@lru_cache(maxsize=1)
def template_documents() -> tuple[dict[str, Any], ...]:
    """Every message template document (``templates/<id>.json``), in file-name order: the one reader of
    the folder, for the templates, their facts and the template report."""
    return tuple(_documents("templates"))


@lru_cache(maxsize=1)
def template_info() -> dict[str, TemplateInfo]:
    from caseline.domain.templates import placeholders

    found: dict[str, TemplateInfo] = {}
    for document in template_documents():
        channels = document["channels"]
        assert isinstance(channels, dict)
        names: set[str] = set()
        for body in channels.values():
            names |= placeholders(body["body"]) | placeholders(body.get("subject") or "")
        template_id = str(document["id"])
        content_free = document.get("content_free")
        found[template_id] = TemplateInfo(
            template_id=template_id,
            discloses=bool(document.get("discloses", True)),
            content_free=str(content_free) if content_free else None,
            sms_segments=int(str(document.get("sms_segments", 1))),
            placeholders=frozenset(names),
        )
    return found


@lru_cache(maxsize=1)
def journey_definitions() -> dict[tuple[str, int], JourneyDefinition]:
    """Every journey version shipped: ``<id>.json`` is the current one, ``<id>.v<n>.json`` older ones
    that cases which entered with them still follow."""
    from caseline.domain.journeys import JourneyDefinition

    found: dict[tuple[str, int], JourneyDefinition] = {}
    for document in _documents("journeys"):
        definition = JourneyDefinition.from_document(document)
        found[(definition.journey_id, definition.version)] = definition
    return found


@lru_cache(maxsize=1)
def journey_schema() -> dict[str, object]:
    document = json.loads(resources.files(__package__).joinpath("journeys/schema.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document
