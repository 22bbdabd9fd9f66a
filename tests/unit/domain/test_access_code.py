"""One-time access codes: random, at least 40 bits, easy to read aloud, stored only as a salted hash."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from caseline.domain import access_code

# Crockford base32, written out independently of the module under test.
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_a_code_is_ten_characters_from_the_crockford_alphabet() -> None:
    for _ in range(200):
        code = access_code.new_code()
        assert len(code) == 10
        assert set(code) <= CROCKFORD


def test_codes_never_use_letters_that_are_easily_confused() -> None:
    seen = set().union(*(access_code.new_code() for _ in range(500)))
    assert not seen & set("ILOU")


def test_codes_carry_at_least_40_bits_of_entropy() -> None:
    # Given many codes: with 32 equally likely symbols every symbol shows up in a few thousand draws
    seen = set().union(*(access_code.new_code() for _ in range(2000)))
    # Then the observed alphabet and the length give at least 40 bits
    assert seen == CROCKFORD
    assert len(access_code.new_code()) * math.log2(len(seen)) >= 40


def test_codes_do_not_repeat() -> None:
    codes = [access_code.new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)


def test_a_hash_is_salt_and_scrypt_digest_and_never_contains_the_code() -> None:
    # Given a code
    code = "ABCDE12345"
    # When it is hashed
    stored = access_code.hash_code(code)
    # Then the stored form is a 16-byte salt and a 32-byte digest, both hex, with no trace of the code
    salt_hex, separator, digest_hex = stored.partition("$")
    assert separator == "$"
    assert len(bytes.fromhex(salt_hex)) == 16
    assert len(bytes.fromhex(digest_hex)) == 32
    assert code not in stored
    assert code.lower() not in stored


def test_the_same_code_hashes_differently_each_time() -> None:
    assert access_code.hash_code("ABCDE12345") != access_code.hash_code("ABCDE12345")


def test_the_same_code_and_salt_hash_identically() -> None:
    salt = bytes(16)
    assert access_code.hash_code("ABCDE12345", salt) == access_code.hash_code("ABCDE12345", salt)


def test_the_right_code_matches_its_hash() -> None:
    code = access_code.new_code()
    assert access_code.matches(code, access_code.hash_code(code))


@pytest.mark.parametrize("wrong", ["ABCDE12346", "BBCDE12345", "ABCDE1234", "", "ABCDE123456"])
def test_a_wrong_code_does_not_match(wrong: str) -> None:
    assert not access_code.matches(wrong, access_code.hash_code("ABCDE12345"))


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("abcde12345", id="lowercase"),
        pytest.param("ABCDE-12345", id="hyphen-as-displayed"),
        pytest.param(" ABCDE 12345 ", id="spaces"),
        pytest.param("aBcDe-12345", id="mixed-case-and-hyphen"),
    ],
)
def test_a_code_typed_differently_still_matches(typed: str) -> None:
    stored = access_code.hash_code("ABCDE12345")
    assert access_code.matches(typed, stored)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ab-cd o0", "ABCD00"),
        ("I1l", "111"),
        ("xyz-uvw", "XYZUVW"),
    ],
)
def test_normalise_uppercases_drops_separators_and_maps_lookalikes(typed: str, expected: str) -> None:
    assert access_code.normalise(typed) == expected


def test_a_letter_o_typed_for_a_zero_matches() -> None:
    stored = access_code.hash_code("A0B0C0D0E0")
    assert access_code.matches("aOb0-cOd0e0", stored)


def test_display_splits_the_code_in_two_and_normalises_back() -> None:
    code = "ABCDE12345"
    assert access_code.display(code) == "ABCDE-12345"
    assert access_code.normalise(access_code.display(code)) == code


def test_non_ascii_input_is_simply_a_wrong_code() -> None:
    stored = access_code.hash_code("ABCDE12345")
    assert access_code.matches("ABCDE\u201312345", stored) is False


def _guessing_table() -> dict[str, str]:
    text = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("#### Why guessing stays hopeless", 1)[1].split("\n#", 1)[0]
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE))
    rows.pop("Figure")  # the header
    return rows


def test_the_guessing_figures_in_the_api_docs_follow_from_the_constants() -> None:
    # Given the constants the code runs with
    per_account, per_reference = access_code.ACCOUNT_ATTEMPTS, access_code.REFERENCE_ATTEMPTS
    windows_a_code_touches = math.ceil(timedelta(days=access_code.VALID_DAYS) / access_code.ATTEMPT_WINDOW) + 1
    windows_a_year = timedelta(days=365) // access_code.ATTEMPT_WINDOW
    code_life = per_reference * windows_a_code_touches
    a_year = per_reference * windows_a_year
    many_accounts = 10_000 * per_account * windows_a_year
    # Then the docs' table says what they imply, row by row
    assert _guessing_table() == {
        f"Code: {access_code.CODE_LENGTH} Crockford base32 characters": (
            f"{access_code.CODE_BITS} bits: {2**access_code.CODE_BITS:,} codes"
        ),
        "Code valid for": f"{access_code.VALID_DAYS} days, which touch at most {windows_a_code_touches} UTC days",
        "Attempts per account": f"{per_account} a UTC day",
        "Attempts per crime reference, all accounts together": f"{per_reference:,} a UTC day",
        "Accounts needed to reach a reference's limit in a day": f"{per_reference // per_account:,}",
        "Guesses one account can make at a code in its life": f"{per_account * windows_a_code_touches:,}",
        "Guesses all accounts together can make at a code in its life": f"{code_life:,}",
        "Chance those find one live code": f"{access_code.guessing_odds(code_life):.1e}",
        "Guesses at one crime reference in a year, however many accounts": f"{a_year:,}",
        "Chance of finding one live code of that reference in a year": f"{access_code.guessing_odds(a_year):.1e}",
        "Guesses in a year by an attacker with 10,000 accounts, at any references": f"{many_accounts:,}",
        "Chance that attacker links any case in a year, per live code a reference holds": (
            f"{access_code.guessing_odds(many_accounts):.1e}"
        ),
    }
    assert timedelta(days=1) == access_code.ATTEMPT_WINDOW  # the docs speak of UTC days


def test_guessing_stays_negligible_and_the_backstop_needs_thousands_of_accounts() -> None:
    year = timedelta(days=365) // access_code.ATTEMPT_WINDOW
    assert access_code.guessing_odds(access_code.REFERENCE_ATTEMPTS * year) < 1e-6
    assert access_code.REFERENCE_ATTEMPTS // access_code.ACCOUNT_ATTEMPTS >= 1000


def test_attempt_windows_are_utc_days() -> None:
    now = datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC)
    assert access_code.attempt_window(now) == datetime(2026, 12, 6, tzinfo=UTC)
    assert access_code.attempt_window(now + timedelta(seconds=1)) == datetime(2026, 12, 7, tzinfo=UTC)
