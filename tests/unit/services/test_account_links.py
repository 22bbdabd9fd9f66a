"""Who can see a case: the rules of listing, removing and revoking linked accounts, against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from caseline.domain.accounts import AccountRemoval, LinkedAccount, contact_reduced, link_id, mask_email
from caseline.domain.case import CaseStage
from caseline.domain.delegation import INVITATION_VALID, Delegation, GrantedBy, Scope
from caseline.domain.errors import NotFoundError, OwnAccountError
from caseline.domain.outbound import DELEGATE_REMOVED, LINKED_ACCOUNT_REMOVED, OutboundEvent
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import AuditEntry, CasePartition, CaseRecord
from caseline.domain.safe_contact import SafeHours
from caseline.domain.vocabulary import Channel
from caseline.services.account_links import list_accounts, remove_account, revoke_links
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
F, C = "north-shire", "C-1"


class Case:
    """One case's member items (the store), the partition the case routes read, and the directory."""

    def __init__(self, *accounts: LinkedAccount) -> None:
        self.members = {a.user_id: a for a in accounts}
        self.audits: list[AuditEntry] = []
        self.notices: list[OutboundEvent] = []
        self.delegates: list[Delegation] = []
        self.emails = {"alex": "alex.morgan@example.org", "mal": "mal@example.org", "sam": "sam@example.org"}

    # CaseReader
    def read(self, force_id: str, case_id: str) -> CasePartition:
        if (force_id, case_id) != (F, C):
            return CasePartition(None, [], [], {}, [], [])
        case = CaseRecord(F, C, "REF-1", "burglary", (), CaseStage.REPORTED, 1, None, NOW, NOW)
        members = {u: a.victim_id for u, a in self.members.items()}
        return CasePartition(case, [], [], members, [], [], delegations=list(self.delegates))

    # AccountLinkStore
    def accounts(self, force_id: str, case_id: str) -> list[LinkedAccount]:
        return list(self.members.values()) if (force_id, case_id) == (F, C) else []

    def remove(self, removal: AccountRemoval) -> bool:
        removed = self.members.pop(removal.account.user_id, None) is not None
        if removed:
            self.notices.extend([removal.notice] if removal.notice is not None else [])
            self.notices.extend(notice for _, notice in removal.ending)
            self.delegates = [d for d in self.delegates if all(d is not e for e, _ in removal.ending)]
        return removed

    def delegations(self, force_id: str, case_id: str) -> list[Delegation]:
        return list(self.delegates)

    # AccountDirectory
    def email(self, user_id: str) -> str | None:
        return self.emails.get(user_id)

    # AuditLog
    def record(self, entry: AuditEntry) -> None:
        self.audits.append(entry)


def account(user: str, victim: str = "V-1", minutes: int = 0) -> LinkedAccount:
    return LinkedAccount(user, victim, NOW + timedelta(minutes=minutes))


def listed(case: Case, user: str) -> list[tuple[str | None, bool]]:
    return [(a.email, a.you) for a in list_accounts(user, F, C, reader=case, store=case, directory=case)]


def remove(case: Case, user: str, target: str) -> None:
    remove_account(user, F, C, target, reader=case, store=case, audit=case, clock=FixedClock(NOW))


def test_only_the_accounts_of_the_callers_own_victim_record_are_listed_oldest_first() -> None:
    case = Case(account("mal", minutes=5), account("alex"), account("sam", victim="V-2"))
    assert listed(case, "alex") == [("a•••@example.org", True), ("m•••@example.org", False)]
    assert listed(case, "sam") == [("s•••@example.org", True)]  # another victim of the case: only their own


def test_a_stranger_cannot_list_or_remove() -> None:
    case = Case(account("alex"), account("mal"))
    with pytest.raises(NotFoundError):
        listed(case, "eve")
    with pytest.raises(NotFoundError):
        remove(case, "eve", link_id(F, C, "mal"))
    assert set(case.members) == {"alex", "mal"}


def test_removing_another_account_of_the_same_record_works_once_and_is_logged() -> None:
    case = Case(account("alex"), account("mal"))
    remove(case, "alex", link_id(F, C, "mal"))
    assert set(case.members) == {"alex"}
    assert [(a.user_id, a.action) for a in case.audits] == [("alex", "removed-linked-account")]
    [notice] = case.notices  # and the force hears of it, naming the link and the victim record
    assert (notice.event_type, notice.data["victim_id"], notice.data["link_id"]) == (
        LINKED_ACCOUNT_REMOVED,
        "V-1",
        link_id(F, C, "mal"),
    )
    with pytest.raises(NotFoundError):
        remove(case, "alex", link_id(F, C, "mal"))


def test_the_own_link_and_another_victims_link_are_refused() -> None:
    case = Case(account("alex"), account("sam", victim="V-2"))
    with pytest.raises(OwnAccountError):
        remove(case, "alex", link_id(F, C, "alex"))
    with pytest.raises(NotFoundError):  # same case, another victim's record
        remove(case, "alex", link_id(F, C, "sam"))
    with pytest.raises(NotFoundError):  # the right account, but its link to another case
        remove(case, "alex", link_id(F, "C-2", "sam"))
    assert set(case.members) == {"alex", "sam"} and case.audits == [] and case.notices == []


def test_revoking_removes_only_links_made_before_the_event_of_that_record() -> None:
    case = Case(account("alex"), account("mal", minutes=1), account("sam", victim="V-2"), account("new", minutes=10))
    removed = revoke_links(F, C, "V-1", NOW + timedelta(minutes=5), case)
    assert removed == 2 and set(case.members) == {"sam", "new"}


def test_revoking_one_link_by_its_id() -> None:
    case = Case(account("alex"), account("mal", minutes=1))
    assert revoke_links(F, C, "V-1", NOW + timedelta(hours=1), case, only=link_id(F, C, "mal")) == 1
    assert set(case.members) == {"alex"}
    assert revoke_links(F, C, "V-1", NOW + timedelta(hours=1), case, only="0" * 20) == 0


def _invited(by: str | None, delegation_id: str, granted_by: GrantedBy = GrantedBy.VICTIM) -> Delegation:
    return Delegation(
        F, C, "V-1", delegation_id, "Mum", "family", Scope.MESSAGE, granted_by, NOW, NOW + INVITATION_VALID,
        user_id=f"user-{delegation_id}", invited_by=by,
    )  # fmt: skip


def test_removing_an_account_ends_the_access_it_gave_and_tells_the_force() -> None:
    # Given Mal, linked to Alex's record, invited "Mum"; Alex invited Sam; the force set up a parent
    case = Case(account("alex"), account("mal"))
    mums, sams = _invited("mal", "d-mum"), _invited("alex", "d-sam")
    parent = _invited(None, "d-parent", GrantedBy.FORCE)
    case.delegates = [mums, sams, parent]
    # When Alex removes Mal's account
    remove(case, "alex", link_id(F, C, "mal"))
    # Then Mal's invitation ends with it, the force hears of both; Alex's and the force's stay
    assert case.delegates == [sams, parent]
    assert [n.event_type for n in case.notices] == [LINKED_ACCOUNT_REMOVED, DELEGATE_REMOVED]
    assert case.notices[1].data["delegation_id"] == "d-mum"


def test_revoking_every_link_ends_every_invitation_of_the_record_but_the_forces() -> None:
    # Given two accounts linked to V-1, each of which invited someone, one invitation whose inviter was not
    # kept, and one the force set up
    case = Case(account("alex"), account("mal", minutes=1))
    alexs, mals, unknown = _invited("alex", "d-a"), _invited("mal", "d-m"), _invited(None, "d-u")
    parent = _invited(None, "d-parent", GrantedBy.FORCE)
    case.delegates = [alexs, mals, unknown, parent]
    # When the force revokes every link made before its event
    assert revoke_links(F, C, "V-1", NOW + timedelta(minutes=5), case) == 2
    # Then all three invitations end, the force told of each; the force's own stays
    assert case.delegates == [parent]
    assert sorted(n.data["delegation_id"] for n in case.notices) == ["d-a", "d-m", "d-u"]


def test_revoking_one_link_ends_only_that_accounts_invitations() -> None:
    case = Case(account("alex"), account("mal", minutes=1))
    alexs, mals, unknown = _invited("alex", "d-a"), _invited("mal", "d-m"), _invited(None, "d-u")
    case.delegates = [alexs, mals, unknown]
    assert revoke_links(F, C, "V-1", NOW + timedelta(hours=1), case, only=link_id(F, C, "mal")) == 1
    assert case.delegates == [alexs, unknown]  # Alex still sees the case: she can remove the unknown one


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("alex.morgan@example.org", "a•••@example.org"),
        ("x@example.org", "x•••@example.org"),
        ("not-an-email", None),
        ("@example.org", None),
        (None, None),
    ],
)
def test_emails_are_masked(email: str | None, masked: str | None) -> None:
    assert mask_email(email) == masked


def test_link_ids_are_opaque_and_differ_by_case_and_account() -> None:
    ids = {link_id(F, C, "alex"), link_id(F, C, "mal"), link_id(F, "C-2", "alex"), link_id("south", C, "alex")}
    assert len(ids) == 4 and all(len(i) == 20 and "alex" not in i for i in ids)


ALL_ON = VictimPreferences()


@pytest.mark.parametrize(
    ("after", "reduced"),
    [
        (ALL_ON, []),
        (VictimPreferences(channels_off=frozenset({Channel.SMS})), ["channels"]),
        (VictimPreferences(non_statutory=False), ["updates"]),
        (VictimPreferences(no_news_days=None), ["no-news"]),
        (VictimPreferences(no_news_days=14), []),  # more often is not less contact
        (VictimPreferences(safe_hours=SafeHours(time(9), time(10))), ["safe-hours"]),
        (VictimPreferences(hide_police=True, hide_crime=True), []),  # what is said, not whether
    ],
)
def test_what_counts_as_cutting_back_contact(after: VictimPreferences, reduced: list[str]) -> None:
    assert contact_reduced(None, after) == reduced


def test_opting_back_in_or_hearing_no_news_more_often_is_not_a_cut() -> None:
    opted_out = VictimPreferences(non_statutory=False, no_news_days=None)
    assert contact_reduced(opted_out, VictimPreferences(no_news_days=14)) == []


@pytest.mark.parametrize(
    ("before", "undone"),
    [
        (VictimPreferences(safe_hours=SafeHours(time(9), time(17))), ["safe-hours"]),  # any time again
        (VictimPreferences(hide_police=True), ["naming"]),
        (VictimPreferences(hide_crime=True), ["naming"]),
        (VictimPreferences(channels_off=frozenset({Channel.SMS})), ["channels"]),  # a channel she removed
    ],
)
def test_undoing_her_safety_choices_counts_as_a_change_she_is_told_of(
    before: VictimPreferences, undone: list[str]
) -> None:
    # Someone holding her account must not make messages reach her at night, or name the police or the
    # crime, unseen: the notice goes by the ways and at the hours she chose, and the force gets a task.
    assert contact_reduced(before, ALL_ON) == undone
