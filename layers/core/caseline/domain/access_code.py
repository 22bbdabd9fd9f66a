"""One-time access codes that link an account to a case: random, at least 40 bits, stored only hashed.

Until it is sent, the plain code exists only sealed (KMS) on its outbox message, bound to the force, the
case and the message; see docs/adr/0012-access-codes-sealed-until-sent.md."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford base32 without I, L, O, U: easy to read aloud and type on a phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 x 5 bits = 50 bits of entropy
VALID_DAYS = 30
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    cleaned = code.upper().replace("-", "").replace(" ", "")
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(normalise(code).encode("ascii"), salt=salt, **_SCRYPT)
    return salt.hex() + "$" + digest.hex()


def matches(code: str, stored: str) -> bool:
    """True only for the right code. Anything that cannot be a code (other characters) is simply wrong."""
    if not normalise(code).isascii():
        return False
    salt_hex, _, digest_hex = stored.partition("$")
    candidate = hash_code(code, bytes.fromhex(salt_hex)).partition("$")[2]
    return hmac.compare_digest(candidate, digest_hex)


def display(code: str) -> str:
    return code[:5] + "-" + code[5:]
