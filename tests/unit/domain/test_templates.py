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


def _email(body: str, **values: object) -> tuple[str, str]:
    rendered = render(MessageTemplate("t", "email", body), values)
    return rendered.html or "", rendered.text


def test_bullet_lines_become_one_list_after_an_introductory_line() -> None:
    # Given a paragraph line followed by two bullet points, then a paragraph
    body = "You can:\n* sign in\n* send a message\n\nThanks."
    # When rendered as email
    html, text = _email(body)
    # Then the bullets are one list between two paragraphs, and the text is unchanged
    assert html == "<p>You can:</p><ul><li>sign in</li><li>send a message</li></ul><p>Thanks.</p>"
    assert text == body


def test_a_blank_line_between_bullets_starts_a_new_list() -> None:
    html, _ = _email("* one\n\n* two")
    assert html == "<ul><li>one</li></ul><ul><li>two</li></ul>"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# What happens next", "<h1>What happens next</h1>"),
        ("## Your rights", "<h2>Your rights</h2>"),
        ("### Not a heading", "<p>### Not a heading</p>"),
        ("#No space", "<p>#No space</p>"),
        ("*No space", "<p>*No space</p>"),
    ],
)
def test_headings_need_a_hash_and_a_space(line: str, expected: str) -> None:
    html, text = _email(line)
    assert html == expected
    assert text == line


def test_a_heading_followed_directly_by_text_is_its_own_element() -> None:
    html, _ = _email("# Court\nYour hearing is on ((hearing_date)).", hearing_date="Tuesday 12 January 2027")
    assert html == "<h1>Court</h1><p>Your hearing is on Tuesday 12 January 2027.</p>"


def test_an_https_link_becomes_an_anchor_in_html_and_text_colon_url_in_text() -> None:
    # Given a link whose address is a placeholder
    body = "[Sign in to your case](((portal_url))/cases) today."
    # When rendered with an https address
    html, text = _email(body, portal_url="https://victims.example.org")
    # Then HTML links it and the text spells it out
    assert html == '<p><a href="https://victims.example.org/cases">Sign in to your case</a> today.</p>'
    assert text == "Sign in to your case: https://victims.example.org/cases today."


def test_a_link_whose_text_is_its_address_is_not_repeated_in_text() -> None:
    _, text = _email("[https://victims.example.org](https://victims.example.org)")
    assert text == "https://victims.example.org"


@pytest.mark.parametrize(
    "url",
    ["http://victims.example.org", "javascript:alert(1)", "mailto:help@example.org", "//victims.example.org", "/cases"],
)
def test_a_link_to_anything_but_https_stays_text(url: str) -> None:
    # Given a link to a non-https address
    html, text = _email(f"See [your case]({url}).")
    # Then there is no anchor and the Markdown is shown as written (escaped)
    assert "<a" not in html
    assert html == f"<p>See [your case]({url}).</p>"
    assert text == f"See [your case]({url})."


def test_a_placeholder_address_that_is_not_https_stays_text() -> None:
    html, _ = _email("[Sign in](((portal_url)))", portal_url='javascript:alert("x")')
    assert "<a" not in html
    assert html == "<p>[Sign in](javascript:alert(&quot;x&quot;))</p>"


def test_an_address_value_cannot_break_out_of_the_href_attribute() -> None:
    # Given an https address value with a quote and an angle bracket
    html, _ = _email("[Sign in](((portal_url)))", portal_url='https://x.example.org/"><script>')
    # Then it is not linked (not a clean URL) and nothing is unescaped
    assert "<script>" not in html
    assert "<a" not in html


def test_an_ampersand_in_an_address_is_escaped_in_the_href() -> None:
    html, text = _email("[Survey](https://example.org/s?a=1&b=2)")
    assert html == '<p><a href="https://example.org/s?a=1&amp;b=2">Survey</a></p>'
    assert text == "Survey: https://example.org/s?a=1&b=2"


@pytest.mark.parametrize(
    "value",
    [
        "[click here](https://evil.example.org)",
        "# Urgent",
        "* bullet",
        "<b>bold</b>",
        "a\n\n* b",
    ],
)
def test_a_value_never_becomes_markdown_structure_or_markup(value: str) -> None:
    # Given a value written to look like a link, heading, list or HTML
    html, text = _email("Update: ((update_summary))", update_summary=value)
    # Then the HTML has one paragraph and no element the template did not write
    assert html.startswith("<p>Update: ")
    assert html.endswith("</p>")
    for tag in ("<a", "<h1", "<ul", "<li", "<b>"):
        assert tag not in html
    # And the text has the value exactly as given
    assert text == f"Update: {value}"


def test_a_value_at_the_start_of_a_line_is_not_read_as_a_bullet_or_heading() -> None:
    html, _ = _email("((a))\n((b))", a="* not a bullet", b="# not a heading")
    assert html == "<p>* not a bullet<br># not a heading</p>"


def test_a_value_inside_link_text_is_escaped() -> None:
    html, _ = _email("[Hello ((name))](https://example.org)", name="<i>Sam</i>")
    assert html == '<p><a href="https://example.org">Hello &lt;i&gt;Sam&lt;/i&gt;</a></p>'


def test_template_text_is_escaped_in_html() -> None:
    html, text = _email("Fish & chips < 5 > 3 \"quoted\" 'single'")
    assert html == "<p>Fish &amp; chips &lt; 5 &gt; 3 &quot;quoted&quot; &#x27;single&#x27;</p>"
    assert text == "Fish & chips < 5 > 3 \"quoted\" 'single'"


def test_removed_optional_paragraphs_leave_no_empty_paragraphs_or_gaps() -> None:
    # Given a middle paragraph that is an optional block whose flag is empty
    body = "First.\n\n((has_officer??Your officer is ((officer_name)).))\n\nLast."
    # When rendered
    html, text = _email(body, has_officer="", officer_name="")
    # Then neither part has an empty paragraph or a run of blank lines
    assert html == "<p>First.</p><p>Last.</p>"
    assert text == "First.\n\nLast."


def test_optional_text_may_hold_bullets() -> None:
    html, _ = _email(
        "Next:\n((has_charges??* charged with ((charges))\n))* court date soon", has_charges="y", charges="x"
    )
    assert html == "<p>Next:</p><ul><li>charged with x</li><li>court date soon</li></ul>"


def test_a_value_with_line_breaks_keeps_them_in_html() -> None:
    html, text = _email("Summary: ((update_summary))", update_summary="Line one\nLine two")
    assert html == "<p>Summary: Line one<br>Line two</p>"
    assert text == "Summary: Line one\nLine two"


def test_sms_text_spells_links_out_and_keeps_everything_else() -> None:
    rendered = render(MessageTemplate("t", "sms", "# Hi\n* [Sign in](((url)))"), {"url": "https://example.org"})
    assert rendered.text == "# Hi\n* Sign in: https://example.org"
    assert rendered.html is None


def test_a_template_containing_the_reserved_marker_characters_is_refused() -> None:
    with pytest.raises(ValidationFailedError):
        render(MessageTemplate("t", "email", "Hi \ue000" + "0\ue001"), {})


def test_a_value_containing_the_marker_characters_is_inserted_literally() -> None:
    html, text = _email("((a)) ((b))", a="\ue0001\ue001", b="B")
    assert text == "\ue0001\ue001 B"
    assert html == "<p>\ue0001\ue001 B</p>"
