"""The case view recommends articles for this case and this victim: their flags, stage, events, outcome,
tier, age, language and force."""

from __future__ import annotations

from datetime import timedelta

from caseline.domain.case import CaseStage
from caseline.domain.event_types import OUTCOME_RECORDED, SUSPECT_BAILED
from caseline.domain.records import AuditEntry, CasePartition, CaseRecord, StoredEvent, VictimContact
from caseline.services import victim_cases
from tests.fixtures.article_library import fixture_library
from tests.unit.builders import NOW, case_record, stored_event, victim_contact
from tests.unit.fakes import FixedClock


class World:
    def __init__(self, case: CaseRecord, victim: VictimContact, events: list[StoredEvent]) -> None:
        self.partition = CasePartition(case, events, [victim], {"alex": victim.victim_id}, [], [])
        self.audits: list[AuditEntry] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self.partition

    def record(self, entry: AuditEntry) -> None:
        self.audits.append(entry)


def view(case: CaseRecord, victim: VictimContact | None = None, *events: StoredEvent) -> list[tuple[str, str, str]]:
    world = World(case, victim or victim_contact(), [stored_event(), *events])
    found = victim_cases.view_case(
        "alex",
        case.force_id,
        case.case_id,
        reader=world,
        audit=world,
        clock=FixedClock(NOW),
        articles=fixture_library(),
    )
    return [(a.slug, a.title, a.reason) for a in found.recommended_articles]


def test_a_domestic_abuse_case_leads_with_keeping_safe() -> None:
    case = case_record(category="violent-crime", flags=("domestic-abuse",), stage=CaseStage.INVESTIGATING)
    bailed = stored_event(sequence=2, event_id="e2", event_type=SUSPECT_BAILED, occurred_at=NOW - timedelta(days=1))
    found = view(case, victim_contact(tier="enhanced"), bailed)
    assert found[0] == (
        "keeping-safe-domestic-abuse",
        "Keeping safe from domestic abuse",
        "Because your case involves domestic abuse: keeping safe comes first.",
    )
    assert [slug for slug, *_ in found[1:3]] == ["police-bail-and-bail-conditions", "domestic-abuse-support"]


def test_the_latest_outcome_decides_which_outcome_is_explained() -> None:
    case = case_record(stage=CaseStage.OUTCOME)
    first = stored_event(sequence=2, event_id="e2", event_type=OUTCOME_RECORDED, data={"outcome_type": 1})
    latest = stored_event(sequence=3, event_id="e3", event_type=OUTCOME_RECORDED, data={"outcome_type": 18})
    assert view(case, None, first, latest)[0][0] == "outcome-no-suspect-identified"


def test_a_young_victim_gets_articles_for_young_people_and_never_the_parents_one() -> None:
    slugs = [slug for slug, *_ in view(case_record(force_id="hampshire"), victim_contact(under_18=True))]
    assert "children-and-young-people" in slugs[:2]
    assert "parents-of-child-victims" not in slugs


def test_the_victim_s_force_version_of_an_article_is_the_one_recommended() -> None:
    found = view(case_record(force_id="hampshire"))
    assert ("victim-support", "Victim Support in Hampshire") in [(slug, title) for slug, title, _ in found]


def test_without_a_recommender_the_view_has_no_articles() -> None:
    world = World(case_record(), victim_contact(), [stored_event()])
    found = victim_cases.view_case(
        "alex", world.partition.case.force_id, "CASE-0001", reader=world, audit=world, clock=FixedClock(NOW)
    )  # type: ignore[union-attr]
    assert found.recommended_articles == []
