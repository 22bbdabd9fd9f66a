"""Creating an account: the same answer whatever the pool holds for the address (docs/adr/0014).

The browser cannot call Cognito's SignUp itself (the user pool's web ACL refuses it without this function's
header): every sign-up comes here. A new address is signed up and Cognito emails its code. For an address
with an account, its owner is emailed instead (at most ``OWNER_NOTICES_PER_DAY`` a day); for an unconfirmed
sign-up, Cognito sends its code again.
The caller gets no sign of which: the same answer, and never sooner than ``ANSWER_FLOOR_SECONDS`` after
the request came in, so the extra work for a known address does not show in the time either. Any failure
of that extra work is only reported back (the function logs its type): it must not change the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from caseline.domain.account_ports import AccountNotices, NoticeCap, SignUpIdentity
from caseline.domain.sign_up import (
    ANSWER_FLOOR_SECONDS,
    CodeRefusedError,
    Existing,
    confirm_request,
    sign_up_request,
    someone_tried_email,
)


@dataclass(frozen=True)
class SignUpOutcome:
    """For the function's metrics and logs, never for the answer."""

    existing: Existing
    follow_up_error: str | None = None  # the error type, when the owner's email or the code resend failed
    capped: bool = False  # the owner had the day's emails already: none sent this time


@dataclass(frozen=True)
class AnswerFloor:
    """No answer sooner than ``seconds`` after its work began: the function's clock and sleep (tests give a
    clock that moves only when the work or the pause moves it)."""

    monotonic: Callable[[], float]
    pause: Callable[[float], None]
    seconds: float = ANSWER_FLOOR_SECONDS

    @contextmanager
    def held(self) -> Iterator[None]:
        started = self.monotonic()
        try:
            yield
        finally:
            self.pause(max(0.0, self.seconds - (self.monotonic() - started)))


def sign_up(
    document: Any,
    *,
    identity: SignUpIdentity,
    notices: AccountNotices,
    cap: NoticeCap,
    portal_url: str,
    floor: AnswerFloor,
) -> SignUpOutcome:
    """Sign up, or tell the address's owner; returns what the pool held (for metrics, never for the answer).
    A bad body is refused at once (a ValidationFailedError): that answer does not depend on the address."""
    request = sign_up_request(document)
    capped: list[bool] = []

    def tell_the_owner() -> None:
        if not cap.allow(request.email):
            capped.append(True)
            return
        subject, text = someone_tried_email(portal_url)
        notices.send(to=request.email, subject=subject, text=text)

    with floor.held():
        existing = identity.sign_up(request.email, request.password)
        if existing is Existing.CONFIRMED:
            failed = _quietly(tell_the_owner)
        elif existing is Existing.UNCONFIRMED:
            failed = _quietly(lambda: identity.resend_code(request.email))
        else:
            failed = None
    return SignUpOutcome(existing, failed, bool(capped))


def confirm(document: Any, *, identity: SignUpIdentity, floor: AnswerFloor) -> None:
    """Confirm a sign-up with its code. A wrong or expired code, an address with no sign-up and an account
    that is confirmed already all get the same CodeRefusedError (422 on ``code``), after the same floor:
    Cognito's own ConfirmSignUp would answer an account "already confirmed"."""
    request = confirm_request(document)
    with floor.held():
        waiting = identity.status(request.email) is Existing.UNCONFIRMED
        if not (waiting and identity.confirm(request.email, request.code)):
            raise CodeRefusedError("check the email, or create your account again to get a new code", field="code")


def _quietly(action: Callable[[], None]) -> str | None:
    """Run the follow-up; its error's type if it failed (the owner is not told this time, the answer stays)."""
    try:
        action()
    except Exception as error:  # any failure: the answer must not depend on this step
        return type(error).__name__
    return None
