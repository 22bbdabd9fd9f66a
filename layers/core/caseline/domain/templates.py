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

_OPTIONAL_START = re.compile(r"\(\(([a-z_][a-z0-9_]*)\?\?")
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


def _optional_blocks(text: str) -> list[tuple[int, int, str, str]]:
    """Outermost ``((flag??inner))`` blocks as (start, end, flag, inner); inner text may hold placeholders."""
    blocks = []
    position = 0
    while match := _OPTIONAL_START.search(text, position):
        depth, index = 1, match.end()
        while depth and index < len(text):
            if text.startswith("((", index):
                depth, index = depth + 1, index + 2
            elif text.startswith("))", index):
                depth, index = depth - 1, index + 2
            else:
                index += 1
        if depth:
            raise ValidationFailedError("unclosed optional block in template", field=match.group(1))
        blocks.append((match.start(), index, match.group(1), text[match.end() : index - 2]))
        position = index
    return blocks


def placeholders(text: str) -> set[str]:
    """Every name a template needs a value for (flags of optional blocks included)."""
    names: set[str] = set()
    remaining = text
    for start, end, flag, inner in reversed(_optional_blocks(text)):
        names.add(flag)
        names |= placeholders(inner)
        remaining = remaining[:start] + remaining[end:]
    return names | {m.group(1) for m in _PLACEHOLDER.finditer(remaining)}


def render_text(text: str, values: Mapping[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            raise ValidationFailedError(f"template placeholder {name} has no value", field=name)
        return str(values[name])

    pieces = []
    position = 0
    for start, end, flag, inner in _optional_blocks(text):
        pieces.append(_PLACEHOLDER.sub(value, text[position:start]))
        if values.get(flag):
            pieces.append(render_text(inner, values))
        position = end
    pieces.append(_PLACEHOLDER.sub(value, text[position:]))
    return "".join(pieces)


def _paragraphs_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def render(template: MessageTemplate, values: Mapping[str, object]) -> RenderedMessage:
    text = render_text(template.body, values)
    subject = render_text(template.subject, values) if template.subject else None
    body_html = _paragraphs_to_html(text) if template.channel == "email" else None
    return RenderedMessage(subject=subject, text=text, html=body_html)
