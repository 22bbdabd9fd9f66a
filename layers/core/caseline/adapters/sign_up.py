"""Cognito's SignUp and ConfirmSignUp for ``POST /v1/accounts`` and ``…/confirmation`` (docs/adr/0014), and
the email to an address's owner.

The user pool's web ACL refuses every SignUp, ConfirmSignUp and ResendConfirmationCode that lacks the
``x-caseline-sign-up`` header with the deployment's sign-up secret: a browser cannot call them itself (their
answers, UsernameExistsException or "already confirmed", would say whether the address has an account), so
they all come through this function. The secret is read from Secrets Manager and added to those calls only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.adapters.address_keys import KmsAddressKeyer
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.identity import cognito_call
from caseline.adapters.messaging import SesEmailSender
from caseline.domain.contact import normalised_address
from caseline.domain.errors import SecretUnavailableError, ValidationFailedError
from caseline.domain.sign_up import OWNER_NOTICES_PER_DAY, Existing

SIGN_UP_HEADER = "x-caseline-sign-up"
# The calls that say whether an address has an account: the user pool's web ACL wants the header on each.
GUARDED = ("SignUp", "ConfirmSignUp", "ResendConfirmationCode")
_SIGN_UP_REFUSALS = frozenset({"UsernameExistsException", "InvalidPasswordException", "InvalidParameterException"})
_GONE = frozenset({"UserNotFoundException"})
_REFUSED_CODE = frozenset(
    {
        "CodeMismatchException",
        "ExpiredCodeException",
        "NotAuthorizedException",
        "UserNotFoundException",
        "TooManyFailedAttemptsException",
        "LimitExceededException",
    }
)
CACHE_SECONDS = 300
_UNAVAILABLE = "the account service is unavailable"


class SignUpSecret:
    """The header's value, from Secrets Manager, kept for ``CACHE_SECONDS`` (a rotation reaches every
    function within five minutes; the web ACL then refuses the old value)."""

    def __init__(self, client: Any, *, secret_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._secret_id = secret_id
        self._clock = clock
        self._cached: tuple[float, str] | None = None

    def __call__(self) -> str:
        if self._cached and self._clock() - self._cached[0] < CACHE_SECONDS:
            return self._cached[1]
        try:
            value = str(self._client.get_secret_value(SecretId=self._secret_id)["SecretString"])
        except (ClientError, BotoCoreError) as exc:
            raise SecretUnavailableError() from exc
        self._cached = (self._clock(), value)
        return value


class CognitoSignUp:
    def __init__(self, client: Any, *, user_pool_id: str, client_id: str, secret: Callable[[], str]) -> None:
        self._client = client
        self._pool = user_pool_id
        self._client_id = client_id
        self._secret = secret
        self._hooked = False

    def _add_header(self, request: Any, **_: Any) -> None:
        request.headers[SIGN_UP_HEADER] = self._secret()

    def _hook(self) -> None:
        """On first use (the client is built only then): the header on the three calls the web ACL guards."""
        if not self._hooked:
            for operation in GUARDED:
                self._client.meta.events.register(f"before-sign.cognito-idp.{operation}", self._add_header)
            self._hooked = True

    def _public(self, operation: str, expected: frozenset[str] = frozenset(), **parameters: Any) -> str | None:
        """One of Cognito's public calls on the portal's client, with the header where the web ACL wants it:
        None, or the error code when it is an ``expected`` one."""
        self._hook()
        call = getattr(self._client, operation)
        return cognito_call(call, _UNAVAILABLE, expected, ClientId=self._client_id, **parameters)[1]

    def sign_up(self, email: str, password: str) -> Existing:
        attributes = [{"Name": "email", "Value": email}]
        refused = self._public(
            "sign_up", _SIGN_UP_REFUSALS, Username=email, Password=password, UserAttributes=attributes
        )
        if refused == "UsernameExistsException":
            return self.status(email)
        if refused == "InvalidPasswordException":
            raise ValidationFailedError("choose a different password", field="password")
        if refused == "InvalidParameterException":
            raise ValidationFailedError("enter an email address like name@example.org", field="email")
        return Existing.NONE

    def status(self, email: str) -> Existing:
        """What the pool holds for the address (AdminGetUser); NONE when it has no account."""
        user, _ = cognito_call(self._client.admin_get_user, _UNAVAILABLE, _GONE, UserPoolId=self._pool, Username=email)
        if user is None:
            return Existing.NONE
        return Existing.UNCONFIRMED if user.get("UserStatus") == "UNCONFIRMED" else Existing.CONFIRMED

    def confirm(self, email: str, code: str) -> bool:
        """Cognito's ConfirmSignUp: False for a code it refuses (wrong, expired, too many tries)."""
        return self._public("confirm_sign_up", _REFUSED_CODE, Username=email, ConfirmationCode=code) is None

    def resend_code(self, email: str) -> None:
        self._public("resend_confirmation_code", Username=email)


class SesAccountNotices:
    """Account emails (not about a case) from the deployment's address, outside the delivery-events
    configuration set: no case message to record a bounce on."""

    def __init__(self, client: Any, *, sender: str) -> None:
        self._sender = SesEmailSender(client, sender=sender)

    def send(self, *, to: str, subject: str, text: str) -> None:
        self._sender.send_email(to=to, subject=subject, text=text, html=None, force_id="none")


class DynamoNoticeCap:
    """The owner emails' daily cap per address: a counter item keyed by an HMAC of the address (the report
    limits' key and counters, ``REPORTRATE#SIGNUP#…``, gone with their TTL), never the address itself."""

    def __init__(self, keyer: KmsAddressKeyer, store: DynamoReportStore, now: Callable[[], datetime]) -> None:
        self._keyer, self._store, self._now = keyer, store, now

    def allow(self, email: str) -> bool:
        day = self._now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        counter = f"SIGNUP#{self._keyer.key('sign-up-notice', normalised_address('email', email))}"
        return self._store.count(counter, day, timedelta(days=1), OWNER_NOTICES_PER_DAY)
