"""One-time access codes: random, at least 40 bits, easy to read aloud, stored only as a salted hash."""

from __future__ import annotations

import math

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
