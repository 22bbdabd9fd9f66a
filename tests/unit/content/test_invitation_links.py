"""Invitations lead to the next step: each email that invites a victim to create an account links to
create-account.html with the crime reference in the fragment (``#ref=``), which never leaves the browser;
a content-free stand-in (a sensitive case, or a victim whose messages may not name the crime or the
police) carries no reference in any link, as the browser's history keeps every address; no link in any
template carries the access code; the texts keep their bare address (their budget)."""

from __future__ import annotations

import re

from caseline.content import message_templates, template_info
from caseline.domain.personalisation import SAMPLE_VALUES
from caseline.domain.templates import MessageTemplate, placeholders, render

PORTAL = SAMPLE_VALUES["portal_url"]
LINK = re.compile(re.escape(PORTAL) + r"[^\s)\"'<>]*")
REFERENCE = SAMPLE_VALUES["crime_reference"]


def _links(template: MessageTemplate) -> list[str]:
    values = {
        name: SAMPLE_VALUES.get(name, "yes")
        for name in placeholders(template.subject or "") | placeholders(template.body)
    }
    rendered = render(template, values)
    return [link.rstrip(".,;:") for link in LINK.findall(rendered.text + (rendered.html or ""))]


def _content_free() -> set[str]:
    """The templates sent instead of a disclosing one: the defaults and each template's own variant."""
    return {"content-free-update", "content-free-update-unbranded"} | {
        info.content_free for info in template_info().values() if info.content_free
    }


def test_every_email_that_invites_an_account_carries_the_reference_in_the_fragment() -> None:
    invitations = {
        template_id: _links(template)
        for (template_id, channel), template in message_templates().items()
        if channel == "email"
        and template_id not in _content_free()
        and any("/create-account.html" in link for link in _links(template))
    }
    assert len(invitations) >= 18 and {"confirmation-burglary", "invite-reminder"} <= set(invitations)
    for template_id, links in invitations.items():
        invites = [link for link in links if "/create-account.html" in link]
        assert invites and all(link == f"{PORTAL}/create-account.html#ref={REFERENCE}" for link in invites), template_id


def test_a_reissued_code_leads_a_returning_victim_to_sign_in_with_the_reference() -> None:
    links = _links(message_templates()[("access-code-reissued", "email")])
    assert f"{PORTAL}/sign-in.html#ref={REFERENCE}" in links


def test_a_content_free_stand_in_carries_no_reference_in_any_link() -> None:
    # Given every template sent instead of a disclosing one, and the invitations' own variants among them
    stand_ins = _content_free()
    assert {"right3-confirmation-content-free", "invite-reminder-content-free"} <= stand_ins
    assert "access-code-reissued-content-free" in stand_ins
    for (template_id, channel), template in message_templates().items():
        if template_id in stand_ins:
            # Then no link names the crime reference, not even in the fragment the browser's history keeps
            assert not [link for link in _links(template) if REFERENCE in link], (template_id, channel)


def test_a_template_with_the_reference_in_a_link_has_a_content_free_stand_in() -> None:
    info = template_info()
    for (template_id, channel), template in message_templates().items():
        if any(REFERENCE in link for link in _links(template)):
            assert info[template_id].discloses and info[template_id].content_free, (template_id, channel)


def test_no_link_in_any_template_carries_the_access_code_or_puts_the_reference_outside_the_fragment() -> None:
    code = str(SAMPLE_VALUES["access_code"])
    for (template_id, channel), template in message_templates().items():
        for link in _links(template):
            path = link.partition("#")[0]
            assert code not in link and code.replace("-", "") not in link, (template_id, channel, link)
            assert REFERENCE not in path, (template_id, channel, link)  # never in the path or query


def test_the_texts_keep_their_bare_address() -> None:
    for (template_id, channel), template in message_templates().items():
        if channel == "sms":
            assert "#ref=" not in template.body, template_id
