"""A victim's data rights: a download of only their own data, and closing their account."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from caseline.domain.accounts import Unlinking
from caseline.domain.case import CaseStage
from caseline.domain.delegation import Delegation, GrantedBy, Scope
from caseline.domain.errors import NotFoundError, StorageUnavailableError
from caseline.domain.event_types import CRIME_RECORDED, NEEDS_ASSESSED, OFFICER_MESSAGE, VICTIM_CONTACT_CHANGED
from caseline.domain.outbound import (
    DELEGATE_REMOVED,
    MESSAGE_SENT,
    OFFICER_TASK_CREATED,
    REVIEW_REQUESTED,
    UPDATE_REQUESTED,
    OutboundEvent,
    OutboundStatus,
)
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import (
    AuditEntry,
    CasePartition,
    CaseRecord,
    CaseSummary,
    StoredEvent,
    VictimContact,
    VictimMessage,
)
from caseline.domain.reports import ReportRecord, ReportStatus
from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.survey import SurveyAnswers, SurveyResponse
from caseline.domain.vocabulary import Channel
from caseline.services import data_rights, victim_cases
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
FORCE = "north-shire"


def _thread(count: str) -> str:
    """What close_account says it deleted from the message thread."""
    return (
        f"Your message thread: {count} you wrote to officers, as kept for you to read back "
        "(what the force received is kept, see below)."
    )


def _case(case_id: str, *, recorded: bool = True) -> CaseRecord:
    return CaseRecord(
        force_id=FORCE,
        case_id=case_id,
        crime_reference=f"NS{case_id}" if recorded else None,
        category="burglary" if recorded else None,
        flags=(),
        stage=CaseStage.OFFICER_ASSIGNED,
        sequence=3,
        officer={"name": "PC Ada Jones", "collar_number": "123", "team_contact": "01632 960000"},
        recorded_at=NOW,
        updated_at=NOW,
    )


def _victim(case_id: str, victim_id: str, name: str, mobile: str) -> VictimContact:
    return VictimContact(
        force_id=FORCE,
        case_id=case_id,
        victim_id=victim_id,
        name=name,
        email=f"{victim_id.lower()}@example.org",
        mobile=mobile,
        language="en",
        tier="enhanced",
        under_18=False,
        safe_contact=SafeContactProfile(safe_channels=(Channel.EMAIL,), may_name_crime=False),
    )


def _event(case_id: str, sequence: int, event_type: str, data: dict[str, object]) -> StoredEvent:
    at = NOW + timedelta(hours=sequence)
    return StoredEvent(FORCE, case_id, sequence, f"e{sequence}", event_type, at, at, True, data)


def _outbound(case_id: str, outbound_id: str, event_type: str, victim_id: str, **data: str) -> OutboundEvent:
    return OutboundEvent(
        FORCE, case_id, outbound_id, event_type, {"victim_id": victim_id, **data}, NOW, status=OutboundStatus.DELIVERED
    )


def _summary(case_id: str) -> CaseSummary:
    return CaseSummary(FORCE, case_id, f"NS{case_id}", "burglary", CaseStage.OFFICER_ASSIGNED, NOW)


class FakeDataRightsStore:
    """Links, case partitions and audit entries in memory, with the adapter's unlink semantics: the link,
    the membership and the user's messages go together, with the erasure's log entry."""

    def __init__(self) -> None:
        self.links: dict[str, list[CaseSummary]] = {}
        self.partitions: dict[str, CasePartition] = {}
        self.audit: list[AuditEntry] = []
        self.reads: list[str] = []
        self.fail_unlink: str | None = None
        self.reports: dict[str, list[ReportRecord]] = {}
        self.answers: dict[str, dict[str, object]] = {}
        self.opened: list[str] = []
        self.forgotten: list[str] = []  # accounts whose figures' own items were deleted
        self.notices: list[OutboundEvent] = []  # what the force is told as delegations end

    def add(self, partition: CasePartition, linked: dict[str, str]) -> None:
        assert partition.case is not None
        self.partitions[partition.case.case_id] = partition
        for user, victim_id in linked.items():
            partition.members[user] = victim_id
            self.links.setdefault(user, []).append(_summary(partition.case.case_id))

    # -- DataRightsStore
    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return list(self.links.get(user_id, []))

    def read(self, force_id: str, case_id: str) -> CasePartition:
        self.reads.append(case_id)
        found = self.partitions.get(case_id)
        if force_id != FORCE or found is None:
            return CasePartition(None, [], [], {}, [], [])
        return found

    def unlink(self, unlinking: Unlinking) -> int | None:
        user_id, case_id = unlinking.user_id, unlinking.erasure.case_id
        if self.fail_unlink == case_id:
            raise StorageUnavailableError()
        links = self.links.get(user_id, [])
        if not any(link.case_id == case_id for link in links):
            return None
        self.links[user_id] = [link for link in links if link.case_id != case_id]
        partition = self.partitions.get(case_id)
        if partition is None:
            return 0
        partition.members.pop(user_id, None)
        mine = [m for m in partition.messages if m.user_id == user_id]
        partition.messages[:] = [m for m in partition.messages if m.user_id != user_id]
        for delegation, notice in unlinking.ending:
            partition.delegations.remove(delegation)
            self.notices.append(notice)
        if unlinking.followed is not None:
            partition.delegations.remove(unlinking.followed)
        self.audit.append(unlinking.erasure)
        return len(mine)

    def my_reports(self, user_id: str) -> list[ReportRecord]:
        return list(self.reports.get(user_id, []))

    def report_answers(self, record: ReportRecord) -> dict[str, object]:
        self.opened.append(record.reference)
        return dict(self.answers[record.reference])

    def forget_account(self, user_id: str) -> None:
        self.forgotten.append(user_id)

    def detach_report(self, user_id: str, record: ReportRecord) -> bool:
        mine = self.reports.get(user_id, [])
        if record not in mine:
            return False
        mine.remove(record)
        return True

    # -- AuditLog
    def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)


class Identities:
    def __init__(self, *users: str) -> None:
        self.users = set(users)
        self.calls: list[tuple[str, int]] = []

    def make_deleter(self, store: FakeDataRightsStore) -> data_rights.IdentityDeleter:
        def delete(user_id: str) -> None:
            self.calls.append((user_id, len(store.linked_cases(user_id))))
            self.users.discard(user_id)  # already gone is fine

        return delete


@pytest.fixture
def store() -> FakeDataRightsStore:
    """Alex and Blake are both victims on shared case S1; Alex also has A1; Casey has C1 only."""
    store = FakeDataRightsStore()
    shared = CasePartition(
        _case("S1"),
        events=[
            _event("S1", 2, NEEDS_ASSESSED, {"victim_id": "V-BLAKE", "tier": "enhanced", "needs": ["housing"]}),
            _event("S1", 1, CRIME_RECORDED, {"crime_reference": "NSS1", "category": "burglary"}),
            _event("S1", 3, NEEDS_ASSESSED, {"victim_id": "V-ALEX", "tier": "enhanced", "needs": ["interpreter"]}),
            _event("S1", 4, VICTIM_CONTACT_CHANGED, {"victim_id": "V-BLAKE", "changed": ["mobile"]}),
            _event("S1", 5, OFFICER_MESSAGE, {"message_id": "m1", "text": "We have a suspect."}),
        ],
        victims=[
            _victim("S1", "V-ALEX", "Alex Morgan", "+447700900101"),
            _victim("S1", "V-BLAKE", "Blake Shaw", "+447700900202"),
        ],
        members={},
        messages=[
            VictimMessage(FORCE, "S1", "m-b", "blake", "Blake's private words", NOW + timedelta(minutes=1)),
            VictimMessage(FORCE, "S1", "m-a2", "alex", "Second", NOW + timedelta(minutes=9)),
            VictimMessage(FORCE, "S1", "m-a1", "alex", "First", NOW + timedelta(minutes=5)),
        ],
        outbound=[
            _outbound("S1", "msg-m-a1", MESSAGE_SENT, "V-ALEX"),
            _outbound("S1", "msg-m-b", MESSAGE_SENT, "V-BLAKE"),
            _outbound("S1", "update-V-ALEX-2026-03-02", UPDATE_REQUESTED, "V-ALEX"),
            _outbound("S1", "vrr-4-V-ALEX", REVIEW_REQUESTED, "V-ALEX", reasons="They were seen on camera."),
            _outbound("S1", "vrr-4-V-BLAKE", REVIEW_REQUESTED, "V-BLAKE", reasons="Blake's own words."),
            _outbound("S1", "task-V-ALEX", OFFICER_TASK_CREATED, "V-ALEX"),  # the force's, not Alex's
        ],
    )
    store.add(shared, {"alex": "V-ALEX", "blake": "V-BLAKE"})
    store.add(
        CasePartition(_case("A1"), [], [_victim("A1", "V-ALEX-2", "Alex Morgan", "+447700900101")], {}, [], []),
        {"alex": "V-ALEX-2"},
    )
    store.add(
        CasePartition(_case("C1"), [], [_victim("C1", "V-CASEY", "Casey Lee", "+447700900303")], {}, [], []),
        {"casey": "V-CASEY"},
    )
    return store


def _export(store: FakeDataRightsStore, user: str = "alex") -> dict[str, object]:
    return data_rights.export_my_data(user, f"{user}@example.org", store=store, audit=store, clock=FixedClock(NOW))


# ---------------------------------------------------------------- export


def test_the_export_holds_only_the_callers_cases_in_the_documented_shape(store: FakeDataRightsStore) -> None:
    document = _export(store)
    assert set(document) == {"format", "generated_at", "account", "cases", "following", "reports", "not_included"}
    assert document["format"] == "caseline.export.v1"
    assert document["generated_at"] == NOW.isoformat()
    assert document["account"] == {"user_id": "alex", "email": "alex@example.org"}
    cases = document["cases"]
    assert isinstance(cases, list)
    assert [c["case_id"] for c in cases] == ["A1", "S1"]  # never Casey's C1
    shared = cases[1]
    assert set(shared) == {
        "force_id",
        "case_id",
        "crime_reference",
        "category",
        "stage",
        "officer",
        "your_details",
        "timeline",
        "your_messages",
        "requests_to_the_force",
        "your_preferences",
        "your_survey",
        "your_safety_alerts",
        "people_following_your_case",
    }
    assert (shared["force_id"], shared["crime_reference"], shared["category"], shared["stage"]) == (
        FORCE,
        "NSS1",
        "burglary",
        "officer-assigned",
    )
    assert shared["officer"]["name"] == "PC Ada Jones"
    assert store.reads == ["A1", "S1"]  # one partition read per linked case, nothing else


def test_a_shared_case_exports_only_the_callers_own_details_messages_and_requests(
    store: FakeDataRightsStore,
) -> None:
    shared = _export(store)["cases"][1]  # type: ignore[index]
    assert shared["your_details"] == {
        "name": "Alex Morgan",
        "email": "v-alex@example.org",
        "mobile": "+447700900101",
        "language": "en",
        "tier": "enhanced",
        "safe_contact": {
            "safe_channels": ["email"],
            "safe_hours": None,
            "may_name_police": True,
            "may_name_crime": False,
        },
    }
    assert shared["your_messages"] == [
        {"text": "First", "sent_at": (NOW + timedelta(minutes=5)).isoformat()},
        {"text": "Second", "sent_at": (NOW + timedelta(minutes=9)).isoformat()},
    ]
    assert shared["requests_to_the_force"] == [
        {"type": MESSAGE_SENT, "created_at": NOW.isoformat(), "status": "delivered", "reasons": None},
        {"type": UPDATE_REQUESTED, "created_at": NOW.isoformat(), "status": "delivered", "reasons": None},
        {
            "type": REVIEW_REQUESTED,
            "created_at": NOW.isoformat(),
            "status": "delivered",
            "reasons": "They were seen on camera.",
        },
    ]
    # The timeline keeps case-wide entries and Alex's own, in order, but nothing about Blake
    assert [(t["sequence"], t["event_type"]) for t in shared["timeline"]] == [
        (1, CRIME_RECORDED),
        (3, NEEDS_ASSESSED),
        (5, OFFICER_MESSAGE),
    ]
    assert shared["timeline"][1]["data"]["needs"] == ["interpreter"]
    assert shared["timeline"][0]["occurred_at"] == (NOW + timedelta(hours=1)).isoformat()
    assert shared["your_survey"] is None  # Alex has not answered the closing survey
    assert shared["timeline"][0]["title"] == "We recorded your report"
    text = json.dumps(shared)
    for leak in ("Blake", "V-BLAKE", "+447700900202", "housing", "private words"):
        assert leak not in text


def test_the_export_holds_the_callers_own_survey_answers_and_never_anothers(store: FakeDataRightsStore) -> None:
    # Given Alex and Blake both answered the closing survey on their shared case
    shared = store.read(FORCE, "S1")
    for victim_id, user, score, comments in (
        ("V-ALEX", "alex", 4, "Kept well informed"),
        ("V-BLAKE", "blake", 1, None),
    ):
        answers = SurveyAnswers(score, score, score, comments)
        shared.surveys[victim_id] = SurveyResponse(FORCE, "S1", victim_id, user, answers, NOW)
    # When Alex downloads their data
    cases = _export(store)["cases"]
    # Then only Alex's answers are in it
    assert cases[1]["your_survey"] == {  # type: ignore[index]
        "satisfaction": 4,
        "kept_informed": 4,
        "easy_to_use": 4,
        "comments": "Kept well informed",
        "answered_at": NOW.isoformat(),
    }
    assert cases[0]["your_survey"] is None  # type: ignore[index]


def test_the_export_holds_the_callers_own_contact_preferences_and_never_anothers(
    store: FakeDataRightsStore,
) -> None:
    # Given Alex chose texts only, quiet hours and no "no news yet" updates on the shared case, and Blake
    # chose something else
    shared = store.read(FORCE, "S1")
    shared.preferences["V-ALEX"] = VictimPreferences(
        channels_off=frozenset({Channel.EMAIL}),
        hide_crime=True,
        safe_hours=SafeHours(time(9, 0), time(17, 30)),
        no_news_days=None,
        language="cy",
    )
    shared.preferences["V-BLAKE"] = VictimPreferences(hide_police=True, non_statutory=False)
    # When Alex downloads their data
    cases = _export(store)["cases"]
    # Then the shared case carries Alex's own choices, in the shape the preferences page uses
    assert cases[1]["your_preferences"] == {  # type: ignore[index]
        "channels": ["sms"],
        "name_police": True,
        "name_crime": False,
        "safe_hours": {"start": "09:00:00", "end": "17:30:00"},
        "no_news_days": None,
        "language": "cy",
        "non_statutory": True,
    }
    # and a case where Alex never set any says so
    assert cases[0]["your_preferences"] is None  # type: ignore[index]
    assert " ".join(_export(store)["not_included"]).count("preferences") == 0  # type: ignore[arg-type]


def test_each_exported_case_writes_one_consultation_log_entry(store: FakeDataRightsStore) -> None:
    _export(store)
    assert store.audit == [
        AuditEntry(FORCE, "A1", "alex", "exported-data", "victim downloading their own data", NOW),
        AuditEntry(FORCE, "S1", "alex", "exported-data", "victim downloading their own data", NOW),
    ]


def test_the_export_round_trips_through_json(store: FakeDataRightsStore) -> None:
    document = _export(store)
    assert json.loads(json.dumps(document)) == document


def test_not_included_says_what_is_held_but_not_exported(store: FakeDataRightsStore) -> None:
    not_included = _export(store)["not_included"]
    assert isinstance(not_included, list) and all(isinstance(line, str) and line for line in not_included)
    joined = " ".join(not_included)
    assert "consultation log" in joined and "section 62" in joined
    assert "other victims" in joined


def test_stale_links_and_unrecorded_cases_export_nothing_and_log_nothing(store: FakeDataRightsStore) -> None:
    # A link whose membership is gone, and a case the force has not recorded yet
    store.links["dana"] = [_summary("S1"), _summary("GONE")]
    store.add(CasePartition(_case("U1", recorded=False), [], [], {}, [], []), {"dana": "V-DANA"})
    document = data_rights.export_my_data("dana", None, store=store, audit=store, clock=FixedClock(NOW))
    assert document["cases"] == [] and document["account"] == {"user_id": "dana", "email": None}
    assert store.audit == []


def test_someone_with_no_cases_gets_an_empty_export() -> None:
    store = FakeDataRightsStore()
    document = data_rights.export_my_data("nobody", None, store=store, audit=store, clock=FixedClock(NOW))
    assert document["cases"] == [] and document["not_included"]


# ---------------------------------------------------------------- close account


def test_closing_unlinks_every_case_deletes_own_messages_then_the_identity(store: FakeDataRightsStore) -> None:
    identities = Identities("alex", "blake")
    result = data_rights.close_account(
        "alex", store=store, clock=FixedClock(NOW), delete_identity=identities.make_deleter(store)
    )
    assert result["cases_unlinked"] == 2
    assert result["deleted"] == [
        "The links between your account and 2 cases: you can no longer see them.",
        _thread("2 messages"),
        "Your Caseline sign-in: your email address, password and two-step verification settings.",
    ]
    assert result["kept"] == list(data_rights.KEPT)
    # The identity went last, once nothing was linked any more
    assert identities.calls == [("alex", 0)] and identities.users == {"blake"}
    assert store.forgotten == ["alex"]  # the force figures' own item about the account went too
    shared = store.partitions["S1"]
    assert shared.members == {"blake": "V-BLAKE"}  # Blake keeps the shared case
    assert [m.user_id for m in shared.messages] == ["blake"]
    assert len(shared.events) == 5 and len(shared.outbound) == 6 and len(shared.victims) == 2  # the force's record
    assert [(e.case_id, e.action) for e in store.audit] == [("S1", "closed-account"), ("A1", "closed-account")]
    # ...and Alex can no longer view the case
    with pytest.raises(NotFoundError):
        victim_cases.view_case("alex", FORCE, "S1", reader=store, audit=store, clock=FixedClock(NOW))


def test_the_kept_list_says_why_each_thing_is_kept(store: FakeDataRightsStore) -> None:
    kept = data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=lambda _: None)["kept"]
    joined = " ".join(kept)
    for thing in ("record of your case", "contact details", "What you sent to the force", "section 62"):
        assert thing in joined


def test_closing_twice_is_fine(store: FakeDataRightsStore) -> None:
    identities = Identities("alex")
    deleter = identities.make_deleter(store)
    data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=deleter)
    again = data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=deleter)
    assert again == {
        "deleted": ["Your Caseline sign-in: your email address, password and two-step verification settings."],
        "kept": list(data_rights.KEPT),
        "cases_unlinked": 0,
        "reports_detached": 0,
        "delegates_removed": 0,
    }
    assert identities.calls == [("alex", 0), ("alex", 0)]
    assert len(store.audit) == 2  # no erasure entries the second time


def test_a_case_that_fails_to_unlink_leaves_the_identity_for_a_retry(store: FakeDataRightsStore) -> None:
    identities = Identities("alex")
    store.fail_unlink = "A1"
    with pytest.raises(StorageUnavailableError):
        data_rights.close_account(
            "alex", store=store, clock=FixedClock(NOW), delete_identity=identities.make_deleter(store)
        )
    assert identities.calls == [] and identities.users == {"alex"}
    store.fail_unlink = None
    result = data_rights.close_account(
        "alex", store=store, clock=FixedClock(NOW), delete_identity=identities.make_deleter(store)
    )
    assert result["cases_unlinked"] == 1 and identities.users == set()


def test_a_link_closed_concurrently_is_not_counted(store: FakeDataRightsStore) -> None:
    class Racing(FakeDataRightsStore):
        def unlink(self, unlinking: Unlinking) -> int | None:
            return None

    racing = Racing()
    racing.links = store.links
    result = data_rights.close_account("alex", store=racing, clock=FixedClock(NOW), delete_identity=lambda _: None)
    assert result["cases_unlinked"] == 0
    assert result["deleted"] == [
        "Your Caseline sign-in: your email address, password and two-step verification settings."
    ]


def test_one_case_and_one_message_read_naturally() -> None:
    store = FakeDataRightsStore()
    store.add(
        CasePartition(
            _case("Z1"),
            [],
            [],
            {},
            [VictimMessage(FORCE, "Z1", "m", "zoe", "hi", NOW)],
            [],
        ),
        {"zoe": "V-ZOE"},
    )
    deleted = data_rights.close_account("zoe", store=store, clock=FixedClock(NOW), delete_identity=lambda _: None)[
        "deleted"
    ]
    assert deleted[:2] == [
        "The links between your account and 1 case: you can no longer see them.",
        _thread("1 message"),
    ]


# ---------------------------------------------------------------- reports made online


def _report(reference: str, user: str, minutes: int) -> ReportRecord:
    return ReportRecord(
        FORCE,
        reference,
        "burglary",
        NOW + timedelta(minutes=minutes),
        status=ReportStatus.RECORDED,
        user_id=user,
        crime_reference="NSR1",
    )


def test_the_export_holds_the_callers_own_reports_with_their_answers(store: FakeDataRightsStore) -> None:
    # Given Alex made two reports online (the older one second in the index) and Blake made one
    later, earlier = _report("TV-0002-BBBB", "alex", 30), _report("TV-0001-AAAA", "alex", 10)
    store.reports = {"alex": [later, earlier], "blake": [_report("TV-0003-CCCC", "blake", 20)]}
    store.answers = {
        r.reference: {"what_happened": f"Report {r.reference}", "reporter": {"name": "Alex Morgan"}}
        for r in (later, earlier)
    }
    # When Alex downloads their data
    document = _export(store)
    # Then both of Alex's reports are there, oldest first, with their opened answers, and Blake's is not
    assert document["reports"] == [
        {
            "force_id": FORCE,
            "report_reference": reference,
            "category": "burglary",
            "submitted_at": (NOW + timedelta(minutes=minutes)).isoformat(),
            "status": "recorded",
            "crime_reference": "NSR1",
            "reason": None,
            "where_to_go": None,
            "your_answers": {"what_happened": f"Report {reference}", "reporter": {"name": "Alex Morgan"}},
        }
        for reference, minutes in (("TV-0001-AAAA", 10), ("TV-0002-BBBB", 30))
    ]
    assert sorted(store.opened) == ["TV-0001-AAAA", "TV-0002-BBBB"]
    assert json.loads(json.dumps(document)) == document


def test_closing_detaches_the_callers_reports_and_says_the_force_keeps_them(store: FakeDataRightsStore) -> None:
    # Given Alex made two reports online and Blake one
    blakes = _report("TV-0003-CCCC", "blake", 20)
    store.reports = {"alex": [_report("TV-0001-AAAA", "alex", 10), _report("TV-0002-BBBB", "alex", 30)]}
    store.reports["blake"] = [blakes]
    # When Alex closes the account
    result = data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=lambda _: None)
    # Then both are off Alex's account (Blake's stays on Blake's), nothing was opened to do it, and the answer
    # says the reports went from the account while the force keeps them
    assert store.reports == {"alex": [], "blake": [blakes]}
    assert store.opened == []
    assert result["reports_detached"] == 2
    assert (
        "The links between your account and 2 reports you made online: they no longer show in your account "
        "(the force keeps the reports, see below)." in result["deleted"]
    )
    assert any(k.startswith("Crimes you reported online: the force has each report") for k in result["kept"])
    # ...and closing again detaches nothing more
    again = data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=lambda _: None)
    assert again["reports_detached"] == 0


# ---------------------------------------------------------------- people following a case


def _delegate(victim_id: str, delegation_id: str, *, user_id: str | None, by: GrantedBy) -> Delegation:
    return Delegation(
        FORCE, "S1", victim_id, delegation_id, "Sam", "family", Scope.MESSAGE, by, NOW, NOW + timedelta(days=7),
        user_id=user_id, accepted_at=NOW if user_id else None,
    )  # fmt: skip


def _followed(store: FakeDataRightsStore) -> tuple[Delegation, ...]:
    """On S1: Alex invited Jo (who took it up and wrote to the officer) and someone who has not yet; the force
    set up Pat for Alex; Blake invited Kim."""
    jo = _delegate("V-ALEX", "d-jo", user_id="jo", by=GrantedBy.VICTIM)
    pending = _delegate("V-ALEX", "d-pending", user_id=None, by=GrantedBy.VICTIM)
    pat = _delegate("V-ALEX", "d-pat", user_id="pat", by=GrantedBy.FORCE)
    kim = _delegate("V-BLAKE", "d-kim", user_id="kim", by=GrantedBy.VICTIM)
    shared = store.partitions["S1"]
    shared.delegations.extend([jo, pending, pat, kim])
    shared.messages.append(VictimMessage(FORCE, "S1", "m-jo", "jo", "Jo's words", NOW + timedelta(minutes=20)))
    shared.outbound.append(
        OutboundEvent(
            FORCE,
            "S1",
            "msg-m-jo",
            MESSAGE_SENT,
            {"victim_id": "V-ALEX", "sent_by": "delegate", "delegation_id": "d-jo"},
            NOW,
        )
    )
    store.links.setdefault("jo", []).append(_summary("S1"))
    return jo, pending, pat, kim


def test_closing_the_victims_account_ends_the_people_she_invited_and_tells_the_force(
    store: FakeDataRightsStore,
) -> None:
    # Given Alex invited Jo and someone else on the shared case, and the force set up Pat for her
    jo, pending, pat, kim = _followed(store)
    # When Alex closes her account
    result = data_rights.close_account("alex", store=store, clock=FixedClock(NOW), delete_identity=lambda _: None)
    # Then both her invitations end, the force is told of each, and she is told; Pat and Blake's Kim stay
    assert store.partitions["S1"].delegations == [pat, kim]
    assert [(n.event_type, n.data["granted_by"]) for n in store.notices] == [(DELEGATE_REMOVED, "victim")] * 2
    assert result["delegates_removed"] == 2
    assert "The access of 2 people you invited to follow your case" in " ".join(result["deleted"])
    assert any("People the force set up" in line for line in result["kept"])
    erasure = next(e for e in store.audit if e.case_id == "S1" and e.action == "closed-account")
    assert erasure.reason.endswith("; access of 2 people they invited ended")
    assert jo not in store.partitions["S1"].delegations and pending not in store.partitions["S1"].delegations


def test_a_delegate_downloads_the_case_they_follow_and_only_what_they_wrote(store: FakeDataRightsStore) -> None:
    # Given Jo follows Alex's case and wrote to the officer
    _followed(store)
    # When Jo downloads their data
    document = _export(store, "jo")
    # Then the case Jo follows is there, with Jo's own message and request, and nothing of Alex's
    assert document["cases"] == []
    assert document["following"] == [
        {
            "force_id": FORCE,
            "case_id": "S1",
            "crime_reference": "NSS1",
            "relationship": "family",
            "scope": "message",
            "granted_by": "victim",
            "accepted_at": NOW.isoformat(),
            "your_messages": [{"text": "Jo's words", "sent_at": (NOW + timedelta(minutes=20)).isoformat()}],
            "requests_to_the_force": [
                {"type": MESSAGE_SENT, "created_at": NOW.isoformat(), "status": "pending", "reasons": None}
            ],
        }
    ]
    assert [(e.case_id, e.user_id, e.reason) for e in store.audit] == [
        ("S1", "jo", "delegate downloading their own data")
    ]
    # And Alex's own download does not count Jo's message as hers: only her own one message
    alexs = next(c for c in _export(store)["cases"] if c["case_id"] == "S1")
    assert [r["type"] for r in alexs["requests_to_the_force"]].count(MESSAGE_SENT) == 1
