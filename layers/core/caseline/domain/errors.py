"""One error taxonomy. Retryable errors may succeed on another attempt; permanent ones never will.

HTTP mapping lives in ``caseline.adapters.http``; stream/queue semantics in ``caseline.adapters.streams``.
Code branches on the error class, never on its message.
"""

from __future__ import annotations


class CaselineError(Exception):
    """Base of every error Caseline raises on purpose."""

    retryable = False
    title = "Request failed"

    def __init__(self, detail: str = "", *, field: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.field = field


class PermanentError(CaselineError):
    """Will fail again on every retry: reject, dead-letter or raise an officer task."""


class RetryableError(CaselineError):
    """Transient: the same input may succeed later."""

    retryable = True
    retry_after = 5  # seconds an HTTP caller should wait before trying again (its Retry-After)


class ValidationFailedError(PermanentError):
    title = "The request is not valid"


class MalformedBodyError(ValidationFailedError):
    title = "The request body is not UTF-8 JSON"


class SignatureInvalidError(PermanentError):
    title = "The webhook signature could not be verified"


class UnauthenticatedError(PermanentError):
    title = "Sign in to continue"


class RecentSignInRequiredError(UnauthenticatedError):
    """Downloading data and closing the account need a sign-in in the last 15 minutes."""

    title = "Sign in again to continue"


class UnsupportedEventTypeError(PermanentError):
    title = "The event type is not supported"


class PayloadTooLargeError(PermanentError):
    title = "The request body is too large"


class UnsupportedMediaTypeError(PermanentError):
    title = "The request body must be application/json"


class NotFoundError(PermanentError):
    title = "Not found"


class ForbiddenError(PermanentError):
    """Signed in, but with no role for this route at all (a role for another force's case is NotFoundError)."""

    title = "Your account cannot do this"


class LinkRefusedError(PermanentError):
    """The same answer for every failed link: unknown reference, wrong, used or expired code, or locked."""

    title = "We could not link a case with that crime reference and access code"


class InvitationRefusedError(PermanentError):
    """The same answer for every failed invitation code: unknown, used, expired, withdrawn or locked."""

    title = "We could not give you access with that invitation code"


class TooManyRequestsError(PermanentError):
    title = "Too many requests"


class ConflictError(PermanentError):
    title = "The request conflicts with the current state"


class StorageUnavailableError(RetryableError):
    title = "Storage is temporarily unavailable"


class VictimNotKnownYetError(RetryableError):
    title = "This event is about a victim the case does not have yet"
    retry_after = 60  # seconds: time for the case's crime.recorded to arrive


class DeliveryFailedError(RetryableError):
    title = "The message provider could not accept the message now"


class DeliveryRejectedError(PermanentError):
    title = "The message provider rejected the message"


class SmsDestinationRefusedError(DeliveryRejectedError):
    title = "Texts are sent only to UK mobile numbers (+447...)"


class SecretUnavailableError(RetryableError):
    title = "A signing secret could not be read"


class OwnAccountError(PermanentError):
    """A victim asked to remove their own account's link from a case (closing the account does that)."""

    title = "You cannot remove your own account from this case"
