"""Officer absence: the case records the newest ``officer.unavailable`` until it is cancelled or a new officer
is assigned; the case page names the cover only on the days it covers; a victim's message or update request
in that time is marked for the cover team."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from caseline.domain import event_types as ev
from caseline.domain.absence import current_absence, for_cover, officer_away
from caseline.domain.allowances import Allowance
from caseline.domain.case_state import fold
from caseline.domain.events import OfficerUnavailableData
from caseline.domain.outbound import OutboundEvent
from caseline.domain.personalisation import event_values
from caseline.domain.records import CasePartition, StoredEvent, VictimMessage
from caseline.services import officer_messages, victim_cases
from tests.unit.builders import CASE_ID, FORCE, NOW, crime_recorded_data, officer_block, stored_event, victim_contact
from tests.unit.fakes import FixedClock

AWAY = {"away_from": "2026-03-03", "away_until": "2026-03-13", "cover_team": "Burglary team B"}


def event(sequence: int, event_type: str, data: dict[str, object]) -> StoredEvent:
    return stored_event(sequence=sequence, event_id=f"evt-{sequence}", event_type=event_type, data=data)


RECORDED = event(1, ev.CRIME_RECORDED, crime_recorded_data(officer=officer_block()))
UNAVAILABLE = event(2, ev.OFFICER_UNAVAILABLE, AWAY)


def folded(*events: StoredEvent) -> dict[str, str] | None:
    return fold(FORCE, CASE_ID, [RECORDED, *events], revision=1).officer_absence


def test_the_fold_keeps_the_newest_absence_until_it_is_cancelled_or_a_new_officer_takes_over() -> None:
    assert folded() is None
    assert folded(UNAVAILABLE) == AWAY
    assert folded(UNAVAILABLE, event(3, ev.OFFICER_AVAILABLE, {})) is None
    officer = {"name": "DC Lee Park", "collar_number": "4411", "team_contact": "01632 960011"}
    assert folded(UNAVAILABLE, event(3, ev.OFFICER_ASSIGNED, {"officer": officer})) is None
    # Arrival order does not matter: a late unavailable (lower sequence) does not undo the newer cancel
    assert folded(event(3, ev.OFFICER_AVAILABLE, {}), UNAVAILABLE) is None


def test_the_contract_refuses_an_absence_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="away_until"):
        OfficerUnavailableData.model_validate({**AWAY, "away_until": "2026-03-01"})


@pytest.mark.parametrize(
    ("today", "away"),
    [(date(2026, 3, 2), False), (date(2026, 3, 3), True), (date(2026, 3, 13), True), (date(2026, 3, 14), False)],
)
def test_an_absence_counts_only_on_its_own_days(today: date, away: bool) -> None:
    assert (current_absence(AWAY, today) is not None) is away


def test_the_page_says_until_when_and_who_is_looking_after_the_case() -> None:
    absence = current_absence(AWAY, date(2026, 3, 4))
    assert officer_away(absence) == (
        "Your officer is away until Friday 13 March 2026. Burglary team B is looking after your case."
    )
    no_team = current_absence({"away_from": "2026-03-03", "away_until": "2026-03-13"}, date(2026, 3, 4))
    assert officer_away(no_team) == (
        "Your officer is away until Friday 13 March 2026. Another officer in their team is looking after your case."
    )
    assert for_cover(no_team) == {"for_cover_team": True, "officer_away_until": "2026-03-13"}
    assert officer_away(None) is None and for_cover(None) == {}


class World:
    def __init__(self, partition: CasePartition) -> None:
        self.partition = partition
        self.sent: list[OutboundEvent] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self.partition

    def record(self, entry: object) -> None:
        pass

    def send(self, message: VictimMessage, outbound: OutboundEvent, allowance: Allowance) -> None:
        self.sent.append(outbound)

    def create(self, outbound: OutboundEvent) -> object:
        self.sent.append(outbound)
        return None


def world(*events: StoredEvent) -> World:
    case = fold(FORCE, CASE_ID, [RECORDED, *events], revision=1)
    victim = victim_contact()
    return World(CasePartition(case, [RECORDED, *events], [victim], {"alex": victim.victim_id}, [], []))


def at(day: date) -> FixedClock:
    return FixedClock(datetime.combine(day, NOW.timetz()))


def test_the_case_view_names_the_cover_and_its_reply_time_only_while_the_officer_is_away() -> None:
    place = world(UNAVAILABLE)
    during = victim_cases.view_case("alex", FORCE, CASE_ID, reader=place, audit=place, clock=at(date(2026, 3, 10)))
    assert during.officer_away is not None and "Burglary team B is looking after your case" in during.officer_away
    assert during.expected_reply is not None and during.expected_reply.startswith("While your officer is away")
    [away] = [entry for entry in during.timeline if entry.title == "Your officer is away"]
    assert away.detail == "From Tuesday 3 March 2026 to Friday 13 March 2026, with Burglary team B covering."
    after = victim_cases.view_case("alex", FORCE, CASE_ID, reader=place, audit=place, clock=at(date(2026, 3, 14)))
    assert after.officer_away is None
    assert after.expected_reply == "Your officer aims to reply to messages within 5 working days."


def test_a_message_and_an_update_request_during_the_absence_are_marked_for_the_cover_team() -> None:
    place = world(UNAVAILABLE)
    officer_messages.send_message(
        "alex", FORCE, CASE_ID, "Any news?", reader=place, store=place, clock=at(date(2026, 3, 4))
    )
    officer_messages.request_update("alex", FORCE, CASE_ID, reader=place, outbound=place, clock=at(date(2026, 3, 5)))
    for sent in place.sent:
        assert sent.data["for_cover_team"] is True and sent.data["cover_team"] == "Burglary team B", sent.event_type
    later = at(date(2026, 3, 14))
    officer_messages.send_message("alex", FORCE, CASE_ID, "Hello again", reader=place, store=place, clock=later)
    assert "for_cover_team" not in place.sent[-1].data


def test_a_closed_case_or_one_without_an_officer_says_nothing_about_an_absence() -> None:
    closed = world(UNAVAILABLE, event(3, ev.CASE_CLOSED, {"closed_at": "2026-03-02T12:00:00Z"}))
    no_officer = world(UNAVAILABLE)
    assert no_officer.partition.case is not None
    no_officer.partition = replace(no_officer.partition, case=replace(no_officer.partition.case, officer=None))
    for place in (closed, no_officer):
        found = victim_cases.view_case("alex", FORCE, CASE_ID, reader=place, audit=place, clock=at(date(2026, 3, 4)))
        assert found.officer_away is None and found.expected_reply is None


def test_the_message_says_the_last_day_away_and_who_covers_even_when_the_force_names_no_team() -> None:
    assert event_values(ev.OFFICER_UNAVAILABLE, AWAY) == {
        "away_until": "Friday 13 March 2026",
        "cover_team": "Burglary team B",
        "cover_phone": "",
        "has_cover_phone": "",
    }
    unnamed = event_values(ev.OFFICER_UNAVAILABLE, {**AWAY, "cover_team": None, "cover_phone": "01632 960011"})
    assert (unnamed["cover_team"], unnamed["has_cover_phone"]) == ("Another officer in their team", "yes")
