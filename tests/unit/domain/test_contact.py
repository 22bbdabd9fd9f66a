"""Contact details: one rule for each of email, UK mobile and the compared spelling of an address."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from caseline.domain.contact import is_email, is_uk_mobile, normalised_address, typed_uk_mobile
from caseline.domain.events import Email, UkMobile


def _contract_accepts(kind: object, value: str) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("alex@example.org", True),
        ("a.b+c@mail.example.co.uk", True),
        ("alex@example", False),
        ("alex example@example.org", False),
        ("@example.org", False),
        ("a@@example.org", False),
        ("a" * 242 + "@example.org", True),  # 254 characters
        ("a" * 243 + "@example.org", False),
    ],
)
def test_email_is_one_rule_for_the_form_and_the_event_contract(address: str, valid: bool) -> None:
    assert is_email(address) is valid
    assert _contract_accepts(Email, address) is valid


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("+447700900123", True),
        ("07700900123", False),
        ("+447700 900123", False),
        ("+441134960000", False),
        ("+447\u0667\u0660\u0660900123", False),  # Arabic-Indic digits: Unicode digits, not a number SMS can use
        ("+447700900\uff11\uff12\uff13", False),  # fullwidth digits
    ],
)
def test_uk_mobile_is_one_rule_for_the_adapter_and_the_event_contract(number: str, valid: bool) -> None:
    assert is_uk_mobile(number) is valid
    assert _contract_accepts(UkMobile, number) is valid


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07700 900982", "+447700900982"),
        ("07700900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("+447700900982", "+447700900982"),
        ("01134 960000", None),
        ("0044 7700 900982", None),
        ("07700  900982", None),
        ("07\u0667\u0660\u0660 900982", None),  # Arabic-Indic digits, as a phone keyboard may type them
        ("07700 900\uff19\uff18\uff12", None),  # fullwidth digits
        ("07700 900982\n", None),
    ],
)
def test_a_typed_uk_mobile_becomes_e164(typed: str, e164: str | None) -> None:
    assert typed_uk_mobile(typed) == e164
    if e164:
        assert is_uk_mobile(e164)
        assert normalised_address("sms", typed) == e164


def test_an_email_address_is_compared_stripped_and_lower_case() -> None:
    assert normalised_address("email", "  Alex@Example.org ") == "alex@example.org"
