"""Creating an account without saying whether the address has one (docs/adr/0014).

``POST /v1/accounts`` answers the same for an address that is new, one with an account and one with an
unconfirmed sign-up: the mailbox's owner learns which from the email that follows (a confirmation code, or
"someone tried to create an account with your address"). The rules of the body are here; the service
decides what to do and the adapters do it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from caseline.domain.contact import is_email
from caseline.domain.errors import ValidationFailedError

# The user pool's PasswordPolicy.MinimumLength (template.yaml; tests/functional/test_waf_contract.py holds
# them together, and the portal's PASSWORD_MIN_LENGTH). Cognito's own maximum is 256.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
# Cognito's SignUp refuses a password outside ``^[\S]+.*[\S]+$`` (a parameter error, raised only for a new
# address): refused here first, for every address alike, so that refusal cannot tell a new address from one
# with an account.
_POOL_PASSWORD = re.compile(r"\S[^\n\r\u0085\u2028\u2029]*\S")
# Every answer takes at least this long, so the work done for a known address (one more Cognito call and an
# email) cannot be told from a new one by the time the answer takes.
ANSWER_FLOOR_SECONDS = 1.5
# "Someone tried to create an account" emails to one address per UTC day: a stranger who knows the address
# cannot flood its mailbox (the portal's web ACL limits each client address; this limits each destination).
OWNER_NOTICES_PER_DAY = 3


class Existing(StrEnum):
    """What the pool already holds for the address."""

    NONE = "none"  # nothing: a new account was signed up, and Cognito sent its code
    CONFIRMED = "confirmed"  # an account: its owner is told by email
    UNCONFIRMED = "unconfirmed"  # a sign-up never confirmed: Cognito sends its code again


@dataclass(frozen=True)
class SignUpRequest:
    email: str
    password: str = ""

    def __repr__(self) -> str:  # never the address or the password in a log line or a traceback
        return "SignUpRequest(<redacted>)"


def _members(document: Any, allowed: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The body's trimmed email and its other members; a ValidationFailedError naming the field at fault."""
    if not isinstance(document, dict):
        raise ValidationFailedError("the body must be a JSON object", field="body")
    unknown = sorted(set(document) - {"email", *allowed})
    if unknown:
        raise ValidationFailedError("this member is not allowed", field=unknown[0])
    email = document.get("email")
    if not isinstance(email, str) or not is_email(email.strip()):
        raise ValidationFailedError("enter an email address like name@example.org", field="email")
    return email.strip(), document


def sign_up_request(document: Any) -> SignUpRequest:
    """The body ``{"email": ..., "password": ...}``; a ValidationFailedError (422) naming the field at fault."""
    email, members = _members(document, ("password",))
    password = members.get("password")
    if not isinstance(password, str) or not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise ValidationFailedError(
            f"the password must have {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters", field="password"
        )
    if not _POOL_PASSWORD.fullmatch(password):
        raise ValidationFailedError(
            "the password cannot start or end with a space or hold a line break", field="password"
        )
    return SignUpRequest(email=email, password=password)


@dataclass(frozen=True)
class ConfirmRequest:
    email: str
    code: str

    def __repr__(self) -> str:
        return "ConfirmRequest(<redacted>)"


class CodeRefusedError(ValidationFailedError):
    """The same answer for a wrong or expired code, an address with no sign-up and an account already confirmed."""

    title = "The code is not right or has expired"


def confirm_request(document: Any) -> ConfirmRequest:
    """The body ``{"email": ..., "code": "123456"}``; a ValidationFailedError (422) naming the field at fault."""
    email, members = _members(document, ("code",))
    code = members.get("code")
    if not isinstance(code, str) or not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise ValidationFailedError("enter the 6-digit code from the email", field="code")
    return ConfirmRequest(email=email, code=code)


def someone_tried_email(portal_url: str) -> tuple[str, str]:
    """The subject and text of the email to an account's owner when their address is used to sign up again.
    It names no case and no force: the address may be read by someone else (a shared mailbox)."""
    base = portal_url.rstrip("/")
    text = (
        "Someone tried to create a Caseline account with this email address. You already have an account, "
        "so we did not create another one.\n\n"
        f"If it was you, sign in: {base}/sign-in.html\n"
        f"If you have forgotten your password, reset it: {base}/reset-password.html\n\n"
        "If it was not you, you do not need to do anything. Your account has not changed."
    )
    return "Someone tried to create an account with your email address", text
