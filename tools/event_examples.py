"""The worked examples in docs/events/: one story per case, built by the simulator's builders (inbound) and
by the code that sends each outbound event, so every id, sequence, time and reference agrees.

- ``TVP-260914``: the scripted burglary (``scenarios.lifecycle``), crime recorded to case closed; its
  suspect's bail raises the safety alert the force hears of (``alert.unacknowledged``).
- ``TVP-260915``: a crime reported online (report ``TV-7K3M-Q9PX``) and recorded, a suspect released, a
  decision not to prosecute (``outcome.recorded``, type 15) the victim asks to have reviewed, a personal
  statement, an absence of the officer, a delegate. Every type the scripted case does not use.
- ``TV-2H8C-W4RD``: an online report the force did not record.

``make event-examples`` (``tools/event_examples.py FOLDER --outbound FOLDER``) writes them; unit tests fail
when the committed files are not what this module builds, or when the stories' references do not resolve
(tests/unit/local/test_force_sim_examples.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from caseline.domain import event_types as ev
from caseline.domain.alerts import SafetyAlert, alert_id
from caseline.domain.delegation import INVITATION_VALID, Delegation, GrantedBy, Scope, invitation_event, removed_event
from caseline.domain.outbound import OutboundEvent, task_event
from caseline.domain.outbound import envelope as outbound_envelope
from caseline.domain.reviews import ReviewOffer, review_event
from caseline.domain.statements import statement_event
from caseline.services.alert_timers import alert_task
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import Event, EventContext
from caseline_local.force_sim.people import case_facts
from caseline_local.force_sim.scenarios import lifecycle

FORCE = "thames-valley"
START = datetime(2026, 9, 14, 9, 15, tzinfo=UTC)
SCRIPTED = "TVP-260914"  # the scripted burglary
OTHER = "TVP-260915"  # the case an online report became
REPORT = "TV-7K3M-Q9PX"  # recorded as a crime: OTHER
NOT_RECORDED = "TV-2H8C-W4RD"
OUTBOUND_SOURCE = "urn:caseline:prod"
SAFE_CONTACT = {
    "safe_channels": ["email", "sms"],
    "safe_hours": {"start": "08:00", "end": "20:00"},
    "may_name_police": True,
    "may_name_crime": True,
}
REVIEW_REASONS = "The suspect was seen on a doorbell camera that nobody asked me about."
NOT_PURSUED = (
    "We have looked carefully at what you told us, at the cameras nearby and at what the person we spoke to "
    "said, but there is not enough evidence to charge anyone. If you find new information, please tell us."
)
VICTIMS_OWN_DELEGATION = "5e0c1d9a7b3f2a4c6d8e"  # Caseline's id (20 hex characters) for one the victim made


@dataclass(frozen=True)
class Example:
    """One file of the worked examples: an inbound event (``docs/events/examples``) or an outbound one
    (``docs/events/outbound``), in the order of its case's story."""

    name: str  # the file name without ``.json``
    document: dict[str, Any]
    inbound: bool


def _at(sequence: int, days: int, case_id: str = OTHER) -> EventContext:
    return EventContext(FORCE, case_id, sequence, START + timedelta(days=days, hours=2))


def _outbound(event: OutboundEvent) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(outbound_envelope(event, source=OUTBOUND_SOURCE))
    return document


def _name(event_type: str, case_id: str | None = None) -> str:
    """``officer.assigned.v1``; a second example of a type names its case: ``crime.recorded.v1.TVP-260915``."""
    short = event_type.removeprefix("org.caseline.")
    return f"{short}.{case_id}" if case_id else short


def _inbound(event: Event, *, second: bool = False) -> Example:
    return Example(_name(event["type"], event["subject"] if second else None), event, inbound=True)


def _scripted() -> list[Example]:
    """The burglary, and the safety alert its suspect's bail raised when the victim did not confirm it."""
    events = lifecycle(FORCE, SCRIPTED, START)
    events[0] = build.crime_recorded(
        EventContext(FORCE, SCRIPTED, 1, START), category="burglary", safe_contact=SAFE_CONTACT
    )
    bailed = next(e for e in events if e["type"] == ev.SUSPECT_BAILED)
    victim_id = case_facts(FORCE, SCRIPTED).victim_id
    raised = datetime.fromisoformat(bailed["time"]) + timedelta(minutes=5)
    number = alert_id(FORCE, SCRIPTED, victim_id, bailed["sequence"])
    alert = SafetyAlert(
        FORCE, SCRIPTED, number, victim_id, bailed["type"], bailed["sequence"], raised, ("email", "sms")
    )
    task = alert_task(alert, raised + timedelta(hours=8), repeated=True)
    unacknowledged = task_event(task.force_id, task.case_id, task.task_id, task.reason, task.detail, task.created_at)
    story = [_inbound(e) for e in events]
    story.insert(events.index(bailed) + 1, Example("alert.unacknowledged.v1", _outbound(unacknowledged), False))
    return story


def _reported_online() -> list[Example]:
    """Report TV-7K3M-Q9PX becomes case TVP-260915; then every type the scripted case does not use."""
    facts = case_facts(FORCE, OTHER)
    story = [
        _inbound(build.report_received(EventContext(FORCE, REPORT, 1, START + timedelta(hours=2)))),
        _inbound(build.report_recorded(EventContext(FORCE, REPORT, 2, START + timedelta(days=1)), case_id=OTHER)),
        _inbound(
            build.crime_recorded(_at(1, 1), tier="enhanced", with_officer=True, safe_contact=SAFE_CONTACT),
            second=True,
        ),
        _inbound(build.victim_contact_changed(_at(2, 2), safe_contact={**SAFE_CONTACT, "safe_channels": ["email"]})),
        _inbound(build.suspect_bail_conditions_changed(_at(3, 12))),
        _inbound(build.suspect_released_under_investigation(_at(4, 30))),
        _inbound(build.suspect_released_without_charge(_at(5, 60))),
        _inbound(build.investigation_not_pursued(_at(6, 61), reason=NOT_PURSUED)),
    ]
    decision = build.outcome_recorded(_at(7, 61), outcome_type=15)
    story.append(_inbound(decision, second=True))
    story += [
        _inbound(build.access_code_reissued(_at(8, 62))),
        _inbound(build.access_revoked(_at(9, 63), link_id="3f9c2a7b1e4d8c6a0b5f")),
    ]
    asked = START.replace(hour=19, minute=5) + timedelta(days=63)
    offer = ReviewOffer(decision_sequence=decision["sequence"], scheme="police", closes_on=asked.date())
    review = review_event(FORCE, OTHER, facts.victim_id, offer, REVIEW_REASONS, asked)
    request_id = str(review.data["request_id"])
    story.append(Example("victim.review-requested.v1", _outbound(review), inbound=False))
    story.append(_inbound(build.review_acknowledged(_at(10, 66), request_id=request_id)))
    statement_asked = START.replace(hour=9, minute=30) + timedelta(days=67)
    statement = statement_event(FORCE, OTHER, facts.victim_id, 1, "update", "read-by-someone-else", statement_asked)
    story.append(Example("victim.statement-requested.v1", _outbound(statement), inbound=False))
    removed_at = START.replace(hour=8, minute=0) + timedelta(days=79)
    friend = Delegation(
        FORCE, OTHER, facts.victim_id, VICTIMS_OWN_DELEGATION, "Alex Rivers", "friend", Scope.VIEW,
        GrantedBy.VICTIM, START + timedelta(days=40), START + timedelta(days=40) + INVITATION_VALID,
    )  # fmt: skip
    story.append(Example("victim.delegate-removed.v1", _outbound(removed_event(friend, removed_at)), inbound=False))
    story += [
        _inbound(build.review_decided(_at(11, 80), request_id=request_id)),
        _inbound(build.statement_taken(_at(12, 81), request_id=str(statement.data["request_id"]))),
        _inbound(build.officer_unavailable(_at(13, 82))),
        _inbound(build.officer_available(_at(14, 90))),
    ]
    delegated = build.access_delegated(_at(15, 91))
    received = datetime.fromisoformat(delegated["time"]) + timedelta(minutes=2)
    parent = Delegation(
        FORCE, OTHER, facts.victim_id, delegated["data"]["delegation_id"], delegated["data"]["name"],
        delegated["data"]["relationship"], Scope(delegated["data"]["scope"]), GrantedBy.FORCE,
        received, received + INVITATION_VALID,
    )  # fmt: skip
    story += [
        _inbound(delegated),
        Example("access.delegate-invitation.v1", _outbound(invitation_event(parent, "7KQ4-M2XD-9HBT-RW3C")), False),
        _inbound(build.access_delegation_ended(_at(16, 120))),
    ]
    return story


def stories() -> dict[str, list[Example]]:
    """Subject (case or report reference) → its examples in the order they happen."""
    online = _reported_online()
    return {
        SCRIPTED: _scripted(),
        REPORT: [e for e in online if e.document["subject"] == REPORT],
        OTHER: [e for e in online if e.document["subject"] == OTHER],
        NOT_RECORDED: [
            _inbound(build.report_not_recorded(EventContext(FORCE, NOT_RECORDED, 1, START + timedelta(days=2))))
        ],
    }


def all_examples() -> list[Example]:
    return [example for story in stories().values() for example in story]


def example_events() -> dict[str, Event]:
    """Event type → its example event (the first of its type). Every type in ``INBOUND_EVENT_DATA_MODELS``
    has one."""
    found: dict[str, Event] = {}
    for example in all_examples():
        if example.inbound:
            found.setdefault(example.document["type"], example.document)
    return found


def file_name(event_type: str) -> str:
    return f"{_name(event_type)}.json"


def render(event: Event) -> str:
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def render_outbound(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write_examples(folder: Path, outbound: Path | None = None) -> list[Path]:
    """The inbound examples into ``folder``; the outbound ones into ``outbound`` when given."""
    written = []
    for example in all_examples():
        target = folder if example.inbound else outbound
        if target is None:
            continue
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{example.name}.json"
        text = render(example.document) if example.inbound else render_outbound(example.document)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the worked examples of docs/events/.")
    parser.add_argument("folder", help="the folder of the inbound examples (docs/events/examples)")
    parser.add_argument("--outbound", help="the folder of the outbound examples (docs/events/outbound)")
    args = parser.parse_args(argv)
    for path in write_examples(Path(args.folder), Path(args.outbound) if args.outbound else None):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
