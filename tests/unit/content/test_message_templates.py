"""The shipped message templates: every placeholder is one the Right 3 journey fills in."""

from __future__ import annotations

import pytest

from caseline.content import message_templates
from caseline.domain.templates import MessageTemplate, placeholders, render
from tests.unit.builders import right3_personalisation

JOURNEY_KEYS = set(right3_personalisation())
TEMPLATES = message_templates()


def test_both_right3_templates_exist_for_email_and_sms() -> None:
    assert set(TEMPLATES) == {
        ("right3-confirmation", "email"),
        ("right3-confirmation", "sms"),
        ("right3-confirmation-content-free", "email"),
        ("right3-confirmation-content-free", "sms"),
        ("access-code-reissued", "email"),
        ("access-code-reissued", "sms"),
    }


@pytest.mark.parametrize("key", sorted(TEMPLATES), ids="/".join)
def test_every_placeholder_is_supplied_by_the_journey(key: tuple[str, str]) -> None:
    template = TEMPLATES[key]
    assert placeholders(template.body) | placeholders(template.subject or "") <= JOURNEY_KEYS
    assert "access_code" in placeholders(template.body)


@pytest.mark.parametrize(
    "key",
    sorted(k for k in TEMPLATES if k[0].endswith("content-free") or k[0] == "access-code-reissued"),
    ids="/".join,
)
def test_content_free_templates_name_neither_the_crime_nor_the_officer(key: tuple[str, str]) -> None:
    template = TEMPLATES[key]
    named = placeholders(template.body) | placeholders(template.subject or "")
    assert not named & {"crime_category", "officer_name", "collar_number", "team_contact"}


def _render(template: MessageTemplate, **overrides: str) -> str:
    return render(template, right3_personalisation(**overrides)).text


def test_the_officer_paragraph_renders_cleanly_when_there_is_an_officer() -> None:
    # Regression: the first renderer produced "((officer_name (collar number AB123). ... 4567.))".
    text = _render(TEMPLATES[("right3-confirmation", "email")])
    assert "The officer looking after your case is PC Jo Smith (collar number AB123)." in text
    assert "((" not in text
    assert "))" not in text


def test_the_officer_paragraph_disappears_when_there_is_no_officer() -> None:
    # Regression: the first renderer left " (collar number ). You can contact their team on .))".
    text = _render(
        TEMPLATES[("right3-confirmation", "email")], has_officer="", officer_name="", collar_number="", team_contact=""
    )
    assert "collar number" not in text
    assert "))" not in text


@pytest.mark.parametrize("key", [k for k in sorted(TEMPLATES) if k != ("right3-confirmation", "email")], ids="/".join)
def test_other_templates_render_without_leftover_syntax(key: tuple[str, str]) -> None:
    text = _render(TEMPLATES[key])
    assert "((" not in text
    assert "))" not in text
    assert "ABCDE-FGHJK" in text
