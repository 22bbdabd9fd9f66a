"""Message templates in GOV.UK Notify-style syntax.

``((name))`` inserts a value; ``((flag??text))`` keeps ``text`` only when ``flag`` is truthy.
A missing placeholder is an error, never an empty gap in a message to a victim.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from caseline.domain.errors import ValidationFailedError

_OPTIONAL = re.compile(r"\(\(([a-z_][a-z0-9_]*)\?\?(.*?)\)\)", re.DOTALL)
_PLACEHOLDER = re.compile(r"\(\(([a-z_][a-z0-9_]*)\)\)")


@dataclass(frozen=True)
class MessageTemplate:
    template_id: str
    channel: str
    body: str
    subject: str | None = None


@dataclass(frozen=True)
class RenderedMessage:
    subject: str | None
    text: str
    html: str | None


def placeholders(text: str) -> set[str]:
    names = {m.group(1) for m in _PLACEHOLDER.finditer(text)}
    for match in _OPTIONAL.finditer(text):
        names.add(match.group(1))
        names |= placeholders(match.group(2))
    return names


def render_text(text: str, values: Mapping[str, object]) -> str:
    def optional(match: re.Match[str]) -> str:
        return match.group(2) if values.get(match.group(1)) else ""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            raise ValidationFailedError(f"template placeholder {name} has no value", field=name)
        return str(values[name])

    return _PLACEHOLDER.sub(value, _OPTIONAL.sub(optional, text))


def _paragraphs_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def render(template: MessageTemplate, values: Mapping[str, object]) -> RenderedMessage:
    text = render_text(template.body, values)
    subject = render_text(template.subject, values) if template.subject else None
    body_html = _paragraphs_to_html(text) if template.channel == "email" else None
    return RenderedMessage(subject=subject, text=text, html=body_html)
