"""Notify-style templates: ((name)) placeholders, ((flag??text)) optional text, HTML escaping."""

from __future__ import annotations

import pytest

from caseline.domain.errors import ValidationFailedError
from caseline.domain.templates import MessageTemplate, placeholders, render, render_text


def test_placeholders_are_found_including_inside_optional_text() -> None:
    text = "Hi ((name)). ((has_code??Your code is ((code)).)) Ref ((ref))"
    assert placeholders(text) == {"name", "has_code", "code", "ref"}


def test_text_without_placeholders_has_none() -> None:
    assert placeholders("Hello (there) ((Not A Name))") == set()


def test_values_replace_placeholders() -> None:
    assert render_text("Dear ((name)), ref ((ref)).", {"name": "Sam", "ref": "R1"}) == "Dear Sam, ref R1."


def test_non_string_values_are_rendered_with_str() -> None:
    assert render_text("((count)) new", {"count": 3}) == "3 new"


@pytest.mark.parametrize("flag", ["yes", True, 1])
def test_optional_text_is_kept_when_the_flag_is_truthy(flag: object) -> None:
    assert render_text("A.((extra?? B.)) C.", {"extra": flag}) == "A. B. C."


@pytest.mark.parametrize("values", [{"extra": ""}, {"extra": None}, {"extra": False}, {}])
def test_optional_text_is_removed_when_the_flag_is_falsy_or_absent(values: dict[str, object]) -> None:
    assert render_text("A.((extra?? B.)) C.", values) == "A. C."


def test_optional_text_may_span_lines() -> None:
    assert render_text("A((extra??\nB\n))C", {"extra": "y"}) == "A\nB\nC"


def test_a_missing_placeholder_raises_naming_the_field() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        render_text("Dear ((name)), ref ((ref))", {"name": "Sam"})
    assert caught.value.field == "ref"


def test_a_none_value_is_missing_not_an_empty_gap() -> None:
    with pytest.raises(ValidationFailedError):
        render_text("Dear ((name))", {"name": None})


def test_an_empty_string_value_is_allowed() -> None:
    assert render_text("[((name))]", {"name": ""}) == "[]"


def test_placeholder_syntax_in_a_value_is_not_expanded_again() -> None:
    # Given a value that itself looks like a placeholder
    # Then it is inserted literally, never used to read another value
    assert render_text("Hi ((name))", {"name": "((secret))", "secret": "leak"}) == "Hi ((secret))"


NESTED = "((has_officer??Your officer is ((officer)) (collar ((collar))).))"


def test_optional_text_containing_placeholders_is_kept_whole() -> None:
    # Regression: the first version's lazy regex stopped at the first nested '))' and cut the text in half.
    values = {"has_officer": "yes", "officer": "PC Smith", "collar": "AB1"}
    assert render_text(NESTED, values) == "Your officer is PC Smith (collar AB1)."


def test_optional_text_containing_placeholders_is_removed_whole() -> None:
    values = {"has_officer": "", "officer": "", "collar": ""}
    assert render_text("A." + NESTED + "B.", values) == "A.B."


def test_placeholders_inside_removed_optional_text_need_no_value() -> None:
    assert render_text("A." + NESTED + "B.", {"has_officer": ""}) == "A.B."


def test_a_placeholder_inside_kept_optional_text_must_have_a_value() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        render_text(NESTED, {"has_officer": "yes", "officer": "PC Smith"})
    assert caught.value.field == "collar"


@pytest.mark.parametrize(("a", "b", "expected"), [(1, 1, "<AB>"), (1, 0, "<A>"), (0, 1, "<>")])
def test_optional_blocks_nest(a: int, b: int, expected: str) -> None:
    assert render_text("<((a??A((b??B))))>", {"a": a, "b": b}) == expected


def test_several_optional_blocks_are_independent() -> None:
    text = "((a??[((x))]))-((b??[((y))]))"
    assert render_text(text, {"a": "1", "x": "X", "b": "", "y": "Y"}) == "[X]-"
    assert placeholders(text) == {"a", "x", "b", "y"}


def test_an_unclosed_optional_block_is_a_template_error() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        render_text("Hi ((extra??no end", {"extra": "yes"})
    assert caught.value.field == "extra"


def test_email_renders_subject_text_and_html_paragraphs() -> None:
    # Given an email template with two paragraphs, the first spanning two lines
    template = MessageTemplate("t", "email", "Dear ((name)),\nhello.\n\nBye.", subject="About ((ref))")
    # When rendered
    rendered = render(template, {"name": "Sam", "ref": "R1"})
    # Then subject and text are filled in and the HTML has one <p> per paragraph
    assert rendered.subject == "About R1"
    assert rendered.text == "Dear Sam,\nhello.\n\nBye."
    assert rendered.html == "<p>Dear Sam,<br>hello.</p><p>Bye.</p>"


def test_values_are_html_escaped_in_email_html_but_not_in_text() -> None:
    template = MessageTemplate("t", "email", "Dear ((name))")
    rendered = render(template, {"name": '<script>alert("x")</script> & co'})
    assert rendered.html == "<p>Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>"
    assert "<script>" not in (rendered.html or "")
    assert rendered.text == 'Dear <script>alert("x")</script> & co'


def test_sms_has_no_html_and_no_subject() -> None:
    rendered = render(MessageTemplate("t", "sms", "Code ((code))"), {"code": "X"})
    assert rendered.text == "Code X"
    assert rendered.html is None
    assert rendered.subject is None


def test_a_missing_placeholder_in_the_subject_raises() -> None:
    template = MessageTemplate("t", "email", "Body", subject="About ((ref))")
    with pytest.raises(ValidationFailedError):
        render(template, {})
