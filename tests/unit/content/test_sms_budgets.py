"""Every SMS fits its budget at send time, whatever the force's data holds (docs/journeys.md, "SMS budgets").

Each template is rendered as dispatch renders it, its ``shorten`` steps included, with the longest
values the event contract and the deployment parameters allow, and with generated force data: it must
be GSM-7 and within its ``sms_segments``. The linter rules for ``shorten`` are checked here too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from caseline.content import message_template, template_documents
from caseline.domain.events import CrimeRecordedData, Text
from caseline.domain.personalisation import SAMPLE_VALUES
from caseline.domain.sms import non_gsm_characters, sms_size
from caseline.domain.sms_fit import KEEP_FLAGS, unknown_steps
from caseline.domain.templates import placeholders, render
from caseline.domain.timeline import long_date
from caseline.domain.vocabulary import FORCE_NAMES
from tools.template_report import (
    CRIME_REFERENCE_MAX_LENGTH,
    FREE_TEXT_MAX_LENGTH,
    LONGEST_VALUES,
    PORTAL_URL_MAX_LENGTH,
    sms_row,
    worst_case,
)

DOCUMENTS = {str(d["id"]): d for d in template_documents() if "sms" in d["channels"]}
NAMES = sorted(DOCUMENTS)


def _sms(name: str) -> dict[str, Any]:
    sms: dict[str, Any] = DOCUMENTS[name]["channels"]["sms"]
    return sms


def test_the_limits_are_the_contracts() -> None:
    # The crime reference at the contract's longest is accepted, one character more is not
    pattern = CrimeRecordedData.model_json_schema()["properties"]["crime_reference"]["pattern"]
    assert re.fullmatch(pattern, "A" * CRIME_REFERENCE_MAX_LENGTH)
    assert not re.fullmatch(pattern, "A" * (CRIME_REFERENCE_MAX_LENGTH + 1))
    # So is free text (officer names, support services)
    TypeAdapter(Text).validate_python("a" * FREE_TEXT_MAX_LENGTH)
    with pytest.raises(ValidationError):
        TypeAdapter(Text).validate_python("a" * (FREE_TEXT_MAX_LENGTH + 1))
    # And the worst-case values are those limits
    assert len(LONGEST_VALUES["crime_reference"]) == CRIME_REFERENCE_MAX_LENGTH
    assert len(LONGEST_VALUES["officer_name"]) == FREE_TEXT_MAX_LENGTH
    assert len(LONGEST_VALUES["support_service"]) == FREE_TEXT_MAX_LENGTH
    assert non_gsm_characters(LONGEST_VALUES["support_service"])  # a character GSM-7 has no equivalent for
    assert len(LONGEST_VALUES["portal_url"]) == PORTAL_URL_MAX_LENGTH
    assert LONGEST_VALUES["force_name"] == max(FORCE_NAMES.values(), key=len)
    assert all(len(LONGEST_VALUES[k]) >= len(v) for k, v in SAMPLE_VALUES.items())


@pytest.mark.parametrize("name", NAMES)
def test_the_sms_fits_at_the_contracts_limits(name: str) -> None:
    row = sms_row(DOCUMENTS[name], LONGEST_VALUES)
    assert row.ok, f"{row.result}: {row.characters} {row.encoding}, {row.segments} segment(s) {row.detail}"


def test_the_worst_case_report_names_each_template_over_budget() -> None:
    # Given the shipped templates and one made to overflow whatever is shortened
    overflowing = {"id": "too-long", "sms_segments": 1, "channels": {"sms": {"body": "x" * 161}}}
    lines, fits = worst_case([*DOCUMENTS.values(), overflowing], LONGEST_VALUES)
    # Then the report names it alone and fails
    assert not fits
    assert lines[0].endswith(f"1 of {len(DOCUMENTS) + 1} SMS templates over budget")
    assert lines[1].startswith("  too-long: 161 GSM-7, 2 segment(s)")
    assert worst_case(DOCUMENTS.values(), LONGEST_VALUES)[1] is True


@pytest.mark.parametrize("name", NAMES)
def test_shorten_steps_are_known_and_each_keep_flag_is_used_in_the_sms_only(name: str) -> None:
    document = DOCUMENTS[name]
    steps = tuple(_sms(name).get("shorten", ()))
    assert unknown_steps(steps) == []
    assert len(set(steps)) == len(steps)
    used = placeholders(_sms(name)["body"]) & KEEP_FLAGS
    # A keep flag in the body is turned off by a step, and a step's flag is in the body
    assert used == {s for s in steps if s in KEEP_FLAGS}
    if "email" in document["channels"]:
        email = document["channels"]["email"]
        assert not (placeholders(email["body"]) | placeholders(email["subject"])) & KEEP_FLAGS


@pytest.mark.parametrize("name", [n for n in NAMES if _sms(n).get("shorten")])
def test_the_full_text_is_sent_when_it_fits(name: str) -> None:
    # Given short values, with which the full text fits
    short = {**SAMPLE_VALUES, "crime_reference": "4426", "portal_url": "https://v.example.org", "officer_name": "Jo Ng"}
    template = message_template(DOCUMENTS[name], "sms")
    # Then nothing is shortened: the text is the one rendered with no steps at all
    assert render(template, short).text == render(replace(template, shorten=()), short).text


_GSM_UNFRIENDLY = st.sampled_from(["\u2013", "\u2019", "\u201c", "\u00e1", "\u0142", "\u4e2d", "\U0001f600", "\u00a0"])
_FREE_TEXT = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), _GSM_UNFRIENDLY),
    min_size=1,
    max_size=FREE_TEXT_MAX_LENGTH,
).filter(lambda s: s.strip())
_RANKED = st.builds(
    lambda rank, name: f"{rank} {name}"[:FREE_TEXT_MAX_LENGTH],
    st.sampled_from(["Detective Constable", "Police Constable", "Detective Chief Inspector", "Sergeant", ""]),
    _FREE_TEXT,
)
_DATES = st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 12, 31)).map(long_date)
_HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    officer_name=st.one_of(_FREE_TEXT, _RANKED),
    support_service=_FREE_TEXT,
    crime_reference=st.from_regex(r"[A-Z0-9][A-Z0-9/-]{3,31}", fullmatch=True),
    force_name=st.sampled_from(sorted(FORCE_NAMES.values())),
    host=_HOSTS.filter(lambda h: len("https://" + h) <= PORTAL_URL_MAX_LENGTH),
    some_date=_DATES,
)
def test_every_sms_is_gsm7_and_one_segment_with_generated_force_data(
    officer_name: str, support_service: str, crime_reference: str, force_name: str, host: str, some_date: str
) -> None:
    # Given force data as forces send it: long names, characters GSM-7 lacks, references at any length
    values = {
        **SAMPLE_VALUES,
        "officer_name": officer_name,
        "support_service": support_service,
        "crime_reference": crime_reference,
        "force_name": force_name,
        "portal_url": f"https://{host}",
        "event_date": some_date,
        "hearing_date": some_date,
        "access_code_expires": some_date,
    }
    # When every SMS template is rendered as dispatch renders it
    for name in NAMES:
        text = render(message_template(DOCUMENTS[name], "sms"), values).text
        size = sms_size(text)
        # Then each is GSM-7 and within its budget (one segment for every shipped SMS)
        assert size.encoding == "GSM-7", (name, non_gsm_characters(text))
        assert size.segments <= DOCUMENTS[name]["sms_segments"] == 1, (name, size)
