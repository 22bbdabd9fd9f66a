"""The call handler's view (issue 15, item 3): a contact-centre role finds a case of its own force by crime
reference and sees what each victim sees and every message sent to them, after the look-up is audited with
its reason; another force's case is the same 404 as none; a role without the contact centre is forbidden."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from caseline.domain import staff_access as access
from caseline.domain.errors import ForbiddenError, NotFoundError, ValidationFailedError
from caseline.domain.event_types import OFFICER_MESSAGE
from caseline.domain.records import CasePartition, VictimMessage
from caseline.domain.staff_access import SentMessage, StaffAuditEntry, StaffMember, forces_with
from caseline.services import staff_cases, victim_cases
from tests.unit.builders import CASE_ID, FORCE, NOW, OTHER_FORCE, VICTIM_ID, case_record, stored_event, victim_contact
from tests.unit.fakes import FixedClock

REFERENCE = "NS/2026/0001"


class FakeStaffCases:
    """Cases by (force, case), the reference index, and the consultation log, in memory."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], tuple[CasePartition, list[SentMessage]]] = {}
        self.references: dict[str, list[tuple[str, str]]] = {}
        self.log: list[StaffAuditEntry] = []

    def add(self, force_id: str, case_id: str, reference: str, sent: list[SentMessage] | None = None) -> CasePartition:
        case = case_record(force_id=force_id, case_id=case_id, crime_reference=reference)
        victim = victim_contact(force_id=force_id, case_id=case_id)
        other = victim_contact(force_id=force_id, case_id=case_id, victim_id="V-2", name="Sam Example")
        officer = stored_event(
            force_id=force_id, case_id=case_id, sequence=2, event_type=OFFICER_MESSAGE, data={"text": "We have news"}
        )
        partition = CasePartition(
            case,
            [stored_event(force_id=force_id, case_id=case_id), officer],
            [other, victim],
            {"alex": VICTIM_ID, "alex-phone": VICTIM_ID, "sam": "V-2"},
            [VictimMessage(force_id, case_id, "m1", "alex-phone", "Any news?", NOW - timedelta(days=1))],
            [],
        )
        self.cases[(force_id, case_id)] = (partition, sent or [])
        self.references.setdefault(reference, []).append((force_id, case_id))
        return partition

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        return [(f, c, crime_reference) for f, c in self.references.get(crime_reference, [])]

    def read(self, force_id: str, case_id: str) -> tuple[CasePartition, list[SentMessage]]:
        return self.cases[(force_id, case_id)]

    def case_exists(self, force_id: str, case_id: str) -> bool:
        return (force_id, case_id) in self.cases

    def record(self, entry: StaffAuditEntry) -> None:
        self.log.append(entry)

    def entries(self, force_id: str, case_id: str) -> list[StaffAuditEntry]:
        return [e for e in self.log if (e.force_id, e.case_id) == (force_id, case_id)]


def staff(*groups: str, sub: str = "handler-1") -> StaffMember:
    return StaffMember(sub, f"{sub}@example.org", frozenset(groups))


def sent(victim_id: str, template_id: str, minutes: int) -> SentMessage:
    at = NOW - timedelta(minutes=minutes)
    return SentMessage(victim_id, template_id, None, "email", "sent", at, at, "delivered", None)


CALL_HANDLER = staff(access.CONTACT_CENTRE + FORCE)


@pytest.fixture
def store() -> FakeStaffCases:
    found = FakeStaffCases()
    found.add(
        FORCE, CASE_ID, REFERENCE, [sent(VICTIM_ID, "later", 5), sent("V-2", "theirs", 9), sent(VICTIM_ID, "first", 60)]
    )
    return found


def look_up(store: FakeStaffCases, who: StaffMember = CALL_HANDLER, **kw: str | None) -> staff_cases.StaffCaseView:
    args = {"crime_reference": REFERENCE, "reason": "victim-called-for-update", "detail": None, "force_id": None} | kw
    return staff_cases.look_up(who, **args, store=store, clock=FixedClock(NOW))  # type: ignore[arg-type]


def test_a_look_up_is_audited_with_who_when_and_why_before_the_answer(store: FakeStaffCases) -> None:
    found = look_up(store, reason="other", detail="Victim's sister asked on her behalf")
    assert (found.force_id, found.case_id, found.crime_reference) == (FORCE, CASE_ID, REFERENCE)
    assert store.log == [
        StaffAuditEntry(
            FORCE, CASE_ID, "handler-1", "handler-1@example.org", access.VIEWED_BY_STAFF,
            "other: Victim's sister asked on her behalf", NOW,
        )
    ]  # fmt: skip


def test_each_victim_is_shown_what_they_see_and_the_messages_sent_to_them_oldest_first(store: FakeStaffCases) -> None:
    found = look_up(store)
    assert [v.victim_id for v in found.victims] == [VICTIM_ID, "V-2"]
    alex = found.victims[0]
    partition, _ = store.read(FORCE, CASE_ID)
    # The victim's own view, from the same builder, with the messages of both of their linked accounts
    assert alex.view == victim_cases.victim_view(partition, VICTIM_ID, NOW, accounts={"alex", "alex-phone"})
    assert [(m.author, m.text) for m in alex.view.messages] == [("you", "Any news?"), ("officer", "We have news")]
    assert [m.template_id for m in alex.messages_sent] == ["first", "later"]
    assert [m.template_id for m in found.victims[1].messages_sent] == ["theirs"]
    assert found.victims[1].view.messages[0].author == "officer"  # Sam's thread has none of Alex's messages


def test_another_forces_case_is_the_same_not_found_as_no_case(store: FakeStaffCases) -> None:
    store.add(OTHER_FORCE, "S-1", "SS/2026/0009")
    with pytest.raises(NotFoundError) as other_force:
        look_up(store, crime_reference="SS/2026/0009")
    with pytest.raises(NotFoundError) as unknown:
        look_up(store, crime_reference="NS/2099/0000")
    assert str(other_force.value) == str(unknown.value)
    assert store.log == []  # nothing was read, so nothing is logged


@pytest.mark.parametrize("groups", [(access.ANALYSTS + FORCE,), (access.DPO + FORCE,), ()])
def test_staff_without_the_contact_centre_role_may_not_look_up(store: FakeStaffCases, groups: tuple[str, ...]) -> None:
    with pytest.raises(ForbiddenError):
        look_up(store, staff(*groups))
    assert store.log == []


@pytest.mark.parametrize(("reason", "detail", "field"), [("curious", None, "reason"), ("other", "  ", "detail")])
def test_a_reason_from_the_list_is_required_and_other_needs_words(
    store: FakeStaffCases, reason: str, detail: str | None, field: str
) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        look_up(store, reason=reason, detail=detail)
    assert refused.value.field == field
    assert store.log == []


def test_a_reference_shared_by_two_of_the_callers_forces_needs_the_force(store: FakeStaffCases) -> None:
    store.add(OTHER_FORCE, "S-2", REFERENCE)
    both = staff(access.CONTACT_CENTRE + FORCE, access.CONTACT_CENTRE + OTHER_FORCE)
    with pytest.raises(ValidationFailedError) as refused:
        look_up(store, both)
    assert refused.value.field == "force_id"
    assert look_up(store, both, force_id=OTHER_FORCE).case_id == "S-2"
    assert look_up(store, CALL_HANDLER).case_id == CASE_ID  # one of them only: no need to say


def test_a_stub_case_without_its_crime_recorded_is_not_found(store: FakeStaffCases) -> None:
    partition, _ = store.read(FORCE, CASE_ID)
    assert partition.case is not None
    store.cases[(FORCE, CASE_ID)] = (replace(partition, case=replace(partition.case, crime_reference=None)), [])
    with pytest.raises(NotFoundError):
        look_up(store)


def test_a_call_is_recorded_as_victim_called_for_the_force(store: FakeStaffCases) -> None:
    entry = staff_cases.record_call(
        CALL_HANDLER, FORCE, CASE_ID, " Wanted the court date ", store=store, clock=FixedClock(NOW)
    )
    assert store.log == [entry]
    assert (entry.action, entry.force_id, entry.reason, entry.at) == (
        access.VICTIM_CALLED,
        FORCE,
        "Wanted the court date",
        NOW,
    )


@pytest.mark.parametrize(("force_id", "case_id"), [(OTHER_FORCE, CASE_ID), (FORCE, "NO-SUCH")])
def test_a_call_on_another_forces_or_no_case_is_not_found(store: FakeStaffCases, force_id: str, case_id: str) -> None:
    store.add(OTHER_FORCE, CASE_ID, "SS/2026/0001")
    with pytest.raises(NotFoundError):
        staff_cases.record_call(CALL_HANDLER, force_id, case_id, None, store=store, clock=FixedClock(NOW))
    assert store.log == []


def test_analysts_and_the_dpo_list_a_cases_look_ups_and_calls(store: FakeStaffCases) -> None:
    look_up(store)
    staff_cases.record_call(CALL_HANDLER, FORCE, CASE_ID, None, store=store, clock=FixedClock(NOW))
    store.record(StaffAuditEntry(FORCE, CASE_ID, "alex", None, "viewed-case", "victim viewing their own case", NOW))
    for reader in (staff(access.ANALYSTS + FORCE), staff(access.DPO + FORCE)):
        listed = staff_cases.case_lookups(reader, FORCE, CASE_ID, store=store)
        # staff entries, not victims' visits
        assert [e.action for e in listed] == [access.VIEWED_BY_STAFF, access.VICTIM_CALLED]
    with pytest.raises(NotFoundError):
        staff_cases.case_lookups(staff(access.ANALYSTS + OTHER_FORCE), FORCE, CASE_ID, store=store)
    with pytest.raises(ForbiddenError):
        staff_cases.case_lookups(CALL_HANDLER, FORCE, CASE_ID, store=store)


def test_roles_never_read_as_one_another_whatever_the_force_id() -> None:
    groups = {"force-north-contact", "contact-north", "dpo-", "force-"}
    assert forces_with(access.ANALYSTS, groups) == {"north-contact"}  # a force whose id ends in -contact, not a role
    assert forces_with(access.CONTACT_CENTRE, groups) == {"north"}
    assert forces_with(access.DPO, groups) == set()
