"""SMS size: GSM-7 septets or UCS-2 code units, and how many segments a text costs."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseline.domain.sms import GSM_BASIC, GSM_EXTENSION, SmsSize, as_gsm7, non_gsm_characters, sms_size
from caseline.domain.templates import MessageTemplate, render


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_fits_160_in_one_segment_then_153_per_segment(length: int, segments: int) -> None:
    # Given a plain ASCII text of `length` letters
    # When it is measured
    # Then it is GSM-7, one septet a letter, in the expected number of segments
    assert sms_size("a" * length) == SmsSize("GSM-7", length, segments)


def test_an_empty_text_is_still_one_message() -> None:
    assert sms_size("") == SmsSize("GSM-7", 0, 1)


@pytest.mark.parametrize("character", list("^{}\\[~]|€"))
def test_extension_characters_cost_two_septets(character: str) -> None:
    # Given 79 letters and one extension character: 81 septets
    size = sms_size("a" * 79 + character)
    assert size == SmsSize("GSM-7", 81, 1)


def test_extension_characters_push_a_text_over_one_segment() -> None:
    # Given 158 letters (fits) and one euro sign: 160 septets, still one segment
    assert sms_size("a" * 158 + "€").segments == 1
    # When one more letter is added: 161 septets
    # Then it needs two segments although it has only 160 characters
    assert sms_size("a" * 159 + "€") == SmsSize("GSM-7", 161, 2)


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # Given 152 letters then a euro sign: the pair would straddle the 153-septet boundary
    text = "a" * 152 + "€" + "a" * 10
    # Then the euro sign moves to the second segment (164 septets would otherwise fit in two anyway)
    assert sms_size(text) == SmsSize("GSM-7", 164, 2)
    # And in a text that exactly fills two parts when packed naively, the unsplit pair needs a third
    assert sms_size("a" * 152 + "€" + "a" * 152).segments == 3


@pytest.mark.parametrize("character", ["\u2019", "\u2018", "\u201c", "\u201d", "\u2013", "\u2014", "\u2026", "\t"])
def test_one_character_outside_gsm_turns_the_whole_text_into_ucs2(character: str) -> None:
    # Given a short text with one curly quote, dash, ellipsis or tab
    text = f"We{character}ll be in touch"
    # When measured
    size = sms_size(text)
    # Then it is UCS-2 and the culprit is named
    assert size.encoding == "UCS-2"
    assert size.characters == len(text)
    assert non_gsm_characters(text) == [character]


def test_a_curly_apostrophe_drops_the_limit_from_160_to_70() -> None:
    straight = "I" + "'" + "a" * 70
    curly = "I" + "\u2019" + "a" * 70
    assert sms_size(straight) == SmsSize("GSM-7", 72, 1)
    assert sms_size(curly) == SmsSize("UCS-2", 72, 2)


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_fits_70_in_one_segment_then_67_per_segment(length: int, segments: int) -> None:
    assert sms_size("\u2019" * length) == SmsSize("UCS-2", length, segments)


def test_an_emoji_is_a_surrogate_pair_of_two_code_units() -> None:
    # Given 35 emoji: 70 UTF-16 code units
    assert sms_size("\U0001f600" * 35) == SmsSize("UCS-2", 70, 1)
    # When one more letter is added
    # Then it no longer fits one segment
    assert sms_size("\U0001f600" * 35 + "a") == SmsSize("UCS-2", 71, 2)


def test_a_surrogate_pair_is_never_split_across_segments() -> None:
    # Given 66 letters then an emoji: the pair would straddle the 67-unit boundary
    text = "\u2019" * 66 + "\U0001f600" + "\u2019" * 66
    # Then the emoji starts the second segment, and the last letter needs a third
    assert sms_size(text) == SmsSize("UCS-2", 134, 3)


def test_non_gsm_characters_are_listed_once_in_order_of_appearance() -> None:
    text = "\u201cHi\u201d \u2014 \u201cbye\u201d \U0001f600"
    assert non_gsm_characters(text) == ["\u201c", "\u201d", "\u2014", "\U0001f600"]


def test_gsm_text_has_no_culprits() -> None:
    text = "Hello £5 @ 10:00! Ça va? Ünïcode-free ~[]{}|^\\€ _Δ"
    assert non_gsm_characters(text) == ["ï"]
    assert non_gsm_characters(text.replace("ï", "i")) == []


def test_the_tables_have_the_gsm_03_38_sizes_and_do_not_overlap() -> None:
    # 128 basic positions less the escape; 9 printable extension characters plus form feed
    assert len(GSM_BASIC) == 127
    assert len(GSM_EXTENSION) == 10
    assert not GSM_BASIC & GSM_EXTENSION
    assert {"\u2019", "`", "\t", "ç"}.isdisjoint(GSM_BASIC | GSM_EXTENSION)


_MIXED = st.text(alphabet=st.sampled_from(["a", " ", "€", "{", "\u2019", "\U0001f600"]), max_size=400)


@settings(max_examples=1000)
@given(text=_MIXED, more=_MIXED)
def test_property_segments_never_fall_as_a_text_grows(text: str, more: str) -> None:
    # Given any text and any text appended to it
    # Then the longer text costs at least as many segments
    before, after = sms_size(text), sms_size(text + more)
    assert after.segments >= before.segments
    # And, in the same encoding, as many characters (a switch to UCS-2 turns a two-septet "{" into one unit)
    if after.encoding == before.encoding:
        assert after.characters >= before.characters


def test_switching_to_ucs2_can_lower_the_character_count_but_not_the_segments() -> None:
    assert sms_size("{" * 80) == SmsSize("GSM-7", 160, 1)
    assert sms_size("{" * 80 + "\u2019") == SmsSize("UCS-2", 81, 2)


@given(text=_MIXED)
def test_property_segments_are_enough_for_the_characters(text: str) -> None:
    size = sms_size(text)
    single, per_part = (160, 153) if size.encoding == "GSM-7" else (70, 67)
    if size.segments == 1:
        assert size.characters <= single
    else:
        assert size.characters > single
        assert size.characters <= size.segments * per_part
        assert size.characters > (size.segments - 1) * per_part - size.segments


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("Victim Support \u2013 Thames Valley", "Victim Support - Thames Valley"),  # en dash
        ("Siân O\u2019Connor", "Sian O'Connor"),  # â is not GSM-7; a curly apostrophe
        ("\u201cTrial\u201d \u2014 Reading Crown Court\u2026", '"Trial" - Reading Crown Court...'),
        ("Łukasz Żółć", "Lukasz Zolc"),
        ("José Müller", "José Müller"),  # GSM-7 has é and ü: kept as written
        ("10\u00a0Downing\u202fStreet", "10 Downing Street"),
    ],
)
def test_force_data_is_mapped_to_its_gsm7_equivalent(sent: str, expected: str) -> None:
    assert as_gsm7(sent) == expected
    assert non_gsm_characters(as_gsm7(sent)) == []


def test_a_value_with_no_gsm7_equivalent_is_kept_as_written() -> None:
    assert as_gsm7("محمد 😀") == "محمد 😀"  # never garbled: the text goes as UCS-2


# Letters, digits and spaces of Latin-1 and Latin Extended-A, as names and addresses hold them (not the
# micro sign, a unit: its equivalent is Greek)
LATIN_LETTERS = [
    c for c in map(chr, range(0x20, 0x180)) if (unicodedata.category(c)[0] in "LNZ" or c in ".,'-") and c != "\u00b5"
]


@given(
    st.text(alphabet=st.sampled_from(LATIN_LETTERS + list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026")), max_size=80)
)
def test_any_name_in_latin_letters_becomes_gsm7(value: str) -> None:
    assert non_gsm_characters(as_gsm7(value)) == []


def test_an_sms_is_rendered_with_gsm7_values_and_an_email_keeps_them() -> None:
    values = {"support": "Victim Support \u2013 Thames Valley"}
    sms = render(MessageTemplate("t", "sms", "Call ((support))."), values)
    email = render(MessageTemplate("t", "email", "Call ((support)).", subject="Help"), values)
    assert sms.text == "Call Victim Support - Thames Valley."
    assert sms_size(sms.text) == SmsSize("GSM-7", len(sms.text), 1)
    assert email.text == "Call Victim Support \u2013 Thames Valley."
