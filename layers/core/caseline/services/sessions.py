"""Ending a victim's sessions, and refusing tokens from ended ones without an extra read.

API Gateway's Cognito authorizer accepts any unexpired ID token, so the victim API checks each token
against the account's "sessions ended" mark (``domain/sessions.py``). The mark is written where the
routes already read: on every case the account has linked (the case routes' one partition Query returns
it) and on the account's own partition (the "my cases" Query returns it). The few account routes that
read nothing else (linking, data download, closure, sign-out) read the account's mark with one GetItem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from caseline.domain.account_ports import AccountReader, CaseReader, GlobalSignOut, SessionStore
from caseline.domain.ports import Clock, VictimCaseReader
from caseline.domain.records import CasePartition, CaseSummary
from caseline.domain.sessions import SESSION_MARK_KEPT, Token, check_session, sessions_end_at

"""Signs the account out of Cognito everywhere (refresh tokens die). Fine if the account is gone."""


def end_every_session(
    user_id: str, *, links: VictimCaseReader, store: SessionStore, sign_out: GlobalSignOut, clock: Clock
) -> datetime:
    """Sign out everywhere, quick exit and closure: from now on every token of a session that began
    before is refused, on every route, and Cognito refuses its refresh token. Safe to repeat."""
    valid_after = sessions_end_at(clock.now())
    cases = [(c.force_id, c.case_id) for c in links.linked_cases(user_id)]
    store.end_sessions(user_id, valid_after, cases)
    sign_out(user_id)
    return valid_after


def check_account(token: Token, *, store: SessionStore) -> datetime | None:
    """For the account routes that read nothing else: refuse an ended session; the mark, if any."""
    ended = store.account_ended(token.user_id)
    check_session(token, ended)
    return ended


def carry_to_new_case(user_id: str, force_id: str, case_id: str, *, store: SessionStore, clock: Clock) -> None:
    """A case linked after a sign-out gets the account's mark too, or an old token could read it. The
    mark is read after the link is written, so a sign-out racing the link is carried as well."""
    ended = store.account_ended(user_id)
    if ended is not None and clock.now() < ended + SESSION_MARK_KEPT:
        store.mark_case(user_id, force_id, case_id, ended)


class CheckedCaseReader:
    """The case routes' reader: the partition they read anyway carries the caller's mark, so refusing an
    ended session costs no extra call. ``token`` gives the current request's token."""

    def __init__(self, inner: CaseReader, token: Callable[[], Token]) -> None:
        self._inner = inner
        self._token = token

    def read(self, force_id: str, case_id: str) -> CasePartition:
        partition = self._inner.read(force_id, case_id)
        token = self._token()
        check_session(token, partition.sessions_end.get(token.user_id))
        return partition


class CheckedLinkedCases:
    """ "My cases": the account's one Query returns its links and its mark together."""

    def __init__(self, inner: AccountReader, token: Callable[[], Token]) -> None:
        self._inner = inner
        self._token = token

    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        found, ended = self._inner.account(user_id)
        check_session(self._token(), ended)
        return found
