"""Message templates in GOV.UK Notify-style syntax.

``((name))`` inserts a value; ``((flag??text))`` keeps ``text`` only when ``flag`` is truthy.
A missing placeholder is an error, never an empty gap in a message to a victim.

Email bodies are Markdown-ish (docs/journeys.md): paragraphs separated by a blank line, ``* `` bullet
points, ``# `` and ``## `` headings, ``[text](https://…)`` links. The HTML part escapes everything; a
link to anything but ``https://`` stays text. The plain-text part keeps the text as written, with
links as ``text: url``. Values are text in both: a value never becomes a link, a heading or markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import groupby

from caseline.domain.errors import ValidationFailedError
from caseline.domain.sms import as_gsm7, sms_size
from caseline.domain.sms_fit import variants

_OPTIONAL_START = re.compile(r"\(\(([a-z_][a-z0-9_]*)\?\?")
_PLACEHOLDER = re.compile(r"\(\(([a-z_][a-z0-9_]*)\)\)")


@dataclass(frozen=True)
class MessageTemplate:
    template_id: str
    channel: str
    body: str
    subject: str | None = None
    sms_segments: int = 1
    shorten: tuple[str, ...] = ()
    """An SMS's steps to fit ``sms_segments`` (``caseline.domain.sms_fit``), tried in order."""


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


def _fill(text: str, values: Mapping[str, object], insert: Callable[[object], str]) -> str:
    """Resolve optional blocks and put ``insert(value)`` where each placeholder is, in one pass."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            raise ValidationFailedError(f"template placeholder {name} has no value", field=name)
        return insert(values[name])

    pieces = []
    position = 0
    for start, end, flag, inner in _optional_blocks(text):
        pieces.append(_PLACEHOLDER.sub(value, text[position:start]))
        if values.get(flag):
            pieces.append(_fill(inner, values, insert))
        position = end
    pieces.append(_PLACEHOLDER.sub(value, text[position:]))
    return "".join(pieces)


def render_text(text: str, values: Mapping[str, object]) -> str:
    return _fill(text, values, str)


# Email bodies: values go in as numbered markers while the Markdown-ish structure is read, then in as
# text, so a value can never add a link, a heading, a list or markup. The markers use private-use
# characters that a template may not contain.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_SAFE_URL = re.compile(r"https://[^\s\"'<>\\`\x00-\x1f\x7f]+", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class _Marked:
    text: str
    values: tuple[str, ...]

    def unmark(self, text: str, escape: Callable[[str], str] = str) -> str:
        return _MARK.sub(lambda m: escape(self.values[int(m.group(1))]), text)


def _mark(text: str, values: Mapping[str, object]) -> _Marked:
    if _MARK_OPEN in text or _MARK_CLOSE in text:
        raise ValidationFailedError("template contains a reserved character", field="body")
    inserted: list[str] = []

    def marker(value: object) -> str:
        inserted.append(str(value))
        return f"{_MARK_OPEN}{len(inserted) - 1}{_MARK_CLOSE}"

    return _Marked(_fill(text, values, marker), tuple(inserted))


def _escape_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _inline(marked: _Marked, line: str, *, as_html: bool) -> str:
    """One line with its https links: ``<a href>`` in HTML, ``text: url`` in plain text."""
    escape: Callable[[str], str] = _escape_html if as_html else str
    pieces = []
    position = 0
    for link in _LINK.finditer(line):
        label, url = marked.unmark(link.group(1)), marked.unmark(link.group(2))
        pieces.append(marked.unmark(escape(line[position : link.start()]), escape))
        if not _SAFE_URL.fullmatch(url):
            pieces.append(marked.unmark(escape(link.group(0)), escape))
        elif as_html:
            pieces.append(f'<a href="{html.escape(url)}">{marked.unmark(escape(link.group(1)), escape)}</a>')
        else:
            pieces.append(url if label == url else f"{label}: {url}")
        position = link.end()
    pieces.append(marked.unmark(escape(line[position:]), escape))
    return "".join(pieces)


def _line_kind(line: str) -> tuple[str, str]:
    stripped = line.strip()
    for prefix, kind in (("## ", "h2"), ("# ", "h1"), ("* ", "li")):
        if stripped.startswith(prefix):
            return kind, stripped[len(prefix) :].strip()
    return ("p" if stripped else "blank"), stripped


def _to_html(marked: _Marked) -> str:
    """Paragraphs (blank-line separated, lines joined by ``<br>``), ``* `` lists, ``#``/``##`` headings."""
    out = []
    for kind, group in groupby((_line_kind(line) for line in marked.text.split("\n")), key=lambda k: k[0]):
        lines = [_inline(marked, content, as_html=True) for _, content in group]
        if kind == "p" and any(lines):
            out.append("<p>" + "<br>".join(line for line in lines if line) + "</p>")
        elif kind == "li":
            out.append("<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
        elif kind in ("h1", "h2"):
            out.extend(f"<{kind}>{line}</{kind}>" for line in lines)
    return "".join(out)


def _to_text(marked: _Marked, *, email: bool) -> str:
    """The text as written, links as ``text: url``; an email's empty lines left by optional blocks collapse."""
    text = _BLANK_LINES.sub("\n\n", marked.text).strip() if email else marked.text
    return "\n".join(_inline(marked, line, as_html=False) for line in text.split("\n"))


def _fitted_sms(template: MessageTemplate, values: Mapping[str, object]) -> RenderedMessage:
    """The first variant (``sms_fit.variants``) that is GSM-7 within the budget, else the last one. A text
    starts with a capital letter whatever its first block left (``((keep_force??…: ))our news``)."""
    text = ""
    for variant in variants(template.shorten, values):
        text = _to_text(_mark(template.body, variant), email=False)
        text = text[:1].upper() + text[1:]
        size = sms_size(text)
        if size.encoding == "GSM-7" and size.segments <= template.sms_segments:
            break
    return RenderedMessage(subject=None, text=text, html=None)


def render(template: MessageTemplate, values: Mapping[str, object]) -> RenderedMessage:
    """Fill in a template. Email gets HTML too; a value is always text, never Markdown or markup.

    An SMS's values are mapped to GSM-7 where they can be (a dash or a curly quote in a force's data
    would make the whole text UCS-2: two segments or more), and the template's ``shorten`` steps are
    applied until the text fits its segment budget."""
    if template.channel == "sms":
        return _fitted_sms(template, {k: as_gsm7(v) if isinstance(v, str) else v for k, v in values.items()})
    subject = render_text(template.subject, values) if template.subject else None
    marked = _mark(template.body, values)
    if template.channel != "email":
        return RenderedMessage(subject=subject, text=_to_text(marked, email=False), html=None)
    return RenderedMessage(subject=subject, text=_to_text(marked, email=True), html=_to_html(marked))
