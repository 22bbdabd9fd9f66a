"""Contact details, one home for each rule: what an email address and a UK mobile number look like, how a
typed mobile becomes E.164, and the one spelling of an address that suppression and caps compare.

Pure and cheap to import (no pydantic): the event contract builds its pydantic types from these patterns,
the report form and the SMS adapter call the functions.
"""

from __future__ import annotations

import re

from caseline.domain.vocabulary import Channel

MAX_EMAIL = 254
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# The only numbers Caseline texts: UK mobiles in E.164 (+44 7xxx xxxxxx). Events are validated against it,
# and the SMS adapter refuses anything else, so no text can cost an international rate or leave the UK.
# Digits are [0-9], never \d: in Python and in pydantic's regex engine \d is any Unicode digit (fullwidth too).
UK_MOBILE_PATTERN = r"\+447[0-9]{9}"
# A UK mobile as a person types it in a form: 07700 900982, +44 7700 900982 (one space allowed in each place).
TYPED_UK_MOBILE_PATTERN = r"^(?:\+44\s?7|07)[0-9]{3}\s?[0-9]{6}$"

_EMAIL = re.compile(EMAIL_PATTERN)
_UK_MOBILE = re.compile(UK_MOBILE_PATTERN)
_TYPED_UK_MOBILE = re.compile(TYPED_UK_MOBILE_PATTERN)
_SEPARATORS = re.compile(r"[\s().\-]")


def is_email(address: str) -> bool:
    """Something@somewhere.tld, no spaces, at most 254 characters."""
    return len(address) <= MAX_EMAIL and bool(_EMAIL.match(address))


def is_uk_mobile(number: str) -> bool:
    """A UK mobile in E.164 (``+447`` and 9 digits), the only kind of number Caseline texts."""
    return bool(_UK_MOBILE.fullmatch(number))


def typed_uk_mobile(typed: str) -> str | None:
    """A UK mobile typed in a form, in E.164 (``07700 900982`` is ``+447700900982``); None if it is not one."""
    if not _TYPED_UK_MOBILE.fullmatch(typed):
        return None
    return "+447" + re.sub(r"[^0-9]", "", typed)[-9:]


def normalised_address(channel: str, address: str) -> str:
    """An email address lower-cased and stripped; a mobile number in E.164 (UK numbers by default)."""
    if channel == Channel.EMAIL.value:
        return address.strip().lower()
    number = _SEPARATORS.sub("", address)
    if number.startswith("00"):
        return "+" + number[2:]
    if number.startswith("0"):
        return "+44" + number[1:]
    return number if number.startswith("+") else "+" + number
