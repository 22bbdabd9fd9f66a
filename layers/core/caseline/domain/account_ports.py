"""Ports of the victim's account and its case view: sign-in, sessions, linking, recovery, the case page,
preferences, the survey, data rights and the call handler's copy of the case page. Adapters implement
them; tests use fakes.

The case side (events, journeys, the outbox, delivery, duties, reports) is in ``caseline.domain.ports``;
together the two modules are every port (but the two still beside their value types in services:
see ``caseline.domain.ports``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: importing a port never loads the article modules (cold start)
    from caseline.domain.accounts import AccountRemoval, CaseMembership, LinkedAccount, Unlinking
    from caseline.domain.alerts import SafetyAlert
    from caseline.domain.allowances import Allowance
    from caseline.domain.articles import CaseContext, Recommendation
    from caseline.domain.delegation import Delegation, Invitation
    from caseline.domain.outbound import OutboundEvent
    from caseline.domain.preferences import VictimPreferences
    from caseline.domain.records import (
        AccessCodeRecord,
        AuditEntry,
        CasePartition,
        CaseSummary,
        Duty,
        VictimMessage,
        WriteOutcome,
    )
    from caseline.domain.reports import ReportRecord
    from caseline.domain.sign_up import Existing
    from caseline.domain.staff_access import SentMessage, StaffAuditEntry
    from caseline.domain.survey import SurveyResponse

GlobalSignOut = Callable[[str], None]
IdentityDeleter = Callable[[str], None]


# -- Reading a case and recording who read it


class CaseReader(Protocol):
    def read(self, force_id: str, case_id: str) -> CasePartition: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...


class ReadState(Protocol):
    def mark_read(self, user_id: str, force_id: str, case_id: str, at: datetime) -> None: ...


class AccountReader(Protocol):
    def account(self, user_id: str) -> tuple[list[CaseSummary], datetime | None]: ...


# -- Sign-in, sessions and account recovery


class SignInStore(Protocol):
    def memberships(self, user_id: str) -> list[CaseMembership]:
        """Every case the account is linked to (its links, each confirmed by the case's member item)."""
        ...

    def record(self, membership: CaseMembership, user_id: str, signed_in_at: datetime, day: date) -> WriteOutcome:
        """Write the day's sign-in record on the case; DUPLICATE when the account has one there already."""
        ...


class SessionStore(Protocol):
    def account_ended(self, user_id: str) -> datetime | None: ...

    def end_sessions(self, user_id: str, valid_after: datetime, cases: Sequence[tuple[str, str]]) -> None:
        """Mark each of these cases and the account: sessions before ``valid_after`` are over."""
        ...

    def mark_case(self, user_id: str, force_id: str, case_id: str, valid_after: datetime) -> None: ...


class VictimRisks(Protocol):
    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        """``is_high_risk_victim`` for this victim's current tier and the case's flags."""
        ...


class RecoveryAdmin(Protocol):
    def disable_self_service_recovery(self, user_id: str) -> None:
        """No password reset by email or SMS for this account (recovery goes through the force)."""
        ...


# -- Creating an account (docs/adr/0014)


class SignUpIdentity(Protocol):
    def sign_up(self, email: str, password: str) -> Existing:
        """Sign the address up (Cognito sends its code): ``Existing.NONE``, or what the pool already holds."""
        ...

    def resend_code(self, email: str) -> None:
        """Send an unconfirmed sign-up's code again."""
        ...

    def status(self, email: str) -> Existing:
        """What the pool holds for the address."""
        ...

    def confirm(self, email: str, code: str) -> bool:
        """Confirm an unconfirmed sign-up with its emailed code; False when the code is refused."""
        ...


class AccountNotices(Protocol):
    def send(self, *, to: str, subject: str, text: str) -> None: ...


class NoticeCap(Protocol):
    def allow(self, email: str) -> bool:
        """Count one email to the address; False once it has had the day's cap (nothing is then sent)."""
        ...


# -- Linking an account to a case, and the accounts linked


class LinkRepository(Protocol):
    def reserve_attempt(
        self, crime_reference: str, user_id: str, window: datetime, *, account_limit: int, reference_limit: int
    ) -> bool:
        """Count one attempt on the account's counter for ``window`` and, unless the account is past its
        limit, on the reference's (atomically, so parallel attempts each get their own count); True
        only if both counts are within their limits."""
        ...

    def release_attempt(self, crime_reference: str, user_id: str, window: datetime) -> None:
        """Give back an attempt that linked: the counters count failures."""
        ...

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        """(force, case, the case's crime reference) for every case with this reference."""
        ...

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]: ...

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        """Link the account and use the code up, in one transaction. DUPLICATE if the code is gone."""
        ...

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        """Enhanced-tier victim of domestic abuse: account recovery must go through the force."""
        ...


class AccountLinkStore(Protocol):
    def accounts(self, force_id: str, case_id: str) -> list[LinkedAccount]:
        """Every account linked to the case (its member items, strongly consistent)."""
        ...

    def remove(self, removal: AccountRemoval) -> bool:
        """Delete the account's member and link items (and store the notice for the force) together, with
        each ending delegation the account gave (its item, open code or delegate's link, and its notice for
        the force); False if the account was not linked (any more), and then nothing is written."""
        ...

    def delegations(self, force_id: str, case_id: str) -> list[Delegation]:
        """Every delegation on the case (its ``DELEGATE#`` items, strongly consistent)."""
        ...


class AccountDirectory(Protocol):
    def email(self, user_id: str) -> str | None:
        """The account's sign-in email, or None if the account is gone."""
        ...


# -- What the victim does on the case page


class MessageStore(Protocol):
    def send(self, message: VictimMessage, outbound: OutboundEvent, allowance: Allowance) -> WriteOutcome:
        """The message, its outbound event and the account's ``allowance`` (domain.allowances) in one write:
        DUPLICATE when the message was sent already (a retry with its key), CONFLICT (nothing written) when
        the allowance is no longer the version read."""
        ...


class OutboundCreator(Protocol):
    def create(self, event: OutboundEvent) -> WriteOutcome: ...


class ArticleRecommender(Protocol):
    def recommend(self, context: CaseContext, limit: int = 5) -> list[Recommendation]: ...


class PreferencesStore(Protocol):
    def load(self, force_id: str, case_id: str, victim_id: str) -> VictimPreferences | None: ...

    def save(
        self, force_id: str, case_id: str, victim_id: str, preferences: VictimPreferences, ask: OutboundEvent | None
    ) -> None:
        """Store the choices and (if any) the request to the force, together."""
        ...


class SurveyStore(Protocol):
    def save(self, response: SurveyResponse, outbound: OutboundEvent) -> WriteOutcome:
        """The answers and their outbound event together or not at all; DUPLICATE if either exists."""
        ...


class RequestStore(Protocol):
    def create(self, event: OutboundEvent, duties: Sequence[Duty]) -> WriteOutcome:
        """A victim's request to the force (outbound) and any duties it starts, in one write: DUPLICATE when
        the request exists already (docs/adr/0020)."""
        ...


class AlertStore(Protocol):
    def acknowledge(self, alert: SafetyAlert, user_id: str, at: datetime) -> WriteOutcome:
        """Set once: DUPLICATE when the alert was confirmed already (by this account or another of the victim's)."""
        ...


# -- Data rights


class DataRightsStore(Protocol):
    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        """The cases linked to this account (one Query on the account's partition)."""
        ...

    def read(self, force_id: str, case_id: str) -> CasePartition:
        """Everything on one case's partition (one Query)."""
        ...

    def unlink(self, unlinking: Unlinking) -> int | None:
        """Delete the account's link to the erasure's case, its membership of the case, the messages it
        sent there and the delegation it followed the case by; end each invitation it gave (as the
        victim's removal does: the delegation, its open code or the delegate's link, and the notice for the
        force); and write the erasure to the consultation log. All of it is one transaction, but for the
        oldest messages when there are too many for one.

        Returns how many messages were deleted, or None if the link was already gone (a concurrent close).
        """
        ...

    def my_reports(self, user_id: str) -> list[ReportRecord]:
        """Every report this account made signed in (its personal answers stay sealed)."""
        ...

    def report_answers(self, record: ReportRecord) -> dict[str, Any]:
        """The report's answers, the personal ones opened with the report's own key context."""
        ...

    def detach_report(self, user_id: str, record: ReportRecord) -> bool:
        """Take the report off the account: off the account's index of reports, and the account forgotten
        on it (so a later recording links no one). The report stays. False if it was not this account's."""
        ...

    def forget_account(self, user_id: str) -> None:
        """Delete what the force figures keep about the account itself (its first link, which says it is
        no longer a new account); its short-lived visit markers expire with their period."""
        ...


class StaffCaseStore(Protocol):
    """The call handler's view (``services.staff_cases``): a case by crime reference, read and audited."""

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        """(force, case, the case's crime reference) for every case with this reference."""
        ...

    def read(self, force_id: str, case_id: str) -> tuple[CasePartition, list[SentMessage]]:
        """The case's partition (one Query) and the messages sent to its victims."""
        ...

    def case_exists(self, force_id: str, case_id: str) -> bool: ...

    def record(self, entry: StaffAuditEntry) -> None: ...

    def entries(self, force_id: str, case_id: str) -> list[StaffAuditEntry]:
        """The staff entries of the case's consultation log, oldest first (one Query)."""
        ...


class DelegationStore(Protocol):
    """Delegated access (adapters/dynamodb/delegation.py)."""

    def invite(self, invitation: Invitation) -> WriteOutcome:
        """The delegation, its code, the force's notice if any and the victim record's delegates allowance,
        in one write (``Invitation``): the allowance only if still the version read, when it was read.
        DUPLICATE when the delegation id is taken (a redelivered force event), CONFLICT (nothing written)
        when another condition failed."""
        ...

    def find(self, code_hash: str) -> Delegation | None: ...
    def get(self, force_id: str, case_id: str, delegation_id: str) -> Delegation | None: ...
    def count_attempt(self, user_id: str, window: datetime) -> int: ...
    def accept(self, delegation: Delegation, user_id: str, code_hash: str, now: datetime) -> WriteOutcome: ...
    def remove(self, delegation: Delegation, notice: OutboundEvent | None = None) -> bool: ...
