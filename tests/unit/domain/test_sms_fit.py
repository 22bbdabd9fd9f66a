"""Fitting an SMS to its budget at send time: rank abbreviations, keep flags, the first variant that fits."""

from __future__ import annotations

import pytest

from caseline.domain.sms_fit import KEEP_FLAGS, RANKS, abbreviate_rank, unknown_steps, variants
from caseline.domain.templates import MessageTemplate, render


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Detective Constable Alexandra Okafor", "DC Alexandra Okafor"),
        ("detective chief inspector Sam Lee", "DCI Sam Lee"),
        ("Chief Inspector Sam Lee", "Ch Insp Sam Lee"),
        ("Police Community Support Officer Jo Ng", "PCSO Jo Ng"),
        ("  Sergeant Jo Ng", "Sgt Jo Ng"),
        ("PC Jordan Ellis", "PC Jordan Ellis"),
        ("Jo Inspector", "Jo Inspector"),  # a rank only counts at the start
        ("Inspectorate Liaison Jo", "Inspectorate Liaison Jo"),  # and only as a whole word
    ],
)
def test_a_written_out_rank_at_the_start_is_abbreviated(name: str, short: str) -> None:
    assert abbreviate_rank(name) == short


def test_every_rank_is_shorter_abbreviated() -> None:
    assert all(len(short) < len(full) for full, short in RANKS)


def test_variants_start_in_full_and_apply_each_step_on_top_of_the_last() -> None:
    values = {"officer_name": "Detective Sergeant Jo Ng", "x": "1"}
    found = list(variants(("officer_rank", "keep_reference", "keep_force"), values))
    assert len(found) == 4
    assert found[0] == {**values, **dict.fromkeys(KEEP_FLAGS, "yes")}
    assert found[1]["officer_name"] == "DS Jo Ng"
    assert found[1]["keep_reference"] == "yes"
    assert (found[2]["keep_reference"], found[2]["keep_force"], found[2]["officer_name"]) == ("", "yes", "DS Jo Ng")
    assert (found[3]["keep_reference"], found[3]["keep_force"]) == ("", "")
    assert values == {"officer_name": "Detective Sergeant Jo Ng", "x": "1"}  # the caller's values untouched


def test_unknown_steps_are_reported() -> None:
    assert unknown_steps(("officer_rank", "keep_force", "keep_everything", "shout")) == ["keep_everything", "shout"]


SMS = MessageTemplate(
    "t",
    "sms",
    "((keep_force??((force_name)): ))your case((keep_reference?? ((crime_reference)))) has news.",
    sms_segments=1,
    shorten=("keep_reference", "keep_force"),
)


def test_the_full_text_goes_when_it_fits() -> None:
    text = render(SMS, {"force_name": "Thames Valley Police", "crime_reference": "43/1234/26"}).text
    assert text == "Thames Valley Police: your case 43/1234/26 has news."


def test_the_first_variant_that_fits_goes_and_starts_with_a_capital() -> None:
    # Given a reference that overflows one segment: it is dropped and the force kept
    text = render(SMS, {"force_name": "Thames Valley Police", "crime_reference": "R" * 140}).text
    assert text == "Thames Valley Police: your case has news."
    # Given a force name that overflows too: both go, and the text still starts with a capital
    text = render(SMS, {"force_name": "F" * 170, "crime_reference": "R" * 140}).text
    assert text == "Your case has news."


def test_a_value_gsm7_cannot_carry_is_shortened_away_rather_than_sent_as_ucs2() -> None:
    text = render(SMS, {"force_name": "\u8b66\u5bdf", "crime_reference": "43/1234/26"}).text
    assert text == "Your case has news."


def test_the_last_variant_goes_when_nothing_fits() -> None:
    template = MessageTemplate("t", "sms", "((keep_advice??Hi. ))" + "x" * 170, shorten=("keep_advice",))
    assert render(template, {}).text == "X" + "x" * 169
