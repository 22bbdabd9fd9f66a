"""One-time access codes that link an account to a case: random, 50 bits, stored only hashed.

Guessing is limited by counters in fixed UTC-day windows (``attempt_window``): each account may fail
``ACCOUNT_ATTEMPTS`` times a day, whatever the reference, and each crime reference takes at most
``REFERENCE_ATTEMPTS`` failures a day from all accounts together. The reference's limit is a backstop
set so high that only thousands of accounts could reach it, so someone who knows the reference cannot
lock the victim out, while guessing stays hopeless (``guessing_odds``; docs/api.md has the figures).

Until it is sent, the plain code exists only sealed (KMS) on its outbox message, bound to the force, the
case and the message; see docs/adr/0012-access-codes-sealed-until-sent.md.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import UTC, datetime, timedelta

# Crockford base32 without I, L, O, U: easy to read aloud and type on a phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_BITS = CODE_LENGTH * int(math.log2(len(_ALPHABET)))  # 10 x 5 bits = 50 bits of entropy
VALID_DAYS = 30
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

ATTEMPT_WINDOW = timedelta(hours=24)  # a UTC day
ACCOUNT_ATTEMPTS = 5  # failed attempts per account per window, whatever the crime reference
REFERENCE_ATTEMPTS = 10_000  # failed attempts per crime reference per window, from all accounts


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    cleaned = code.upper().replace("-", "").replace(" ", "")
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def _digest(code: str, salt: bytes) -> bytes:
    # Characters a code cannot hold become "?": the hash is still computed, and can never match.
    return hashlib.scrypt(normalise(code).encode("ascii", "replace"), salt=salt, **_SCRYPT)


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    return salt.hex() + "$" + _digest(code, salt).hex()


def matches(code: str, stored: str) -> bool:
    """True only for the right code. Always exactly one scrypt, whatever was typed."""
    salt_hex, _, digest_hex = stored.partition("$")
    candidate = _digest(code, bytes.fromhex(salt_hex)).hex()
    return hmac.compare_digest(candidate, digest_hex) and normalise(code).isascii()


def display(code: str) -> str:
    return code[:5] + "-" + code[5:]


def attempt_window(now: datetime) -> datetime:
    """The start of the fixed window ``now`` falls in (UTC midnight): one counter per window."""
    seconds = int(ATTEMPT_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)


def guessing_odds(guesses: int, live_codes: int = 1) -> float:
    """The chance that ``guesses`` distinct wrong-or-right guesses hit one of ``live_codes`` codes."""
    return min(1.0, guesses * live_codes / (1 << CODE_BITS))
