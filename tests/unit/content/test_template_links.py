"""Every link in every template, rendered as dispatch renders it, leads to a page the portal serves."""

from __future__ import annotations

import re
from pathlib import Path

from caseline.content import message_templates
from caseline.domain.personalisation import SAMPLE_VALUES
from caseline.domain.templates import placeholders, render

ROOT = Path(__file__).resolve().parents[3]
PORTAL = SAMPLE_VALUES["portal_url"]
PAGES = {f"/{page.name}" for page in (ROOT / "portal" / "src" / "pages").glob("*.html")} | {"/"}
ARTICLES = {
    f"/articles/{source.stem}.html"
    for source in (ROOT / "layers" / "core" / "caseline" / "content" / "articles").glob("*.md")
}
LINK = re.compile(re.escape(PORTAL) + r"(/[^\s)\"'<>]*)?")


def _links() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for (template_id, channel), template in message_templates().items():
        values = {
            name: SAMPLE_VALUES.get(name, "yes")
            for name in placeholders(template.subject or "") | placeholders(template.body)
        }
        rendered = render(template, values)
        for text in (rendered.text, rendered.html or ""):
            for match in LINK.finditer(text):
                path = (match.group(1) or "/").rstrip(".,;:").split("#")[0]  # a fragment stays in the browser
                found.setdefault(path, set()).add(f"{template_id} ({channel})")
    return found


def test_the_templates_link_into_the_portal() -> None:
    links = _links()
    assert len(message_templates()) >= 260 and len(links) >= 10  # email and SMS of every template


def test_every_portal_link_in_every_template_is_a_page_the_portal_serves() -> None:
    broken = {path: sorted(where)[:3] for path, where in _links().items() if path not in PAGES | ARTICLES}
    assert broken == {}
